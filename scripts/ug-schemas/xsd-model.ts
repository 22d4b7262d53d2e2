/**
 * A small, exact model of an ISO 20022 message schema as the Standards Editor generates it.
 *
 * The official schemas use a closed vocabulary: one global element (`Document` or `AppHdr`),
 * named complex types whose content is a single `xs:sequence` or `xs:choice` of local elements
 * (or `xs:simpleContent` extending a decimal with a `Ccy` attribute, or a lax `xs:any`), and
 * named simple types restricting a built-in with length, digit, range, pattern and enumeration
 * facets. Anything outside that vocabulary is refused loudly, so the generator never silently
 * drops a construct it does not understand.
 */
import { XmlDocument, XmlElement } from 'libxml2-wasm';

export const XS = 'http://www.w3.org/2001/XMLSchema';

export type MaxOccurs = number | 'unbounded';

export interface ElementDecl {
  readonly name: string;
  readonly type: string;
  readonly minOccurs: number;
  readonly maxOccurs: MaxOccurs;
}

export interface AnyDecl {
  readonly namespace: string;
  readonly processContents: string;
}

export interface AttributeDecl {
  readonly name: string;
  readonly type: string;
  readonly use: string;
}

export type ComplexContent =
  | {
      readonly kind: 'sequence' | 'choice';
      readonly elements: readonly ElementDecl[];
      readonly any?: AnyDecl;
      /** 2009-era schemas wrap a choice in a one-particle sequence; kept so the shape stays identical. */
      readonly wrapped?: boolean;
    }
  | { readonly kind: 'simpleContent'; readonly base: string; readonly attributes: readonly AttributeDecl[] };

export interface ComplexType {
  readonly name: string;
  readonly content: ComplexContent;
}

export interface Facets {
  minLength?: number;
  maxLength?: number;
  totalDigits?: number;
  fractionDigits?: number;
  minInclusive?: string;
  maxInclusive?: string;
  pattern?: string;
  enumeration?: readonly string[];
}

export interface SimpleType {
  readonly name: string;
  /** `xs:string`, `xs:decimal`, … or the name of another simple type in the schema. */
  readonly base: string;
  readonly facets: Facets;
}

export interface SchemaModel {
  readonly targetNamespace: string;
  readonly root: { readonly name: string; readonly type: string };
  readonly complexTypes: ReadonlyMap<string, ComplexType>;
  readonly simpleTypes: ReadonlyMap<string, SimpleType>;
}

function children(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let c = el.firstChild; c; c = c.next) if (c instanceof XmlElement) out.push(c);
  return out;
}

function xsChildren(el: XmlElement): XmlElement[] {
  const all = children(el);
  for (const c of all) {
    if (c.namespaceUri !== XS) throw new Error(`unexpected non-XSD element ${c.name} in ${el.name}`);
  }
  return all.filter((c) => c.name !== 'annotation');
}

function attr(el: XmlElement, name: string): string {
  const a = el.attr(name);
  if (!a) throw new Error(`xs:${el.name} line ${el.line}: missing @${name}`);
  return a.value;
}

function optAttr(el: XmlElement, name: string): string | undefined {
  return el.attr(name)?.value;
}

function parseOccurs(v: string | undefined, dflt: number): MaxOccurs {
  if (v === undefined) return dflt;
  if (v === 'unbounded') return 'unbounded';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`bad occurrence ${v}`);
  return n;
}

function parseElement(el: XmlElement): ElementDecl {
  if (el.name !== 'element') throw new Error(`line ${el.line}: expected xs:element, found xs:${el.name}`);
  const min = parseOccurs(optAttr(el, 'minOccurs'), 1);
  if (min === 'unbounded') throw new Error(`line ${el.line}: minOccurs unbounded`);
  return {
    name: attr(el, 'name'),
    type: attr(el, 'type'),
    minOccurs: min,
    maxOccurs: parseOccurs(optAttr(el, 'maxOccurs'), 1),
  };
}

