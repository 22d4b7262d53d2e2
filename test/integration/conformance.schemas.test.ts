/**
 * Conformance of the gateway's usage-guideline schemas (schemas/iso20022) with the official ISO
 * 20022 schemas they restrict.
 *
 * 1. Every usage-guideline (UG) schema compiles, and every fixture in fixtures/ug/<version>/
 *    validates against it — and against the official schema.
 * 2. Every sample of the shared corpus that is valid against the official schema is run through
 *    the UG schema. Those the UG rejects must be listed in UG_REJECTIONS below with the reason
 *    and the error that proves it: a newly rejected sample fails the test, and so does a listed
 *    one that starts to pass. pacs.008.001.08 must keep at least 80 % of its valid samples.
 * 3. A structural checker — written here, independently of the generator in
 *    scripts/ug-schemas — walks each UG schema beside its official counterpart from the global
 *    element down and asserts that it is a restriction: same target namespace and root, every
 *    element present in the official content model at the same position, no required official
 *    element dropped, cardinalities within the official bounds, and simple types only narrowed
 *    (lengths, digits, ranges, enumerations, official patterns kept).
 * 4. Mutations prove the schemas narrow: fixtures changed in ways the official schema accepts
 *    but the gateway's rules forbid are rejected by the UG schema.
 *
 * The official schemas are never copied into the project: they are read from
 * ISO20022_OFFICIAL_XSD_DIR or ../shared/iso20022/xsd (relative to the repository root), and the
 * samples from the `samples` folder beside them. Without them, parts 2–4 are skipped.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ParseOption, XmlDocument, XmlElement, XmlValidateError, XsdValidator } from 'libxml2-wasm';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(new URL('../../', import.meta.url).pathname);
const UG_DIR = join(ROOT, 'schemas', 'iso20022');
const FIXTURE_DIR = join(ROOT, 'fixtures', 'ug');
const OFFICIAL_DIR = [
  process.env.ISO20022_OFFICIAL_XSD_DIR,
  resolve(ROOT, '..', 'shared', 'iso20022', 'xsd'),
].find((d): d is string => d !== undefined && d !== '' && existsSync(d));
const SAMPLES_DIR = OFFICIAL_DIR ? resolve(OFFICIAL_DIR, '..', 'samples') : undefined;
const HAVE_SAMPLES = SAMPLES_DIR !== undefined && existsSync(SAMPLES_DIR);

if (!OFFICIAL_DIR) console.log('SKIPPED: official XSDs not found (set ISO20022_OFFICIAL_XSD_DIR)');
else if (!HAVE_SAMPLES) console.log(`SKIPPED sample checks: no samples folder beside ${OFFICIAL_DIR}`);

/** Every message version the gateway supports; one UG schema each. */
const VERSIONS = [
  'pacs.008.001.08',
  'pacs.009.001.08',
  'pacs.004.001.09',
  'pacs.002.001.10',
  'camt.056.001.08',
  'camt.029.001.09',
  'camt.052.001.08',
  'camt.053.001.08',
  'camt.054.001.08',
  'camt.053.001.02',
  'head.001.001.02',
] as const;
type Version = (typeof VERSIONS)[number];

interface Rejection {
  /** Why the gateway's profile refuses this official-valid sample. */
  readonly reason: string;
  /** Text the first UG validation error must contain, so the rejection stays the one explained. */
  readonly expect: string;
}

/**
 * Official-valid samples the UG schemas reject, keyed by the sample's path under the samples
 * folder (for head.001.001.02: the file whose AppHdr is checked).
 */
