/**
 * The settlement-selection problem of one cycle, and its exact arithmetic.
 *
 * Participants i have a limit L_i ≥ 0: the largest net debit they may end the cycle with (net
 * debit cap plus available liquidity). A set S of queued payments is feasible when, for every i,
 * (sum it pays in S) − (sum it receives in S) ≤ L_i. The engine maximises, lexicographically,
 * first the value of the urgent payments settled, then the total value settled (an urgent
 * payment is never deferred to make room for more non-urgent value, as in priority queues of
 * RTGS systems where urgent payments are processed ahead of normal ones).
 *
 * The optimisers work on Float64 copies of the amounts (exact integers when the cycle's gross
 * value stays below 2^53 minor units, `floatExact`); every selection that leaves this module is
 * re-checked and, if needed, repaired here in bigint, so floating point never decides whether
 * money moves.
 */
import { assert } from '../domain/index.js';

export interface SettlementParticipant {
  readonly id: string;
  /** Largest net debit allowed at the end of the cycle, minor units, ≥ 0. */
  readonly limit: bigint;
}

export interface SettlementPayment {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  /** Minor units, > 0. */
  readonly amount: bigint;
  /** Urgent payments are settled first (lexicographic objective). */
  readonly urgent?: boolean;
  /** Arrival sequence; defaults to the position in `payments`. Orders each sender's queue. */
  readonly order?: number;
}

export interface SettlementInstance {
  readonly currency: string;
  /** A participant that appears only in payments has limit 0 (it may not end in net debit). */
  readonly participants: readonly SettlementParticipant[];
  readonly payments: readonly SettlementPayment[];
}

/** The instance indexed for the algorithms. Payment j runs from `from[j]` to `to[j]`. */
export interface Problem {
  readonly instance: SettlementInstance;
  readonly n: number;
  readonly m: number;
  readonly participantIds: readonly string[];
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly amount: readonly bigint[];
  /** Limits clamped to the participant's total outflow (a larger limit can never bind). */
  readonly limit: readonly bigint[];
  readonly urgent: Uint8Array;
  readonly anyUrgent: boolean;
  readonly v: Float64Array;
  readonly lim: Float64Array;
  /** True when every sum of amounts is an exactly representable double. */
  readonly floatExact: boolean;
  /** Payment indices in queue priority: urgent first, then arrival order, then id. */
  readonly priority: Int32Array;
  /** Total value and urgent value of all payments. */
  readonly gross: bigint;
  readonly grossUrgent: bigint;
}

