/**
 * Settlement selection for one cycle: which queued payments settle together so that no
 * participant ends beyond its limit, settling as much value as possible (urgent value first).
 *
 * Pipeline (the research note's recommendation, §3.4):
 *  1. All fit: if the whole queue nets within every limit, settle everything — O(n + m).
 *  2. Floor: the FIFO-offsetting set (exact); every later stage must beat it.
 *  3. Heuristics: greedy removal, LP rounding and ejection-chain local search from each start.
 *  4. Optimiser: HiGHS on the 0-1 program, started from the best heuristic, under a time or
 *     work limit; its incumbent is polished by local search.
 *  5. Bound: the smallest of the trivial bound, the exact LP (Lagrangian) bound and HiGHS's
 *     widened MIP bound; the published gap is (bound − settled) / bound.
 * The chosen selection is re-verified in bigint (problem.ts) before it is returned; positions
 * are asserted to sum to zero and to respect every limit.
 *
 * `selectHeuristic` is the synchronous core (no solver); `selectSettlement` adds the solver.
 */
import { assert, InvariantError } from '../domain/index.js';
import {
  candidate,
  dualGuide,
  heuristicContext,
  improve,
  IMPROVE_DEFAULTS,
  lpRounding,
  runHeuristics,
  type Candidate,
  type HeuristicContext,
  type ImproveOptions,
} from './heuristics.js';
import {
  loadHighs,
  lpRelaxation,
  resetHighs,
  solveMip,
  widenedBound,
  type LpRelaxation,
  type MipOutcome,
  type MipRequest,
} from './optimiser.js';
import { generateInstance } from './generator.js';
import { assertSumsToZero, ratioText } from './positions.js';
import {
  compareScore,
  indexProblem,
  isFeasible,
  score,
  type Problem,
  type Score,
  type SettlementInstance,
  type SettlementPayment,
} from './problem.js';

export type SelectionMethod =
  /** everything fitted: optimal by construction */
  | 'all-fit'
  /** proven optimal (by HiGHS, or by reaching the proven bound), whichever stage found it */
  | 'exact'
  /** HiGHS's incumbent (or its polish) under a binding time or work limit */
  | 'optimiser'
  /** a heuristic's selection (HiGHS not used, not available, or not better) */
  | 'heuristic';

export type BoundSource = 'all-fit' | 'trivial' | 'lp-dual' | 'mip-dual';

export interface SettlementSelection {
  readonly currency: string;
  /** Payment ids in instance order. */
  readonly settled: readonly string[];
  readonly deferred: readonly string[];
  readonly settledValue: bigint;
  readonly urgentSettledValue: bigint;
  /** Every participant (listed first, then the others in order of appearance): net credit +, net debit −. */
  readonly positions: ReadonlyMap<string, bigint>;
  /** Proven upper bound on the value any feasible selection can settle. */
  readonly upperBound: bigint;
  readonly boundSource: BoundSource;
  /** (upperBound − settledValue) / upperBound, 6 decimals, rounded up. */
  readonly gap: string;
  readonly method: SelectionMethod;
  /** Which stage produced the selection (e.g. 'fifo-offsetting', 'mip', 'local-search'). */
  readonly source: string;
  /** True when the selection is proven lexicographically optimal. */
  readonly optimal: boolean;
  /** Value of the FIFO-offsetting floor, for reports ("the engine settled X more"). */
  readonly fifoValue: bigint;
  readonly solver?: SolverReport;
}

export interface SolverReport {
  readonly lpStatus?: string;
  readonly mipStatus?: string;
  readonly mipRuntimeMs?: number;
  readonly mipNodes?: number;
  readonly error?: string;
}

