/**
 * The matching engine: statement lines against ledger lines, in tiers, each tier a globally
 * optimal one-to-one assignment over its candidate graph (assignment.ts), plus groups.
 *
 *   tier 1  ref.exact                 a shared payment reference (UETR, EndToEndId, TxId, InstrId,
 *                                     AcctSvcrRef, cycle reference), equal amount, direction and
 *                                     value date; confirmed when its component is one-by-one,
 *                                     suggested when it had alternatives
 *           group.ref                 one line = Σ of all open lines of the other side sharing its
 *                                     message or cycle reference (1:N and N:1); confirmed
 *   —       reversal pairs            a reversal and its original on the same side, both unmatched,
 *                                     offset each other (neither is a break)
 *   tier 2  amount.date.counterparty  equal amount, direction, value date and counterparty; suggested
 *   tier 3  tolerance.ref / .counterparty   a shared reference or counterparty, amount within the
 *                                     configured tolerance, value date within the business-day
 *                                     window; suggested
 *           group.sum                 one line = Σ of a few open lines with the same counterparty,
 *                                     direction and value date (bounded subset-sum); suggested
 *
 * Pending statement lines take part in nothing. Two lines whose end-to-end references (UETR,
 * EndToEndId) differ are never candidates in any tier. Within a tier the pairing is decided on the
 * whole graph, not first-fit: candidates first, then the assignment.
 */
import { assignEdges, EdgeList, pairCost } from './assignment.js';
import {
  END_TO_END_KINDS,
  GROUP_KINDS,
  K_CYCLE,
  MATCH_KINDS,
  REF_KINDS,
  RefIndex,
  STRONG_KINDS,
} from './references.js';
import { signed, type Side } from './sides.js';
import { subsetSum } from './subsets.js';
import type { LedgerLine, Match, ReconcileConfig, ReversalPair, RuleId, StatementLine } from './types.js';

export interface MatchOutcome {
  readonly matches: Match[];
  readonly reversals: ReversalPair[];
  readonly componentsSolved: number;
  readonly largestComponent: number;
  readonly componentsOverSizeMax: number;
  readonly groupSearchesCut: number;
  /** Lines left open (1) after matching and reversal pairing; pending statement lines are 0. */
  readonly sOpen: Uint8Array;
  readonly lOpen: Uint8Array;
}

type S = Side<StatementLine>;
type L = Side<LedgerLine>;

const KINDS = REF_KINDS.length;

/** The tolerance for a statement amount: the smaller of the absolute and relative ones that are set. */
export function amountTolerance(amount: bigint, config: ReconcileConfig): bigint {
  const abs = config.amountToleranceMinor;
  const rel =
    config.amountToleranceBp > 0 ? (amount * BigInt(Math.floor(config.amountToleranceBp))) / 10_000n : 0n;
  if (abs > 0n && rel > 0n) return abs < rel ? abs : rel;
  return abs > 0n ? abs : rel;
}

function conflicts(S: S, s: number, L: L, l: number): boolean {
  for (const k of END_TO_END_KINDS) {
    const a = S.refs[k]![s];
    const b = L.refs[k]![l];
    if (a !== undefined && b !== undefined && a !== b) return true;
  }
  return false;
}

function sharedRefs(S: S, s: number, L: L, l: number): number {
  let n = 0;
  for (let k = 0; k < KINDS; k++) {
    const a = S.refs[k]![s];
    if (a !== undefined && a === L.refs[k]![l]) n++;
  }
  return n;
}

function sharesMatchKind(S: S, s: number, L: L, l: number): boolean {
  for (const k of MATCH_KINDS) {
    const a = S.refs[k]![s];
    if (a !== undefined && a === L.refs[k]![l]) return true;
  }
  return false;
}

function cycleKey(cycle: string, dir: number, amount: bigint): string {
  return `${cycle}|${dir}|${amount}`;
}

