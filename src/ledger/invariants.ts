/**
 * The ledger's invariants, judged over plain data: the shell's checker feeds it aggregates
 * computed in SQL over the whole journal, the property tests feed it an in-memory ledger.
 *
 *   1. every entry has two or more postings and balances per currency;
 *   2. per currency, all posted balances sum to zero, and pending debits equal pending credits;
 *   3. every stored balance equals the sum of its postings: posted = sum of posted legs (transfer
 *      and post entries), pending debits / credits = sum of the debit / credit legs of the
 *      reservations not yet posted or voided;
 *   4. no limited account's exposure exceeds its net debit cap plus prefunded liquidity.
 */
import { formatMinor } from '../domain/index.js';
import { exposure, type AccountState, type ResolutionOutcome } from './batch.js';
import { currencyTotals, type EntryRecord } from './journal.js';

/** An account's stored balances beside the same balances recomputed from the journal. */
export interface AccountAudit extends AccountState {
  readonly postedFromJournal: bigint;
  readonly pendingDebitsFromJournal: bigint;
  readonly pendingCreditsFromJournal: bigint;
}

export interface CurrencyTotal {
  readonly currency: string;
  readonly accounts: number;
  /** Sum of posted balances; zero when the ledger is sound. */
  readonly posted: bigint;
  readonly pendingDebits: bigint;
  readonly pendingCredits: bigint;
  /** Sum of the debit balances (= minus the sum of credit balances when sound). */
  readonly debitBalances: bigint;
}

export interface InvariantReport {
  readonly ok: boolean;
  readonly problems: string[];
  readonly currencies: CurrencyTotal[];
  readonly accounts: number;
  readonly entries: number;
}

/** Judges audited accounts plus the keys of entries the journal scan found unbalanced. */
export function judgeLedger(
  audits: readonly AccountAudit[],
  badEntries: readonly string[],
  entryCount: number,
  problemsMax = 100,
): InvariantReport {
  const problems: string[] = badEntries.map(
    (k) => `entry ${k} has fewer than two postings or does not balance`,
  );
  const totals = new Map<
    string,
    { accounts: number; posted: bigint; pd: bigint; pc: bigint; debit: bigint }
  >();
  for (const a of audits) {
    const fmt = (v: bigint) => formatMinor(v, a.currency);
    if (a.posted !== a.postedFromJournal)
      problems.push(
        `${a.id}: stored posted ${fmt(a.posted)} but its postings sum to ${fmt(a.postedFromJournal)}`,
      );
    if (a.pendingDebits !== a.pendingDebitsFromJournal)
      problems.push(
        `${a.id}: stored pending debits ${fmt(a.pendingDebits)}, journal ${fmt(a.pendingDebitsFromJournal)}`,
      );
    if (a.pendingCredits !== a.pendingCreditsFromJournal)
      problems.push(
        `${a.id}: stored pending credits ${fmt(a.pendingCredits)}, journal ${fmt(a.pendingCreditsFromJournal)}`,
      );
    if (a.pendingDebits < 0n || a.pendingCredits < 0n) problems.push(`${a.id}: negative pending balance`);
    if (a.limit && exposure(a) > a.limit.netDebitCapMinor + a.limit.prefundedMinor)
      problems.push(
        `${a.id}: exposure ${fmt(exposure(a))} above net debit cap ${fmt(a.limit.netDebitCapMinor)} + prefunded ${fmt(a.limit.prefundedMinor)}`,
      );
    const t = totals.get(a.currency) ?? { accounts: 0, posted: 0n, pd: 0n, pc: 0n, debit: 0n };
    t.accounts += 1;
    t.posted += a.posted;
    t.pd += a.pendingDebits;
    t.pc += a.pendingCredits;
    if (a.posted > 0n) t.debit += a.posted;
    totals.set(a.currency, t);
  }
  const currencies: CurrencyTotal[] = [...totals.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([currency, t]) => ({
      currency,
      accounts: t.accounts,
      posted: t.posted,
      pendingDebits: t.pd,
      pendingCredits: t.pc,
      debitBalances: t.debit,
    }));
  for (const c of currencies) {
    if (c.posted !== 0n)
      problems.push(`${c.currency}: posted balances sum to ${formatMinor(c.posted, c.currency)}`);
    if (c.pendingDebits !== c.pendingCredits)
      problems.push(
        `${c.currency}: pending debits ${formatMinor(c.pendingDebits, c.currency)} differ from pending credits ${formatMinor(c.pendingCredits, c.currency)}`,
      );
  }
  const shown =
    problems.length > problemsMax
      ? [...problems.slice(0, problemsMax), `… ${problems.length - problemsMax} more`]
      : problems;
  return {
    ok: problems.length === 0,
    problems: shown,
    currencies,
    accounts: audits.length,
    entries: entryCount,
  };
}

/**
 * Audits an in-memory ledger: accounts as stored, every entry, and the resolution of every
 * reservation (by reservation id).
 */
export function auditSnapshot(
  accounts: Iterable<AccountState>,
  entries: Iterable<EntryRecord>,
  resolutions: ReadonlyMap<string, ResolutionOutcome>,
): InvariantReport {
  const sums = new Map<string, { posted: bigint; pd: bigint; pc: bigint }>();
  const bad: string[] = [];
  let count = 0;
  for (const e of entries) {
    count += 1;
    const totals = currencyTotals(e.postings);
    if (e.postings.length < 2 || [...totals.values()].some((t) => t !== 0n)) bad.push(e.key);
    const open = e.kind === 'reserve' && !resolutions.has(e.id);
    for (const p of e.postings) {
      const s = sums.get(p.account) ?? { posted: 0n, pd: 0n, pc: 0n };
      const m = p.amount.minor;
      if (e.kind !== 'reserve') s.posted += m;
      else if (open && m > 0n) s.pd += m;
      else if (open) s.pc -= m;
      sums.set(p.account, s);
    }
  }
  const audits: AccountAudit[] = [];
  for (const a of accounts) {
    const s = sums.get(a.id) ?? { posted: 0n, pd: 0n, pc: 0n };
    audits.push({
      ...a,
      postedFromJournal: s.posted,
      pendingDebitsFromJournal: s.pd,
      pendingCreditsFromJournal: s.pc,
    });
    sums.delete(a.id);
  }
  for (const id of sums.keys()) bad.push(`(posting on unknown account ${id})`);
  return judgeLedger(audits, bad, count);
}
