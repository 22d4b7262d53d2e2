/**
 * Derives a usage-guideline schema from an official ISO 20022 schema and a profile.
 *
 * Starting at the global element, the generator follows only the children a profile keeps, so
 * the output holds exactly the types reachable in the usage guideline. Every decision is
 * checked against the official definition as it is made: a kept child must exist, a required
 * child must be kept, cardinalities stay within the official bounds, enumerations are subsets,
 * lengths and digits only shrink, and a pattern is only added where the official type has none.
 * Any violation throws, naming the type and child — the output is a restriction by
 * construction, and the conformance test re-checks it independently.
 */
import type { MessageProfile, SimpleRule } from './profile.js';
import type {
  ComplexType,
  ElementDecl,
  Facets,
  MaxOccurs,
  SchemaModel,
  SimpleType,
  AnyDecl,
  AttributeDecl,
} from './xsd-model.js';

export interface RestrictResult {
  readonly xsd: string;
  /** Usage-guideline type names emitted. */
  readonly complexTypes: readonly string[];
  readonly simpleTypes: readonly string[];
  /** Rules of the profile never reached from the root (a profile smell when message-specific). */
  readonly unusedRules: readonly string[];
}

interface UgElement extends ElementDecl {
  readonly officialType: string;
}

type UgComplex =
  | {
      readonly name: string;
      readonly kind: 'sequence' | 'choice';
      readonly wrapped: boolean;
      readonly elements: readonly UgElement[];
      readonly any?: AnyDecl;
      readonly doc?: string;
    }
  | {
      readonly name: string;
      readonly kind: 'simpleContent';
      readonly base: string;
      readonly attributes: readonly AttributeDecl[];
      readonly doc?: string;
    };

interface UgSimple {
  readonly name: string;
  readonly base: string;
  readonly facets: Facets;
  readonly doc?: string;
}

const isBuiltin = (t: string): boolean => t.startsWith('xs:');

function maxLe(a: MaxOccurs, b: MaxOccurs): boolean {
  if (b === 'unbounded') return true;
  if (a === 'unbounded') return false;
  return a <= b;
}

function fmtOccurs(min: number, max: MaxOccurs): string {
  return `${min}..${max === 'unbounded' ? 'n' : max}`;
}

function fail(where: string, msg: string): never {
  throw new Error(`${where}: ${msg}`);
}

/** Narrows official facets by a rule, refusing any widening. */
function narrowFacets(
  where: string,
  official: Facets,
  rule: SimpleRule | undefined,
  extraPattern?: string,
): Facets {
  const out: Facets = { ...official };
  if (!rule) {
    if (extraPattern !== undefined && official.pattern === undefined && official.enumeration === undefined) {
      out.pattern = extraPattern;
    }
    return out;
  }
  if (rule.enumeration) {
    const allowed = official.enumeration;
    if (!allowed) fail(where, 'enumeration added to a type without one');
    for (const v of rule.enumeration)
      if (!allowed.includes(v)) fail(where, `enumeration value ${v} not official`);
    out.enumeration = rule.enumeration;
  }
  for (const k of ['maxLength', 'totalDigits', 'fractionDigits'] as const) {
    const v = rule[k];
    if (v === undefined) continue;
    const o = official[k];
    if (o !== undefined && v > o) fail(where, `${k} ${v} wider than official ${o}`);
    out[k] = v;
  }
  if (rule.minLength !== undefined) {
    if (official.minLength !== undefined && rule.minLength < official.minLength) {
      fail(where, `minLength ${rule.minLength} wider than official ${official.minLength}`);
    }
    out.minLength = rule.minLength;
  }
  if (rule.minInclusive !== undefined || rule.maxInclusive !== undefined) {
    // Decimal bounds compared exactly as decimal strings via BigInt scaling.
    const cmp = (a: string, b: string): number => {
      const scale = (s: string): bigint => {
        const [i = '0', f = ''] = s.split('.');
        return BigInt(i + f.padEnd(10, '0'));
      };
      const d = scale(a) - scale(b);
      return d < 0n ? -1 : d > 0n ? 1 : 0;
    };
    if (rule.minInclusive !== undefined) {
      if (official.minInclusive !== undefined && cmp(rule.minInclusive, official.minInclusive) < 0) {
        fail(where, 'minInclusive below official');
      }
      out.minInclusive = rule.minInclusive;
    }
    if (rule.maxInclusive !== undefined) {
      if (official.maxInclusive !== undefined && cmp(rule.maxInclusive, official.maxInclusive) > 0) {
        fail(where, 'maxInclusive above official');
      }
      out.maxInclusive = rule.maxInclusive;
    }
  }
  if (rule.pattern !== undefined) {
    if (official.pattern !== undefined) fail(where, 'pattern added to a type that already has one');
    if (official.enumeration !== undefined)
      fail(where, 'pattern added to an enumerated type; narrow the enumeration');
    out.pattern = rule.pattern;
  } else if (extraPattern !== undefined && official.pattern === undefined && !official.enumeration) {
    out.pattern = extraPattern;
  }
  return out;
}