const UG_REJECTIONS: Readonly<Record<Version, Readonly<Record<string, Rejection>>>> = {
  'pacs.008.001.08': {
    'pacs.008.001.08/cbprur-2.xml': {
      reason:
        'CBPR+ maximal example: reimbursement agents, settlement time indication and request, previous instructing agents, second and third intermediaries, instructions for the next agent and related remittance — cover and multi-hop correspondent content outside the single-hop clearing profile.',
      expect: 'InstgRmbrsmntAgt',
    },
    'pacs.008.001.08/cbprur-3.xml': {
      reason: 'CBPR+ STP maximal example: the same correspondent-chain branches as cbprur-2.',
      expect: 'InstgRmbrsmntAgt',
    },
  },
  'pacs.009.001.08': {
    'pacs.009.001.08/cbprur-2.xml': {
      reason:
        'CBPR+ pacs.009 COV maximal example: settlement time indication, correspondent-chain agents and the underlying customer credit transfer of the cover method, which the gateway does not offer.',
      expect: 'SttlmTmIndctn',
    },
  },
  'pacs.004.001.09': {
    'pacs.004.001.09/cbprur-2.xml': {
      reason:
        'CBPR+ maximal example: settlement time indication, reimbursement agents and multi-hop return chain outside the profile.',
      expect: 'SttlmTmIndctn',
    },
  },
  'pacs.002.001.10': {},
  'camt.056.001.08': {},
  'camt.029.001.09': {
    'camt.029.001.09/fedwire-moov-2.xml': {
      reason: 'AddtlInf contains a typographic apostrophe (U+2019), outside the gateway character set.',
      expect: "[facet 'pattern']",
    },
  },
  'camt.052.001.08': {},
  'camt.053.001.08': {},
  'camt.054.001.08': {},
  'camt.053.001.02': {
    'camt.053.001.02/fi-moov-1.xml': {
      reason:
        'Transaction details carry securities quantities (RltdQties), a securities branch the reconciliation profile drops.',
      expect: 'RltdQties',
    },
  },
  'head.001.001.02': {
    'admi.002.001.01/fednow-moov-1.xml': {
      reason: 'MsgDefIdr admi.002.001.01 is not a message definition the gateway exchanges.',
      expect: 'admi.002.001.01',
    },
    'pain.001.001.09/cbprur-1.xml': {
      reason:
        'MsgDefIdr pain.001.001.09 (customer to bank) is not a message definition the gateway exchanges.',
      expect: 'pain.001.001.09',
    },
    'pacs.004.001.09/cbprur-2.xml': {
      reason:
        'CBPR+ maximal header: CharSet (the gateway exchanges UTF-8 only) and postal address types (AdrTp).',
      expect: 'CharSet',
    },
    'pacs.008.001.08/cbprur-2.xml': {
      reason: 'CBPR+ maximal header: CharSet and postal address types (AdrTp).',
      expect: 'CharSet',
    },
    'pacs.008.001.08/cbprur-3.xml': {
      reason: 'CBPR+ maximal header: CharSet and postal address types (AdrTp).',
      expect: 'CharSet',
    },
    'pacs.009.001.08/cbprur-2.xml': {
      reason: 'CBPR+ maximal header: CharSet and postal address types (AdrTp).',
      expect: 'CharSet',
    },
  },
};

/** Share of official-valid pacs.008.001.08 samples the UG must admit. */
const PACS_008_ACCEPTANCE_MIN = 0.8;

// ---------------------------------------------------------------------------------------------
// libxml2-wasm helpers

const PARSE = {
  option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_BIG_LINES,
};

const validators = new Map<string, XsdValidator>();
afterAll(() => {
  for (const v of validators.values()) v.dispose();
});

/** Compiles a schema once per file; validators are disposed after the suite. */
function compile(path: string): XsdValidator {
  const cached = validators.get(path);
  if (cached) return cached;
  const doc = XmlDocument.fromString(readFileSync(path, 'utf8'), PARSE);
  try {
    const v = XsdValidator.fromDoc(doc);
    validators.set(path, v);
    return v;
  } finally {
    doc.dispose();
  }
}

/** Validation errors of `node` (a document's root or an element embedded in an envelope). */
function errorsOf(validator: XsdValidator, node: XmlDocument | XmlElement): string[] {
  try {
    if (node instanceof XmlDocument) validator.validate(node);
    else validator.validate(node);
    return [];
  } catch (e) {
    if (e instanceof XmlValidateError) return e.details.map((d) => `line ${d.line}: ${d.message.trim()}`);
    throw e;
  }
}

const nsOf = (v: Version): string => `urn:iso:std:iso:20022:tech:xsd:${v}`;
const rootNameOf = (v: Version): string => (v.startsWith('head.') ? 'AppHdr' : 'Document');

function xmlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...xmlFiles(p));
    else if (name.endsWith('.xml')) out.push(p);
  }
  return out;
}

function findParts(el: XmlElement, ns: string, name: string, out: XmlElement[]): void {
  if (el.namespaceUri === ns && el.name === name) {
    out.push(el);
    return;
  }
  for (let c = el.firstChild; c; c = c.next) if (c instanceof XmlElement) findParts(c, ns, name, out);
}

// ---------------------------------------------------------------------------------------------
// Independent XSD model and restriction checker

const XS = 'http://www.w3.org/2001/XMLSchema';
type Max = number | 'unbounded';

interface Particle {
  name: string;
  type: string;
  min: number;
  max: Max;
}
interface ComplexDef {
  kind: 'sequence' | 'choice' | 'simpleContent';
  wrapped: boolean;
  particles: Particle[];
  any?: string;
  base?: string;
  attributes: string[];
}
interface SimpleDef {
  base: string;
  facets: Map<string, string[]>;
}
interface Schema {
  targetNamespace: string;
  elementFormDefault: string;
  root: { name: string; type: string };
  complex: Map<string, ComplexDef>;
  simple: Map<string, SimpleDef>;
}

function xsKids(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let c = el.firstChild; c; c = c.next) {
    if (c instanceof XmlElement && c.namespaceUri === XS && c.name !== 'annotation') out.push(c);
  }
  return out;
}
const at = (el: XmlElement, n: string): string => el.attr(n)?.value ?? '';
const occurs = (v: string, d: number): Max => (v === '' ? d : v === 'unbounded' ? 'unbounded' : Number(v));

function readSchema(path: string): Schema {
  const doc = XmlDocument.fromString(readFileSync(path, 'utf8'), PARSE);
  try {
    const s = doc.root;
    const schema: Schema = {
      targetNamespace: at(s, 'targetNamespace'),
      elementFormDefault: at(s, 'elementFormDefault'),
      root: { name: '', type: '' },
      complex: new Map(),
      simple: new Map(),
    };
    for (const d of xsKids(s)) {
      const name = at(d, 'name');
      if (d.name === 'element') schema.root = { name, type: at(d, 'type') };
      else if (d.name === 'simpleType') {
        const [r] = xsKids(d);
        const facets = new Map<string, string[]>();
        for (const f of r ? xsKids(r) : [])
          facets.set(f.name, [...(facets.get(f.name) ?? []), at(f, 'value')]);
        schema.simple.set(name, { base: r ? at(r, 'base') : '', facets });
      } else if (d.name === 'complexType') {
        let [body] = xsKids(d);
        const def: ComplexDef = { kind: 'sequence', wrapped: false, particles: [], attributes: [] };
        const inner = body && body.name === 'sequence' ? xsKids(body) : [];
        if (inner.length === 1 && inner[0]?.name === 'choice') {
          body = inner[0];
          def.wrapped = true;
        }
        if (body?.name === 'simpleContent') {
          const [ext] = xsKids(body);
          def.kind = 'simpleContent';
          def.base = ext ? at(ext, 'base') : '';
          def.attributes = (ext ? xsKids(ext) : []).map(
            (a) => `${at(a, 'name')}:${at(a, 'type')}:${at(a, 'use')}`,
          );
        } else if (body) {
          def.kind = body.name === 'choice' ? 'choice' : 'sequence';
          for (const p of xsKids(body)) {
            if (p.name === 'any') def.any = `${at(p, 'namespace')}|${at(p, 'processContents')}`;
            else {
              const min = occurs(at(p, 'minOccurs'), 1);
              def.particles.push({
                name: at(p, 'name'),
                type: at(p, 'type'),
                min: min === 'unbounded' ? Infinity : min,
                max: occurs(at(p, 'maxOccurs'), 1),
              });
            }
          }
        }
        schema.complex.set(name, def);
      }
    }
    return schema;
  } finally {
    doc.dispose();
  }
}

