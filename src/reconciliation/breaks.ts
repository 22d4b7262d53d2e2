/**
 * Breaks: every booked line that no match and no reversal pair explains, classed, put on the
 * side that has to act, and aged in business days against `asOf`.
 *
 *   amountMismatch      both sides: the lines share a payment reference but the amounts (or
 *                       directions) differ beyond tolerance
 *   valueDateMismatch   both sides: shared reference and amount, value dates outside the window
 *   timing              ledger side: the bank shows the movement as pending (not yet booked)
 *   duplicate           one side: the same payment reference twice among the booked lines of that
 *                       side (same direction); `relatedIds` names the other copies
 *   reversal            one side: a reversal whose original is matched (the other side has not
 *                       booked the reversal) or not present
 *   missingInLedger     statement side: the bank booked it, the ledger has nothing like it
 *   missingOnStatement  ledger side: the ledger booked it, the bank has not
 *   batchTotalMismatch  statement side: a batch entry's details do not add up to it
 *
 * Ageing buckets (0–1, 2–5, >5 business days) count from the booking date.
 */
import { ageBucket, epochDay, type BusinessCalendar } from './calendar.js';
import { assignEdges, EdgeList, pairCost } from './assignment.js';
import { END_TO_END_KINDS, REF_KINDS, STRONG_KINDS } from './references.js';
import { idIndex, signed, type Side } from './sides.js';
import type {
  BatchMismatch,
  Break,
  BreakClass,
  BreakSide,
  LedgerLine,
  Match,
  PendingLine,
  ReconcileConfig,
  ReversalPair,
  StatementLine,
} from './types.js';

export interface ClassifyInput {
  readonly S: Side<StatementLine>;
  readonly L: Side<LedgerLine>;
  readonly matches: readonly Match[];
  readonly reversals: readonly ReversalPair[];
  readonly batchMismatches: readonly BatchMismatch[];
  readonly config: ReconcileConfig;
  readonly calendar: BusinessCalendar;
  readonly asOf: string;
  /**
   * Lines still open after matching (1 = open), when the caller has them already (the engine
   * does); otherwise derived from `matches` and `reversals`. Copied, never modified.
   */
  readonly open?: { readonly s: Uint8Array; readonly l: Uint8Array };
}

export interface Classified {
  readonly breaks: Break[];
  readonly pending: PendingLine[];
}

const KINDS = REF_KINDS.length;
const RELATED_MAX = 5;