function isFreeText(t: SimpleType): boolean {
  return (
    t.base === 'xs:string' &&
    t.facets.pattern === undefined &&
    t.facets.enumeration === undefined &&
    (t.facets.minLength !== undefined || t.facets.maxLength !== undefined)
  );
}

/** External code-set types are checked against the code sets by the business rules, not here. */
function isExternalCode(t: SimpleType): boolean {
  return /^External.*Code$/.test(t.name);
}

export function restrict(official: SchemaModel, profile: MessageProfile): RestrictResult {
  const complexOut = new Map<string, UgComplex>();
  const simpleOut = new Map<string, UgSimple>();
  const usedRules = new Set<string>();

  /** Emits UG type `name`, which must restrict official type `officialName`. */
  function visit(name: string, officialName: string, path: string): void {
    if (isBuiltin(name)) {
      if (name !== officialName) fail(path, `built-in ${name} for official ${officialName}`);
      return;
    }
    const cRule = profile.complex[name];
    const sRule = profile.simple[name];
    const restricts = cRule?.restricts ?? sRule?.restricts ?? name;
    if (restricts !== officialName)
      fail(path, `type ${name} restricts ${restricts}, but the official type is ${officialName}`);
    if (complexOut.has(name) || simpleOut.has(name)) return;

    const oc = official.complexTypes.get(officialName);
    if (oc) {
      emitComplex(name, oc, path);
      return;
    }
    const os = official.simpleTypes.get(officialName);
    if (os) {
      emitSimple(name, os, path);
      return;
    }
    fail(path, `official type ${officialName} not found`);
  }

  function emitComplex(name: string, oc: ComplexType, path: string): void {
    const rule = profile.complex[name];
    const where = `${profile.id} ${path} (${name})`;
    if (oc.content.kind === 'simpleContent') {
      if (rule) fail(where, 'simpleContent types take no complex rule');
      complexOut.set(name, {
        name,
        kind: 'simpleContent',
        base: oc.content.base,
        attributes: oc.content.attributes,
      });
      visit(oc.content.base, oc.content.base, `${path}/text()`);
      for (const a of oc.content.attributes) visit(a.type, a.type, `${path}/@${a.name}`);
      return;
    }
    if (!rule) fail(where, `no profile rule for complex type ${oc.name}`);
    usedRules.add(name);
    const officialNames = oc.content.elements.map((e) => e.name);
    const keep = rule.keep === '*' ? officialNames : rule.keep;
    for (const k of keep) if (!officialNames.includes(k)) fail(where, `kept child ${k} is not in ${oc.name}`);
    for (const k of Object.keys(rule.occurs ?? {}))
      if (!keep.includes(k)) fail(where, `occurs for dropped ${k}`);
    for (const k of Object.keys(rule.types ?? {}))
      if (!keep.includes(k)) fail(where, `type for dropped ${k}`);

    const elements: UgElement[] = [];
    const dropped: string[] = [];
    const narrowed: string[] = [];
    for (const e of oc.content.elements) {
      if (!keep.includes(e.name)) {
        if (oc.content.kind === 'sequence' && e.minOccurs > 0)
          fail(where, `required child ${e.name} dropped`);
        dropped.push(e.name);
        continue;
      }
      const [min, max] = rule.occurs?.[e.name] ?? [e.minOccurs, e.maxOccurs];
      if (min < e.minOccurs || !maxLe(max, e.maxOccurs) || (max !== 'unbounded' && max < Math.max(min, 1))) {
        fail(
          where,
          `${e.name} occurs ${fmtOccurs(min, max)} outside official ${fmtOccurs(e.minOccurs, e.maxOccurs)}`,
        );
      }
      if (min !== e.minOccurs || max !== e.maxOccurs) narrowed.push(`${e.name} ${fmtOccurs(min, max)}`);
      const type = rule.types?.[e.name] ?? e.type;
      elements.push({ name: e.name, type, officialType: e.type, minOccurs: min, maxOccurs: max });
    }
    if (elements.length === 0 && !oc.content.any) fail(where, 'no child kept');
    if (oc.content.kind === 'choice' && elements.length === 0) fail(where, 'choice without options');

    const notes: string[] = [];
    if (dropped.length > 0) notes.push(`drops ${dropped.join(', ')}`);
    if (narrowed.length > 0) notes.push(`narrows ${narrowed.join(', ')}`);
    const retyped = elements.filter((e) => e.type !== e.officialType).map((e) => `${e.name}: ${e.type}`);
    if (retyped.length > 0) notes.push(`narrower types ${retyped.join(', ')}`);
    const doc =
      notes.length > 0 || rule.why || name !== oc.name
        ? [`Restriction of ISO ${oc.name}${notes.length > 0 ? `: ${notes.join('; ')}` : ''}.`, rule.why]
            .filter(Boolean)
            .join(' ')
        : undefined;

    complexOut.set(name, {
      name,
      kind: oc.content.kind,
      wrapped: oc.content.wrapped === true,
      elements,
      ...(oc.content.any ? { any: oc.content.any } : {}),
      ...(doc ? { doc } : {}),
    });
    for (const e of elements) visit(e.type, e.officialType, `${path}/${e.name}`);
  }

  function emitSimple(name: string, os: SimpleType, path: string): void {
    const rule = profile.simple[name];
    if (rule) usedRules.add(name);
    const where = `${profile.id} ${path} (${name})`;
    const extra = isFreeText(os) && !isExternalCode(os) ? profile.textPattern : undefined;
    const facets = narrowFacets(where, os.facets, rule, extra);
    const changed = JSON.stringify(facets) !== JSON.stringify(os.facets);
    const doc =
      changed || name !== os.name
        ? [
            `Restriction of ISO ${os.name}.`,
            rule?.why ?? (facets.pattern !== os.facets.pattern ? charsetWhy(extra) : undefined),
          ]
            .filter(Boolean)
            .join(' ')
        : undefined;
    simpleOut.set(name, { name, base: os.base, facets, ...(doc ? { doc } : {}) });
    if (!isBuiltin(os.base)) visit(os.base, os.base, `${path}/base`);
  }

  visit(official.root.type, official.root.type, official.root.name);

  const declared = [...Object.keys(profile.complex), ...Object.keys(profile.simple)];
  const unusedRules = declared.filter((n) => !usedRules.has(n));
  return {
    xsd: serialize(official, profile, complexOut, simpleOut),
    complexTypes: [...complexOut.keys()].sort(),
    simpleTypes: [...simpleOut.keys()].sort(),
    unusedRules,
  };
}