export interface SelectionOptions {
  /**
   * Wall-clock budget (ms) for the whole selection. It also sizes the local search's work
   * budget (a count, so still deterministic); with `deterministic` that is all it does.
   */
  readonly timeLimitMs: number;
  /** Largest queue (payments) given to the MIP; larger ones get heuristics + LP bound. */
  readonly exactMaxPayments?: number;
  /** Largest queue for which the LP relaxation (bound, rounding start) is computed. */
  readonly lpMaxPayments?: number;
  /**
   * Work limits instead of wall-clock: the same instance gives the same selection on every
   * machine. The MIP then runs only up to `exactMaxPayments` (default 200: HiGHS's root node
   * has no work limit, so larger queues could take long) and `mipNodesMax` (default 1,000)
   * branch-and-bound nodes; larger queues get the LP-guided heuristics and the LP bound.
   */
  readonly deterministic?: boolean;
  readonly mipNodesMax?: number;
  /** Relative gap at which HiGHS may stop early (default 0: prove optimality). */
  readonly mipRelGap?: number;
  /** Monotonic milliseconds (e.g. performance.now), so heuristics and solver share the budget. */
  readonly clock?: () => number;
  readonly improve?: Partial<ImproveOptions>;
}

export const SELECTION_DEFAULTS = {
  timeLimitMs: 5_000,
  exactMaxPayments: 20_000,
  deterministicExactMaxPayments: 200,
  deterministicMipNodesMax: 1_000,
  lpMaxPayments: 200_000,
} as const;

/** Share of the remaining budget given to stage 1 (urgent value) when urgent payments compete. */
const URGENT_STAGE_SHARE = 0.4;
/** Share of the time budget kept for the work after the last solver call. */
const FINISH_RESERVE_SHARE = 0.05;
/** …plus this per queued payment (model teardown, polishing, exact checks, result). */
const FINISH_RESERVE_PER_PAYMENT_S = 10e-6;
/** On large queues, share of the remaining budget for the full MIP (the rest: RINS). */
const FULL_MIP_SHARE = 0.9;
/** Share of what is left for a RINS round that may be followed by another. */
const RINS_SHARE = 0.5;
const RINS_ROUNDS_MAX = 2;
/** Below this many payments the full MIP gets the whole budget. */
const RINS_FROM_PAYMENTS = 1_000;
/** A solver call with less time than this is not worth starting. */
const MIN_SOLVE_S = 0.02;

/** Synchronous selection without the solver: all-fit, FIFO floor, heuristics, trivial bound. */
export function selectHeuristic(
  instance: SettlementInstance,
  opts: { improve?: Partial<ImproveOptions> } = {},
): SettlementSelection {
  const fit = allFit(instance);
  if (fit) return fit;
  const p = indexProblem(instance);
  const ctx = heuristicContext(p);
  const run = runHeuristics(p, ctx, [], { ...IMPROVE_DEFAULTS, ...opts.improve });
  return build(p, run.best, {
    method: 'heuristic',
    optimal: false,
    bound: trivialBound(p),
    boundSource: 'trivial',
    fifoValue: run.fifo.score.value,
  });
}