function parseComplex(el: XmlElement): ComplexType {
  const name = attr(el, 'name');
  const [outer, ...rest] = xsChildren(el);
  if (!outer || rest.length > 0)
    throw new Error(`complexType ${name}: expected exactly one content particle`);
  // 2009-era schemas wrap a choice in a one-particle sequence.
  const inner = outer.name === 'sequence' ? xsChildren(outer) : [];
  const choice = inner.length === 1 && inner[0]?.name === 'choice' ? inner[0] : undefined;
  if (choice && choice.attrs.length > 0) throw new Error(`complexType ${name}: choice with attributes`);
  const wrapped = choice !== undefined;
  const body = choice ?? outer;
  if (body.name === 'sequence' || body.name === 'choice') {
    const elements: ElementDecl[] = [];
    let any: AnyDecl | undefined;
    for (const c of xsChildren(body)) {
      if (c.name === 'any') {
        any = { namespace: attr(c, 'namespace'), processContents: attr(c, 'processContents') };
      } else {
        elements.push(parseElement(c));
      }
    }
    return {
      name,
      content: { kind: body.name, elements, ...(any ? { any } : {}), ...(wrapped ? { wrapped } : {}) },
    };
  }
  if (body.name === 'simpleContent') {
    const [ext, ...more] = xsChildren(body);
    if (!ext || ext.name !== 'extension' || more.length > 0) {
      throw new Error(`complexType ${name}: simpleContent other than one xs:extension`);
    }
    const attributes = xsChildren(ext).map((a) => {
      if (a.name !== 'attribute') throw new Error(`complexType ${name}: xs:${a.name} in extension`);
      return { name: attr(a, 'name'), type: attr(a, 'type'), use: attr(a, 'use') };
    });
    return { name, content: { kind: 'simpleContent', base: attr(ext, 'base'), attributes } };
  }
  throw new Error(`complexType ${name}: unsupported content xs:${body.name}`);
}

function parseSimple(el: XmlElement): SimpleType {
  const name = attr(el, 'name');
  const [restriction, ...rest] = xsChildren(el);
  if (!restriction || restriction.name !== 'restriction' || rest.length > 0) {
    throw new Error(`simpleType ${name}: expected one xs:restriction`);
  }
  const facets: Facets = {};
  const enumeration: string[] = [];
  for (const f of xsChildren(restriction)) {
    const value = attr(f, 'value');
    switch (f.name) {
      case 'minLength':
      case 'maxLength':
      case 'totalDigits':
      case 'fractionDigits':
        facets[f.name] = Number(value);
        break;
      case 'minInclusive':
      case 'maxInclusive':
        facets[f.name] = value;
        break;
      case 'pattern':
        if (facets.pattern !== undefined) throw new Error(`simpleType ${name}: two patterns`);
        facets.pattern = value;
        break;
      case 'enumeration':
        enumeration.push(value);
        break;
      default:
        throw new Error(`simpleType ${name}: unsupported facet xs:${f.name}`);
    }
  }
  if (enumeration.length > 0) facets.enumeration = enumeration;
  return { name, base: attr(restriction, 'base'), facets };
}

/** Parses the text of one official ISO 20022 message schema. */
export function parseSchema(xsdText: string): SchemaModel {
  const doc = XmlDocument.fromString(xsdText);
  try {
    const schema = doc.root;
    if (schema.namespaceUri !== XS || schema.name !== 'schema') throw new Error('not an xs:schema');
    const targetNamespace = attr(schema, 'targetNamespace');
    let root: { name: string; type: string } | undefined;
    const complexTypes = new Map<string, ComplexType>();
    const simpleTypes = new Map<string, SimpleType>();
    for (const c of xsChildren(schema)) {
      if (c.name === 'element') {
        if (root) throw new Error('more than one global element');
        root = { name: attr(c, 'name'), type: attr(c, 'type') };
      } else if (c.name === 'complexType') {
        const t = parseComplex(c);
        complexTypes.set(t.name, t);
      } else if (c.name === 'simpleType') {
        const t = parseSimple(c);
        simpleTypes.set(t.name, t);
      } else {
        throw new Error(`unsupported top-level xs:${c.name}`);
      }
    }
    if (!root) throw new Error('no global element');
    return { targetNamespace, root, complexTypes, simpleTypes };
  } finally {
    doc.dispose();
  }
}
