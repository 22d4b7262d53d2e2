/**
 * Fuzzing the gate (fast-check): on any bytes it returns a Result and never throws; and on
 * random mutations of a real message, whatever it accepts is well-formed for saxes (the
 * envelope's and the stream's parser) and for fast-xml-parser — the gate's acceptance is a
 * promise the parsers after it rely on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkXmlSafety, locateEnvelope, parseXml, type XmlLimits } from '../../src/mapping/xml/index.js';
import { generatePacs008 } from '../helpers/pacs008.generate.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log('fast-check seed', seed);

const LIMITS: XmlLimits = {
  messageBytesMax: 1_000_000,
  depthMax: 64,
  attributesPerElementMax: 16,
  textLengthMax: 100_000,
  elementCountMax: 100_000,
  nameLengthMax: 256,
};

const BASE = generatePacs008({ transactions: 2, seed: 3 }).xml;
const PIECES = [
  '<',
  '>',
  '/',
  '"',
  "'",
  '=',
  '&',
  ';',
  ' ',
  '\n',
  '!',
  '?',
  '-',
  '[',
  ']',
  ':',
  'a',
  '#',
  'x',
  '&amp;',
  '&#65;',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '<?',
  '?>',
  '</',
  '/>',
  'xmlns:p="urn:x"',
  'p:',
  '\u00e9',
  '\u{1F600}',
];

const mutation = fc.record({
  at: fc.nat(),
  cut: fc.nat({ max: 6 }),
  insert: fc.array(fc.constantFrom(...PIECES), { maxLength: 3 }),
});

function mutate(text: string, ms: ReadonlyArray<{ at: number; cut: number; insert: string[] }>): string {
  let t = text;
  for (const m of ms) {
    const at = m.at % (t.length + 1);
    t = t.slice(0, at) + m.insert.join('') + t.slice(at + m.cut);
  }
  return t;
}

describe('checkXmlSafety under fuzzing', () => {
  it('returns a Result for any bytes, never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const r = checkXmlSafety(bytes, LIMITS);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error.reason).toBe('FF01');
      }),
      { seed, numRuns: 2_000 },
    );
  });

  it('accepts only what saxes and fast-xml-parser find well-formed (mutated real messages)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        const text = mutate(BASE, ms);
        const r = checkXmlSafety(new TextEncoder().encode(text), LIMITS);
        if (!r.ok) return;
        accepted++;
        const env = locateEnvelope(r.value.text, { depthMax: 64 });
        // namespace-prefix declarations are checked after the gate, by the readers
        if (!env.ok) expect(env.error.rule).toMatch(/^(xml\.namespace|envelope\.)/);
        const tree = parseXml(r.value.text, { depthMax: 64 });
        if (!tree.ok) expect(tree.error.rule).toBe('xml.namespace');
      }),
      { seed, numRuns: 1_500 },
    );
    expect(accepted).toBeGreaterThan(50);
  });
});