function charsetWhy(extra: string | undefined): string | undefined {
  if (extra === undefined) return undefined;
  return 'Free text limited to the gateway character set (Latin letters incl. accented Latin, digits, space, SWIFT/EPC punctuation; no control characters).';
}

// ---------------------------------------------------------------------------------------------
// Serialisation, in the layout of the Standards Editor so that the two files compare line by line.

function xmlAttr(v: string): string {
  let out = '';
  for (const ch of v) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '&') out += '&amp;';
    else if (ch === '"') out += '&quot;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (cp < 0x20 || cp > 0x7e) out += `&#x${cp.toString(16).toUpperCase()};`;
    else out += ch;
  }
  return out;
}

function xmlText(v: string): string {
  return xmlAttr(v).replace(/&quot;/g, '"');
}

function occursAttrs(e: ElementDecl): string {
  if (e.minOccurs === 1 && e.maxOccurs === 1) return '';
  return `maxOccurs="${e.maxOccurs}" minOccurs="${e.minOccurs}" `;
}

function annotation(doc: string | undefined, indent: string): string[] {
  if (!doc) return [];
  return [
    `${indent}<xs:annotation>`,
    `${indent}    <xs:documentation>${xmlText(doc)}</xs:documentation>`,
    `${indent}</xs:annotation>`,
  ];
}