/** Appends to `out` the open ledger lines reachable from index code `code` not already in it. */
function pushCode(index: RefIndex, code: number, open: Uint8Array, out: number[], max: number): void {
  if (code === -1) return;
  if (code >= 0) {
    if (open[code] && !out.includes(code) && out.length < max) out.push(code);
    return;
  }
  for (const l of index.list(code)) {
    if (out.length >= max) return;
    if (open[l] && !out.includes(l)) out.push(l);
  }
}

class Engine {
  readonly matches: Match[] = [];
  readonly reversals: ReversalPair[] = [];
  readonly sOpen: Uint8Array;
  readonly lOpen: Uint8Array;
  componentsSolved = 0;
  largestComponent = 0;
  componentsOverSizeMax = 0;
  groupSearchesCut = 0;
  /** Ledger lines by strong reference, one index per kind, each built on first need. */
  private readonly lIndex = new RefIndex();
  private readonly indexed: boolean[] = REF_KINDS.map(() => false);
  private readonly cands: number[] = [];
  private readonly sId: (i: number) => string;
  private readonly lId: (i: number) => string;

  constructor(
    readonly S: S,
    readonly L: L,
    readonly config: ReconcileConfig,
  ) {
    this.sOpen = new Uint8Array(S.n);
    for (let i = 0; i < S.n; i++) this.sOpen[i] = S.lines[i]!.status === 'BOOK' ? 1 : 0;
    this.lOpen = new Uint8Array(L.n).fill(1);
    this.sId = (i) => S.lines[i]!.id;
    this.lId = (i) => L.lines[i]!.id;
  }

  run(): void {
    this.tier1();
    this.groupByRef();
    this.pairReversals();
    this.tier2();
    this.tier3();
    this.groupBySum();
  }

  private record(
    sIdx: readonly number[],
    lIdx: readonly number[],
    rule: RuleId,
    tier: 1 | 2 | 3,
    confirmed: boolean,
    ambiguous: boolean,
    optimal: boolean,
    equalAmounts = false,
  ): void {
    const { S, L } = this;
    let diff = 0n;
    // Arrays of exactly the right length (a push-grown array reserves 16 slots: at a million
    // matches that is hundreds of megabytes).
    const statementIds = new Array<string>(sIdx.length);
    const ledgerIds = new Array<string>(lIdx.length);
    for (let i = 0; i < sIdx.length; i++) {
      const s = sIdx[i]!;
      const line = S.lines[s]!;
      if (!equalAmounts) diff += signed(line.amount, line.direction);
      statementIds[i] = line.id;
      this.sOpen[s] = 0;
    }
    for (let i = 0; i < lIdx.length; i++) {
      const l = lIdx[i]!;
      const line = L.lines[l]!;
      if (!equalAmounts) diff -= signed(line.amount, line.direction);
      ledgerIds[i] = line.id;
      this.lOpen[l] = 0;
    }
    this.matches.push({
      // A statement line is in one match at most: its id names the match (no string to build).
      id: statementIds[0]!,
      statementIds,
      ledgerIds,
      rule,
      tier,
      status: confirmed ? 'confirmed' : 'suggested',
      ambiguous,
      optimal,
      difference: diff,
    });
  }

  private assign(edges: EdgeList, ruleOf: (s: number, l: number) => RuleId, tier: 1 | 2 | 3): void {
    const a = assignEdges(edges, this.S.n, this.L.n, this.sId, this.lId, this.config.componentSizeMax);
    this.componentsSolved += a.componentsSolved;
    this.largestComponent = Math.max(this.largestComponent, a.largestComponent);
    this.componentsOverSizeMax += a.componentsOverSizeMax;
    // The order is deterministic (edges in statement order, then components in order of discovery);
    // reports sort by statement position.
    for (let i = 0; i < a.edges.length; i++) {
      const e = a.edges[i]!;
      const s = edges.s[e]!;
      const l = edges.l[e]!;
      const ambiguous = a.ambiguous[i] === 1;
      // Tiers 1 and 2 admit only equal amounts and directions: the difference is zero by construction.
      this.record(
        [s],
        [l],
        ruleOf(s, l),
        tier,
        tier === 1 && !ambiguous,
        ambiguous,
        a.exact[i] === 1,
        tier !== 3,
      );
    }
  }

