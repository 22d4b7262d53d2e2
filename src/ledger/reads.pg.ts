/**
 * Reads of the ledger: balances now and as of an instant, account movements for a period (what
 * the camt.052/053/054 builders need), the trial balance, single records, and the invariant
 * checker. Every read that combines several statements runs them in one REPEATABLE READ
 * transaction, so opening balance, movements and closing balance come from one snapshot.
 *
 * Time. A posting belongs to the instant its batch was booked (booked_at, the writer's clock).
 * balanceAt(t) includes every posting booked at or before t; movements(from, to) lists the
 * postings booked in (from, to], so closing = opening + sum(movements) by construction. A batch
 * commits a few milliseconds after its booking instant: report a period only once it is closed
 * by more than the writer's longest batch (seconds, not milliseconds), e.g. end of day + 1 min.
 *
 * Only posted postings are balances; reservations are reported separately as pending amounts.
 */
import { money, type Money } from '../domain/index.js';
import { toBigint, toInt, toStr, type Db, type Queryable, type Row } from '../db/index.js';
import type { AccountKind } from './accounts.js';
import { exposure } from './batch.js';
import { judgeLedger, type AccountAudit, type InvariantReport } from './invariants.js';
import type { EntryRecord, LedgerRecord, Links, References } from './journal.js';
import { ACCOUNT_COLUMNS, ENTRY_JOINS, accountFromRow, entryFromRow, loadRecords } from './store.pg.js';

export interface AccountView {
  readonly id: string;
  readonly kind: AccountKind;
  readonly participant: string | null;
  readonly currency: string;
  /** Posted balance: > 0 debit balance, < 0 credit balance. */
  readonly posted: Money;
  readonly pendingDebits: Money;
  readonly pendingCredits: Money;
  readonly limit: { readonly netDebitCap: Money; readonly prefunded: Money } | null;
  /** netDebitCap + prefunded - (posted + pendingDebits) for a limited account, else null. */
  readonly available: Money | null;
}

function accountView(r: Row): AccountView {
  const a = accountFromRow(r);
  const m = (v: bigint) => money(a.currency, v);
  return {
    id: a.id,
    kind: a.kind,
    participant: r.participant == null ? null : toStr(r.participant, 'participant'),
    currency: a.currency,
    posted: m(a.posted),
    pendingDebits: m(a.pendingDebits),
    pendingCredits: m(a.pendingCredits),
    limit: a.limit
      ? { netDebitCap: m(a.limit.netDebitCapMinor), prefunded: m(a.limit.prefundedMinor) }
      : null,
    available: a.limit ? m(a.limit.netDebitCapMinor + a.limit.prefundedMinor - exposure(a)) : null,
  };
}

/** An account's current balances and limit, or null when it does not exist. */
export async function getAccount(q: Queryable, id: string): Promise<AccountView | null> {
  const r = await q.query(`SELECT ${ACCOUNT_COLUMNS}, participant FROM ledger_account WHERE id = $1`, [id]);
  return r.rows[0] ? accountView(r.rows[0]) : null;
}

export interface AccountFilter {
  readonly currency?: string;
  readonly participant?: string;
  readonly kind?: AccountKind;
}

