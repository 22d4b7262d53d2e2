/**
 * XSD → descriptor translation (pure): reads an ISO 20022 schema's text, or a usage-guideline
 * schema written in the same style (named types, xs:sequence / xs:choice of elements,
 * simpleContent amounts with a Ccy attribute, xs:any wildcards), into the descriptor table the
 * typed reader and writer walk. The generator (generate.fs.ts) emits the official tables as
 * code; tests use it at run time on the gateway's usage-guideline schemas to draw random
 * messages that those schemas accept.
 */
import { XMLParser } from 'fast-xml-parser';
import type { TypeDesc } from './descriptor.js';

type Field = [tag: string, type: string, min: number, max: number];
/** Mutable twin of TypeDesc while building. */
type Desc =
  | { k: 'seq' | 'choice'; f: Field[] }
  | { k: 'str'; minLen?: number; maxLen?: number; pattern?: string; enum?: string[] }
  | { k: 'bool' | 'date' | 'dateTime' | 'time' | 'yearMonth' | 'year' }
  | { k: 'dec'; frac?: number; total?: number; minIncl?: string }
  | { k: 'amt' | 'amt13'; frac?: number; total?: number; minIncl?: string; ccy: string }
  | { k: 'any'; ns: string };

type X = Record<string, unknown>;
const arr = (v: unknown): X[] => (v === undefined ? [] : Array.isArray(v) ? (v as X[]) : [v as X]);

/** Decodes XML character references, which the XML parser leaves in attribute values. */
function charRefs(s: string): string {
  return s.replace(
    /&#x([0-9a-fA-F]+);|&#([0-9]+);/g,
    (_m, hex: string | undefined, dec: string | undefined) =>
      String.fromCodePoint(hex !== undefined ? Number.parseInt(hex, 16) : Number(dec)),
  );
}

function facets(r: X): { minLen?: number; maxLen?: number; pattern?: string; enum?: string[] } & X {
  const out: X = {};
  const v = (k: string): string | undefined => (r[k] as X | undefined)?.value as string | undefined;
  if (v('xs:minLength') !== undefined) out.minLen = Number(v('xs:minLength'));
  if (v('xs:maxLength') !== undefined) out.maxLen = Number(v('xs:maxLength'));
  if (v('xs:length') !== undefined) out.minLen = out.maxLen = Number(v('xs:length'));
  const pats = arr(r['xs:pattern']);
  if (pats.length > 1) throw new Error('several patterns');
  if (pats[0]) out.pattern = charRefs(pats[0].value as string);
  const en = arr(r['xs:enumeration']).map((e) => charRefs(e.value as string));
  if (en.length) out.enum = en;
  if (v('xs:fractionDigits') !== undefined) out.frac = Number(v('xs:fractionDigits'));
  if (v('xs:totalDigits') !== undefined) out.total = Number(v('xs:totalDigits'));
  if (v('xs:minInclusive') !== undefined) out.minIncl = v('xs:minInclusive');
  return out;
}

function simpleDesc(st: X): Desc {
  const r = st['xs:restriction'] as X;
  const base = r.base as string;
  const f = facets(r);
  switch (base) {
    case 'xs:string':
      return { k: 'str', ...f } as Desc;
    case 'xs:boolean':
      return { k: 'bool' };
    case 'xs:date':
      return { k: 'date' };
    case 'xs:dateTime':
      return { k: 'dateTime' };
    case 'xs:time':
      return { k: 'time' };
    case 'xs:gYearMonth':
      return { k: 'yearMonth' };
    case 'xs:gYear':
      return { k: 'year' };
    case 'xs:decimal':
      return { k: 'dec', ...f } as Desc;
    default:
      throw new Error(`unsupported simple base ${base}`);
  }
}

function fieldsOf(group: X): Field[] {
  return arr(group['xs:element']).map((e) => [
    e.name as string,
    e.type as string,
    e.minOccurs === undefined ? 1 : Number(e.minOccurs),
    e.maxOccurs === undefined ? 1 : e.maxOccurs === 'unbounded' ? -1 : Number(e.maxOccurs),
  ]);
}