  private ensureIndexed(k: number): void {
    if (this.indexed[k]) return;
    this.indexed[k] = true;
    const col = this.L.refs[k]!;
    for (let i = 0; i < this.L.n; i++) {
      const v = col[i];
      if (v !== undefined) this.lIndex.add(k, v, i);
    }
  }

  /**
   * Open ledger candidates sharing a strong reference with statement line s. When s carries an
   * end-to-end reference that every ledger line carries too, that one look-up is complete: any
   * other ledger line has a different end-to-end reference, which excludes it.
   */
  private refCandidates(s: number): number[] {
    const { S, L, lIndex, lOpen } = this;
    const out = this.cands;
    out.length = 0;
    const max = this.config.candidatesPerLineMax;
    for (const k of END_TO_END_KINDS) {
      const v = S.refs[k]![s];
      if (v !== undefined && L.allHave[k]) {
        this.ensureIndexed(k);
        pushCode(lIndex, lIndex.code(k, v), lOpen, out, max);
        return out;
      }
    }
    for (const k of STRONG_KINDS) {
      const v = S.refs[k]![s];
      if (v === undefined) continue;
      this.ensureIndexed(k);
      pushCode(lIndex, lIndex.code(k, v), lOpen, out, max);
    }
    return out;
  }

  /**
   * Tier 1. Candidates come from the strong references; a line with none of those in common with
   * any ledger line falls back to its cycle reference, keyed with direction and amount (a cycle
   * holds many movements, and only the equal ones can be tier-1 candidates).
   */
  private tier1(): void {
    const { S, L, sOpen } = this;
    const edges = new EdgeList(Math.max(1024, S.n));
    const byCycle: number[] = [];
    const cycles = S.refs[K_CYCLE]!;
    for (let s = 0; s < S.n; s++) {
      if (!sOpen[s]) continue;
      const cands = this.refCandidates(s);
      if (cands.length === 0) {
        if (cycles[s] !== undefined) byCycle.push(s);
        continue;
      }
      this.exactEdges(s, cands, edges);
    }
    if (byCycle.length > 0) {
      const wanted = new Set<string>();
      for (const s of byCycle) wanted.add(cycles[s]!);
      const lCycles = L.refs[K_CYCLE]!;
      const index = new Map<string, number[]>();
      for (let l = 0; l < L.n; l++) {
        const v = lCycles[l];
        if (v === undefined || !wanted.has(v)) continue;
        const key = cycleKey(v, L.dir[l]!, L.lines[l]!.amount);
        const list = index.get(key);
        if (list) list.push(l);
        else index.set(key, [l]);
      }
      for (const s of byCycle) {
        const list = index.get(cycleKey(cycles[s]!, S.dir[s]!, S.lines[s]!.amount));
        if (list) this.exactEdges(s, list.slice(0, this.config.candidatesPerLineMax), edges);
      }
    }
    this.assign(edges, () => 'ref.exact', 1);
  }

  private exactEdges(s: number, cands: readonly number[], edges: EdgeList): void {
    const { S, L } = this;
    const amount = S.lines[s]!.amount;
    for (const l of cands) {
      if (S.dir[s] !== L.dir[l] || S.valueDay[s] !== L.valueDay[l] || L.lines[l]!.amount !== amount) continue;
      if (conflicts(S, s, L, l)) continue;
      edges.push(s, l, pairCost(KINDS - sharedRefs(S, s, L, l), 0, 0n));
    }
  }

