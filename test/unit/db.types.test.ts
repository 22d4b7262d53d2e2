import { describe, expect, it } from 'vitest';
import {
  checkSchemaName,
  OID,
  parseArray,
  parseByteaHex,
  parserFor,
  parseTimestamptz,
  toParam,
} from '../../src/db/types.js';

const iso = (d: Date): string => d.toISOString();

describe('parseTimestamptz', () => {
  it('reads PostgreSQL ISO output at any offset as the same instant', () => {
    expect(iso(parseTimestamptz('2024-02-29 23:59:59.123+00'))).toBe('2024-02-29T23:59:59.123Z');
    expect(iso(parseTimestamptz('2024-03-01 05:29:59.123+05:30'))).toBe('2024-02-29T23:59:59.123Z');
    expect(iso(parseTimestamptz('2024-02-29 19:59:59.123-04'))).toBe('2024-02-29T23:59:59.123Z');
    expect(iso(parseTimestamptz('1900-01-01 00:00:00+00:09:21'))).toBe('1899-12-31T23:50:39.000Z');
    expect(iso(parseTimestamptz('2024-01-01 00:00:00+00'))).toBe('2024-01-01T00:00:00.000Z');
  });

  it('truncates microseconds to milliseconds instead of rounding up', () => {
    expect(iso(parseTimestamptz('2024-01-01 00:00:00.999999+00'))).toBe('2024-01-01T00:00:00.999Z');
    expect(iso(parseTimestamptz('2024-01-01 00:00:00.5+00'))).toBe('2024-01-01T00:00:00.500Z');
  });

  it('keeps years below 100 and BC years literal', () => {
    expect(parseTimestamptz('0042-06-01 00:00:00+00').getUTCFullYear()).toBe(42);
    expect(parseTimestamptz('0001-01-01 00:00:00+00 BC').getUTCFullYear()).toBe(0);
  });

  it('refuses infinity and anything that is not ISO output', () => {
    for (const s of ['infinity', '-infinity', '01/02/2024 00:00:00', '2024-01-01', ''])
      expect(() => parseTimestamptz(s), s).toThrow(/timestamptz/);
  });
});

describe('parseByteaHex', () => {
  it('reads hex output into a Buffer', () => {
    expect(parseByteaHex('\\x00ff7f')).toEqual(Buffer.from([0, 255, 127]));
    expect(parseByteaHex('\\x')).toEqual(Buffer.alloc(0));
  });

  it('refuses the escape format and broken hex', () => {
    for (const s of ['abc', '\\x0', '\\xzz', '\\000']) expect(() => parseByteaHex(s), s).toThrow(/hex/);
  });
});

describe('parseArray', () => {
  const text = (s: string): unknown => s;

  it('reads quoted, escaped, NULL and nested elements', () => {
    expect(parseArray('{a,"b,c","say \\"hi\\"","back\\\\slash",NULL,"NULL",""}', text)).toEqual([
      'a',
      'b,c',
      'say "hi"',
      'back\\slash',
      null,
      'NULL',
      '',
    ]);
    expect(parseArray('{{1,2},{3,NULL}}', Number)).toEqual([
      [1, 2],
      [3, null],
    ]);
    expect(parseArray('{}', text)).toEqual([]);
    expect(parseArray('[0:1]={7,8}', Number)).toEqual([7, 8]);
  });

  it('applies the element parser to every non-null element', () => {
    expect(parseArray('{9223372036854775807,-1}', text)).toEqual(['9223372036854775807', '-1']);
  });

  it('refuses malformed text instead of looping or guessing', () => {
    for (const s of ['', '{', '{a', '{"a', '{a}x', 'a}', '[0:1]{1}', '{"a"b}'])
      expect(() => parseArray(s, text), s).toThrow(/malformed array/);
  });
});

describe('parserFor', () => {
  it('keeps int8 and numeric as text (money is never a float)', () => {
    expect(parserFor(OID.int8)('9223372036854775807')).toBe('9223372036854775807');
    expect(parserFor(OID.numeric)('0.10000')).toBe('0.10000');
    expect(parserFor(1016)('{1,9007199254740993}')).toEqual(['1', '9007199254740993']);
  });

  it('gives dates as text, timestamptz as Date, bool and int4 as JS values, unknown types as text', () => {
    expect(parserFor(OID.date)('2024-02-29')).toBe('2024-02-29');
    expect(parserFor(OID.timestamp)('2024-02-29 10:00:00')).toBe('2024-02-29 10:00:00');
    expect(parserFor(OID.timestamptz)('2024-02-29 10:00:00+00')).toEqual(new Date('2024-02-29T10:00:00Z'));
    expect(parserFor(OID.bool)('t')).toBe(true);
    expect(parserFor(OID.int4)('-7')).toBe(-7);
    expect(parserFor(OID.jsonb)('{"a":[1]}')).toEqual({ a: [1] });
    expect(parserFor(600)('(1,2)')).toBe('(1,2)');
  });
});

describe('toParam', () => {
  it('sends bigint as its exact decimal text, also inside arrays and JSON', () => {
    expect(toParam(2n ** 63n - 1n)).toBe('9223372036854775807');
    expect(toParam([1n, null, [2n]])).toEqual(['1', null, ['2']]);
    expect(toParam({ minor: 2n ** 60n + 1n, ccy: 'EUR' })).toBe(
      '{"minor":"1152921504606846977","ccy":"EUR"}',
    );
  });

  it('passes Date, bytes, text, numbers and booleans through; undefined becomes null', () => {
    const d = new Date(0);
    const b = Buffer.from([1]);
    expect(toParam(d)).toBe(d);
    expect(toParam(b)).toBe(b);
    expect([toParam('x'), toParam(1), toParam(true), toParam(undefined), toParam(null)]).toEqual([
      'x',
      1,
      true,
      null,
      null,
    ]);
  });
});

describe('checkSchemaName', () => {
  it('accepts lower-case identifiers up to 63 characters and nothing that needs quoting', () => {
    expect(checkSchemaName('public')).toBe('public');
    expect(checkSchemaName(`t_${'a'.repeat(61)}`)).toHaveLength(63);
    for (const s of ['', 'Public', '1abc', 'a-b', 'a"b', 'x; DROP SCHEMA public', `t_${'a'.repeat(62)}`])
      expect(() => checkSchemaName(s), s).toThrow(/schema/);
  });
});
