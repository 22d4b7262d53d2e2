/**
 * The exact optimiser: HiGHS (npm `highs`, HiGHS compiled to WebAssembly, single-threaded) on
 * the 0-1 program of the settlement problem, plus its LP relaxation for a proven bound.
 *
 * Model: one binary x_j per payment, one row per participant:
 *   Σ_{j: from(j)=i} a_j x_j − Σ_{j: to(j)=i} a_j x_j ≤ L_i,   maximise Σ a_j x_j
 * (stage 1 of the lexicographic objective maximises the urgent value instead; stage 2 adds the
 * row "urgent value ≥ stage-1 value"). Amounts are divided by the power of two nearest the
 * geometric mean of the smallest and largest amount (exact in binary floating point), and the
 * row tolerance is tightened so that a solution HiGHS accepts is within one minor unit of
 * feasible for amounts spanning up to ~17 decimal orders.
 *
 * Exactness: nothing the solver returns is trusted as money. Solutions are rounded, re-checked
 * and repaired in bigint by the caller. The published LP bound is not the solver's float
 * objective: it is recomputed in exact integer arithmetic from the LP's row duals y ≥ 0 by weak
 * Lagrangian duality, which holds for any y ≥ 0:
 *   value(S) ≤ Σ_i y_i L_i + Σ_j a_j · max(0, 1 − y_from(j) + y_to(j)),
 * with y rounded to a 2^-20 grid; so a rounding error in the solver can loosen the bound, never
 * make it wrong.
 *
 * Determinism: fixed random_seed, one thread. A wall-clock time limit that binds makes the
 * incumbent depend on machine speed; callers that need identical output on every machine use
 * work limits (node counts) instead.
 *
 * HiGHS is loaded once per process (`loadHighs`) and every model is disposed after use, since
 * WebAssembly memory is not garbage-collected.
 */
import type { Highs, Model, ModelData } from 'highs';

import { assert } from '../domain/index.js';
import type { Problem } from './problem.js';

type HighsLoader = () => Promise<Highs>;

let runtime: Promise<Highs> | undefined;

/** Loads the HiGHS WebAssembly runtime once; later calls share it. */
export function loadHighs(): Promise<Highs> {
  runtime ??= import('highs')
    .then((mod) => {
      // The package ships ESM (default = loader) under CommonJS-flavoured typings
      // (default = module.exports); accept both shapes.
      const m = mod as unknown as { default: HighsLoader | { default: HighsLoader } };
      return (typeof m.default === 'function' ? m.default : m.default.default)();
    })
    .catch((e: unknown) => {
      runtime = undefined;
      throw e;
    });
  return runtime;
}

/** Drops the shared runtime (after a WebAssembly abort) so the next call loads a fresh one. */
export function resetHighs(): void {
  runtime = undefined;
}

const DUAL_GRID_BITS = 20n;
const DUAL_GRID = 1n << DUAL_GRID_BITS;
/** From this many payments on, HiGHS keeps its cut pool small so its root heuristics start sooner. */
const SMALL_CUT_POOL_FROM_PAYMENTS = 1_000;
/**
 * Row feasibility tolerance in scaled units. With the scaling below one minor unit is at least
 * ~3e-9 scaled units even for amounts spanning 17 orders of magnitude, so a solution the solver
 * accepts is off by less than one minor unit (and is re-checked exactly anyway).
 */
const FEASIBILITY_TOLERANCE = 1e-9;

/**
 * Power of two nearest to the geometric mean of the smallest and largest amount: scaled
 * coefficients are then symmetric around 1, so neither end falls under HiGHS's drop threshold
 * nor beyond its "infinite" threshold. Dividing by 2^k is exact in binary floating point.
 */
export function scaleOf(p: Problem): number {
  let max = 0;
  let min = Infinity;
  for (const a of p.v) {
    if (a > max) max = a;
    if (a < min) min = a;
  }
  if (max === 0) return 1;
  const k = Math.round(Math.log2(Math.sqrt(min * max)));
  return k > 0 ? 2 ** k : 1;
}

const SOLVER_OPTIONS = {
  output_flag: false,
  random_seed: 0,
  small_matrix_value: 1e-12,
  primal_feasibility_tolerance: FEASIBILITY_TOLERANCE,
} as const;

