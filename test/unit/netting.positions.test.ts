import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../src/domain/index.js';
import { liquidityFigures, netPositions, ratioText } from '../../src/netting/index.js';

const pay = (from: string, to: string, amount: bigint) => ({ from, to, amount });

describe('netPositions', () => {
  it('nets a triangle: receivers positive, payers negative, sum zero', () => {
    const positions = netPositions(
      [pay('A', 'B', 100_00n), pay('B', 'C', 60_00n), pay('C', 'A', 30_00n), pay('A', 'C', 5_00n)],
      'EUR',
    );
    expect(Object.fromEntries(positions)).toEqual({ A: -75_00n, B: 40_00n, C: 35_00n });
  });

  it('returns an empty map for no payments', () => {
    expect(netPositions([], 'EUR').size).toBe(0);
  });

  it('asserts on a non-positive amount, a self-payment, a foreign currency or an unknown currency', () => {
    expect(() => netPositions([pay('A', 'B', 0n)], 'EUR')).toThrow(InvariantError);
    expect(() => netPositions([pay('A', 'A', 1n)], 'EUR')).toThrow(InvariantError);
    expect(() => netPositions([{ ...pay('A', 'B', 1n), currency: 'USD' }], 'EUR')).toThrow(InvariantError);
    expect(() => netPositions([pay('A', 'B', 1n)], 'XAU')).toThrow(InvariantError);
  });
});

describe('liquidityFigures', () => {
  it('computes gross, net settlement value and the saving ratio exactly', () => {
    const f = liquidityFigures([pay('A', 'B', 100n), pay('B', 'A', 80n), pay('B', 'C', 20n)], 'EUR');
    expect(f.grossValue).toBe(200n);
    // A: -100+80 = -20, B: +100-80-20 = 0, C: +20 -> net debits 20
    expect(f.netSettlementValue).toBe(20n);
    expect(f.savingRatio).toEqual({ numerator: 180n, denominator: 200n });
    expect(f.savingRatioText).toBe('0.900000');
  });

  it('has ratio 0 for an empty cycle and for one-way flows', () => {
    expect(liquidityFigures([], 'EUR').savingRatioText).toBe('0.000000');
    expect(liquidityFigures([pay('A', 'B', 7n)], 'EUR').savingRatioText).toBe('0.000000');
  });
});

describe('ratioText', () => {
  it('rounds half up, up or down as asked', () => {
    expect(ratioText({ numerator: 1n, denominator: 3n }, 6, 'half-up')).toBe('0.333333');
    expect(ratioText({ numerator: 2n, denominator: 3n }, 6, 'half-up')).toBe('0.666667');
    expect(ratioText({ numerator: 1n, denominator: 3n }, 6, 'up')).toBe('0.333334');
    expect(ratioText({ numerator: 2n, denominator: 3n }, 6, 'down')).toBe('0.666666');
    expect(ratioText({ numerator: 1n, denominator: 1n }, 2, 'up')).toBe('1.00');
    expect(ratioText({ numerator: 5n, denominator: 7n }, 0, 'half-up')).toBe('1');
  });
});
