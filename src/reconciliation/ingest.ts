/**
 * Statement ingestion: from the statements a bank sent (possibly overlapping, repeated, mixing
 * pending and booked entries, with batch bookings) to one de-duplicated list of statement lines,
 * plus the balance proofs.
 *
 * - De-duplication. Statements are taken in order (FrToDt, sequence number, id). An entry is
 *   identified by its AcctSvcrRef (ISO 20022: "unique reference, as assigned by the account
 *   servicer"), else by its NtryRef (when `dedupeByEntryRef`), else by its content. The same
 *   identity seen in a later statement is the same entry and is kept once; within one statement
 *   every entry counts (a bank repeating a reference inside one statement is a duplicate to
 *   report, not to hide). A pending entry later seen booked is replaced by the booked one. Two
 *   entries with one identity but different amounts are both kept, so the duplicate surfaces as a
 *   break and the balance proof fails rather than an amount being silently chosen.
 * - Batch bookings. An entry with several TxDtls is expanded into one line per transaction, each
 *   carrying `batchOf`; when the details do not add up to the entry amount (or NbOfTxs disagrees)
 *   the difference is a `batchTotalMismatch`. Without amounts on every detail the entry stays one
 *   line (its detail may come later in a camt.054, ISO 20022 usage "batch booking").
 * - Balance proof. Per statement: opening (OPBD/PRCD) + Σ booked entries = closing (CLBD). Over
 *   the account: the first statement's opening + Σ de-duplicated booked entries = the last
 *   statement's closing. Pending entries are outside booked balances.
 */
import { assert } from '../domain/index.js';
import { normalizeCounterparty, normalizeRef, REF_KINDS } from './references.js';
import { signed } from './sides.js';
import type {
  BatchMismatch,
  BalanceCheck,
  Direction,
  References,
  Statement,
  StatementEntry,
  StatementLine,
  StatementProof,
  TransactionDetail,
} from './types.js';

export interface IngestOptions {
  readonly dedupeByEntryRef: boolean;
}

export interface Ingested {
  readonly account: string;
  readonly currency: string;
  /** Statement ids in processing order. */
  readonly statementIds: readonly string[];
  /** De-duplicated entries. */
  readonly entryCount: number;
  readonly lines: StatementLine[];
  readonly batchMismatches: BatchMismatch[];
  readonly proofs: StatementProof[];
  readonly balance: Omit<BalanceCheck, 'ledgerBalance' | 'ledgerDifference'>;
  readonly duplicateEntriesDropped: number;
  readonly pendingSuperseded: number;
}