/** Selection with HiGHS (see module comment). Never worse than `selectHeuristic`'s floor. */
export async function selectSettlement(
  instance: SettlementInstance,
  opts: SelectionOptions,
): Promise<SettlementSelection> {
  const fit = allFit(instance);
  if (fit) return fit;
  const started = opts.clock?.();
  const p = indexProblem(instance);
  const deterministic = opts.deterministic ?? false;
  const improveOpts: ImproveOptions = {
    ...IMPROVE_DEFAULTS,
    workMax: localSearchBudget(opts.timeLimitMs),
    ...opts.improve,
  };
  const polishOpts: ImproveOptions = { ...improveOpts, workMax: Math.ceil(improveOpts.workMax / 8) };
  const exactMax =
    opts.exactMaxPayments ??
    (deterministic ? SELECTION_DEFAULTS.deterministicExactMaxPayments : SELECTION_DEFAULTS.exactMaxPayments);
  const lpMax = opts.lpMaxPayments ?? SELECTION_DEFAULTS.lpMaxPayments;
  const nodesMax =
    opts.mipNodesMax ?? (deterministic ? SELECTION_DEFAULTS.deterministicMipNodesMax : undefined);
  const relGap = opts.mipRelGap ?? 0;
  let solverSpentS = 0;
  /** Seconds left for the next solver call; undefined = no wall-clock limit (deterministic). */
  const remainingS = (): number | undefined => {
    if (deterministic) return undefined;
    const spentS = opts.clock && started !== undefined ? (opts.clock() - started) / 1000 : solverSpentS;
    // keep a reserve for polishing and the exact checks after the last solve
    const budgetS =
      (opts.timeLimitMs / 1000) * (1 - FINISH_RESERVE_SHARE) - p.m * FINISH_RESERVE_PER_PAYMENT_S;
    return Math.max(budgetS - spentS, 0);
  };
  const limits = (share: number): { timeLimitS?: number; nodesMax?: number } => {
    const rem = remainingS();
    return {
      ...(rem !== undefined ? { timeLimitS: Math.max(rem * share, 0.001) } : {}),
      ...(nodesMax !== undefined ? { nodesMax } : {}),
    };
  };
  const timeLeft = (): boolean => {
    const rem = remainingS();
    return rem === undefined || rem > MIN_SOLVE_S;
  };

  let bound = trivialBound(p);
  let boundSource: BoundSource = 'trivial';
  const report: { -readonly [K in keyof SolverReport]: SolverReport[K] } = {};

  let highs: Awaited<ReturnType<typeof loadHighs>> | undefined;
  try {
    highs = await loadHighs();
  } catch (e) {
    report.error = `HiGHS unavailable: ${errorText(e)}`;
  }

  // LP relaxation: exact bound, a rounding start and the guide for local search.
  let lp: LpRelaxation | undefined;
  if (highs && p.m <= lpMax) {
    try {
      lp = lpRelaxation(highs, p, remainingS());
      solverSpentS += lp.runtimeS;
      report.lpStatus = lp.status;
      if (lp.bound !== undefined && lp.bound < bound) {
        bound = lp.bound;
        boundSource = 'lp-dual';
      }
    } catch (e) {
      if (e instanceof InvariantError) throw e;
      report.error = `LP relaxation failed: ${errorText(e)}`;
      resetHighs();
      highs = undefined;
    }
  }

  const ctx = heuristicContext(p, lp?.dual ? dualGuide(p, lp.dual) : undefined);
  const starts = lp?.x ? [{ source: 'lp-rounding', sel: lpRounding(p, lp.x, ctx) }] : [];
  const run = runHeuristics(p, ctx, starts, improveOpts);
  let incumbent: Candidate = run.best;
  let optimal = false;
  const consider = (c: Candidate | undefined): void => {
    if (c && compareScore(c.score, incumbent.score) > 0) incumbent = c;
  };

  if (highs && p.m <= exactMax && timeLeft()) {
    try {
      const mip = (stage: string, req: Omit<MipRequest, 'relGap'> & { relGap?: number }): MipOutcome => {
        const out = solveMip(highs!, p, { relGap, ...req });
        solverSpentS += out.runtimeS;
        report.mipStatus = `${report.mipStatus ? `${report.mipStatus}, ` : ''}${stage}:${out.status}`;
        report.mipRuntimeMs = (report.mipRuntimeMs ?? 0) + Math.round(out.runtimeS * 1000);
        report.mipNodes = (report.mipNodes ?? 0) + (out.nodes ?? 0);
        return out;
      };
      // Stage 1 (only when urgent payments compete): the most urgent value that can settle.
      let urgentProven = !p.anyUrgent || incumbent.score.urgent === p.grossUrgent;
      if (!urgentProven) {
        const out = mip('urgent', {
          objective: 'urgent',
          start: incumbent.sel,
          relGap: 0,
          ...limits(URGENT_STAGE_SHARE),
        });
        consider(polished(p, 'mip-urgent', out, incumbent.sel, ctx, polishOpts));
        // HiGHS proved out.sel urgent-optimal; the incumbent is too if it settles as much urgent value
        urgentProven = provenBy(p, out) !== undefined && provenBy(p, out)!.urgent <= incumbent.score.urgent;
      }
      // Stage 2: the most value, keeping the urgent value reached.
      const urgentFloor = p.anyUrgent ? incumbent.score.urgent : 0n;
      // 2a: the whole problem, started from the incumbent. On large queues HiGHS spends most of
      // its time in root cutting before its own sub-MIP heuristics run, so it gets most of the
      // budget; what is left goes to our neighbourhood search below.
      const large = lp?.x !== undefined && p.m >= RINS_FROM_PAYMENTS;
      if (timeLeft()) {
        const out = mip('full', {
          objective: 'value',
          urgentFloor,
          start: incumbent.sel,
          ...limits(large ? FULL_MIP_SHARE : 1),
        });
        consider(polished(p, 'mip', out, incumbent.sel, ctx, polishOpts));
        const provenScore = relGap === 0 && urgentProven ? provenBy(p, out) : undefined;
        if (provenScore && compareScore(incumbent.score, provenScore) >= 0) optimal = true;
        // The MIP bound bounds the unconstrained value only when no urgent floor was imposed.
        if (out.dualBound !== undefined && urgentFloor === 0n) {
          const mipBound = widenedBound(p, out.dualBound);
          if (mipBound < bound && mipBound >= incumbent.score.value) {
            bound = mipBound;
            boundSource = 'mip-dual';
          }
        }
      }
      // 2b: relaxation-induced neighbourhood search (RINS): payments on which the LP and the
      // incumbent agree stay fixed; HiGHS re-optimises the others, a much smaller problem.
      // Repeated while it improves, since a new incumbent gives a new neighbourhood.
      for (let round = 0; large && !optimal && round < RINS_ROUNDS_MAX && timeLeft(); round++) {
        const x = lp!.x!;
        const fixed = Uint8Array.from(incumbent.sel, (sj, j) => (Math.abs(x[j]! - sj) < 1e-6 ? 1 : 0));
        const out = mip('rins', {
          objective: 'value',
          urgentFloor,
          start: incumbent.sel,
          fixed,
          fixTo: incumbent.sel,
          ...limits(round === RINS_ROUNDS_MAX - 1 ? 1 : RINS_SHARE),
        });
        const before = incumbent;
        consider(polished(p, 'rins', out, incumbent.sel, ctx, polishOpts));
        if (incumbent === before) break;
      }
    } catch (e) {
      if (e instanceof InvariantError) throw e;
      report.error = `MIP failed: ${errorText(e)}`;
      resetHighs();
    }
  }
  if (!optimal && incumbent.score.value === bound && !p.anyUrgent) optimal = true;
  const fromSolver = /^(mip|rins)/.test(incumbent.source);
  return build(p, incumbent, {
    method: optimal ? 'exact' : fromSolver ? 'optimiser' : 'heuristic',
    optimal,
    bound,
    boundSource,
    fifoValue: run.fifo.score.value,
    solver: report,
  });
}