export function classifyBreaks(input: ClassifyInput): Classified {
  const { S, L, calendar } = input;
  const asOfBiz = calendar.businessIndex(epochDay(input.asOf));
  const age = (bookBiz: number): number => Math.max(0, asOfBiz - bookBiz);

  // Open = booked, in no match, in no reversal pair.
  const { sOpen, lOpen } = input.open
    ? { sOpen: input.open.s.slice(), lOpen: input.open.l.slice() }
    : openMasks(S, L, input.matches, input.reversals);

  const breaks: Break[] = [];
  const push = (
    cls: BreakClass,
    side: BreakSide,
    sIdx: readonly number[],
    lIdx: readonly number[],
    reason: string,
    extra: { difference?: bigint; relatedIds?: readonly string[] } = {},
  ): void => {
    const main = sIdx.length > 0 ? S.lines[sIdx[0]!]! : L.lines[lIdx[0]!]!;
    const bookBiz = sIdx.length > 0 ? S.bookBiz[sIdx[0]!]! : L.bookBiz[lIdx[0]!]!;
    let earliest = bookBiz;
    for (const l of lIdx) earliest = Math.min(earliest, L.bookBiz[l]!);
    const days = age(earliest);
    const statementIds = sIdx.map((i) => S.lines[i]!.id);
    const ledgerIds = lIdx.map((i) => L.lines[i]!.id);
    breaks.push({
      id: `B:${cls}:${statementIds[0] ?? ledgerIds[0]!}`,
      class: cls,
      side,
      statementIds,
      ledgerIds,
      direction: main.direction,
      amount: main.amount,
      ...(extra.difference !== undefined ? { difference: extra.difference } : {}),
      valueDate: main.valueDate,
      ageBusinessDays: days,
      ageBucket: ageBucket(days),
      ...(extra.relatedIds && extra.relatedIds.length > 0 ? { relatedIds: extra.relatedIds } : {}),
      reason,
    });
  };

  // 1. Pairs that share a payment reference: amount or value-date mismatches.
  const openS: number[] = [];
  for (let i = 0; i < S.n; i++) if (sOpen[i]) openS.push(i);
  const lRefIndex = new Map<string, number[]>();
  if (openS.length > 0) {
    for (let l = 0; l < L.n; l++) {
      if (!lOpen[l]) continue;
      for (const k of STRONG_KINDS) {
        const v = L.refs[k]![l];
        if (v === undefined) continue;
        const key = `${k}|${v}`;
        const list = lRefIndex.get(key);
        if (list) list.push(l);
        else lRefIndex.set(key, [l]);
      }
    }
  }
  const edges = new EdgeList();
  for (const s of openS) {
    const seen: number[] = [];
    for (const k of STRONG_KINDS) {
      const v = S.refs[k]![s];
      if (v === undefined) continue;
      for (const l of lRefIndex.get(`${k}|${v}`) ?? []) {
        if (seen.includes(l) || conflicts(S, s, L, l)) continue;
        seen.push(l);
        let shared = 0;
        for (let kk = 0; kk < KINDS; kk++) {
          const a = S.refs[kk]![s];
          if (a !== undefined && a === L.refs[kk]![l]) shared++;
        }
        const diff =
          signed(S.lines[s]!.amount, S.lines[s]!.direction) -
          signed(L.lines[l]!.amount, L.lines[l]!.direction);
        edges.push(s, l, pairCost(KINDS - shared, S.valueBiz[s]! - L.valueBiz[l]!, diff));
      }
    }
  }
  const paired = assignEdges(
    edges,
    S.n,
    L.n,
    (i) => S.lines[i]!.id,
    (i) => L.lines[i]!.id,
    input.config.componentSizeMax,
  );
  for (const e of paired.edges) {
    const s = edges.s[e]!;
    const l = edges.l[e]!;
    const sl = S.lines[s]!;
    const ll = L.lines[l]!;
    const diff = signed(sl.amount, sl.direction) - signed(ll.amount, ll.direction);
    if (diff !== 0n) {
      push(
        'amountMismatch',
        'both',
        [s],
        [l],
        sl.direction !== ll.direction
          ? `same payment reference, but the bank booked ${sl.direction} and the ledger ${ll.direction}`
          : `same payment reference, amounts differ by ${diff < 0n ? -diff : diff} minor units`,
        { difference: diff },
      );
    } else if (S.valueDay[s] !== L.valueDay[l]) {
      push(
        'valueDateMismatch',
        'both',
        [s],
        [l],
        `same payment reference and amount, value date ${sl.valueDate} on the statement and ${ll.valueDate} in the ledger (${Math.abs(S.valueBiz[s]! - L.valueBiz[l]!)} business days apart, window ${input.config.dateWindowBusinessDays})`,
        { difference: 0n },
      );
    } else continue;
    sOpen[s] = 0;
    lOpen[l] = 0;
  }

  // 2. Pending statement lines, and the ledger lines waiting for them (timing).
  const pendingIdx: number[] = [];
  for (let i = 0; i < S.n; i++) if (S.lines[i]!.status === 'PDNG') pendingIdx.push(i);
  const pendingLedger = new Map<number, number[]>();
  if (pendingIdx.length > 0) {
    const byKey = new Map<string, number[]>();
    const add = (key: string, i: number): void => {
      const list = byKey.get(key);
      if (list) list.push(i);
      else byKey.set(key, [i]);
    };
    for (const p of pendingIdx) {
      for (const k of STRONG_KINDS) {
        const v = S.refs[k]![p];
        if (v !== undefined) add(`${k}|${v}`, p);
      }
      const c = S.cpty[p];
      if (c !== undefined) add(`c|${S.dir[p]}|${S.lines[p]!.amount}|${c}`, p);
    }
    for (let l = 0; l < L.n; l++) {
      if (!lOpen[l]) continue;
      const found: number[] = [];
      for (const k of STRONG_KINDS) {
        const v = L.refs[k]![l];
        if (v !== undefined)
          for (const p of byKey.get(`${k}|${v}`) ?? []) if (!conflicts(S, p, L, l)) found.push(p);
      }
      const c = L.cpty[l];
      if (found.length === 0 && c !== undefined)
        for (const p of byKey.get(`c|${L.dir[l]}|${L.lines[l]!.amount}|${c}`) ?? [])
          if (!conflicts(S, p, L, l)) found.push(p);
      if (found.length === 0) continue;
      const uniq = [...new Set(found)].sort((x, y) => cmp(S.lines[x]!.id, S.lines[y]!.id));
      for (const p of uniq) {
        const list = pendingLedger.get(p);
        if (list) list.push(l);
        else pendingLedger.set(p, [l]);
      }
      push(
        'timing',
        'ledger',
        [],
        [l],
        `the bank shows it pending (${uniq.map((p) => S.lines[p]!.id).join(', ')}), not yet booked`,
        { relatedIds: uniq.map((p) => S.lines[p]!.id) },
      );
      lOpen[l] = 0;
    }
  }
  const pending: PendingLine[] = pendingIdx.map((p) => ({
    statementId: S.lines[p]!.id,
    ledgerIds: (pendingLedger.get(p) ?? []).map((l) => L.lines[l]!.id),
  }));

  // 3. Duplicates, reversals, missing — one side at a time.
  const sBooked = new Uint8Array(S.n);
  for (let i = 0; i < S.n; i++) sBooked[i] = S.lines[i]!.status === 'BOOK' ? 1 : 0;
  const sDup = duplicates(S, sOpen, sBooked);
  const lDup = duplicates(L, lOpen, new Uint8Array(L.n).fill(1));
  for (let s = 0; s < S.n; s++) {
    if (!sOpen[s]) continue;
    const dup = sDup.get(s);
    if (dup)
      push(
        'duplicate',
        'statement',
        [s],
        [],
        `the statement carries the same payment reference ${dup.count} times`,
        { relatedIds: dup.others },
      );
    else if (S.reversal[s])
      push(
        'reversal',
        'statement',
        [s],
        [],
        'reversal on the statement; the ledger has not booked it and its original is matched or absent',
      );
    else push('missingInLedger', 'statement', [s], [], 'booked by the bank, no matching ledger entry');
  }
  for (let l = 0; l < L.n; l++) {
    if (!lOpen[l]) continue;
    const dup = lDup.get(l);
    if (dup)
      push(
        'duplicate',
        'ledger',
        [],
        [l],
        `the ledger carries the same payment reference ${dup.count} times`,
        { relatedIds: dup.others },
      );
    else if (L.reversal[l])
      push(
        'reversal',
        'ledger',
        [],
        [l],
        'reversal in the ledger; the bank has not booked it and its original is matched or absent',
      );
    else push('missingOnStatement', 'ledger', [], [l], 'booked in the ledger, not on the statement');
  }

  // 4. Batch entries whose details do not add up.
  for (const b of input.batchMismatches) {
    const days = age(calendar.businessIndex(epochDay(b.bookingDate)));
    breaks.push({
      id: `B:batchTotalMismatch:${b.entryId}`,
      class: 'batchTotalMismatch',
      side: 'statement',
      statementIds: [b.entryId],
      ledgerIds: [],
      direction: b.direction,
      amount: b.difference < 0n ? -b.difference : b.difference,
      difference: b.difference,
      valueDate: b.valueDate,
      ageBusinessDays: days,
      ageBucket: ageBucket(days),
      reason: b.reason,
    });
  }
  breaks.sort((a, b) => cmp(a.id, b.id));
  return { breaks, pending };
}

