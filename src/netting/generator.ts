/**
 * Seeded generator of synthetic settlement instances, for tests, benchmarks and demos.
 *
 * Follows the method of the clearing research note (§3.5): senders uniform, receiver uniform
 * among the others, amounts lognormal (σ = 1.2 by default), and each participant's limit drawn
 * as U(0, 2·f) × its gross outflow, so f = 0.1 gives liquidity-tight (gridlocked) cycles and
 * f ≥ 1 gives cycles where most payments fit. Deterministic for a given seed (its own seeded generator, never a global random source).
 */
import type { SettlementInstance, SettlementPayment } from './problem.js';

export interface GeneratorOptions {
  readonly participants: number;
  readonly payments: number;
  /** f in the note: mean limit as a share of gross outflow is f. */
  readonly liquidityFactor: number;
  readonly seed: number;
  readonly currency?: string;
  /** Median amount in minor units (default 1,000,000 = 10,000.00 in a 2-decimal currency). */
  readonly medianMinor?: number;
  readonly sigma?: number;
  /** Share of payments flagged urgent (default 0). */
  readonly urgentShare?: number;
}

/** mulberry32: small, fast, good enough for synthetic data; never for anything secret. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function participantId(i: number): string {
  return `P${String(i).padStart(4, '0')}`;
}

export function generateInstance(opts: GeneratorOptions): SettlementInstance {
  const { participants: n, payments: m, liquidityFactor: f } = opts;
  const rnd = prng(opts.seed);
  const median = opts.medianMinor ?? 1_000_000;
  const sigma = opts.sigma ?? 1.2;
  const urgentShare = opts.urgentShare ?? 0;
  const outflow = new Array<bigint>(n).fill(0n);
  const payments: SettlementPayment[] = [];
  for (let j = 0; j < m; j++) {
    const s = Math.floor(rnd() * n);
    let r = Math.floor(rnd() * (n - 1));
    if (r >= s) r++;
    const z = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const amount = BigInt(Math.max(1, Math.round(median * Math.exp(sigma * z))));
    outflow[s]! += amount;
    const urgent = urgentShare > 0 && rnd() < urgentShare;
    payments.push({
      id: `p${j}`,
      from: participantId(s),
      to: participantId(r),
      amount,
      ...(urgent ? { urgent: true } : {}),
    });
  }
  const participants = Array.from({ length: n }, (_, i) => {
    // limit = floor(U(0, 2f) × outflow), in exact integer arithmetic on a 2^-20 grid
    const share = BigInt(Math.floor(rnd() * 2 * f * 2 ** 20));
    return { id: participantId(i), limit: (outflow[i]! * share) >> 20n };
  });
  return { currency: opts.currency ?? 'EUR', participants, payments };
}