/**
 * Reference optimum for benchmarks and audits: HiGHS on the value objective with no time
 * limit, its solution re-checked in bigint. For queues without urgent payments.
 */
export async function exactOptimum(
  instance: SettlementInstance,
): Promise<{ value: bigint; proven: boolean }> {
  const p = indexProblem(instance);
  assert(!p.anyUrgent, 'exactOptimum handles the value objective only (no urgent payments)');
  const out = solveMip(await loadHighs(), p, { objective: 'value', relGap: 0 });
  const proven = provenBy(p, out);
  return proven ? { value: proven.value, proven: true } : { value: 0n, proven: false };
}

/** The exact LP (Lagrangian) upper bound on the settled value, or undefined if the LP failed. */
export async function lpBound(instance: SettlementInstance): Promise<bigint | undefined> {
  return lpRelaxation(await loadHighs(), indexProblem(instance), undefined).bound;
}

/**
 * Loads HiGHS and runs one small gridlocked selection, so that a long-running service pays
 * the WebAssembly start-up once at boot: the first solves in a process run several times
 * slower while V8 compiles and tiers up the solver's code. Returns the milliseconds the
 * warm-up solve took by HiGHS's own accounting.
 */
export async function warmUpOptimiser(budgetMs = 1_500): Promise<number> {
  const inst = generateInstance({ participants: 20, payments: 200, liquidityFactor: 0.1, seed: 1 });
  const s = await selectSettlement(inst, { timeLimitMs: budgetMs });
  return s.solver?.mipRuntimeMs ?? 0;
}