function compareStatements(a: Statement, b: Statement): number {
  const fa = a.fromDate ?? '';
  const fb = b.fromDate ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const sa = a.sequence ?? -1;
  const sb = b.sequence ?? -1;
  if (sa !== sb) return sa - sb;
  const ta = a.toDate ?? '';
  const tb = b.toDate ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function refsSignature(refs: References): string {
  let s = '';
  for (const k of REF_KINDS) s += `${normalizeRef(k, refs[k]) ?? ''}|`;
  return s;
}

/** What makes two sightings of one entry the same booking (status and dates may move on). */
function bookingSignature(e: StatementEntry): string {
  let s = `${e.amount}|${e.direction}|${e.reversal ? 'R' : ''}`;
  for (const t of e.transactions ?? []) s += `;${t.amount ?? ''}${t.direction ?? ''}`;
  return s;
}

function contentKey(e: StatementEntry): string {
  let s = `C|${bookingSignature(e)}|${e.bookingDate}|${e.valueDate ?? ''}|${refsSignature(e.refs)}${normalizeCounterparty(e.counterparty) ?? ''}`;
  for (const t of e.transactions ?? []) s += `;${refsSignature(t.refs)}`;
  return s;
}

function mergeRefs(base: References, over: References): References {
  const out: Record<string, string> = {};
  for (const k of REF_KINDS) {
    const v = over[k] ?? base[k];
    if (v !== undefined) out[k] = v;
  }
  return out as References;
}

const NO_DETAILS: readonly TransactionDetail[] = [];

function withMsgId(refs: References, msgId: string | undefined): References {
  return msgId !== undefined && refs.msgId === undefined ? { ...refs, msgId } : refs;
}

function line(
  statementId: string,
  account: string,
  currency: string,
  e: StatementEntry,
  valueDate: string,
  id: string,
  entryRef: string | undefined,
  amount: bigint,
  direction: Direction,
  refs: References,
  counterparty: string | undefined,
  batchOf: string | undefined,
): StatementLine {
  // Every field is always present (undefined when absent) so that all lines share one shape.
  return {
    id,
    entryRef,
    statementId,
    account,
    currency,
    amount,
    direction,
    status: e.status,
    bookingDate: e.bookingDate,
    valueDate,
    refs,
    counterparty,
    reversal: e.reversal === true,
    batchOf,
  };
}

function mismatchOf(
  entryId: string,
  statementId: string,
  e: StatementEntry,
  valueDate: string,
  difference: bigint,
  reason: string,
): BatchMismatch {
  return {
    entryId,
    statementId,
    difference,
    direction: e.direction,
    bookingDate: e.bookingDate,
    valueDate,
    reason,
  };
}

export function ingestStatements(statements: readonly Statement[], opts: IngestOptions): Ingested {
  assert(statements.length > 0, 'reconciliation needs at least one statement');
  const account = statements[0]!.account;
  const currency = statements[0]!.currency;
  for (const s of statements) {
    assert(s.account === account, () => `statement ${s.id} is for ${s.account}, not ${account}`);
    assert(s.currency === currency, () => `statement ${s.id} is in ${s.currency}, not ${currency}`);
  }
  const ordered = [...statements].sort(compareStatements);

  // Per-statement balance proofs, on the statement as sent.
  const proofs: StatementProof[] = [];
  for (const st of ordered) {
    if (st.openingBalance === undefined || st.closingBalance === undefined) continue;
    let credits = 0n;
    let debits = 0n;
    for (const e of st.entries) {
      if (e.status !== 'BOOK') continue;
      if (e.direction === 'CRDT') credits += e.amount;
      else debits += e.amount;
    }
    const movement = credits - debits;
    const expected = st.openingBalance + movement;
    proofs.push({
      statementId: st.id,
      ...(st.sequence !== undefined ? { sequence: st.sequence } : {}),
      entries: st.entries.length,
      openingBalance: st.openingBalance,
      bookedMovement: movement,
      expectedClosing: expected,
      statedClosing: st.closingBalance,
      difference: expected - st.closingBalance,
    });
  }

  // De-duplication across statements. One map per kind of identity (no key concatenation on the
  // hot path) from the identity to its first sighting, kept as plain numbers (no object per
  // entry); an identity seen again gets a record of its sightings. The n-th sighting of an
  // identity within a statement is the same entry as the n-th sighting within any other.
  const byIdentity = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>()];
  const repeats = new Map<number, { seenIn: number; seen: number; sightings: number[] }>();
  const keptEntry: StatementEntry[] = [];
  const keptStatement: number[] = [];
  const keptIndex: number[] = [];
  const keptBalanced: number[] = [];
  let kindsUsed = 0; // bit per identity kind
  let repeatsKept = false;
  let generatedWithRef = false;
  let dropped = 0;
  let superseded = 0;
  for (let si = 0; si < ordered.length; si++) {
    const st = ordered[si]!;
    const balanced = st.openingBalance !== undefined && st.closingBalance !== undefined ? 1 : 0;
    const entries = st.entries;
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index]!;
      if (!(entry.amount > 0n))
        assert(false, `statement ${st.id} entry ${index + 1} has a non-positive amount`);
      const svcr = normalizeRef('acctSvcrRef', entry.refs.acctSvcrRef);
      const ntry = opts.dedupeByEntryRef ? entry.entryRef?.trim() || undefined : undefined;
      const kind = svcr !== undefined ? 0 : ntry !== undefined ? 1 : 2;
      const key = svcr ?? ntry ?? contentKey(entry);
      const map = byIdentity[kind]!;
      const first = map.get(key);
      const k = keptEntry.length;
      kindsUsed |= 1 << kind;
      if (kind === 2 && entry.entryRef !== undefined) generatedWithRef = true;
      if (first === undefined) {
        map.set(key, k); // the common case: a new identity
        keptEntry.push(entry);
        keptStatement.push(si);
        keptIndex.push(index);
        keptBalanced.push(balanced);
        continue;
      }
      let rep = repeats.get(first);
      if (!rep) {
        rep = { seenIn: keptStatement[first]!, seen: 1, sightings: [first] };
        repeats.set(first, rep);
      }
      let occ = 0;
      if (rep.seenIn === si) occ = rep.seen++;
      else {
        rep.seenIn = si;
        rep.seen = 1;
      }
      const seen = rep.sightings[occ];
      if (
        seen !== undefined &&
        keptStatement[seen] !== si &&
        bookingSignature(keptEntry[seen]!) === bookingSignature(entry)
      ) {
        if (keptEntry[seen]!.status === 'PDNG' && entry.status === 'BOOK') {
          keptEntry[seen] = entry;
          superseded++;
        } else dropped++;
        if (balanced) keptBalanced[seen] = 1;
        continue;
      }
      // A new sighting, or a differing booking under one identity: kept, so both become lines.
      if (seen !== undefined) rep.sightings.push(k);
      else rep.sightings[occ] = k;
      repeatsKept = true;
      keptEntry.push(entry);
      keptStatement.push(si);
      keptIndex.push(index);
      keptBalanced.push(balanced);
    }
  }

  // Ids, expansion, batch checks. A line's id is its entry's AcctSvcrRef (the servicer's
  // unambiguous identification of the entry), else its NtryRef, else statement#position. When
  // every entry was identified one way and each identity was kept once, those ids are unique by
  // construction and no set of a million ids is needed; otherwise clashes are resolved by
  // prefixing the statement id.
  const statementIdsUnique = new Set(ordered.map((s) => s.id)).size === ordered.length;
  assert(statementIdsUnique, 'statement ids must be unique');
  const singleKind = kindsUsed === 1 || kindsUsed === 2 || kindsUsed === 4;
  const used: Set<string> | null = singleKind && !repeatsKept && !generatedWithRef ? null : new Set<string>();
  const detailIds = new Set<string>();
  const uniqueId = (statementId: string, base: string, detail = false): string => {
    if (!used) {
      if (!detail) return base;
      // Batch details ("id/n") are few: check them against the entry ids and each other.
      const clash = detailIds.has(base) || byIdentity.some((m) => m.has(base));
      detailIds.add(base);
      if (!clash) return base;
      let id = `${statementId}:${base}`;
      for (let n = 2; detailIds.has(id) || byIdentity.some((m) => m.has(id)); n++)
        id = `${statementId}:${base}~${n}`;
      detailIds.add(id);
      return id;
    }
    const before = used.size;
    used.add(base);
    if (used.size > before) return base; // the common case: one set operation
    let id = `${statementId}:${base}`;
    for (let n = 2; used.has(id); n++) id = `${statementId}:${base}~${n}`;
    used.add(id);
    return id;
  };
  const lines: StatementLine[] = [];
  const batchMismatches: BatchMismatch[] = [];
  let credits = 0n;
  let debits = 0n;
  let outside = 0;
  for (let ki = 0; ki < keptEntry.length; ki++) {
    const e = keptEntry[ki]!;
    const statementId = ordered[keptStatement[ki]!]!.id;
    const svcr = normalizeRef('acctSvcrRef', e.refs.acctSvcrRef);
    const entryRef = e.entryRef?.trim() || undefined;
    const id = uniqueId(statementId, svcr ?? entryRef ?? `${statementId}#${keptIndex[ki]! + 1}`);
    const valueDate = e.valueDate ?? e.bookingDate;
    if (e.status === 'BOOK') {
      if (!keptBalanced[ki]) outside++;
      else if (e.direction === 'CRDT') credits += e.amount;
      else debits += e.amount;
    }
    const txs = e.transactions ?? NO_DETAILS;
    const batchMsgId = e.batch?.msgId ?? e.refs.msgId;
    const allAmounts = txs.length >= 2 && txs.every((t) => t.amount !== undefined && t.amount > 0n);
    if (!allAmounts) {
      const tx = txs.length === 1 ? txs[0]! : undefined;
      const refs = tx ? mergeRefs(e.refs, tx.refs) : e.refs;
      lines.push(
        line(
          statementId,
          account,
          currency,
          e,
          valueDate,
          id,
          entryRef,
          e.amount,
          e.direction,
          withMsgId(refs, batchMsgId),
          tx?.counterparty ?? e.counterparty,
          undefined,
        ),
      );
      if (tx?.amount !== undefined) {
        const diff = signed(e.amount, e.direction) - signed(tx.amount, tx.direction ?? e.direction);
        if (diff !== 0n)
          batchMismatches.push(
            mismatchOf(
              id,
              statementId,
              e,
              valueDate,
              diff,
              'the transaction detail amount differs from the entry amount',
            ),
          );
      }
      continue;
    }
    let detailSum = 0n;
    for (let i = 0; i < txs.length; i++) {
      const t = txs[i]!;
      const direction = t.direction ?? e.direction;
      detailSum += signed(t.amount!, direction);
      lines.push(
        line(
          statementId,
          account,
          currency,
          e,
          valueDate,
          uniqueId(statementId, `${id}/${i + 1}`, true),
          entryRef,
          t.amount!,
          direction,
          withMsgId(t.refs, batchMsgId),
          t.counterparty ?? e.counterparty,
          id,
        ),
      );
    }
    const diff = signed(e.amount, e.direction) - detailSum;
    const nb = e.batch?.numberOfTransactions;
    if (diff !== 0n)
      batchMismatches.push(
        mismatchOf(
          id,
          statementId,
          e,
          valueDate,
          diff,
          `the ${txs.length} transaction details do not add up to the batch entry amount`,
        ),
      );
    else if (nb !== undefined && nb !== txs.length)
      batchMismatches.push(
        mismatchOf(
          id,
          statementId,
          e,
          valueDate,
          0n,
          `the batch states ${nb} transactions but carries ${txs.length} details`,
        ),
      );
  }

  const balanced = ordered.filter((s) => s.openingBalance !== undefined && s.closingBalance !== undefined);
  const opening = balanced[0]?.openingBalance ?? 0n;
  const stated = balanced[balanced.length - 1]?.closingBalance ?? 0n;
  const movement = credits - debits;
  const expected = opening + movement;
  return {
    account,
    currency,
    statementIds: ordered.map((s) => s.id),
    entryCount: keptEntry.length,
    lines,
    batchMismatches,
    proofs,
    balance: {
      proven: balanced.length > 0,
      openingBalance: opening,
      bookedMovement: movement,
      expectedClosing: expected,
      statedClosing: stated,
      difference: expected - stated,
      entriesOutsideProof: outside,
    },
    duplicateEntriesDropped: dropped,
    pendingSuperseded: superseded,
  };
}
