/**
 * netting — net positions and settlement selection for a cycle (cycle persistence comes in its
 * own `*.pg.ts` shell later).
 *
 * Owns: multilateral net positions and liquidity figures (positions.ts); the settlement problem
 * and its exact arithmetic (problem.ts); the heuristics — FIFO offsetting floor, greedy removal,
 * ejection-chain local search (heuristics.ts); the HiGHS optimiser and the exact LP bound
 * (optimiser.ts); the selection pipeline and defaulter removal (selection.ts); the
 * `isoclear net` JSON contract and command (instance.ts, net-command.ts); a seeded instance
 * generator for tests and benchmarks (generator.ts).
 *
 * May import: src/domain and the `highs` WebAssembly solver (pure computation, no I/O of its
 * own beyond loading its .wasm). No clock, no randomness, no database or broker: the caller
 * passes a clock for time budgets and the file contents for the command.
 *
 * Invariants asserted: net positions of a currency sum to zero; a selection leaves every
 * participant within its limit in exact bigint arithmetic, whatever the solver returned;
 * every payment id appears exactly once, settled or deferred; the published upper bound is
 * at least the settled value; no selection settles less (lexicographically: urgent value,
 * then value) than the FIFO-offsetting set.
 */
export {
  assertSumsToZero,
  figuresFrom,
  liquidityFigures,
  netPositions,
  ratioText,
  RATIO_DIGITS,
  type LiquidityFigures,
  type Obligation,
  type Rational,
} from './positions.js';
export {
  compareScore,
  indexProblem,
  isFeasible,
  score,
  type Problem,
  type Score,
  type SettlementInstance,
  type SettlementParticipant,
  type SettlementPayment,
} from './problem.js';
export { fifoOffsetting, IMPROVE_DEFAULTS, type ImproveOptions } from './heuristics.js';
export { loadHighs } from './optimiser.js';
export {
  exactOptimum,
  lpBound,
  removeDefaulter,
  SELECTION_DEFAULTS,
  selectHeuristic,
  selectSettlement,
  trivialBound,
  warmUpOptimiser,
  type BoundSource,
  type SelectionMethod,
  type SelectionOptions,
  type SettlementSelection,
  type SolverReport,
} from './selection.js';
export {
  formatSelection,
  INSTANCE_LIMITS_DEFAULT,
  parseInstance,
  parseInstanceText,
  type InstanceError,
  type InstanceLimits,
} from './instance.js';
export { NET_CONFIG_DEFAULT, NET_USAGE, runNet, type NetConfig, type NetIo } from './net-command.js';
export { generateInstance, participantId, prng, type GeneratorOptions } from './generator.js';
