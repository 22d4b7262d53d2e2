/**
 * Tree parser for one ISO 20022 message part (a Document or an AppHdr), on fast-xml-parser,
 * producing the `XmlNode` shape of node.ts. Input must already have passed `checkXmlSafety`.
 *
 * fast-xml-parser settings and why (its defaults are wrong for payments; see stack-measurements §1):
 * - `parseTagValue:false`, `parseAttributeValue:false`: every value stays text. The defaults turn
 *   `100.10` into 100.1, the routing number `021000021` into 21000021 and `1e5` into 100000.
 * - `ignoreAttributes:false`: `Ccy` is an attribute.
 * - `preserveOrder:true`: children come as an ordered list, so every element maps to an array
 *   of children and repeating elements need no `isArray` list to keep up to date.
 * - `removeNSPrefix:false`: names keep their prefix and the `xmlns*` attributes are kept, so
 *   each element's namespace URI is resolved here (mapping matches on namespace + local name).
 * - `processEntities:false`, `htmlEntities:false`: the parser expands nothing; this module decodes
 *   the five predefined entities and character references itself (the gate has already refused
 *   every other reference, and any DOCTYPE), so no DTD entity can ever be expanded (the
 *   CVE-2026-26278 / CVE-2026-33036 class cannot reach us).
 * - `trimValues:false`: text is kept exactly; `cdataPropName` keeps CDATA apart so its content is
 *   not entity-decoded; comments and processing instructions are dropped.
 * - `maxNestedTags` = `depthMax`, and `parse(text, true)`: plain `parse()` does not check
 *   well-formedness (a truncated file returns the transactions before the cut without error).
 */
import { XMLParser } from 'fast-xml-parser';
import { err, ok, rejection, type Rejection, type Result } from '../../domain/index.js';
import { NamespaceScope, splitQName } from './namespaces.js';
import { emptyRecord, type XmlNode } from './node.js';

export interface ParseLimits {
  readonly depthMax: number;
}

const ENTITY = /&(?:#([0-9]+)|#x([0-9A-Fa-f]+)|(amp|lt|gt|quot|apos));/g;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references (nothing else is accepted upstream). */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(
    ENTITY,
    (_m, dec: string | undefined, hex: string | undefined, name: string | undefined) =>
      name !== undefined
        ? PREDEFINED[name]!
        : String.fromCodePoint(Number.parseInt(dec ?? hex!, dec ? 10 : 16)),
  );
}

/** XML 1.0 §3.3.3 attribute-value normalisation for CDATA-typed attributes, then references. */
export function attributeValue(raw: string): string {
  return decodeEntities(WHITESPACE_CONTROL.test(raw) ? raw.replace(/[\t\n\r]/g, ' ') : raw);
}

const WHITESPACE_CONTROL = /[\t\n\r]/;

const parsers = new Map<number, XMLParser>();

function parserFor(depthMax: number): XMLParser {
  let p = parsers.get(depthMax);
  if (!p) {
    p = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: '',
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      processEntities: false,
      htmlEntities: false,
      removeNSPrefix: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
      cdataPropName: '#cdata',
      commentPropName: false,
      // a backstop only (it lets depth max+1 through): depth is checked exactly in convert()
      maxNestedTags: depthMax + 1,
      jPath: false, // no callbacks use it; ~15% faster (stack-measurements §1)
    });
    parsers.set(depthMax, p);
  }
  return p;
}

type FxpEntry = Record<string, unknown>;

class ShapeError extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

function convert(entry: FxpEntry, scope: NamespaceScope, depth: number, depthMax: number): XmlNode | null {
  let qname: string | undefined;
  for (const k in entry) if (k !== ':@') qname = k;
  if (qname === undefined || qname === '#text' || qname === '#cdata') return null;
  if (depth > depthMax)
    throw new ShapeError('xml.depth', `element nesting is deeper than ${depthMax} levels (depthMax)`);
  const rawAttrs = (entry[':@'] ?? {}) as Record<string, string>;
  const attrs = emptyRecord();
  for (const k of Object.keys(rawAttrs)) attrs[k] = attributeValue(rawAttrs[k]!);
  scope.push(attrs);
  const { prefix, local } = splitQName(qname);
  const ns = scope.resolve(prefix);
  if (ns === undefined)
    throw new ShapeError('xml.namespace', `namespace prefix "${prefix}" of <${qname}> is not declared`);
  for (const k of Object.keys(attrs)) {
    const ap = splitQName(k).prefix;
    if (ap && ap !== 'xmlns' && scope.resolve(ap) === undefined)
      throw new ShapeError(
        'xml.namespace',
        `namespace prefix "${ap}" of attribute ${k} on <${qname}> is not declared`,
      );
  }
  const kids: XmlNode[] = [];
  let txt = '';
  for (const item of (entry[qname] ?? []) as FxpEntry[]) {
    if ('#text' in item) txt += decodeEntities(String(item['#text']));
    else if ('#cdata' in item) {
      for (const c of item['#cdata'] as FxpEntry[]) txt += String(c['#text'] ?? '');
    } else {
      const n = convert(item, scope, depth + 1, depthMax);
      if (n) kids.push(n);
    }
  }
  scope.pop();
  if (kids.length > 0 && txt.trim() === '') txt = '';
  return { name: local, ns, attrs, children: kids, text: txt };
}

/**
 * Parses one XML text into its root XmlNode. Not well-formed input, undeclared prefixes or
 * nesting beyond `depthMax` become a Rejection (rule `xml.malformed`, reason FF01).
 */
export function parseXml(text: string, limits: ParseLimits): Result<XmlNode, Rejection> {
  let tree: FxpEntry[];
  try {
    tree = parserFor(limits.depthMax).parse(text, true) as FxpEntry[];
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const at = /:(\d+):(\d+)\s*$/.exec(msg);
    const position = at ? { line: Number(at[1]), column: Number(at[2]) } : undefined;
    return err(
      rejection(
        'xml.malformed',
        'FF01',
        '/',
        `not well-formed XML: ${msg.replace(/:\d+:\d+\s*$/, '').slice(0, 300)}`,
        position,
      ),
    );
  }
  const roots = tree.filter((e) => Object.keys(e).some((k) => k !== '#text' && k !== ':@' && k !== '#cdata'));
  if (roots.length !== 1)
    return err(
      rejection(
        'xml.malformed',
        'FF01',
        '/',
        roots.length === 0 ? 'no root element' : 'a second root element: a message has exactly one root',
      ),
    );
  try {
    const root = convert(roots[0]!, new NamespaceScope(), 1, limits.depthMax);
    if (!root) return err(rejection('xml.malformed', 'FF01', '/', 'no root element'));
    return ok(root);
  } catch (e) {
    if (e instanceof ShapeError) return err(rejection(e.rule, 'FF01', '/', e.message));
    throw e;
  }
}