  /** One line against all open lines of the other side sharing a message or cycle reference. */
  private groupByRef(): void {
    const { S, L, sOpen, lOpen } = this;
    const window = this.config.dateWindowBusinessDays;
    const sGroups = new Map<string, number[]>();
    const lGroups = new Map<string, number[]>();
    const collect = (side: S | L, open: Uint8Array, into: Map<string, number[]>): void => {
      for (const k of GROUP_KINDS) {
        const col = side.refs[k]!;
        for (let i = 0; i < side.n; i++) {
          const v = col[i];
          if (!open[i] || v === undefined) continue;
          const key = `${k}|${side.dir[i]}|${v}`;
          const list = into.get(key);
          if (list) list.push(i);
          else into.set(key, [i]);
        }
      }
    };
    collect(S, sOpen, sGroups);
    if (sGroups.size === 0) return;
    collect(L, lOpen, lGroups);
    const keys = [...sGroups.keys()].filter((k) => lGroups.has(k)).sort();
    for (const key of keys) {
      const sl = sGroups.get(key)!.filter((i) => sOpen[i]);
      const ll = lGroups.get(key)!.filter((i) => lOpen[i]);
      if (sl.length === 0 || ll.length === 0 || (sl.length === 1 && ll.length === 1)) continue;
      if (sl.length === 1 && ll.length >= 2) {
        const s = sl[0]!;
        let sum = 0n;
        let inWindow = true;
        for (const l of ll) {
          sum += L.lines[l]!.amount;
          if (Math.abs(S.valueBiz[s]! - L.valueBiz[l]!) > window) inWindow = false;
        }
        if (inWindow && sum === S.lines[s]!.amount)
          this.record([s], sortById(ll, this.lId), 'group.ref', 1, true, false, true);
      } else if (ll.length === 1 && sl.length >= 2) {
        const l = ll[0]!;
        let sum = 0n;
        let inWindow = true;
        for (const s of sl) {
          sum += S.lines[s]!.amount;
          if (Math.abs(S.valueBiz[s]! - L.valueBiz[l]!) > window) inWindow = false;
        }
        if (inWindow && sum === L.lines[l]!.amount)
          this.record(sortById(sl, this.sId), [l], 'group.ref', 1, true, false, true);
      }
    }
  }

  /**
   * A reversal (camt RvslInd = true: "the entry is the result of a reversal"; its CdtDbtInd is
   * the opposite of the original's) and its still-unmatched original on the same side cancel out.
   */
  private pairReversals(): void {
    this.pairReversalsOn(this.S, this.sOpen, 'statement');
    this.pairReversalsOn(this.L, this.lOpen, 'ledger');
  }

  private pairReversalsOn(side: S | L, open: Uint8Array, name: 'statement' | 'ledger'): void {
    const rev: number[] = [];
    for (let i = 0; i < side.n; i++) if (open[i] && side.reversal[i]) rev.push(i);
    if (rev.length === 0) return;
    const idOf = (i: number): string => side.lines[i]!.id;
    const wanted = new Set<string>();
    for (const r of rev) {
      for (const k of STRONG_KINDS) {
        const v = side.refs[k]![r];
        if (v !== undefined) wanted.add(`${k}|${v}`);
      }
      const c = side.cpty[r];
      if (c !== undefined) wanted.add(`c|${1 - side.dir[r]!}|${side.lines[r]!.amount}|${c}`);
    }
    const byKey = new Map<string, number[]>();
    const add = (key: string, i: number): void => {
      if (!wanted.has(key)) return;
      const list = byKey.get(key);
      if (list) list.push(i);
      else byKey.set(key, [i]);
    };
    for (let i = 0; i < side.n; i++) {
      if (!open[i] || side.reversal[i]) continue;
      for (const k of STRONG_KINDS) {
        const v = side.refs[k]![i];
        if (v !== undefined) add(`${k}|${v}`, i);
      }
      const c = side.cpty[i];
      if (c !== undefined) add(`c|${side.dir[i]}|${side.lines[i]!.amount}|${c}`, i);
    }
    for (const r of sortById(rev, idOf)) {
      if (!open[r]) continue;
      const amount = side.lines[r]!.amount;
      const fits = (i: number): boolean =>
        open[i] === 1 && side.dir[i] !== side.dir[r] && side.lines[i]!.amount === amount && i !== r;
      let found: number[] = [];
      for (const k of STRONG_KINDS) {
        const v = side.refs[k]![r];
        if (v !== undefined) found.push(...(byKey.get(`${k}|${v}`) ?? []).filter(fits));
      }
      const c = side.cpty[r];
      if (found.length === 0 && c !== undefined)
        found = (byKey.get(`c|${1 - side.dir[r]!}|${amount}|${c}`) ?? []).filter(
          (i) => fits(i) && side.bookBiz[i]! <= side.bookBiz[r]!,
        );
      if (found.length === 0) continue;
      // The nearest earlier original, then the lowest id.
      const best = [...new Set(found)].sort(
        (x, y) =>
          Math.abs(side.bookBiz[r]! - side.bookBiz[x]!) - Math.abs(side.bookBiz[r]! - side.bookBiz[y]!) ||
          cmp(idOf(x), idOf(y)),
      )[0]!;
      open[best] = 0;
      open[r] = 0;
      this.reversals.push({ side: name, originalId: idOf(best), reversalId: idOf(r) });
    }
  }