/**
 * Local-search work budget for a time limit: about 600 chain evaluations per millisecond of
 * budget (≈ a third of the budget on a 2020s core), capped; a count, so it is deterministic.
 */
export function localSearchBudget(timeLimitMs: number): number {
  return Math.min(Math.max(Math.round(timeLimitMs * 10_000), 1_000_000), IMPROVE_DEFAULTS.workMax);
}

/** Score of a solution HiGHS proved optimal, if it is exactly feasible (else no proof). */
function provenBy(p: Problem, out: MipOutcome): Score | undefined {
  return out.optimal && out.sel && isFeasible(p, out.sel) ? score(p, out.sel) : undefined;
}

/** A MIP solution, made exactly feasible and polished by local search; undefined if none or unchanged. */
function polished(
  p: Problem,
  source: string,
  out: MipOutcome,
  start: Uint8Array,
  ctx: HeuristicContext,
  improveOpts: ImproveOptions,
): Candidate | undefined {
  const sol = out.sel;
  if (!sol || sol.every((x, j) => x === start[j])) return undefined;
  const raw = candidate(p, source, sol.slice());
  const moreSel = raw.sel.slice();
  if (improve(p, moreSel, ctx, improveOpts).moves === 0) return raw;
  const more = candidate(p, `${source}+local-search`, moreSel);
  return compareScore(more.score, raw.score) > 0 ? more : raw;
}

/**
 * Cheap valid bound: participant i can pay out at most min(its queued outflow, L_i + its queued
 * inflow), and the settled value is the sum of what the participants pay.
 */
export function trivialBound(p: Problem): bigint {
  const out = new Array<bigint>(p.n).fill(0n);
  const inn = new Array<bigint>(p.n).fill(0n);
  for (let j = 0; j < p.m; j++) {
    out[p.from[j]!]! += p.amount[j]!;
    inn[p.to[j]!]! += p.amount[j]!;
  }
  let total = 0n;
  for (let i = 0; i < p.n; i++) {
    const cap = p.limit[i]! + inn[i]!;
    total += out[i]! < cap ? out[i]! : cap;
  }
  return total;
}

/**
 * Fast path: when the whole queue nets within every limit, settle everything. O(n + m): one
 * Map of positions, nothing else per payment.
 */
function allFit(instance: SettlementInstance): SettlementSelection | undefined {
  const positions = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  for (const p of instance.participants) {
    assert(!limits.has(p.id), () => `participant ${p.id} is listed twice`);
    assert(p.limit >= 0n, () => `participant ${p.id} has a negative limit`);
    limits.set(p.id, p.limit);
    positions.set(p.id, 0n);
  }
  let gross = 0n;
  let grossUrgent = 0n;
  for (const pay of instance.payments) {
    const a = pay.amount;
    assert(a > 0n, () => `payment ${pay.id} has a non-positive amount`);
    assert(pay.from !== pay.to, () => `payment ${pay.id} is from ${pay.from} to itself`);
    positions.set(pay.from, (positions.get(pay.from) ?? 0n) - a);
    positions.set(pay.to, (positions.get(pay.to) ?? 0n) + a);
    gross += a;
    if (pay.urgent) grossUrgent += a;
  }
  for (const [id, pos] of positions) if (-pos > (limits.get(id) ?? 0n)) return undefined;
  assertSumsToZero(positions, instance.currency);
  // Ids are unique by contract (parseInstance refuses duplicates, cycles are keyed by payment
  // id; indexProblem re-checks on the optimisation path). Not re-checked here: hashing a
  // million ids would cost more than the whole close.
  const settled = instance.payments.map((pay) => pay.id);
  return {
    currency: instance.currency,
    settled,
    deferred: [],
    settledValue: gross,
    urgentSettledValue: grossUrgent,
    positions,
    upperBound: gross,
    boundSource: 'all-fit',
    gap: ratioText({ numerator: 0n, denominator: 1n }, 6, 'up'),
    method: 'all-fit',
    source: 'all-fit',
    optimal: true,
    fifoValue: gross,
  };
}

