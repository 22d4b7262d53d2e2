import { describe, expect, it } from 'vitest';
import {
  InvariantError,
  add,
  amount,
  compare,
  currencyExponent,
  formatAmount,
  parseAmount,
  sub,
} from '../../../src/domain/index.js';

describe('currency table', () => {
  it('has the ISO 4217 exponents banks rely on', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('BHD')).toBe(3);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('CLF')).toBe(4);
    expect(currencyExponent('XAU')).toBeUndefined();
    expect(currencyExponent('toString')).toBeUndefined();
  });
});

describe('parseAmount', () => {
  it('parses exactly into minor units', () => {
    expect(parseAmount('1234.50', 'EUR')).toEqual({ ok: true, value: { currency: 'EUR', minor: 123450n } });
    expect(parseAmount('1234.5', 'EUR')).toEqual({ ok: true, value: { currency: 'EUR', minor: 123450n } });
    expect(parseAmount('100', 'JPY')).toEqual({ ok: true, value: { currency: 'JPY', minor: 100n } });
    expect(parseAmount('0.001', 'BHD')).toEqual({ ok: true, value: { currency: 'BHD', minor: 1n } });
    expect(parseAmount('999999999999999999', 'JPY').ok).toBe(true);
  });

  it('rejects excess precision, even zeros, never rounding', () => {
    for (const [text, ccy] of [
      ['1.001', 'EUR'],
      ['1.000', 'EUR'],
      ['1.5', 'JPY'],
      ['0.0001', 'KWD'],
    ] as const) {
      const r = parseAmount(text, ccy);
      expect(r.ok ? 'accepted' : r.error.kind).toBe('precision');
    }
  });

  it('rejects malformed, negative, oversized and unknown-currency amounts', () => {
    const kind = (t: string, c = 'EUR') => {
      const r = parseAmount(t, c);
      return r.ok ? 'ok' : r.error.kind;
    };
    expect(kind('1e3')).toBe('syntax');
    expect(kind(' 1.00')).toBe('syntax');
    expect(kind('1.')).toBe('syntax');
    expect(kind('.5')).toBe('syntax');
    expect(kind('-1.00')).toBe('syntax');
    expect(kind('1,00')).toBe('syntax');
    expect(kind('0x10')).toBe('syntax');
    expect(kind('1234567890123456789')).toBe('range');
    expect(kind('1.00', 'XAU')).toBe('currency');
    expect(kind('1.00', 'eur')).toBe('currency');
  });

  it('admits a sign only when asked (balances)', () => {
    expect(parseAmount('-0.01', 'EUR', { signed: true })).toEqual({
      ok: true,
      value: { currency: 'EUR', minor: -1n },
    });
  });
});

describe('formatAmount and arithmetic', () => {
  it('formats with exactly the currency exponent', () => {
    expect(formatAmount({ currency: 'EUR', minor: 5n })).toBe('0.05');
    expect(formatAmount({ currency: 'EUR', minor: -123450n })).toBe('-1234.50');
    expect(formatAmount({ currency: 'JPY', minor: 7n })).toBe('7');
    expect(formatAmount({ currency: 'BHD', minor: 1000n })).toBe('1.000');
  });

  it('never mixes currencies', () => {
    expect(() => add(amount('1', 'EUR'), amount('1', 'USD'))).toThrow(InvariantError);
    expect(() => compare(amount('1', 'EUR'), amount('1', 'USD'))).toThrow(InvariantError);
    expect(sub(amount('0.10', 'EUR'), amount('0.20', 'EUR')).minor).toBe(-10n);
  });

  it('is exact where floats are not', () => {
    // 0.1 + 0.2 in binary floating point is 0.30000000000000004
    expect(formatAmount(add(amount('0.1', 'EUR'), amount('0.2', 'EUR')))).toBe('0.30');
  });
});