function complexDesc(ct: X, simple: Map<string, X>): Desc {
  const sc = ct['xs:simpleContent'] as X | undefined;
  if (sc) {
    const ext = sc['xs:extension'] as X;
    const base = simple.get(ext.base as string);
    if (!base) throw new Error(`unknown base ${String(ext.base)}`);
    const attrs = arr(ext['xs:attribute']);
    if (attrs.length !== 1 || attrs[0]!.name !== 'Ccy') throw new Error('only Ccy attributes are expected');
    const f = facets(base['xs:restriction'] as X);
    const ccyType = simple.get(attrs[0]!.type as string);
    const ccy = facets(ccyType!['xs:restriction'] as X).pattern ?? '';
    return {
      k: f.frac === 13 ? 'amt13' : 'amt',
      frac: f.frac,
      total: f.total,
      minIncl: f.minIncl,
      ccy,
    } as Desc;
  }
  let seq = ct['xs:sequence'] as X | undefined;
  let choice = ct['xs:choice'] as X | undefined;
  if (seq && !seq['xs:element'] && seq['xs:choice'] && !seq['xs:any']) {
    choice = seq['xs:choice'] as X;
    seq = undefined;
  }
  if (choice) return { k: 'choice', f: fieldsOf(choice) };
  if (!seq) throw new Error('complex type without sequence or choice');
  if (seq['xs:any']) {
    if (seq['xs:element']) throw new Error('xs:any mixed with elements');
    return { k: 'any', ns: (seq['xs:any'] as X).namespace as string };
  }
  if (seq['xs:choice']) throw new Error('choice mixed with elements in a sequence');
  return { k: 'seq', f: fieldsOf(seq) };
}

export interface Schema {
  id: string;
  rootTag: string;
  rootType: string;
  types: Map<string, TypeDesc>;
}

/** The descriptors of one schema; `id` names it (message version) for variant suffixes. */
export function descriptorsFromXsd(xsdText: string, id: string): Schema {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) =>
      ['xs:element', 'xs:complexType', 'xs:simpleType', 'xs:enumeration', 'xs:pattern'].includes(name),
  });
  const doc = parser.parse(xsdText) as X;
  const schema = doc['xs:schema'] as X;
  const simple = new Map(arr(schema['xs:simpleType']).map((s) => [s.name as string, s]));
  const types = new Map<string, Desc>();
  for (const [name, st] of simple) if (!name.endsWith('_SimpleType')) types.set(name, simpleDesc(st));
  let rootTag = '';
  let rootType = '';
  const top = arr(schema['xs:element'])[0]!;
  for (const ct of arr(schema['xs:complexType'])) {
    const name = ct.name as string;
    const d = complexDesc(ct, simple);
    if (name === top.type && top.name === 'Document') {
      if (d.k !== 'seq' || d.f.length !== 1) throw new Error('Document must hold one element');
      [rootTag, rootType] = d.f[0]!;
      continue;
    }
    types.set(name, d);
  }
  if (top.name !== 'Document') [rootTag, rootType] = [top.name as string, top.type as string];
  return { id, rootTag, rootType, types };
}

// ---- merge -----------------------------------------------------------------------------------

/**
 * Merges schemas into one table. ISO components are versioned by name, so a name is shared;
 * a name whose definition differs (or refers to a differing type) gets the schema id as suffix.
 */
export function mergeSchemas(schemas: Schema[]): {
  types: Map<string, TypeDesc>;
  roots: Array<[string, string, string]>;
} {
  const types = new Map<string, TypeDesc>();
  const roots: Array<[string, string, string]> = [];
  const refs = (d: TypeDesc): string[] => (d.k === 'seq' || d.k === 'choice' ? d.f.map(([, t]) => t) : []);
  for (const s of schemas) {
    const suffix = `_${s.id.replace(/\./g, '')}`;
    // A type is a variant in this schema when its definition differs from the one already
    // kept, or when it refers to a variant (same text, different meaning). Fixpoint.
    const variant = new Set<string>();
    for (let changed = true; changed;) {
      changed = false;
      for (const [name, d] of s.types) {
        if (variant.has(name)) continue;
        const prev = types.get(name);
        if (!prev) continue;
        if (JSON.stringify(prev) !== JSON.stringify(d) || refs(d).some((t) => variant.has(t))) {
          variant.add(name);
          changed = true;
        }
      }
    }
    const rename = (t: string): string => (variant.has(t) ? `${t}${suffix}` : t);
    for (const [name, d] of s.types) {
      const nd: TypeDesc =
        d.k === 'seq' || d.k === 'choice'
          ? { k: d.k, f: d.f.map(([a, t, b, c]) => [a, rename(t), b, c]) }
          : d;
      if (variant.has(name)) types.set(rename(name), nd);
      else if (!types.has(name)) types.set(name, nd);
    }
    roots.push([s.id, s.rootTag, rename(s.rootType)]);
  }
  return { types, roots };
}