function build(
  p: Problem,
  chosen: { source: string; sel: Uint8Array; score: Score },
  meta: {
    method: SelectionMethod;
    optimal: boolean;
    bound: bigint;
    boundSource: BoundSource;
    fifoValue: bigint;
    solver?: SolverReport;
  },
): SettlementSelection {
  const { sel } = chosen;
  const pos = new Array<bigint>(p.n).fill(0n);
  const settled: string[] = [];
  const deferred: string[] = [];
  let value = 0n;
  let urgent = 0n;
  for (let j = 0; j < p.m; j++) {
    const id = p.instance.payments[j]!.id;
    if (!sel[j]) {
      deferred.push(id);
      continue;
    }
    settled.push(id);
    const a = p.amount[j]!;
    pos[p.from[j]!]! -= a;
    pos[p.to[j]!]! += a;
    value += a;
    if (p.urgent[j]) urgent += a;
  }
  const positions = new Map<string, bigint>();
  for (let i = 0; i < p.n; i++) {
    // exact feasibility of what leaves the engine, against the clamped (≤ declared) limit
    assert(-pos[i]! <= p.limit[i]!, () => `selection leaves ${p.participantIds[i]} beyond its limit`);
    positions.set(p.participantIds[i]!, pos[i]!);
  }
  assertSumsToZero(positions, p.instance.currency);
  assert(value === chosen.score.value && urgent === chosen.score.urgent, 'selection score mismatch');
  assert(meta.bound >= value, () => `upper bound ${meta.bound} below settled value ${value}`);
  const gap =
    meta.bound === 0n
      ? ratioText({ numerator: 0n, denominator: 1n }, 6, 'up')
      : ratioText({ numerator: meta.bound - value, denominator: meta.bound }, 6, 'up');
  return {
    currency: p.instance.currency,
    settled,
    deferred,
    settledValue: value,
    urgentSettledValue: urgent,
    positions,
    upperBound: meta.bound,
    boundSource: meta.boundSource,
    gap,
    method: meta.method,
    source: chosen.source,
    optimal: meta.optimal,
    fifoValue: meta.fifoValue,
    ...(meta.solver ? { solver: meta.solver } : {}),
  };
}

/**
 * Removes a defaulting participant and every payment it sends or receives; the rest of the
 * queue is then re-selected (re-netted) as a cycle of its own. Removing an id that is not in the
 * instance changes nothing.
 */
export function removeDefaulter(
  instance: SettlementInstance,
  participantId: string,
): { instance: SettlementInstance; removedPaymentIds: string[] } {
  const removedPaymentIds: string[] = [];
  const payments: SettlementPayment[] = [];
  instance.payments.forEach((pay, j) => {
    if (pay.from === participantId || pay.to === participantId) removedPaymentIds.push(pay.id);
    // keep each survivor's arrival order even though its array position changes
    else payments.push(pay.order === undefined ? { ...pay, order: j } : pay);
  });
  return {
    instance: {
      currency: instance.currency,
      participants: instance.participants.filter((p) => p.id !== participantId),
      payments,
    },
    removedPaymentIds,
  };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