export function indexProblem(instance: SettlementInstance): Problem {
  const index = new Map<string, number>();
  const participantIds: string[] = [];
  const rawLimit: bigint[] = [];
  for (const p of instance.participants) {
    assert(!index.has(p.id), () => `participant ${p.id} is listed twice`);
    assert(p.limit >= 0n, () => `participant ${p.id} has a negative limit`);
    index.set(p.id, participantIds.length);
    participantIds.push(p.id);
    rawLimit.push(p.limit);
  }
  const indexOf = (id: string): number => {
    let i = index.get(id);
    if (i === undefined) {
      i = participantIds.length;
      index.set(id, i);
      participantIds.push(id);
      rawLimit.push(0n);
    }
    return i;
  };
  const m = instance.payments.length;
  const from = new Int32Array(m);
  const to = new Int32Array(m);
  const amount: bigint[] = new Array<bigint>(m);
  const urgent = new Uint8Array(m);
  const seen = new Set<string>();
  let gross = 0n;
  let grossUrgent = 0n;
  let anyUrgent = false;
  for (let j = 0; j < m; j++) {
    const p = instance.payments[j]!;
    assert(!seen.has(p.id), () => `payment ${p.id} appears twice`);
    seen.add(p.id);
    assert(p.amount > 0n, () => `payment ${p.id} has a non-positive amount`);
    assert(p.from !== p.to, () => `payment ${p.id} is from ${p.from} to itself`);
    from[j] = indexOf(p.from);
    to[j] = indexOf(p.to);
    amount[j] = p.amount;
    gross += p.amount;
    if (p.urgent) {
      urgent[j] = 1;
      anyUrgent = true;
      grossUrgent += p.amount;
    }
  }
  const n = participantIds.length;
  const outflow: bigint[] = new Array<bigint>(n).fill(0n);
  for (let j = 0; j < m; j++) outflow[from[j]!]! += amount[j]!;
  const limit = rawLimit.map((l, i) => (l < outflow[i]! ? l : outflow[i]!));
  const v = Float64Array.from(amount, (a) => Number(a));
  const lim = Float64Array.from(limit, (l) => Number(l));
  const order = (j: number): number => instance.payments[j]!.order ?? j;
  const priority = Int32Array.from({ length: m }, (_, j) => j).sort(
    (a, b) =>
      urgent[b]! - urgent[a]! ||
      order(a) - order(b) ||
      compareStrings(instance.payments[a]!.id, instance.payments[b]!.id),
  );
  return {
    instance,
    n,
    m,
    participantIds,
    from,
    to,
    amount,
    limit,
    urgent,
    anyUrgent,
    v,
    lim,
    floatExact: gross <= BigInt(Number.MAX_SAFE_INTEGER),
    priority,
    gross,
    grossUrgent,
  };
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lexicographic objective: urgent value settled, then total value settled. */
export interface Score {
  readonly urgent: bigint;
  readonly value: bigint;
}

export function score(p: Problem, sel: Uint8Array): Score {
  let urgent = 0n;
  let value = 0n;
  for (let j = 0; j < p.m; j++) {
    if (!sel[j]) continue;
    value += p.amount[j]!;
    if (p.urgent[j]) urgent += p.amount[j]!;
  }
  return { urgent, value };
}

export function compareScore(a: Score, b: Score): number {
  if (a.urgent !== b.urgent) return a.urgent < b.urgent ? -1 : 1;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return 0;
}

/** Remaining headroom of each participant, exact: L_i − (paid − received). Negative = violated. */
export function slackExact(p: Problem, sel: Uint8Array): bigint[] {
  const slack = [...p.limit];
  for (let j = 0; j < p.m; j++) {
    if (!sel[j]) continue;
    slack[p.from[j]!]! -= p.amount[j]!;
    slack[p.to[j]!]! += p.amount[j]!;
  }
  return slack;
}

export function isFeasible(p: Problem, sel: Uint8Array): boolean {
  return slackExact(p, sel).every((s) => s >= 0n);
}

/**
 * Makes `sel` feasible in exact arithmetic and then re-adds what fits, in place. Removal works
 * on the participant in deficit: among its settled outgoing payments (non-urgent first) the
 * smallest that covers the deficit, else the largest. Re-adding goes in queue priority; a
 * payment fits when its sender's headroom covers it (the receiver only gains). Returns the
 * number of payments removed (0 when `sel` was already feasible).
 */
export function repairExact(p: Problem, sel: Uint8Array): number {
  const slack = slackExact(p, sel);
  const outs = outgoing(p);
  let removed = 0;
  const work: number[] = [];
  for (let i = 0; i < p.n; i++) if (slack[i]! < 0n) work.push(i);
  while (work.length > 0) {
    const i = work.pop()!;
    while (slack[i]! < 0n) {
      const deficit = -slack[i]!;
      const j = pickRemoval(p, outs[i]!, sel, deficit);
      assert(j >= 0, () => `participant ${p.participantIds[i]} is in deficit with nothing to remove`);
      sel[j] = 0;
      removed++;
      slack[i]! += p.amount[j]!;
      const r = p.to[j]!;
      slack[r]! -= p.amount[j]!;
      if (slack[r]! < 0n) work.push(r);
    }
  }
  if (removed > 0) readdExact(p, sel, slack);
  return removed;
}

/** Adds deferred payments that fit, in queue priority, until none does. */
export function readdExact(p: Problem, sel: Uint8Array, slack: bigint[] = slackExact(p, sel)): number {
  let added = 0;
  for (let changed = true; changed;) {
    changed = false;
    for (const j of p.priority) {
      if (sel[j]) continue;
      const s = p.from[j]!;
      if (slack[s]! >= p.amount[j]!) {
        sel[j] = 1;
        slack[s]! -= p.amount[j]!;
        slack[p.to[j]!]! += p.amount[j]!;
        added++;
        changed = true;
      }
    }
  }
  return added;
}

function pickRemoval(p: Problem, outs: Int32Array, sel: Uint8Array, deficit: bigint): number {
  for (const allowUrgent of [false, true]) {
    let cover = -1;
    let largest = -1;
    for (const j of outs) {
      if (!sel[j] || (!allowUrgent && p.urgent[j])) continue;
      const a = p.amount[j]!;
      if (a >= deficit && (cover < 0 || a < p.amount[cover]!)) cover = j;
      if (largest < 0 || a > p.amount[largest]!) largest = j;
    }
    if (cover >= 0) return cover;
    if (largest >= 0) return largest;
  }
  return -1;
}

/** Outgoing payments of each participant, ascending by amount, ties by index. */
export function outgoing(p: Problem): Int32Array[] {
  return byParticipant(p, p.from, (a, b) => p.v[a]! - p.v[b]! || a - b);
}

/** Incoming payments of each participant, descending by amount, ties by index. */
export function incoming(p: Problem): Int32Array[] {
  return byParticipant(p, p.to, (a, b) => p.v[b]! - p.v[a]! || a - b);
}

function byParticipant(p: Problem, end: Int32Array, cmp: (a: number, b: number) => number): Int32Array[] {
  const count = new Int32Array(p.n);
  for (let j = 0; j < p.m; j++) count[end[j]!]!++;
  const lists = Array.from({ length: p.n }, (_, i) => new Int32Array(count[i]!));
  const fill = new Int32Array(p.n);
  for (let j = 0; j < p.m; j++) {
    const i = end[j]!;
    lists[i]![fill[i]!++] = j;
  }
  for (const l of lists) l.sort(cmp);
  return lists;
}