  private tier2(): void {
    const { S, L, sOpen, lOpen } = this;
    const pool = new Map<string, number[]>();
    for (let l = 0; l < L.n; l++) {
      const c = L.cpty[l];
      if (!lOpen[l] || c === undefined) continue;
      const key = `${L.dir[l]}|${L.lines[l]!.amount}|${L.valueDay[l]}|${c}`;
      const list = pool.get(key);
      if (list) list.push(l);
      else pool.set(key, [l]);
    }
    if (pool.size === 0) return;
    const edges = new EdgeList();
    const max = this.config.candidatesPerLineMax;
    for (let s = 0; s < S.n; s++) {
      const c = S.cpty[s];
      if (!sOpen[s] || c === undefined) continue;
      const list = pool.get(`${S.dir[s]}|${S.lines[s]!.amount}|${S.valueDay[s]}|${c}`);
      if (!list) continue;
      let n = 0;
      for (const l of list) {
        if (n >= max) break;
        if (conflicts(S, s, L, l)) continue;
        edges.push(s, l, pairCost(KINDS - sharedRefs(S, s, L, l), 0, 0n));
        n++;
      }
    }
    this.assign(edges, () => 'amount.date.counterparty', 2);
  }

  private tier3(): void {
    const { S, L, sOpen, lOpen, config } = this;
    const window = config.dateWindowBusinessDays;
    const max = config.candidatesPerLineMax;
    // Counterparty route: open ledger lines per (direction, counterparty), by amount.
    const byCpty = new Map<string, number[]>();
    for (let l = 0; l < L.n; l++) {
      const c = L.cpty[l];
      if (!lOpen[l] || c === undefined) continue;
      const key = `${L.dir[l]}|${c}`;
      const list = byCpty.get(key);
      if (list) list.push(l);
      else byCpty.set(key, [l]);
    }
    for (const list of byCpty.values())
      list.sort((x, y) => {
        const ax = L.lines[x]!.amount;
        const ay = L.lines[y]!.amount;
        return ax < ay ? -1 : ax > ay ? 1 : x - y;
      });
    const edges = new EdgeList();
    for (let s = 0; s < S.n; s++) {
      if (!sOpen[s]) continue;
      const amount = S.lines[s]!.amount;
      const tol = amountTolerance(amount, config);
      const cands = this.refCandidates(s);
      const c = S.cpty[s];
      const list = c === undefined ? undefined : byCpty.get(`${S.dir[s]}|${c}`);
      if (list) {
        const lo = amount - tol;
        const hi = amount + tol;
        for (let i = lowerBound(list, lo, L); i < list.length && cands.length < max; i++) {
          const l = list[i]!;
          if (L.lines[l]!.amount > hi) break;
          if (lOpen[l] && !cands.includes(l)) cands.push(l);
        }
      }
      for (const l of cands) {
        if (S.dir[s] !== L.dir[l]) continue;
        const diff = amount - L.lines[l]!.amount;
        if ((diff < 0n ? -diff : diff) > tol) continue;
        const days = S.valueBiz[s]! - L.valueBiz[l]!;
        if (Math.abs(days) > window) continue;
        if (conflicts(S, s, L, l)) continue;
        const shares = sharesMatchKind(S, s, L, l);
        if (!shares && (c === undefined || c !== L.cpty[l])) continue;
        edges.push(s, l, pairCost(KINDS - sharedRefs(S, s, L, l), days, diff));
      }
    }
    this.assign(
      edges,
      (s, l) => (sharesMatchKind(S, s, L, l) ? 'tolerance.ref' : 'tolerance.counterparty'),
      3,
    );
  }