function serialize(
  official: SchemaModel,
  profile: MessageProfile,
  complexOut: ReadonlyMap<string, UgComplex>,
  simpleOut: ReadonlyMap<string, UgSimple>,
): string {
  const ns = official.targetNamespace;
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- isoclear usage guideline for ${profile.id}. GENERATED by scripts/ug-schemas/generate.ts from the`,
    `     profile in scripts/ug-schemas/profiles; edit the profile, not this file. -->`,
    `<xs:schema xmlns="${ns}" xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified" targetNamespace="${ns}">`,
    ...annotation(
      `isoclear usage guideline for ${profile.id}: a strict restriction of the ISO 20022 message definition with the same target namespace, element names and order. ${profile.purpose}`,
      '    ',
    ),
    `    <xs:element name="${official.root.name}" type="${official.root.type}"/>`,
  ];
  const names = [...complexOut.keys(), ...simpleOut.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const n of names) {
    const c = complexOut.get(n);
    if (c) {
      lines.push(`    <xs:complexType name="${n}">`, ...annotation(c.doc, '        '));
      if (c.kind === 'simpleContent') {
        lines.push('        <xs:simpleContent>', `            <xs:extension base="${c.base}">`);
        for (const a of c.attributes) {
          lines.push(`                <xs:attribute name="${a.name}" type="${a.type}" use="${a.use}"/>`);
        }
        lines.push('            </xs:extension>', '        </xs:simpleContent>');
      } else {
        let ind = '        ';
        if (c.wrapped) {
          lines.push(`${ind}<xs:sequence>`);
          ind += '    ';
        }
        lines.push(`${ind}<xs:${c.kind}>`);
        for (const e of c.elements) {
          lines.push(`${ind}    <xs:element ${occursAttrs(e)}name="${e.name}" type="${e.type}"/>`);
        }
        if (c.any) {
          lines.push(
            `${ind}    <xs:any namespace="${c.any.namespace}" processContents="${c.any.processContents}"/>`,
          );
        }
        lines.push(`${ind}</xs:${c.kind}>`);
        if (c.wrapped) lines.push('        </xs:sequence>');
      }
      lines.push('    </xs:complexType>');
      continue;
    }
    const s = simpleOut.get(n);
    if (!s) continue;
    lines.push(`    <xs:simpleType name="${n}">`, ...annotation(s.doc, '        '));
    const f = s.facets;
    const facetLines: string[] = [];
    const push = (k: string, v: string | number | undefined): void => {
      if (v !== undefined) facetLines.push(`            <xs:${k} value="${xmlAttr(String(v))}"/>`);
    };
    push('minLength', f.minLength);
    push('maxLength', f.maxLength);
    push('fractionDigits', f.fractionDigits);
    push('totalDigits', f.totalDigits);
    push('minInclusive', f.minInclusive);
    push('maxInclusive', f.maxInclusive);
    push('pattern', f.pattern);
    for (const v of f.enumeration ?? []) push('enumeration', v);
    if (facetLines.length === 0) {
      lines.push(`        <xs:restriction base="${s.base}"/>`);
    } else {
      lines.push(`        <xs:restriction base="${s.base}">`, ...facetLines, '        </xs:restriction>');
    }
    lines.push('    </xs:simpleType>');
  }
  lines.push('</xs:schema>', '');
  return lines.join('\n');
}
