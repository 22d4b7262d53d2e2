/**
 * The ledger's SQL: loading the view a batch needs, writing a decided batch set-based in one
 * statement, opening accounts and setting limits. Shell code over the database port only (no
 * driver import), so it runs on PostgreSQL and on PGlite alike.
 *
 * One writer per currency at a time. Every transaction that changes balances of a currency
 * first takes the currency's turn (lockCurrencies: it increments the currency's version row in
 * ledger_currency, which locks the row until commit), in ascending currency order, and decides
 * only on balances read after that or proven current by the version. Any number of
 * LedgerWriter instances and processes may run: per currency they take turns batch by batch,
 * each deciding on the balances the previous one committed, so no update is lost, no limit is
 * checked against a stale balance and, turns being taken in one global order, no deadlock can
 * form between them. Batches are netted, so a batch updates each account row once.
 */
import {
  assert,
  InvariantError,
  money,
  rejection,
  type Rejection,
  type Result,
  err,
  ok,
} from '../domain/index.js';
import { toBigint, toDate, toInt, toIsoDate, toStr, type Queryable, type Row, type Tx } from '../db/index.js';
import { hasLimit, parseAccountId, type AccountKind, type AccountSpec, type Limit } from './accounts.js';
import type { AccountState, BatchResult, LedgerView, ResolutionOutcome } from './batch.js';
import {
  keysOf,
  type Command,
  type EntryRecord,
  type LedgerRecord,
  type Links,
  type Posting,
} from './journal.js';

/**
 * Takes the currencies' write turn: increments each currency's row in ledger_currency, in
 * ascending order, which locks the rows until the transaction ends. Returns the new versions.
 * Every transaction that changes balances calls this first (the writer, setLimit), so a version
 * tells a writer whether anyone else changed balances of the currency since it last looked.
 */
export async function lockCurrencies(
  tx: Queryable,
  currencies: Iterable<string>,
): Promise<Map<string, bigint>> {
  const list = [...new Set(currencies)].sort();
  const out = new Map<string, bigint>();
  if (list.length === 0) return out;
  for (const c of list) assert(/^[A-Z]{3}$/.test(c), () => `not a currency code: ${c}`);
  // INSERT … SELECT takes the rows in array order, so the row locks are taken in ascending order
  const r = await tx.query(
    `INSERT INTO ledger_currency AS c (currency, version) SELECT u, 1 FROM unnest($1::text[]) AS u
     ON CONFLICT (currency) DO UPDATE SET version = c.version + 1 RETURNING currency, version`,
    [plainArray(list)],
  );
  for (const row of r.rows) out.set(toStr(row.currency, 'currency'), toBigint(row.version, 'version'));
  return out;
}

// ---------------------------------------------------------------------------------------------
// array literals: one parameter per column, built directly (faster than the driver's per-element
// escaping for thousands of elements, and the same text on pg and PGlite)

function textArray(values: readonly (string | null | undefined)[]): string {
  // multi-argument unnest pads a shorter array with NULLs: an all-NULL column travels as '{}'
  if (values.every((v) => v === null || v === undefined)) return '{}';
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    out += v === null || v === undefined ? 'NULL' : `"${v.replace(/[\\"]/g, '\\$&')}"`;
  }
  return `${out}}`;
}

/** Elements known to need no quoting: uuids, integers, booleans. */
function plainArray(values: readonly (string | number | bigint | boolean | null)[]): string {
  if (values.every((v) => v === null || v === undefined)) return '{}';
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    out += v === null || v === undefined ? 'NULL' : String(v);
  }
  return `${out}}`;
}