  /** One line = Σ of a few open lines of the other side with the same direction, value date and counterparty. */
  private groupBySum(): void {
    this.groupSumFrom('statement');
    this.groupSumFrom('ledger');
  }

  private groupSumFrom(from: 'statement' | 'ledger'): void {
    const one: S | L = from === 'statement' ? this.S : this.L;
    const many: S | L = from === 'statement' ? this.L : this.S;
    const oneOpen = from === 'statement' ? this.sOpen : this.lOpen;
    const manyOpen = from === 'statement' ? this.lOpen : this.sOpen;
    const manyId = from === 'statement' ? this.lId : this.sId;
    const oneId = from === 'statement' ? this.sId : this.lId;
    const pool = new Map<string, number[]>();
    for (let i = 0; i < many.n; i++) {
      const c = many.cpty[i];
      if (!manyOpen[i] || c === undefined) continue;
      const key = `${many.dir[i]}|${many.valueDay[i]}|${c}`;
      const list = pool.get(key);
      if (list) list.push(i);
      else pool.set(key, [i]);
    }
    if (pool.size === 0) return;
    const heads: number[] = [];
    for (let i = 0; i < one.n; i++) if (oneOpen[i] && one.cpty[i] !== undefined) heads.push(i);
    const { groupCandidatesMax, groupSizeMax, groupSearchStepsMax } = this.config;
    for (const h of sortById(heads, oneId)) {
      const list = pool.get(`${one.dir[h]}|${one.valueDay[h]}|${one.cpty[h]}`);
      if (!list) continue;
      const target = one.lines[h]!.amount;
      const cand = sortById(
        list.filter((i) => manyOpen[i] && many.lines[i]!.amount < target),
        manyId,
      );
      if (cand.length < 2) continue;
      if (cand.length > groupCandidatesMax) {
        this.groupSearchesCut++;
        continue;
      }
      const r = subsetSum(
        cand.map((i) => many.lines[i]!.amount),
        target,
        groupSizeMax,
        groupSearchStepsMax,
      );
      if (r.cut) this.groupSearchesCut++;
      if (!r.found) continue;
      const members = r.found.indices.map((k) => cand[k]!);
      const ambiguous = !r.found.unique;
      if (from === 'statement') this.record([h], members, 'group.sum', 3, false, ambiguous, !r.cut);
      else this.record(members, [h], 'group.sum', 3, false, ambiguous, !r.cut);
    }
  }
}

function lowerBound(list: readonly number[], amount: bigint, L: L): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (L.lines[list[mid]!]!.amount < amount) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortById(idx: readonly number[], id: (i: number) => string): number[] {
  return [...idx].sort((x, y) => cmp(id(x), id(y)));
}

/** Runs every tier over prepared sides. Pending statement lines are left out of all of them. */
export function matchLines(S: S, L: L, config: ReconcileConfig): MatchOutcome {
  const engine = new Engine(S, L, config);
  engine.run();
  return {
    matches: engine.matches,
    reversals: engine.reversals,
    componentsSolved: engine.componentsSolved,
    largestComponent: engine.largestComponent,
    componentsOverSizeMax: engine.componentsOverSizeMax,
    groupSearchesCut: engine.groupSearchesCut,
    sOpen: engine.sOpen,
    lOpen: engine.lOpen,
  };
}