/** Facets of a simple type flattened along its derivation chain; patterns kept per step (ANDed). */
function effective(
  schema: Schema,
  type: string,
): { builtin: string; facets: Map<string, string[]>; patterns: string[] } {
  const facets = new Map<string, string[]>();
  const patterns: string[] = [];
  let t = type;
  for (let guard = 0; !t.startsWith('xs:'); guard++) {
    const def = schema.simple.get(t);
    if (!def || guard > 20) throw new Error(`simple type ${t} not found`);
    for (const [k, v] of def.facets) {
      if (k === 'pattern') patterns.push(v.join('|'));
      else if (!facets.has(k)) facets.set(k, v);
    }
    t = def.base;
  }
  return { builtin: t, facets, patterns };
}

const maxLe = (a: Max, b: Max): boolean => b === 'unbounded' || (a !== 'unbounded' && a <= b);

function decimalCmp(a: string, b: string): number {
  const scale = (s: string): bigint => {
    const neg = s.startsWith('-');
    const [i = '0', f = ''] = s.replace(/^[-+]/, '').split('.');
    const v = BigInt(i + f.padEnd(18, '0'));
    return neg ? -v : v;
  };
  const d = scale(a) - scale(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

function checkSimple(
  ug: Schema,
  off: Schema,
  ugType: string,
  offType: string,
  path: string,
  out: string[],
): void {
  const u = effective(ug, ugType);
  const o = effective(off, offType);
  const where = `${path} (${ugType} vs ${offType})`;
  if (u.builtin !== o.builtin) out.push(`${where}: built-in ${u.builtin} is not ${o.builtin}`);
  const num = (m: Map<string, string[]>, k: string): number | undefined => {
    const v = m.get(k)?.[0];
    return v === undefined ? undefined : Number(v);
  };
  for (const k of ['maxLength', 'totalDigits', 'fractionDigits']) {
    const ov = num(o.facets, k);
    const uv = num(u.facets, k);
    if (ov !== undefined && (uv === undefined || uv > ov)) out.push(`${where}: ${k} ${uv} wider than ${ov}`);
  }
  const oMin = num(o.facets, 'minLength');
  const uMin = num(u.facets, 'minLength');
  if (oMin !== undefined && (uMin === undefined || uMin < oMin))
    out.push(`${where}: minLength ${uMin} below ${oMin}`);
  const oLo = o.facets.get('minInclusive')?.[0];
  const uLo = u.facets.get('minInclusive')?.[0];
  if (oLo !== undefined && (uLo === undefined || decimalCmp(uLo, oLo) < 0))
    out.push(`${where}: minInclusive below ${oLo}`);
  const oHi = o.facets.get('maxInclusive')?.[0];
  const uHi = u.facets.get('maxInclusive')?.[0];
  if (oHi !== undefined && (uHi === undefined || decimalCmp(uHi, oHi) > 0))
    out.push(`${where}: maxInclusive above ${oHi}`);
  const oEnum = o.facets.get('enumeration');
  if (oEnum) {
    const uEnum = u.facets.get('enumeration');
    if (!uEnum) out.push(`${where}: enumeration dropped`);
    else
      for (const v of uEnum)
        if (!oEnum.includes(v)) out.push(`${where}: enumeration value ${v} not official`);
  }
  for (const p of o.patterns)
    if (!u.patterns.includes(p)) out.push(`${where}: official pattern ${p} not kept`);
  for (const k of u.facets.keys()) {
    if (
      ![
        'minLength',
        'maxLength',
        'totalDigits',
        'fractionDigits',
        'minInclusive',
        'maxInclusive',
        'enumeration',
      ].includes(k)
    ) {
      out.push(`${where}: unexpected facet ${k}`);
    }
  }
}

interface CheckReport {
  violations: string[];
  /** Element paths compared. */
  paths: number;
}

/** Asserts that `ug` is a restriction of `off`, walking both from the global element. */
function checkRestriction(ug: Schema, off: Schema): CheckReport {
  const out: string[] = [];
  let paths = 0;
  if (ug.targetNamespace !== off.targetNamespace) out.push(`targetNamespace ${ug.targetNamespace}`);
  if (ug.elementFormDefault !== off.elementFormDefault)
    out.push(`elementFormDefault ${ug.elementFormDefault}`);
  if (ug.root.name !== off.root.name) out.push(`root element ${ug.root.name} is not ${off.root.name}`);
  const seen = new Set<string>();

  const visit = (ugType: string, offType: string, path: string): void => {
    const key = `${ugType}|${offType}`;
    if (seen.has(key)) return;
    seen.add(key);
    const uc = ug.complex.get(ugType);
    const oc = off.complex.get(offType);
    if (!uc || !oc) {
      if (uc || oc) out.push(`${path}: complex/simple mismatch (${ugType} vs ${offType})`);
      else checkSimple(ug, off, ugType, offType, path, out);
      return;
    }
    if (uc.kind !== oc.kind || uc.wrapped !== oc.wrapped) {
      out.push(`${path}: content ${uc.kind} is not ${oc.kind}`);
      return;
    }
    if (uc.kind === 'simpleContent') {
      if (uc.attributes.length !== oc.attributes.length) out.push(`${path}: attributes differ`);
      uc.attributes.forEach((a, i) => {
        const [n, t] = a.split(':');
        const [on, ot] = (oc.attributes[i] ?? '').split(':');
        if (n !== on || a.split(':')[2] !== (oc.attributes[i] ?? '').split(':')[2])
          out.push(`${path}/@${n}: attribute differs`);
        else checkSimple(ug, off, t ?? '', ot ?? '', `${path}/@${n}`, out);
      });
      checkSimple(ug, off, uc.base ?? '', oc.base ?? '', path, out);
      return;
    }
    if (uc.any !== undefined && uc.any !== oc.any) out.push(`${path}: wildcard ${uc.any} not official`);
    let last = -1;
    for (const p of uc.particles) {
      const i = oc.particles.findIndex((q) => q.name === p.name);
      const o = oc.particles[i];
      if (!o) {
        out.push(`${path}/${p.name}: not in the official ${offType}`);
        continue;
      }
      if (i <= last) out.push(`${path}/${p.name}: out of the official order`);
      last = Math.max(last, i);
      if (p.min < o.min || !maxLe(p.max, o.max)) {
        out.push(`${path}/${p.name}: occurs ${p.min}..${p.max} outside official ${o.min}..${o.max}`);
      }
      paths++;
      visit(p.type, o.type, `${path}/${p.name}`);
    }
    if (uc.kind === 'sequence') {
      for (const o of oc.particles) {
        if (o.min > 0 && !uc.particles.some((p) => p.name === o.name))
          out.push(`${path}/${o.name}: required, dropped`);
      }
    } else if (uc.particles.length === 0) {
      out.push(`${path}: choice without options`);
    }
  };
  visit(ug.root.type, off.root.type, ug.root.name);
  return { violations: out, paths };
}

// ---------------------------------------------------------------------------------------------

describe('usage-guideline schemas compile and admit the fixtures', () => {
  for (const version of VERSIONS) {
    it(`${version}: compiles and every fixture validates`, () => {
      const ug = compile(join(UG_DIR, `${version}.xsd`));
      const fixtures = xmlFiles(join(FIXTURE_DIR, version));
      expect(fixtures.length, `fixtures/ug/${version} has fixtures`).toBeGreaterThan(0);
      for (const f of fixtures) {
        const doc = XmlDocument.fromString(readFileSync(f, 'utf8'), PARSE);
        try {
          expect(doc.root.namespaceUri).toBe(nsOf(version));
          expect(doc.root.name).toBe(rootNameOf(version));
          expect(errorsOf(ug, doc), relative(ROOT, f)).toEqual([]);
        } finally {
          doc.dispose();
        }
      }
    });
  }
});

describe.skipIf(!OFFICIAL_DIR)('usage-guideline schemas restrict the official ISO 20022 schemas', () => {
  const officialXsd = (v: Version): string => join(OFFICIAL_DIR ?? '', `${v}.xsd`);

  for (const version of VERSIONS) {
    it(`${version}: is a structural restriction of the official schema`, () => {
      const report = checkRestriction(
        readSchema(join(UG_DIR, `${version}.xsd`)),
        readSchema(officialXsd(version)),
      );
      console.log(`${version}: ${report.paths} element paths compared with the official schema`);
      expect(report.violations).toEqual([]);
      expect(report.paths).toBeGreaterThan(10);
    });

    it(`${version}: fixtures validate against the official schema too`, () => {
      const official = compile(officialXsd(version));
      for (const f of xmlFiles(join(FIXTURE_DIR, version))) {
        const doc = XmlDocument.fromString(readFileSync(f, 'utf8'), PARSE);
        try {
          expect(errorsOf(official, doc), relative(ROOT, f)).toEqual([]);
        } finally {
          doc.dispose();
        }
      }
    });
  }

  it('the checker catches a widened schema', () => {
    const off = readSchema(officialXsd('pacs.008.001.08'));
    const fresh = (): Schema => readSchema(join(UG_DIR, 'pacs.008.001.08.xsd'));
    const widened = (mutate: (ug: Schema) => void): string[] => {
      const ug = fresh();
      mutate(ug);
      return checkRestriction(ug, off).violations;
    };
    const tx = (ug: Schema): ComplexDef => {
      const t = ug.complex.get('CreditTransferTransaction39');
      if (!t) throw new Error('CreditTransferTransaction39 missing');
      return t;
    };
    const retype = (ug: Schema, name: string, f: (p: Particle) => Particle): void => {
      for (const c of ug.complex.values()) c.particles = c.particles.map((p) => (p.name === name ? f(p) : p));
    };
    expect(widened(() => undefined)).toEqual([]);
    expect(
      widened((ug) => tx(ug).particles.push({ name: 'Bogus', type: 'Max35Text', min: 0, max: 1 })),
    ).toContainEqual(expect.stringContaining('Bogus: not in the official'));
    expect(
      widened((ug) => (tx(ug).particles = tx(ug).particles.filter((p) => p.name !== 'ChrgBr'))),
    ).toContainEqual(expect.stringContaining('ChrgBr: required, dropped'));
    expect(widened((ug) => tx(ug).particles.reverse())).toContainEqual(
      expect.stringContaining('out of the official order'),
    );
    expect(widened((ug) => retype(ug, 'RgltryRptg', (p) => ({ ...p, max: 11 })))).toContainEqual(
      expect.stringContaining('RgltryRptg: occurs 0..11 outside official 0..10'),
    );
    expect(widened((ug) => retype(ug, 'NbOfTxs', (p) => ({ ...p, min: 0 })))).toContainEqual(
      expect.stringContaining('NbOfTxs: occurs 0..1 outside official 1..1'),
    );
    expect(
      widened((ug) =>
        ug.simple.get('SettlementMethod1Code')?.facets.set('enumeration', ['INDA', 'INGA', 'CLRG', 'XXXX']),
      ),
    ).toContainEqual(expect.stringContaining('enumeration value XXXX not official'));
    expect(widened((ug) => ug.simple.get('BICFIDec2014Identifier')?.facets.delete('pattern'))).toContainEqual(
      expect.stringContaining('official pattern'),
    );
    expect(widened((ug) => ug.simple.get('Max140Text')?.facets.set('maxLength', ['141']))).toContainEqual(
      expect.stringContaining('maxLength 141 wider than 140'),
    );
  });
});

describe.skipIf(!OFFICIAL_DIR || !HAVE_SAMPLES)(
  'official-valid samples against the usage-guideline schemas',
  () => {
    const counts: string[] = [];
    afterAll(() => {
      if (counts.length > 0)
        console.log(`sample acceptance (UG-valid / official-valid):\n  ${counts.join('\n  ')}`);
    });

    for (const version of VERSIONS) {
      it(`${version}: every UG rejection of an official-valid sample is explained`, () => {
        const official = compile(join(OFFICIAL_DIR ?? '', `${version}.xsd`));
        const ug = compile(join(UG_DIR, `${version}.xsd`));
        const rejected = new Map<string, string[]>();
        let valid = 0;
        let officialInvalid = 0;
        for (const file of xmlFiles(SAMPLES_DIR ?? '')) {
          const doc = XmlDocument.fromString(readFileSync(file, 'utf8'), PARSE);
          try {
            const parts: XmlElement[] = [];
            findParts(doc.root, nsOf(version), rootNameOf(version), parts);
            parts.forEach((part, i) => {
              const id = relative(SAMPLES_DIR ?? '', file) + (parts.length > 1 ? `#${i + 1}` : '');
              if (errorsOf(official, part).length > 0) {
                officialInvalid++;
                return;
              }
              valid++;
              const errors = errorsOf(ug, part);
              if (errors.length > 0) rejected.set(id, errors);
            });
          } finally {
            doc.dispose();
          }
        }
        const allowed = UG_REJECTIONS[version];
        counts.push(
          `${version}: ${valid - rejected.size}/${valid}` +
            (officialInvalid > 0 ? ` (${officialInvalid} official-invalid skipped)` : '') +
            [...rejected.keys()]
              .map((id) => `\n    rejected ${id}: ${allowed[id]?.reason ?? 'UNEXPLAINED'}`)
              .join(''),
        );
        for (const [id, errors] of rejected) {
          expect(
            allowed[id],
            `${id} is rejected by the UG schema without a listed reason:\n${errors.join('\n')}`,
          ).toBeDefined();
          expect(errors[0], `${id}: rejection changed`).toContain(allowed[id]?.expect ?? '');
        }
        for (const id of Object.keys(allowed)) {
          expect(
            rejected.has(id),
            `${id} is listed in UG_REJECTIONS but no longer rejected (or no longer in the corpus)`,
          ).toBe(true);
        }
        if (version === 'pacs.008.001.08') {
          expect(valid).toBeGreaterThan(0);
          expect((valid - rejected.size) / valid).toBeGreaterThanOrEqual(PACS_008_ACCEPTANCE_MIN);
        }
      });
    }
  },
);

describe.skipIf(!OFFICIAL_DIR)('the usage-guideline schemas narrow the official ones', () => {
  const fixture = readFileSync(join(FIXTURE_DIR, 'pacs.008.001.08', 'two-transactions-eur.xml'), 'utf8');

  /** Each mutation keeps the message valid against the official schema but breaks a gateway rule. */
  const MUTATIONS: ReadonlyArray<readonly [string, (xml: string) => string]> = [
    [
      'EndToEndId starting with "/" (EPC reference rule)',
      (x) => x.replace('<EndToEndId>INV-', '<EndToEndId>/INV-'),
    ],
    [
      'MsgId containing "//" (EPC reference rule)',
      (x) => x.replace('ALPH20250414-000123', 'ALPH//20250414-000123'),
    ],
    [
      'cover settlement method COVE',
      (x) => x.replace('<SttlmMtd>CLRG</SttlmMtd>', '<SttlmMtd>COVE</SttlmMtd>'),
    ],
    ['creation time without a time zone', (x) => x.replace('09:15:27.512+02:00', '09:15:27.512')],
    ['a tab inside a name (control character)', (x) => x.replace('Jörg Weiß', 'Jörg\tWeiß')],
    ['a Cyrillic name (outside the Latin character set)', (x) => x.replace('Jörg Weiß', 'Йорг Вайс')],
    ['two unstructured remittance lines', (x) => x.replace('</Ustrd>', '</Ustrd><Ustrd>second line</Ustrd>')],
    [
      'supplementary data',
      (x) =>
        x.replace(
          '</CdtTrfTxInf>\n  </FIToFICstmrCdtTrf>',
          '</CdtTrfTxInf>\n    <SplmtryData><Envlp><x xmlns="urn:x">1</x></Envlp></SplmtryData>\n  </FIToFICstmrCdtTrf>',
        ),
    ],
  ];

  for (const [name, mutate] of MUTATIONS) {
    it(`pacs.008.001.08 with ${name}: official accepts, UG rejects`, () => {
      const official = compile(join(OFFICIAL_DIR ?? '', 'pacs.008.001.08.xsd'));
      const ug = compile(join(UG_DIR, 'pacs.008.001.08.xsd'));
      const xml = mutate(fixture);
      expect(xml).not.toBe(fixture);
      const doc = XmlDocument.fromString(xml, PARSE);
      try {
        expect(errorsOf(official, doc)).toEqual([]);
        expect(errorsOf(ug, doc)).not.toEqual([]);
      } finally {
        doc.dispose();
      }
    });
  }
});
