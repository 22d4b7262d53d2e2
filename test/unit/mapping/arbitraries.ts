/**
 * fast-check arbitraries that draw random messages a usage-guideline schema accepts, from the
 * schema itself: the UG XSD is read into descriptors (the same translation the model generator
 * uses) and every element, occurrence, choice, enumeration, pattern, length, digit and range
 * facet becomes a generator. Tags are the official ones, so what is drawn is a model object.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CURRENCY_EXPONENTS } from '../../../src/domain/index.js';
import type { FieldDesc, TypeDesc } from '../../../src/mapping/model/descriptor.js';
import { TYPES } from '../../../src/mapping/model/generated/descriptors.js';
import { descriptorsFromXsd, type Schema } from '../../../src/mapping/model/xsd-descriptors.js';

export const UG_DIR = new URL('../../../schemas/iso20022/', import.meta.url).pathname;

export function ugSchema(id: string): Schema {
  return descriptorsFromXsd(readFileSync(join(UG_DIR, `${id}.xsd`), 'utf8'), id);
}

/** Safe default text characters, for text types the guideline leaves as official. */
const PLAIN = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -./:()+,'];

function jsRegex(xsdPattern: string): RegExp {
  try {
    return new RegExp(`^(?:${xsdPattern})$`, 'u');
  } catch {
    return new RegExp(`^(?:${xsdPattern})$`);
  }
}

function digitsArb(intDigitsMax: number, fracMax: number): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.bigInt({ min: 0n, max: 10n ** BigInt(Math.max(1, intDigitsMax)) - 1n }),
      fc.integer({ min: 0, max: fracMax }),
      fc.bigInt({ min: 0n, max: 10n ** BigInt(Math.max(1, fracMax)) - 1n }),
    )
    .map(([i, f, fv]) =>
      f === 0 ? i.toString() : `${i}.${fv.toString().padStart(fracMax, '0').slice(0, f)}`,
    );
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

const dateArb = fc
  .record({
    y: fc.integer({ min: 1990, max: 2090 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
  })
  .map(({ y, m, d }) => `${y}-${pad(m)}-${pad(d)}`);
const timeArb = fc
  .record({
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
  })
  .map(({ h, mi, s }) => `${pad(h)}:${pad(mi)}:${pad(s)}`);
const zoneArb = fc.constantFrom('Z', '+01:00', '-05:00', '+05:30', '+00:00');
const dateTimeArb = fc
  .tuple(dateArb, timeArb, fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }), zoneArb)
  .map(([d, t, ms, z]) => `${d}T${t}${ms === undefined ? '' : `.${pad(ms, 3)}`}${z}`);

export interface ArbOptions {
  /** Upper bound drawn for repeated elements (default 2). */
  readonly repeatMax?: number;
}

/** An arbitrary for each type of a usage-guideline schema. */
export function arbitraries(types: ReadonlyMap<string, TypeDesc>, opts: ArbOptions = {}) {
  const cache = new Map<string, fc.Arbitrary<unknown>>();
  const repeatMax = opts.repeatMax ?? 2;

  function leaf(name: string, d: TypeDesc): fc.Arbitrary<unknown> {
    switch (d.k) {
      case 'str': {
        if (d.enum) return fc.constantFrom(...d.enum);
        const min = d.minLen ?? 1;
        const max = Math.min(d.maxLen ?? 40, 40);
        if (d.pattern) {
          const re = jsRegex(d.pattern);
          return fc
            .stringMatching(re, { size: 'xsmall' })
            .filter((s) => [...s].length >= (d.minLen ?? 0) && [...s].length <= (d.maxLen ?? Infinity));
        }
        return fc.string({ unit: fc.constantFrom(...PLAIN), minLength: min, maxLength: Math.max(min, max) });
      }
      case 'bool':
        return fc.boolean();
      case 'date':
        return dateArb;
      case 'dateTime':
        return dateTimeArb;
      case 'time':
        return timeArb.map((t) => `${t}Z`);
      case 'yearMonth':
        return dateArb.map((x) => x.slice(0, 7));
      case 'year':
        return dateArb.map((x) => x.slice(0, 4));
      case 'dec': {
        const frac = d.frac ?? 5;
        const total = Math.min(d.total ?? 18, 18);
        const negative = d.minIncl === undefined || d.minIncl.startsWith('-');
        return fc
          .tuple(digitsArb(Math.max(1, Math.min(total - frac, 9)), Math.min(frac, total - 1)), fc.boolean())
          .map(([s, neg]) => (negative && neg && !/^0(\.0*)?$/.test(s) ? `-${s}` : s));
      }
      case 'amt': {
        const re = d.ccy ? jsRegex(d.ccy) : /^[A-Z]{3}$/;
        const ccys = Object.keys(CURRENCY_EXPONENTS).filter((c) => re.test(c));
        return fc
          .tuple(fc.constantFrom(...ccys), fc.bigInt({ min: 0n, max: 10n ** 12n }))
          .map(([currency, minor]) => ({
            currency,
            minor,
          }));
      }
      case 'amt13':
        return fc
          .tuple(fc.constantFrom('EUR', 'USD', 'CHF'), digitsArb(5, 13))
          .map(([currency, value]) => ({ currency, value }));
      case 'any': {
        const ns = d.ns.startsWith('##') ? 'urn:example:supplementary' : d.ns;
        return fc.constant({ xml: `<Note xmlns="${ns}">kept as it came</Note>` });
      }
      default:
        throw new Error(`no arbitrary for ${name}`);
    }
  }

  /**
   * `name` is the usage-guideline type, `official` the official type at the same place: the
   * guideline decides what may occur and how often, the official definition decides the shape
   * of the model (an element the official schema repeats is an array even where the guideline
   * allows one).
   */
  function of(name: string, official: string): fc.Arbitrary<unknown> {
    const key = `${name}|${official}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const d = types.get(name);
    if (!d) throw new Error(`unknown type ${name}`);
    const od = TYPES[official];
    if (!od) throw new Error(`unknown official type ${official}`);
    const officialField = (tag: string): FieldDesc => {
      const f = od.k === 'seq' || od.k === 'choice' ? od.f.find((x) => x[0] === tag) : undefined;
      if (!f) throw new Error(`${tag} is not an element of official ${official}`);
      return f;
    };
    const occurs = (tag: string, type: string, min: number, max: number): fc.Arbitrary<unknown> => {
      const of_ = officialField(tag);
      const item = fc.constant(null).chain(() => of(type, of_[1]));
      const officialMany = of_[3] === -1 || of_[3] > 1;
      if (!officialMany) return item;
      const hi = Math.max(1, Math.min(max === -1 ? repeatMax : max, repeatMax));
      return fc.array(item, { minLength: Math.max(1, min), maxLength: Math.max(hi, Math.max(1, min)) });
    };
    let a: fc.Arbitrary<unknown>;
    if (d.k === 'seq') {
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      const required: string[] = [];
      for (const [tag, type, min, max] of d.f) {
        model[tag] = occurs(tag, type, min, max);
        if (min > 0) required.push(tag);
      }
      a = fc.record(model, { requiredKeys: required });
    } else if (d.k === 'choice') {
      a = fc.oneof(
        ...d.f.map(([tag, type, min, max]) => occurs(tag, type, min, max).map((x) => ({ [tag]: x }))),
      );
    } else a = leaf(name, d);
    cache.set(key, a);
    return a;
  }
  return { of };
}
