/**
 * Money: an ISO 4217 currency and an integer count of its minor units (bigint).
 *
 * Text becomes Money exactly once, through parseAmount; Money becomes text through
 * formatAmount. Both are pure string <-> bigint conversions, so no binary floating point and
 * no decimal library is involved: the digits are the value. More fraction digits than the
 * currency's exponent is a rejection (never a rounding), even when the extra digits are zeros,
 * because the usage guideline says "the number of fractional digits must comply with ISO 4217".
 */
import { assert } from './assert.js';
import { currencyExponent } from './currencies.js';
import { err, ok, type Result } from './result.js';

export interface Money {
  readonly currency: string;
  readonly minor: bigint;
}

export type AmountError =
  | { kind: 'currency'; message: string } // not an active ISO 4217 code with minor units
  | { kind: 'syntax'; message: string } // not a decimal number in the allowed form
  | { kind: 'precision'; message: string } // more fraction digits than the currency allows
  | { kind: 'range'; message: string }; // more than 18 total digits (ISO ActiveCurrencyAndAmount)

/** ISO 20022 ActiveCurrencyAndAmount: totalDigits 18, fractionDigits 5, no sign. */
export const AMOUNT_TOTAL_DIGITS_MAX = 18;

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export function money(currency: string, minor: bigint): Money {
  assert(currencyExponent(currency) !== undefined, () => `not an active ISO 4217 currency: ${currency}`);
  return { currency, minor };
}

export function exponentOf(currency: string): number {
  const e = currencyExponent(currency);
  assert(e !== undefined, () => `not an active ISO 4217 currency: ${currency}`);
  return e;
}

/**
 * Parses decimal text ("1234.5", "0.01", "100") into Money of the given currency.
 * `signed: true` admits a leading minus (balances); amounts in messages are unsigned.
 */
export function parseAmount(
  text: string,
  currency: string,
  opts: { signed?: boolean } = {},
): Result<Money, AmountError> {
  const exp = currencyExponent(currency);
  if (exp === undefined)
    return err({
      kind: 'currency',
      message: `${currency} is not an active ISO 4217 currency with minor units`,
    });
  const m = DECIMAL.exec(text);
  if (!m) return err({ kind: 'syntax', message: `"${truncate(text)}" is not a decimal amount` });
  const [, minus, intPart = '', frac = ''] = m;
  if (minus && !opts.signed) return err({ kind: 'syntax', message: `negative amount "${truncate(text)}"` });
  if (frac.length > exp)
    return err({
      kind: 'precision',
      message: `${text} has ${frac.length} decimals; ${currency} allows ${exp}`,
    });
  const digits = intPart.replace(/^0+(?=\d)/, '') + frac;
  if (digits.replace(/^0+/, '').length > AMOUNT_TOTAL_DIGITS_MAX)
    return err({
      kind: 'range',
      message: `${truncate(text)} has more than ${AMOUNT_TOTAL_DIGITS_MAX} digits`,
    });
  const minor = BigInt(intPart + frac.padEnd(exp, '0'));
  return ok({ currency, minor: minus ? -minor : minor });
}

/** Like parseAmount, for trusted text (configuration, tests); throws on any error. */
export function amount(text: string, currency: string): Money {
  const r = parseAmount(text, currency, { signed: true });
  if (!r.ok) throw new RangeError(r.error.message);
  return r.value;
}

/** Formats minor units as decimal text with exactly the currency's exponent: 123450n EUR -> "1234.50". */
export function formatMinor(minor: bigint, currency: string): string {
  const exp = exponentOf(currency);
  const neg = minor < 0n;
  const abs = (neg ? -minor : minor).toString();
  if (exp === 0) return (neg ? '-' : '') + abs;
  const padded = abs.padStart(exp + 1, '0');
  return `${neg ? '-' : ''}${padded.slice(0, -exp)}.${padded.slice(-exp)}`;
}

export function formatAmount(m: Money): string {
  return formatMinor(m.minor, m.currency);
}

function sameCurrency(a: Money, b: Money): void {
  assert(a.currency === b.currency, () => `currency mismatch: ${a.currency} vs ${b.currency}`);
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { currency: a.currency, minor: a.minor + b.minor };
}

export function sub(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { currency: a.currency, minor: a.minor - b.minor };
}

export function neg(a: Money): Money {
  return { currency: a.currency, minor: -a.minor };
}

export function zero(currency: string): Money {
  return money(currency, 0n);
}

export function sum(currency: string, items: Iterable<Money>): Money {
  let total = 0n;
  for (const m of items) {
    assert(m.currency === currency, () => `currency mismatch: ${m.currency} in a ${currency} sum`);
    total += m.minor;
  }
  return { currency, minor: total };
}

export function compare(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b);
  return a.minor < b.minor ? -1 : a.minor > b.minor ? 1 : 0;
}

export function equals(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.minor === b.minor;
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