/** Open = booked, in no match, in no reversal pair. */
function openMasks(
  S: Side<StatementLine>,
  L: Side<LedgerLine>,
  matches: readonly Match[],
  reversals: readonly ReversalPair[],
): { sOpen: Uint8Array; lOpen: Uint8Array } {
  const sOpen = new Uint8Array(S.n);
  const lOpen = new Uint8Array(L.n).fill(1);
  for (let i = 0; i < S.n; i++) sOpen[i] = S.lines[i]!.status === 'BOOK' ? 1 : 0;
  const sIds = idIndex(S);
  const lIds = idIndex(L);
  for (const m of matches) {
    for (const id of m.statementIds) sOpen[sIds.get(id)!] = 0;
    for (const id of m.ledgerIds) lOpen[lIds.get(id)!] = 0;
  }
  for (const r of reversals) {
    const side = r.side === 'statement' ? S : L;
    const open = r.side === 'statement' ? sOpen : lOpen;
    open[idIndex(side).get(r.originalId)!] = 0;
    open[idIndex(side).get(r.reversalId)!] = 0;
  }
  return { sOpen, lOpen };
}

/** For each open line: the other booked lines of its side with a shared strong reference (same direction and reversal flag). */
function duplicates(
  side: Side<StatementLine | LedgerLine>,
  open: Uint8Array,
  booked: Uint8Array,
): Map<number, { count: number; others: string[] }> {
  const out = new Map<number, { count: number; others: string[] }>();
  const key = (i: number, k: number, v: string): string => `${side.dir[i]}${side.reversal[i]}|${k}|${v}`;
  const wanted = new Set<string>();
  const wantedValues = new Set<string>();
  const wantedKinds = new Set<number>();
  for (let i = 0; i < side.n; i++) {
    if (!open[i]) continue;
    for (const k of STRONG_KINDS) {
      const v = side.refs[k]![i];
      if (v === undefined) continue;
      wanted.add(key(i, k, v));
      wantedValues.add(v);
      wantedKinds.add(k);
    }
  }
  if (wanted.size === 0) return out;
  const holders = new Map<string, number[]>();
  for (const k of wantedKinds) {
    const col = side.refs[k]!;
    for (let i = 0; i < side.n; i++) {
      const v = col[i];
      // The raw value first: only the rare hit pays for building the composite key.
      if (v === undefined || !wantedValues.has(v) || !booked[i]) continue;
      const kk = key(i, k, v);
      if (!wanted.has(kk)) continue;
      const list = holders.get(kk);
      if (list) list.push(i);
      else holders.set(kk, [i]);
    }
  }
  for (let i = 0; i < side.n; i++) {
    if (!open[i]) continue;
    const others = new Set<number>();
    for (const k of STRONG_KINDS) {
      const v = side.refs[k]![i];
      if (v === undefined) continue;
      for (const j of holders.get(key(i, k, v)) ?? []) if (j !== i) others.add(j);
    }
    if (others.size === 0) continue;
    const ids = [...others].map((j) => side.lines[j]!.id).sort(cmp);
    out.set(i, { count: others.size + 1, others: ids.slice(0, RELATED_MAX) });
  }
  return out;
}

function conflicts(S: Side<StatementLine>, s: number, L: Side<LedgerLine>, l: number): boolean {
  for (const k of END_TO_END_KINDS) {
    const a = S.refs[k]![s];
    const b = L.refs[k]![l];
    if (a !== undefined && b !== undefined && a !== b) return true;
  }
  return false;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
