import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CURRENCY_EXPONENTS,
  add,
  formatAmount,
  formatMinor,
  parseAmount,
  sum,
  type Money,
} from '../../src/domain/index.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log('fast-check seed (money)', seed);
const params = { seed, numRuns: 500 };

const currencies = Object.keys(CURRENCY_EXPONENTS);
const exponents = [...new Set(Object.values(CURRENCY_EXPONENTS))].sort();
const currencyArb = fc.constantFrom(...currencies);
/** One currency per distinct exponent, so every exponent is exercised on every run. */
const perExponent = exponents.map((e) => currencies.find((c) => CURRENCY_EXPONENTS[c] === e)!);

/** Canonical decimal text for a currency: no leading zeros, exactly `exp` decimals. */
function canonicalText(ccy: string): fc.Arbitrary<string> {
  const exp = CURRENCY_EXPONENTS[ccy]!;
  return fc
    .bigInt({ min: 0n, max: 10n ** BigInt(18 - exp) - 1n })
    .chain((intPart) =>
      exp === 0
        ? fc.constant(intPart.toString())
        : fc
            .bigInt({ min: 0n, max: 10n ** BigInt(exp) - 1n })
            .map((frac) => `${intPart}.${frac.toString().padStart(exp, '0')}`),
    );
}

describe('Money properties', () => {
  it('every exponent in the table is covered by the generators', () => {
    expect(exponents).toEqual([0, 2, 3, 4]);
  });

  it('format ∘ parse is the identity on canonical text, for every currency exponent', () => {
    for (const ccy of perExponent) {
      fc.assert(
        fc.property(canonicalText(ccy), (text) => {
          const r = parseAmount(text, ccy);
          expect(r.ok).toBe(true);
          if (r.ok) expect(formatAmount(r.value)).toBe(text);
        }),
        params,
      );
    }
  });

  it('parse ∘ format is the identity on minor units (signed), any currency', () => {
    fc.assert(
      fc.property(currencyArb, fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }), (ccy, minor) => {
        const r = parseAmount(formatMinor(minor, ccy), ccy, { signed: true });
        expect(r.ok && r.value.minor === minor && r.value.currency === ccy).toBe(true);
      }),
      params,
    );
  });

  it('sums never lose a minor unit: the sum of parsed amounts equals the sum of their digits', () => {
    fc.assert(
      fc.property(
        currencyArb,
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 15n }), { minLength: 1, maxLength: 200 }),
        (ccy, minors) => {
          const parsed: Money[] = minors.map((m) => {
            const r = parseAmount(formatMinor(m, ccy), ccy);
            if (!r.ok) throw new Error(r.error.message);
            return r.value;
          });
          const total = sum(ccy, parsed);
          expect(total.minor).toBe(minors.reduce((a, b) => a + b, 0n));
          expect(parsed.reduce((a, b) => add(a, b)).minor).toBe(total.minor);
        },
      ),
      params,
    );
  });

  it('excess decimals are rejected, never rounded, for every exponent', () => {
    for (const ccy of perExponent) {
      const exp = CURRENCY_EXPONENTS[ccy]!;
      fc.assert(
        fc.property(
          fc.bigInt({ min: 0n, max: 10n ** 9n }),
          fc.integer({ min: exp + 1, max: exp + 6 }),
          fc.nat(),
          (intPart, digits, fracSeed) => {
            const frac = String(fracSeed).padStart(digits, '0').slice(-digits);
            const r = parseAmount(`${intPart}.${frac}`, ccy);
            expect(r.ok).toBe(false);
            if (!r.ok) expect(r.error.kind).toBe('precision');
          },
        ),
        params,
      );
    }
  });
});
