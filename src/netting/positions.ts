/**
 * Multilateral net positions and the liquidity figures of a cycle.
 *
 * A participant's net position is what it receives minus what it pays over a set of payments:
 * positive = net credit (it is owed money), negative = net debit (it must pay in). In one
 * currency the positions of a closed set of payments always sum to zero; `netPositions` asserts
 * it before returning, so a broken sum stops the caller instead of reaching the ledger.
 *
 * Everything here is exact: amounts are bigint minor units and ratios are computed as rationals
 * and printed as decimal strings, never through a float.
 */
import { assert, currencyExponent } from '../domain/index.js';

/** One obligation between two participants, in minor units of the cycle's currency. */
export interface Obligation {
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
  /** When present it must equal the cycle's currency (checked). */
  readonly currency?: string;
}

/**
 * Net position of every participant that pays or receives in `payments`
 * (net credit +, net debit −). Asserts amounts are positive, no payment is to its own sender,
 * every currency matches, and the positions sum to zero.
 */
export function netPositions(payments: Iterable<Obligation>, currency: string): Map<string, bigint> {
  assert(currencyExponent(currency) !== undefined, () => `not an active ISO 4217 currency: ${currency}`);
  const positions = new Map<string, bigint>();
  for (const p of payments) {
    const amount = p.amount;
    assert(amount > 0n, () => `payment ${p.from}->${p.to} has a non-positive amount ${amount}`);
    assert(p.from !== p.to, () => `payment from ${p.from} to itself`);
    assert(
      p.currency === undefined || p.currency === currency,
      () => `payment in ${p.currency} in a ${currency} cycle`,
    );
    positions.set(p.from, (positions.get(p.from) ?? 0n) - amount);
    positions.set(p.to, (positions.get(p.to) ?? 0n) + amount);
  }
  assertSumsToZero(positions, currency);
  return positions;
}

/** Asserts that net positions in one currency sum to zero (conservation of money). */
export function assertSumsToZero(positions: ReadonlyMap<string, bigint>, currency: string): void {
  let total = 0n;
  for (const v of positions.values()) total += v;
  assert(total === 0n, () => `${currency} net positions sum to ${total}, not zero`);
}

export interface LiquidityFigures {
  readonly currency: string;
  readonly payments: number;
  /** Sum of all payment amounts (what gross settlement would move), minor units. */
  readonly grossValue: bigint;
  /** Sum of the net debits (what net settlement moves in), minor units. */
  readonly netSettlementValue: bigint;
  /** 1 − net/gross as an exact rational (0/1 when there is nothing to settle). */
  readonly savingRatio: Rational;
  /** `savingRatio` as a decimal string with `RATIO_DIGITS` decimals, rounded half up. */
  readonly savingRatioText: string;
}

export interface Rational {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

export const RATIO_DIGITS = 6;

/** Gross value, net settlement value and liquidity saving ratio of a set of payments. */
export function liquidityFigures(payments: readonly Obligation[], currency: string): LiquidityFigures {
  let gross = 0n;
  for (const p of payments) gross += p.amount;
  const positions = netPositions(payments, currency);
  return figuresFrom(positions, gross, payments.length, currency);
}

/** The same figures from positions already computed (gross = sum of the settled amounts). */
export function figuresFrom(
  positions: ReadonlyMap<string, bigint>,
  grossValue: bigint,
  payments: number,
  currency: string,
): LiquidityFigures {
  let net = 0n;
  for (const v of positions.values()) if (v < 0n) net -= v;
  assert(net <= grossValue, () => `net settlement value ${net} exceeds gross value ${grossValue}`);
  const savingRatio: Rational =
    grossValue === 0n
      ? { numerator: 0n, denominator: 1n }
      : { numerator: grossValue - net, denominator: grossValue };
  return {
    currency,
    payments,
    grossValue,
    netSettlementValue: net,
    savingRatio,
    savingRatioText: ratioText(savingRatio, RATIO_DIGITS, 'half-up'),
  };
}

/**
 * Decimal text of a non-negative rational with exactly `digits` decimals. `rounding` is
 * 'half-up' for display, 'up' where understating would mislead (an optimality gap).
 */
export function ratioText(r: Rational, digits: number, rounding: 'half-up' | 'up' | 'down'): string {
  assert(r.denominator > 0n && r.numerator >= 0n, 'ratioText needs a non-negative rational');
  const scale = 10n ** BigInt(digits);
  const scaled = r.numerator * scale;
  let q = scaled / r.denominator;
  const rem = scaled % r.denominator;
  if (rem !== 0n) {
    if (rounding === 'up') q += 1n;
    else if (rounding === 'half-up' && rem * 2n >= r.denominator) q += 1n;
  }
  const s = q.toString().padStart(digits + 1, '0');
  return digits === 0 ? s : `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}