export async function listAccounts(q: Queryable, filter: AccountFilter = {}): Promise<AccountView[]> {
  const r = await q.query(
    `SELECT ${ACCOUNT_COLUMNS}, participant FROM ledger_account
      WHERE ($1::text IS NULL OR currency = $1) AND ($2::text IS NULL OR participant = $2) AND ($3::text IS NULL OR kind = $3)
      ORDER BY id`,
    [filter.currency ?? null, filter.participant ?? null, filter.kind ?? null],
  );
  return r.rows.map(accountView);
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** SQL: the posted balance of account a.id as of $n (postings booked after it subtracted). */
const postedAsOf = (param: string) =>
  `a.posted - coalesce((SELECT sum(p.amount) FROM ledger_posting p
      WHERE p.account_id = a.id AND NOT p.pending AND p.booked_at > ${param}::timestamptz), 0)`;

/** The posted balance of an account as of an instant (postings booked at or before it). */
export async function balanceAt(q: Queryable, id: string, atMs: number): Promise<Money | null> {
  const r = await q.query(
    `SELECT a.currency, (${postedAsOf('$2')})::text AS balance FROM ledger_account a WHERE a.id = $1`,
    [id, iso(atMs)],
  );
  const row = r.rows[0];
  return row ? money(toStr(row.currency, 'currency'), toBigint(row.balance, 'balance')) : null;
}

/** One posting of a period, with what a camt entry reports about it. */
export interface Movement {
  readonly entryId: string;
  readonly key: string;
  readonly kind: 'transfer' | 'post';
  readonly leg: number;
  /** > 0 debit (camt DBIT), < 0 credit (CRDT). */
  readonly amount: Money;
  readonly bookedAtMs: number;
  /** ISO date; the booking date (UTC) when the entry has none. */
  readonly valueDate: string;
  readonly links: Links;
  readonly refs: References;
  readonly description: string | null;
  /** The entry's other accounts, in leg order. */
  readonly counterparties: readonly string[];
}

export interface AccountMovements {
  readonly account: string;
  readonly currency: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** Posted balance as of fromMs. */
  readonly opening: Money;
  /** Posted balance as of toMs (= opening + sum of all movements of the period). */
  readonly closing: Money;
  readonly movements: Movement[];
  /** False when the period has more than rowsMax movements and only the first are listed. */
  readonly complete: boolean;
}

export interface MovementsQuery {
  readonly fromMs: number;
  readonly toMs: number;
  /** Most movements returned; default 100,000. */
  readonly rowsMax?: number;
}

/** Opening and closing posted balances and the postings booked in (fromMs, toMs]. */
export async function movements(
  db: Db,
  account: string,
  query: MovementsQuery,
): Promise<AccountMovements | null> {
  const rowsMax = query.rowsMax ?? 100_000;
  if (query.toMs < query.fromMs) throw new RangeError('movements: toMs is before fromMs');
  return db.transaction(
    async (tx) => {
      const head = await tx.query(
        `SELECT a.currency, (${postedAsOf('$2')})::text AS opening, (${postedAsOf('$3')})::text AS closing
           FROM ledger_account a WHERE a.id = $1`,
        [account, iso(query.fromMs), iso(query.toMs)],
      );
      const h = head.rows[0];
      if (!h) return null;
      const currency = toStr(h.currency, 'currency');
      const rows = await tx.query(
        `SELECT p.leg, p.amount, e.id::text AS id, e.idempotency_key, e.kind, e.pending_id::text AS pending_id,
                pe.idempotency_key AS pending_key, e.corrects_id::text AS corrects_id, ce.idempotency_key AS corrects_key,
                e.payment_id, e.cycle_id, e.return_id, e.statement_ref, e.uetr, e.end_to_end_id, e.tx_id, e.instr_id,
                e.msg_id, e.value_date, e.description, e.booked_at,
                ARRAY(SELECT q.account_id FROM ledger_posting q
                       WHERE q.entry_id = p.entry_id AND q.leg <> p.leg ORDER BY q.leg) AS counterparties
           FROM ledger_posting p JOIN ledger_entry e ON e.id = p.entry_id ${ENTRY_JOINS}
          WHERE p.account_id = $1 AND NOT p.pending AND p.booked_at > $2::timestamptz AND p.booked_at <= $3::timestamptz
          ORDER BY p.booked_at, p.entry_id, p.leg
          LIMIT $4`,
        [account, iso(query.fromMs), iso(query.toMs), rowsMax + 1],
      );
      const list: Movement[] = rows.rows.slice(0, rowsMax).map((r) => {
        const e: EntryRecord = entryFromRow(r, []);
        const cps = r.counterparties;
        return {
          entryId: e.id,
          key: e.key,
          kind: e.kind as 'transfer' | 'post',
          leg: toInt(r.leg, 'leg'),
          amount: money(currency, toBigint(r.amount, 'amount')),
          bookedAtMs: e.bookedAtMs,
          valueDate: e.valueDate ?? iso(e.bookedAtMs).slice(0, 10),
          links: e.links,
          refs: e.refs,
          description: e.description,
          counterparties: Array.isArray(cps) ? cps.map((c) => toStr(c, 'counterparty')) : [],
        };
      });
      return {
        account,
        currency,
        fromMs: query.fromMs,
        toMs: query.toMs,
        opening: money(currency, toBigint(h.opening, 'opening')),
        closing: money(currency, toBigint(h.closing, 'closing')),
        movements: list,
        complete: rows.rows.length <= rowsMax,
      };
    },
    { isolation: 'repeatable read', retryCountMax: 0 },
  );
}

export interface TrialBalanceLine {
  readonly account: string;
  readonly kind: AccountKind;
  readonly participant: string | null;
  readonly currency: string;
  /** Posted debit balance (>= 0) and credit balance (>= 0); one of them is zero. */
  readonly debit: Money;
  readonly credit: Money;
  readonly pendingDebits: Money;
  readonly pendingCredits: Money;
}

export interface TrialBalanceTotal {
  readonly currency: string;
  readonly debit: Money;
  readonly credit: Money;
  /** debit - credit; zero in a sound ledger. */
  readonly difference: Money;
}

export interface TrialBalance {
  /** null: current balances (pending included); otherwise posted balances as of this instant. */
  readonly atMs: number | null;
  readonly lines: TrialBalanceLine[];
  readonly totals: TrialBalanceTotal[];
}

/** Every account's debit or credit balance and the per-currency totals. */
export async function trialBalance(q: Queryable, opts: { atMs?: number } = {}): Promise<TrialBalance> {
  const at = opts.atMs;
  const r = await q.query(
    at === undefined
      ? `SELECT a.id, a.kind, a.participant, a.currency, a.posted::text AS balance, a.pending_debits, a.pending_credits
           FROM ledger_account a ORDER BY a.currency, a.id`
      : `SELECT a.id, a.kind, a.participant, a.currency, (${postedAsOf('$1')})::text AS balance,
                0 AS pending_debits, 0 AS pending_credits
           FROM ledger_account a ORDER BY a.currency, a.id`,
    at === undefined ? [] : [iso(at)],
  );
  const totals = new Map<string, { d: bigint; c: bigint }>();
  const lines: TrialBalanceLine[] = r.rows.map((row) => {
    const currency = toStr(row.currency, 'currency');
    const bal = toBigint(row.balance, 'balance');
    const t = totals.get(currency) ?? { d: 0n, c: 0n };
    if (bal > 0n) t.d += bal;
    else t.c -= bal;
    totals.set(currency, t);
    return {
      account: toStr(row.id, 'id'),
      kind: toStr(row.kind, 'kind') as AccountKind,
      participant: row.participant == null ? null : toStr(row.participant, 'participant'),
      currency,
      debit: money(currency, bal > 0n ? bal : 0n),
      credit: money(currency, bal < 0n ? -bal : 0n),
      pendingDebits: money(currency, toBigint(row.pending_debits, 'pending_debits')),
      pendingCredits: money(currency, toBigint(row.pending_credits, 'pending_credits')),
    };
  });
  return {
    atMs: at ?? null,
    lines,
    totals: [...totals].map(([currency, t]) => ({
      currency,
      debit: money(currency, t.d),
      credit: money(currency, t.c),
      difference: money(currency, t.d - t.c),
    })),
  };
}

/** The record (entry or void) stored under an idempotency key, or null. */
export async function getRecord(q: Queryable, key: string): Promise<LedgerRecord | null> {
  const { records } = await loadRecords(q, [key]);
  return records.get(key) ?? null;
}

/**
 * Proves the ledger's invariants over the whole journal, in one snapshot (invariants.ts lists
 * them): every entry complete and balanced per currency, posted balances summing to zero per
 * currency, pending debits equal to pending credits, every stored balance equal to the sum of its
 * postings, no limit exceeded. A full scan: run it at end of day, not per payment.
 */
export async function checkInvariants(db: Db, problemsMax = 100): Promise<InvariantReport> {
  return db.transaction(
    async (tx) => {
      const acc = await tx.query(
        `SELECT ${ACCOUNT_COLUMNS.split(', ')
          .map((c) => `a.${c}`)
          .join(', ')},
                coalesce(s.posted, 0)::text AS j_posted, coalesce(s.pd, 0)::text AS j_pd, coalesce(s.pc, 0)::text AS j_pc
           FROM ledger_account a
           LEFT JOIN (
             SELECT p.account_id,
                    sum(p.amount) FILTER (WHERE NOT p.pending) AS posted,
                    sum(p.amount) FILTER (WHERE p.pending AND p.amount > 0 AND x.pending_id IS NULL) AS pd,
                    -sum(p.amount) FILTER (WHERE p.pending AND p.amount < 0 AND x.pending_id IS NULL) AS pc
               FROM ledger_posting p LEFT JOIN ledger_resolution x ON x.pending_id = p.entry_id
              GROUP BY p.account_id) s ON s.account_id = a.id`,
      );
      const audits: AccountAudit[] = acc.rows.map((row) => ({
        ...accountFromRow(row),
        postedFromJournal: toBigint(row.j_posted, 'j_posted'),
        pendingDebitsFromJournal: toBigint(row.j_pd, 'j_pd'),
        pendingCreditsFromJournal: toBigint(row.j_pc, 'j_pc'),
      }));
      const bad = await tx.query(
        `SELECT e.idempotency_key AS key FROM ledger_entry e
           LEFT JOIN (SELECT entry_id, count(*) AS n FROM ledger_posting GROUP BY entry_id) c ON c.entry_id = e.id
          WHERE c.n IS DISTINCT FROM e.posting_count OR e.posting_count < 2
         UNION
         SELECT coalesce(e.idempotency_key, '(postings of a missing entry ' || u.entry_id::text || ')')
           FROM (SELECT entry_id FROM ledger_posting GROUP BY entry_id, currency HAVING sum(amount) <> 0
                 UNION SELECT p.entry_id FROM ledger_posting p LEFT JOIN ledger_account a ON a.id = p.account_id
                        WHERE a.id IS NULL OR a.currency <> p.currency) u
           LEFT JOIN ledger_entry e ON e.id = u.entry_id
         UNION
         SELECT '(posting of unknown entry ' || p.entry_id::text || ')' FROM ledger_posting p
           LEFT JOIN ledger_entry e ON e.id = p.entry_id WHERE e.id IS NULL
         LIMIT $1`,
        [problemsMax],
      );
      const count = await tx.query(`SELECT count(*) AS n FROM ledger_entry`);
      return judgeLedger(
        audits,
        bad.rows.map((r) => toStr(r.key, 'key')),
        toInt(count.rows[0]?.n, 'count'),
        problemsMax,
      );
    },
    { isolation: 'repeatable read', retryCountMax: 0 },
  );
}
