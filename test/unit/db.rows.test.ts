import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../src/domain/index.js';
import { orNull, toBigint, toBool, toDate, toInt, toIsoDate, toMoney, toStr } from '../../src/db/rows.js';

describe('row converters', () => {
  it('toBigint takes int8 text, bigint and safe integers exactly', () => {
    expect(toBigint('9223372036854775807', 'v')).toBe(9223372036854775807n);
    expect(toBigint('-9007199254740993', 'v')).toBe(-9007199254740993n);
    expect(toBigint(5n, 'v')).toBe(5n);
    expect(toBigint(42, 'v')).toBe(42n);
  });

  it('toBigint refuses fractions, floats, unsafe numbers, blanks and other types, naming the column', () => {
    for (const v of ['1.5', '1e3', ' 1', '', '0x10', 1.5, 2 ** 53, Number.NaN, null, undefined, true, {}]) {
      expect(() => toBigint(v, 'payments.amount_minor'), String(v)).toThrow(InvariantError);
    }
    expect(() => toBigint('12.00', 'payments.amount_minor')).toThrow(/payments\.amount_minor/);
  });

  it('toMoney builds Money from int8 minor units and checks the currency', () => {
    expect(toMoney('123456789012345678', 'EUR')).toEqual({ currency: 'EUR', minor: 123456789012345678n });
    expect(toMoney('-5', 'JPY')).toEqual({ currency: 'JPY', minor: -5n });
    expect(() => toMoney('12.34', 'EUR')).toThrow(InvariantError);
    expect(() => toMoney('1', 'XXZ')).toThrow(InvariantError);
  });

  it('toInt, toStr, toBool, toDate, toIsoDate accept only their own shape', () => {
    expect(toInt(7, 'n')).toBe(7);
    expect(toInt('7', 'n')).toBe(7);
    expect(() => toInt('9007199254740993', 'n')).toThrow(InvariantError);
    expect(toStr('x', 's')).toBe('x');
    expect(() => toStr(1, 's')).toThrow(InvariantError);
    expect(toBool(false, 'b')).toBe(false);
    expect(() => toBool('f', 'b')).toThrow(InvariantError);
    const d = new Date(1_700_000_000_000);
    expect(toDate(d, 'at')).toBe(d);
    expect(() => toDate(new Date(Number.NaN), 'at')).toThrow(InvariantError);
    expect(() => toDate('2024-01-01T00:00:00Z', 'at')).toThrow(InvariantError);
    expect(toIsoDate('2024-02-29', 'd')).toBe('2024-02-29');
    expect(() => toIsoDate('2024-2-29', 'd')).toThrow(InvariantError);
  });

  it('orNull lets null through and converts everything else', () => {
    expect(orNull(null, 'v', toBigint)).toBeNull();
    expect(orNull(undefined, 'v', toBigint)).toBeNull();
    expect(orNull('3', 'v', toBigint)).toBe(3n);
  });
});