interface ModelOptions {
  readonly objective: 'value' | 'urgent';
  readonly integer: boolean;
  /** Payments fixed to `fixTo` (sub-MIP of a neighbourhood search). */
  readonly fixed?: Uint8Array;
  readonly fixTo?: Uint8Array;
  /** Stage 2: settle at least this urgent value (minor units). */
  readonly urgentFloor?: bigint;
}

function modelData(highs: Highs, p: Problem, scale: number, o: ModelOptions): ModelData {
  const { m, n } = p;
  const floorRow =
    o.urgentFloor !== undefined && o.urgentFloor > 0n && o.urgentFloor < p.grossUrgent
      ? o.urgentFloor
      : undefined;
  const fixUrgent = o.urgentFloor !== undefined && o.urgentFloor > 0n && o.urgentFloor >= p.grossUrgent;
  const rows = n + (floorRow !== undefined ? 1 : 0);
  let nnz = 2 * m;
  if (floorRow !== undefined) for (let j = 0; j < m; j++) nnz += p.urgent[j]!;
  const starts = new Int32Array(m + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  const colCost = new Float64Array(m);
  const colLower = new Float64Array(m);
  const colUpper = new Float64Array(m).fill(1);
  let k = 0;
  for (let j = 0; j < m; j++) {
    starts[j] = k;
    const a = p.v[j]! / scale;
    const s = p.from[j]!;
    const r = p.to[j]!;
    // row indices strictly increasing within a column
    const [i1, c1, i2, c2] = s < r ? [s, a, r, -a] : [r, -a, s, a];
    indices[k] = i1;
    values[k++] = c1;
    indices[k] = i2;
    values[k++] = c2;
    if (floorRow !== undefined && p.urgent[j]) {
      indices[k] = n;
      values[k++] = a;
    }
    colCost[j] = o.objective === 'value' || p.urgent[j] ? a : 0;
    if (fixUrgent && p.urgent[j]) colLower[j] = 1;
    if (o.fixed?.[j]) colLower[j] = colUpper[j] = o.fixTo![j]!;
  }
  starts[m] = k;
  const rowLower = new Float64Array(rows).fill(-highs.infinity);
  const rowUpper = Float64Array.from({ length: rows }, (_, i) =>
    i < n ? p.lim[i]! / scale : highs.infinity,
  );
  if (floorRow !== undefined) rowLower[n] = (Number(floorRow) - 0.5) / scale;
  return {
    numCols: m,
    numRows: rows,
    sense: highs.constants.objectiveSense.maximize,
    colCost,
    colLower,
    colUpper,
    rowLower,
    rowUpper,
    matrix: { format: 'csc', numRows: rows, numCols: m, starts, indices, values },
    ...(o.integer ? { integrality: new Int32Array(m).fill(highs.constants.variableType.integer) } : {}),
  };
}

function statusName(highs: Highs, code: number): string {
  const names = highs.constants.modelStatus as unknown as Record<string, number>;
  for (const [name, value] of Object.entries(names)) if (value === code) return name;
  return `status-${code}`;
}

function withModel<T>(highs: Highs, data: ModelData, f: (model: Model) => T): T {
  const model = highs.createModel(data);
  try {
    return f(model);
  } finally {
    model.dispose();
  }
}

export interface LpRelaxation {
  readonly status: string;
  /** LP solution (fraction of each payment), when the LP was solved to optimality. */
  readonly x?: Float64Array;
  /** Row duals (one per participant), when the LP was solved. */
  readonly dual?: Float64Array;
  /** Exact upper bound on the settled value (minor units), when the LP was solved. */
  readonly bound?: bigint;
  readonly runtimeS: number;
}

/** Solves the LP relaxation of the value problem and derives the exact Lagrangian bound. */
export function lpRelaxation(highs: Highs, p: Problem, timeLimitS: number | undefined): LpRelaxation {
  const scale = scaleOf(p);
  return withModel(highs, modelData(highs, p, scale, { objective: 'value', integer: false }), (model) => {
    model.options.set({
      ...SOLVER_OPTIONS,
      ...(timeLimitS !== undefined ? { time_limit: Math.max(timeLimitS, 0.001) } : {}),
    });
    model.run();
    const code = model.getModelStatus();
    const status = statusName(highs, code);
    const runtimeS = model.getRunTime();
    if (code !== highs.constants.modelStatus.optimal) return { status, runtimeS };
    const sol = model.getSolution();
    return { status, x: sol.colValue, dual: sol.rowDual, bound: lagrangianBound(p, sol.rowDual), runtimeS };
  });
}

/**
 * Exact weak-duality bound for multipliers `dual` (made non-negative; the sign convention of
 * the solver does not matter since any y ≥ 0 gives a valid bound).
 */
export function lagrangianBound(p: Problem, dual: ArrayLike<number>): bigint {
  const y = Array.from({ length: p.n }, (_, i) => {
    const d = Math.abs(dual[i] ?? 0);
    return Number.isFinite(d) ? BigInt(Math.round(d * Number(DUAL_GRID))) : 0n;
  });
  let total = 0n;
  for (let i = 0; i < p.n; i++) total += y[i]! * p.limit[i]!;
  for (let j = 0; j < p.m; j++) {
    const w = DUAL_GRID - y[p.from[j]!]! + y[p.to[j]!]!;
    if (w > 0n) total += p.amount[j]! * w;
  }
  return (total + DUAL_GRID - 1n) >> DUAL_GRID_BITS;
}

export interface MipRequest {
  readonly objective: 'value' | 'urgent';
  readonly urgentFloor?: bigint;
  /** A feasible selection handed to HiGHS as its first incumbent. */
  readonly start?: Uint8Array;
  /** Wall-clock limit for this solve; undefined = none (work limits only). */
  readonly timeLimitS?: number;
  readonly nodesMax?: number;
  /** Neighbourhood search: payments with fixed[j] = 1 are fixed to fixTo[j]. */
  readonly fixed?: Uint8Array;
  readonly fixTo?: Uint8Array;
  /** Relative gap at which HiGHS may stop; 0 = prove optimality to within one minor unit. */
  readonly relGap: number;
}

export interface MipOutcome {
  readonly status: string;
  /** True when HiGHS proved the incumbent optimal (within the gaps requested). */
  readonly optimal: boolean;
  readonly sel?: Uint8Array;
  /** HiGHS's proven bound on the objective, in minor units (floating point). */
  readonly dualBound?: number;
  readonly runtimeS: number;
  readonly nodes?: number;
}

export function solveMip(highs: Highs, p: Problem, req: MipRequest): MipOutcome {
  const scale = scaleOf(p);
  const data = modelData(highs, p, scale, {
    objective: req.objective,
    integer: true,
    ...(req.urgentFloor !== undefined ? { urgentFloor: req.urgentFloor } : {}),
    ...(req.fixed && req.fixTo ? { fixed: req.fixed, fixTo: req.fixTo } : {}),
  });
  return withModel(highs, data, (model) => {
    model.options.set({
      ...SOLVER_OPTIONS,
      mip_rel_gap: req.relGap,
      // amounts are whole minor units: a gap below one unit proves optimality
      mip_abs_gap: 0.99 / scale,
      ...(p.m >= SMALL_CUT_POOL_FROM_PAYMENTS ? { mip_pool_soft_limit: 1 } : {}),
      ...(req.timeLimitS !== undefined ? { time_limit: Math.max(req.timeLimitS, 0.001) } : {}),
      ...(req.nodesMax !== undefined ? { mip_max_nodes: req.nodesMax } : {}),
    });
    if (req.start) {
      assert(req.start.length === p.m, 'start selection has the wrong length');
      model.setSolution({ colValue: Float64Array.from(req.start) });
    }
    model.run();
    const code = model.getModelStatus();
    const status = statusName(highs, code);
    const runtimeS = model.getRunTime();
    const nodes = Number(model.info.get('mip_node_count'));
    const feasible =
      Number(model.info.get('primal_solution_status')) === highs.constants.solutionStatus.feasible;
    const dual = Number(model.info.get('mip_dual_bound'));
    const sel = feasible
      ? Uint8Array.from(model.getSolution().colValue, (x) => (x > 0.5 ? 1 : 0))
      : undefined;
    return {
      status,
      optimal: code === highs.constants.modelStatus.optimal,
      ...(sel ? { sel } : {}),
      ...(Number.isFinite(dual) ? { dualBound: dual * scale } : {}),
      runtimeS,
      nodes,
    };
  });
}

/**
 * Turns HiGHS's floating-point MIP bound into a bigint, widened by its tolerances (1e-7 per
 * column on reduced costs, 1e-9 relative), so that solver round-off cannot understate it.
 */
export function widenedBound(p: Problem, dualBound: number): bigint {
  const scale = scaleOf(p);
  const widened = dualBound + Math.abs(dualBound) * 1e-9 + (p.m + p.n) * 1e-7 * scale + 1;
  return BigInt(Math.ceil(widened));
}