/** Builds one array literal element by element; all-NULL arrays come out as '{}' (see textArray). */
class ArrayLiteral {
  #out = '';
  #n = 0;
  #values = 0;
  #sep(): void {
    if (this.#n++ > 0) this.#out += ',';
  }
  text(v: string | null | undefined): void {
    this.#sep();
    if (v === null || v === undefined) this.#out += 'NULL';
    else {
      this.#values++;
      this.#out += v.includes('"') || v.includes('\\') ? `"${v.replace(/[\\"]/g, '\\$&')}"` : `"${v}"`;
    }
  }
  plain(v: string | number | bigint | boolean | null | undefined): void {
    this.#sep();
    if (v === null || v === undefined) this.#out += 'NULL';
    else {
      this.#values++;
      this.#out += String(v);
    }
  }
  toString(): string {
    return this.#values === 0 ? '{}' : `{${this.#out}}`;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

// ---------------------------------------------------------------------------------------------
// row converters

function linksFrom(r: Row, correctsKey: unknown): Links {
  const l: { -readonly [K in keyof Links]: Links[K] } = {};
  if (r.payment_id != null) l.paymentId = toStr(r.payment_id, 'payment_id');
  if (r.cycle_id != null) l.cycleId = toStr(r.cycle_id, 'cycle_id');
  if (r.return_id != null) l.returnId = toStr(r.return_id, 'return_id');
  if (r.statement_ref != null) l.statementRef = toStr(r.statement_ref, 'statement_ref');
  if (correctsKey != null) l.correctsKey = toStr(correctsKey, 'corrects_key');
  return l;
}

export function accountFromRow(r: Row): AccountState {
  const cap = r.net_debit_cap;
  const limit: Limit | null =
    cap === null || cap === undefined
      ? null
      : {
          netDebitCapMinor: toBigint(cap, 'net_debit_cap'),
          prefundedMinor: toBigint(r.prefunded, 'prefunded'),
        };
  return {
    id: toStr(r.id, 'ledger_account.id'),
    kind: toStr(r.kind, 'ledger_account.kind') as AccountKind,
    currency: toStr(r.currency, 'ledger_account.currency'),
    posted: toBigint(r.posted, 'ledger_account.posted'),
    pendingDebits: toBigint(r.pending_debits, 'ledger_account.pending_debits'),
    pendingCredits: toBigint(r.pending_credits, 'ledger_account.pending_credits'),
    limit,
  };
}

export const ACCOUNT_COLUMNS =
  'id, kind, currency, posted, pending_debits, pending_credits, net_debit_cap, prefunded';

const ENTRY_COLUMNS = `e.id::text AS id, e.idempotency_key, e.kind, e.pending_id::text AS pending_id,
  pe.idempotency_key AS pending_key, e.corrects_id::text AS corrects_id, ce.idempotency_key AS corrects_key,
  e.payment_id, e.cycle_id, e.return_id, e.statement_ref, e.uetr, e.end_to_end_id, e.tx_id, e.instr_id,
  e.msg_id, e.value_date, e.description, e.booked_at`;

/**
 * Joins that complete an entry row `e` with the keys of the entries it names. Every lookup here
 * and below is a LATERAL (… OFFSET 0) probe of a unique index, so a batch costs the same
 * whatever the journal's size and whatever the table statistics say.
 */
export const ENTRY_JOINS = `
  LEFT JOIN LATERAL (SELECT x.idempotency_key FROM ledger_entry x WHERE x.id = e.pending_id OFFSET 0) pe ON true
  LEFT JOIN LATERAL (SELECT x.idempotency_key FROM ledger_entry x WHERE x.id = e.corrects_id OFFSET 0) ce ON true`;

/** An entry row (ENTRY_COLUMNS) and its postings in leg order. */
export function entryFromRow(r: Row, postings: readonly Posting[]): EntryRecord {
  const refs: { -readonly [K in keyof EntryRecord['refs']]: string } = {};
  if (r.uetr != null) refs.uetr = toStr(r.uetr, 'uetr');
  if (r.end_to_end_id != null) refs.endToEndId = toStr(r.end_to_end_id, 'end_to_end_id');
  if (r.tx_id != null) refs.txId = toStr(r.tx_id, 'tx_id');
  if (r.instr_id != null) refs.instrId = toStr(r.instr_id, 'instr_id');
  if (r.msg_id != null) refs.msgId = toStr(r.msg_id, 'msg_id');
  return {
    kind: toStr(r.kind, 'ledger_entry.kind') as EntryRecord['kind'],
    id: toStr(r.id, 'ledger_entry.id'),
    key: toStr(r.idempotency_key, 'ledger_entry.idempotency_key'),
    postings,
    pendingId: r.pending_id == null ? null : toStr(r.pending_id, 'pending_id'),
    pendingKey: r.pending_key == null ? null : toStr(r.pending_key, 'pending_key'),
    correctsId: r.corrects_id == null ? null : toStr(r.corrects_id, 'corrects_id'),
    links: linksFrom(r, r.corrects_key),
    refs,
    valueDate: r.value_date == null ? null : toIsoDate(r.value_date, 'value_date'),
    description: r.description == null ? null : toStr(r.description, 'description'),
    bookedAtMs: toDate(r.booked_at, 'booked_at').getTime(),
  };
}

function postingFromRow(r: Row): Posting {
  const currency = toStr(r.currency, 'ledger_posting.currency');
  return {
    account: toStr(r.account_id, 'ledger_posting.account_id'),
    amount: money(currency, toBigint(r.amount, 'amount')),
  };
}

/** Postings of the given entries, grouped by entry id, in leg order. */
export async function loadPostings(
  q: Queryable,
  entryIds: readonly string[],
): Promise<Map<string, Posting[]>> {
  const out = new Map<string, Posting[]>();
  if (entryIds.length === 0) return out;
  const r = await q.query(
    `SELECT p.entry_id::text AS entry_id, p.leg, p.account_id, p.currency, p.amount
       FROM unnest($1::uuid[]) AS k(id)
       CROSS JOIN LATERAL (SELECT * FROM ledger_posting x WHERE x.entry_id = k.id OFFSET 0) p
      ORDER BY p.entry_id, p.leg`,
    [plainArray(entryIds)],
  );
  for (const row of r.rows) {
    const id = toStr(row.entry_id, 'entry_id');
    let list = out.get(id);
    if (!list) out.set(id, (list = []));
    assert(toInt(row.leg, 'leg') === list.length + 1, () => `entry ${id}: legs out of order`);
    list.push(postingFromRow(row));
  }
  return out;
}

/** Records (entries and voids) by idempotency key, with the resolution of every reservation found. */
export async function loadRecords(
  q: Queryable,
  keys: readonly string[],
): Promise<{ records: Map<string, LedgerRecord>; resolutions: Map<string, ResolutionOutcome> }> {
  const records = new Map<string, LedgerRecord>();
  const resolutions = new Map<string, ResolutionOutcome>();
  if (keys.length === 0) return { records, resolutions };
  const r = await q.query(
    `SELECT 'entry' AS src, ${ENTRY_COLUMNS}, x.outcome AS resolution, NULL::text AS reason
       FROM unnest($1::text[]) AS k(key)
       CROSS JOIN LATERAL (SELECT * FROM ledger_entry y WHERE y.idempotency_key = k.key OFFSET 0) e ${ENTRY_JOINS}
       LEFT JOIN LATERAL (SELECT y.outcome FROM ledger_resolution y WHERE y.pending_id = e.id OFFSET 0) x ON true
     UNION ALL
     SELECT 'void', NULL, v.idempotency_key, 'void', v.pending_id::text, pe.idempotency_key, NULL, NULL,
            v.payment_id, v.cycle_id, v.return_id, v.statement_ref, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            v.resolved_at, NULL, v.reason
       FROM unnest($1::text[]) AS k(key)
       CROSS JOIN LATERAL (SELECT * FROM ledger_resolution y
                            WHERE y.idempotency_key = k.key AND y.outcome = 'voided' OFFSET 0) v
       CROSS JOIN LATERAL (SELECT y.idempotency_key FROM ledger_entry y WHERE y.id = v.pending_id OFFSET 0) pe`,
    [textArray(keys)],
  );
  const entryRows = r.rows.filter((row) => row.src === 'entry');
  const postings = await loadPostings(
    q,
    entryRows.map((row) => toStr(row.id, 'id')),
  );
  for (const row of r.rows) {
    if (row.src === 'entry') {
      const id = toStr(row.id, 'id');
      const e = entryFromRow(row, postings.get(id) ?? []);
      records.set(e.key, e);
      if (row.resolution != null) resolutions.set(id, toStr(row.resolution, 'outcome') as ResolutionOutcome);
    } else {
      const key = toStr(row.idempotency_key, 'idempotency_key');
      records.set(key, {
        kind: 'void',
        key,
        pendingId: toStr(row.pending_id, 'pending_id'),
        pendingKey: toStr(row.pending_key, 'pending_key'),
        reason: toStr(row.reason, 'reason'),
        links: linksFrom(row, null),
        atMs: toDate(row.booked_at, 'resolved_at').getTime(),
      });
    }
  }
  return { records, resolutions };
}

export async function loadAccounts(q: Queryable, ids: Iterable<string>): Promise<Map<string, AccountState>> {
  const list = [...new Set(ids)];
  const out = new Map<string, AccountState>();
  if (list.length === 0) return out;
  const r = await q.query(
    `SELECT a.* FROM unnest($1::text[]) AS k(id)
       CROSS JOIN LATERAL (SELECT ${ACCOUNT_COLUMNS} FROM ledger_account x WHERE x.id = k.id OFFSET 0) a`,
    [textArray(list)],
  );
  for (const row of r.rows) {
    const a = accountFromRow(row);
    out.set(a.id, a);
  }
  return out;
}

function postingCurrencies(units: readonly (readonly Command[])[]): Set<string> {
  const out = new Set<string>();
  for (const unit of units)
    for (const c of unit)
      if (c.kind === 'transfer' || c.kind === 'reserve')
        for (const p of c.postings) out.add(p.amount.currency);
  return out;
}

/** Currencies of the stored reservations named by the keys (reservations never change). */
async function reservationCurrencies(q: Queryable, keys: readonly string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const r = await q.query(
    `SELECT DISTINCT p.currency FROM unnest($1::text[]) AS k(key)
       CROSS JOIN LATERAL (SELECT y.id FROM ledger_entry y WHERE y.idempotency_key = k.key AND y.kind = 'reserve' OFFSET 0) e
       CROSS JOIN LATERAL (SELECT y.currency FROM ledger_posting y WHERE y.entry_id = e.id OFFSET 0) p`,
    [textArray(keys)],
  );
  return r.rows.map((row) => toStr(row.currency, 'currency'));
}

/** Every currency a batch may change: its postings' and those of the accounts in its view. */
export function viewCurrencies(view: LedgerView, units: readonly (readonly Command[])[]): Set<string> {
  const out = postingCurrencies(units);
  for (const a of view.accounts.values()) out.add(a.currency);
  return out;
}

/**
 * Reads what applyBatch needs, without taking any lock: the records every key of the units
 * names (with the postings of those entries), and every account the commands or their
 * reservations touch — from `known` when it has them, else from the database. Correct only
 * when the caller then proves nobody changed the currencies meanwhile (versions), or reads under
 * the lock (loadView).
 */
export async function readView(
  q: Queryable,
  units: readonly (readonly Command[])[],
  known: { get(id: string): AccountState | undefined },
  overlay?: {
    records: ReadonlyMap<string, LedgerRecord>;
    resolutions: ReadonlyMap<string, ResolutionOutcome>;
  },
): Promise<LedgerView> {
  const keys = new Set<string>();
  for (const unit of units) for (const c of unit) for (const k of keysOf(c)) keys.add(k);
  const { records, resolutions } = await loadRecords(q, [...keys]);
  if (overlay) {
    // records of a batch decided but perhaps not committed yet: they win over what was read
    for (const k of keys) {
      const r = overlay.records.get(k);
      if (r) records.set(k, r);
    }
    for (const [id, o] of overlay.resolutions) resolutions.set(id, o);
  }
  const accountIds = new Set<string>();
  for (const unit of units)
    for (const c of unit)
      if (c.kind === 'transfer' || c.kind === 'reserve')
        for (const p of c.postings) accountIds.add(p.account);
  for (const rec of records.values())
    if (rec.kind === 'reserve') for (const p of rec.postings) accountIds.add(p.account);
  const accounts = new Map<string, AccountState>();
  const missing: string[] = [];
  for (const id of accountIds) {
    const a = known.get(id);
    if (a) accounts.set(id, a);
    else missing.push(id);
  }
  for (const [id, a] of await loadAccounts(q, missing)) accounts.set(id, a);
  return { accounts, records, resolutions };
}

/**
 * Loads what applyBatch needs under the currency locks. The currencies are known before
 * anything mutable is read: the batch's own postings, plus those of the stored reservations its
 * posts and voids name (immutable, so safe to read before locking). All locks are taken at once
 * in ascending order, and only then are records and balances read. A reservation committed by
 * another writer between the two reads may bring a currency not locked yet; its lock is taken
 * then, out of order, and should that ever deadlock PostgreSQL aborts one transaction with
 * 40P01, which is retried.
 */
export async function loadView(
  tx: Tx,
  units: readonly (readonly Command[])[],
  held: ReadonlyMap<string, bigint> = new Map(),
): Promise<{ view: LedgerView; versions: Map<string, bigint> }> {
  const wanted = postingCurrencies(units);
  const pendingKeys: string[] = [];
  for (const unit of units)
    for (const c of unit) if (c.kind === 'post' || c.kind === 'void') pendingKeys.push(c.pendingKey);
  for (const c of await reservationCurrencies(tx, pendingKeys)) wanted.add(c);
  const versions = new Map(held);
  const lock = async (cs: Iterable<string>) => {
    const todo = [...cs].filter((c) => !versions.has(c));
    for (const [c, v] of await lockCurrencies(tx, todo)) versions.set(c, v);
  };
  await lock(wanted);
  const view = await readView(tx, units, new Map());
  await lock(viewCurrencies(view, units));
  return { view, versions };
}

// ---------------------------------------------------------------------------------------------
// writing a batch: one statement, entries + postings + resolutions + netted balance updates

const WRITE_SQL = `
WITH e AS (
  INSERT INTO ledger_entry (id, idempotency_key, kind, posting_count, pending_id, corrects_id, payment_id, cycle_id,
    return_id, statement_ref, uetr, end_to_end_id, tx_id, instr_id, msg_id, value_date, description, booked_at)
  SELECT u.*, $18::timestamptz FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int2[], $5::uuid[], $6::uuid[],
    $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
    $16::date[], $17::text[]) AS u
), p AS (
  INSERT INTO ledger_posting (entry_id, leg, account_id, currency, amount, pending, booked_at)
  SELECT u.*, $18::timestamptz FROM unnest($19::uuid[], $20::int2[], $21::text[], $22::text[], $23::int8[], $24::bool[]) AS u
), r AS (
  INSERT INTO ledger_resolution (pending_id, outcome, entry_id, idempotency_key, reason, payment_id, cycle_id,
    return_id, statement_ref, resolved_at)
  SELECT u.*, $18::timestamptz FROM unnest($25::uuid[], $26::text[], $27::uuid[], $28::text[], $29::text[],
    $30::text[], $31::text[], $32::text[], $33::text[]) AS u
), a AS (
  UPDATE ledger_account a
     SET posted = a.posted + d.dp, pending_debits = a.pending_debits + d.dd, pending_credits = a.pending_credits + d.dc
    FROM unnest($34::text[], $35::int8[], $36::int8[], $37::int8[], $38::int8[], $39::int8[], $40::int8[])
         AS d(id, dp, dd, dc, xp, xd, xc)
   WHERE a.id = d.id
  RETURNING (a.posted = d.xp AND a.pending_debits = d.xd AND a.pending_credits = d.xc) AS as_decided
)
SELECT count(*)::int AS updated, count(*) FILTER (WHERE NOT as_decided)::int AS drifted FROM a`;

/**
 * Writes a decided batch in the caller's transaction. The balance update adds the netted deltas
 * and returns whether each row now holds exactly the balances applyBatch computed: a difference
 * means someone changed balances without the currency lock, and is a broken invariant.
 */
export async function writeBatch(tx: Queryable, result: BatchResult, nowMs: number): Promise<void> {
  const { entries, resolutions: x, deltas, accounts } = result;
  if (entries.length === 0 && x.length === 0 && deltas.length === 0) return;
  // one pass, straight into PostgreSQL array literals
  const e = Array.from({ length: 17 }, () => new ArrayLiteral());
  const p = Array.from({ length: 6 }, () => new ArrayLiteral());
  for (const en of entries) {
    e[0]!.plain(en.id);
    e[1]!.text(en.key);
    e[2]!.plain(en.kind);
    e[3]!.plain(en.postings.length);
    e[4]!.plain(en.pendingId);
    e[5]!.plain(en.correctsId);
    e[6]!.text(en.links.paymentId);
    e[7]!.text(en.links.cycleId);
    e[8]!.text(en.links.returnId);
    e[9]!.text(en.links.statementRef);
    e[10]!.text(en.refs.uetr);
    e[11]!.text(en.refs.endToEndId);
    e[12]!.text(en.refs.txId);
    e[13]!.text(en.refs.instrId);
    e[14]!.text(en.refs.msgId);
    e[15]!.plain(en.valueDate);
    e[16]!.text(en.description);
    const pending = en.kind === 'reserve';
    for (let i = 0; i < en.postings.length; i++) {
      const q = en.postings[i]!;
      p[0]!.plain(en.id);
      p[1]!.plain(i + 1);
      p[2]!.text(q.account);
      p[3]!.plain(q.amount.currency);
      p[4]!.plain(q.amount.minor);
      p[5]!.plain(pending);
    }
  }
  const final = new Map(accounts.map((a) => [a.id, a]));
  const after = deltas.map((d) => {
    const a = final.get(d.id);
    assert(a, () => `no final state for ${d.id}`);
    return a;
  });
  const voided = (v: (typeof x)[number], f: keyof Links) => (v.outcome === 'voided' ? v.links[f] : null);
  const r = await tx.query(WRITE_SQL, [
    ...e.slice(0, 17).map(String),
    iso(nowMs),
    ...p.map(String),
    plainArray(x.map((v) => v.pendingId)),
    plainArray(x.map((v) => v.outcome)),
    plainArray(x.map((v) => v.entryId)),
    textArray(x.map((v) => v.key)),
    textArray(x.map((v) => v.reason)),
    textArray(x.map((v) => voided(v, 'paymentId'))),
    textArray(x.map((v) => voided(v, 'cycleId'))),
    textArray(x.map((v) => voided(v, 'returnId'))),
    textArray(x.map((v) => voided(v, 'statementRef'))),
    textArray(deltas.map((d) => d.id)),
    plainArray(deltas.map((d) => d.posted)),
    plainArray(deltas.map((d) => d.pendingDebits)),
    plainArray(deltas.map((d) => d.pendingCredits)),
    plainArray(after.map((a) => a.posted)),
    plainArray(after.map((a) => a.pendingDebits)),
    plainArray(after.map((a) => a.pendingCredits)),
  ]);
  const row = r.rows[0];
  const updated = toInt(row?.updated, 'updated');
  const drifted = toInt(row?.drifted, 'drifted');
  if (updated !== deltas.length)
    throw new InvariantError(`ledger: ${deltas.length - updated} account(s) of the batch vanished`);
  if (drifted !== 0)
    throw new InvariantError(
      `ledger: ${drifted} account balance(s) differ from the decided ones; a write bypassed the currency lock`,
    );
}

// ---------------------------------------------------------------------------------------------
// accounts and limits

/**
 * Opens accounts that do not exist yet (an existing id is left as it is); returns the ids this
 * call created. Clearing accounts start with a zero limit: no debit until setLimit.
 */
export async function openAccounts(
  q: Queryable,
  specs: readonly AccountSpec[],
  nowMs: number,
): Promise<string[]> {
  for (const s of specs) {
    const parsed = parseAccountId(s.id);
    if (!parsed.ok) throw new RangeError(parsed.error);
    const p = parsed.value;
    if (p.kind !== s.kind || p.currency !== s.currency || p.participant !== s.participant)
      throw new RangeError(`account spec ${s.id} disagrees with its id`);
  }
  if (specs.length === 0) return [];
  const r = await q.query(
    `INSERT INTO ledger_account (id, kind, participant, currency, net_debit_cap, prefunded, opened_at)
     SELECT id, kind, participant, currency, CASE WHEN lim THEN 0 END, CASE WHEN lim THEN 0 END, $6::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[]) AS u(id, kind, participant, currency, lim)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      textArray(specs.map((s) => s.id)),
      textArray(specs.map((s) => s.kind)),
      textArray(specs.map((s) => s.participant)),
      textArray(specs.map((s) => s.currency)),
      plainArray(specs.map((s) => hasLimit(s.kind))),
      iso(nowMs),
    ],
  );
  return r.rows.map((row) => toStr(row.id, 'id'));
}

export interface LimitChange {
  readonly nowMs: number;
  /** Who set it (operator id or "system"), for the audit log. */
  readonly actor: string;
  readonly reason: string;
}

/**
 * Sets a clearing account's net debit cap and prefunded liquidity, under the currency lock, and
 * records the change in audit_log. A limit below the account's current exposure is refused
 * (rule limit.below_exposure): the database CHECK would refuse it anyway, and the participant's
 * reservations must be voided or settled first.
 */
export async function setLimit(
  tx: Tx,
  accountId: string,
  limit: Limit,
  change: LimitChange,
): Promise<Result<AccountState, Rejection>> {
  const parsed = parseAccountId(accountId);
  if (!parsed.ok || !hasLimit(parsed.value.kind))
    return err(
      rejection('limit.account', null, 'accountId', `${accountId.slice(0, 64)} is not a clearing account`),
    );
  if (limit.netDebitCapMinor < 0n || limit.prefundedMinor < 0n)
    return err(rejection('limit.negative', null, 'limit', 'a net debit cap or prefunded amount is negative'));
  await lockCurrencies(tx, [parsed.value.currency]);
  const cur = await loadAccounts(tx, [accountId]);
  const before = cur.get(accountId);
  if (!before) return err(rejection('account.unknown', null, 'accountId', `no ledger account ${accountId}`));
  const exp = before.posted + before.pendingDebits;
  if (exp > limit.netDebitCapMinor + limit.prefundedMinor)
    return err(
      rejection(
        'limit.below_exposure',
        null,
        'limit',
        `${accountId}: exposure ${exp} minor units is above the new limit; void or settle first`,
      ),
    );
  const r = await tx.query(
    `UPDATE ledger_account SET net_debit_cap = $2, prefunded = $3 WHERE id = $1 RETURNING ${ACCOUNT_COLUMNS}`,
    [accountId, limit.netDebitCapMinor, limit.prefundedMinor],
  );
  await tx.query(
    `INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1::timestamptz, $2, 'ledger.limit.set', $3, $4::jsonb)`,
    [
      iso(change.nowMs),
      change.actor,
      accountId,
      JSON.stringify({
        netDebitCapMinor: limit.netDebitCapMinor.toString(),
        prefundedMinor: limit.prefundedMinor.toString(),
        previous: before.limit
          ? {
              netDebitCapMinor: before.limit.netDebitCapMinor.toString(),
              prefundedMinor: before.limit.prefundedMinor.toString(),
            }
          : null,
        reason: change.reason,
      }),
    ],
  );
  const row = r.rows[0];
  assert(row, 'limit update returned no row');
  return ok(accountFromRow(row));
}
