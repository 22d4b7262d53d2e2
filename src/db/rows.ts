/**
 * Row converters: the one place a database value becomes a domain value, explicitly and
 * strictly. int8/numeric arrive as strings and become bigint through BigInt(text), never
 * Number(). A value of the wrong shape is a broken invariant (schema and code disagree), so it
 * throws InvariantError naming the column, and the worker stops before it acknowledges.
 */
import { InvariantError, money, type Money } from '../domain/index.js';

const INTEGER = /^-?\d+$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function fail(message: string): never {
  throw new InvariantError(message);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return v instanceof Date ? 'a Date' : typeof v;
}

/** int8 text (or a bigint, or a safe integer number) → bigint. */
export function toBigint(v: unknown, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string' && INTEGER.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  return fail(`${what}: expected an integer, got ${describe(v)}`);
}

/** int2/int4 (or int8 text within ±2^53) → number. */
export function toInt(v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && INTEGER.test(v)) {
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
  }
  return fail(`${what}: expected a safe integer, got ${describe(v)}`);
}

export function toStr(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  return fail(`${what}: expected text, got ${describe(v)}`);
}

export function toBool(v: unknown, what: string): boolean {
  if (typeof v === 'boolean') return v;
  return fail(`${what}: expected a boolean, got ${describe(v)}`);
}

/** timestamptz → Date (both adapters already parse it; this checks it is a valid instant). */
export function toDate(v: unknown, what: string): Date {
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v;
  return fail(`${what}: expected a timestamptz, got ${describe(v)}`);
}

/** date → its 'YYYY-MM-DD' text (a business date, no time zone). */
export function toIsoDate(v: unknown, what: string): string {
  if (typeof v === 'string' && ISO_DATE.test(v)) return v;
  return fail(`${what}: expected a date 'YYYY-MM-DD', got ${describe(v)}`);
}

/** An amount stored as int8 minor units of `currency` → Money. */
export function toMoney(v: unknown, currency: string, what = 'amount'): Money {
  return money(currency, toBigint(v, what));
}

/** null stays null; anything else goes through `convert`. */
export function orNull<T>(v: unknown, what: string, convert: (v: unknown, what: string) => T): T | null {
  return v === null || v === undefined ? null : convert(v, what);
}
