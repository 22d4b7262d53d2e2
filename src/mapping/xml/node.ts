/**
 * The tree shape every XML reader in the gateway produces (the fast-xml-parser tree parser and
 * the saxes streaming reader alike), and the accessors mapping code reads it with.
 *
 * Shape, chosen to be predictable rather than clever:
 * - every element is an `XmlNode` with its local `name`, its namespace URI `ns`, its child
 *   elements in document order (`children`, always an array — no "one child is an object, two
 *   are an array" guessing), its attributes and its text;
 * - `attrs` is a null-prototype object keyed by the attribute name as written (`Ccy`,
 *   `xsi:schemaLocation`, and the namespace declarations `xmlns` / `xmlns:pfx`, which are kept);
 *   values are entity-decoded and whitespace-normalised as XML 1.0 §3.3.3 requires;
 * - `text` is the element's own character data, entity-decoded, CDATA included, exactly as
 *   sent (not trimmed: ISO 20022 "collapse" types such as amounts and dates need `.trim()` by
 *   the reader of that field, as xs:decimal does). For an element with child elements a
 *   whitespace-only text is reported as '';
 * - `line`/`column` (1-based) of the start tag are present where the reader knows them (the
 *   streaming reader sets them; the tree parser does not).
 *
 * The accessors match on local name AND namespace: by default a child must be in its parent's
 * namespace, so an element from a foreign namespace that borrows an ISO name (catalogue X13) is
 * invisible to mapping code even if XSD validation were bypassed.
 */

export interface XmlNode {
  readonly name: string;
  readonly ns: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
  readonly text: string;
  readonly line?: number;
  readonly column?: number;
}

/** The first child element with this local name, in `ns` (default: the parent's namespace). */
export function child(node: XmlNode | undefined, name: string, ns?: string): XmlNode | undefined {
  if (!node) return undefined;
  const want = ns ?? node.ns;
  for (const c of node.children) if (c.name === name && c.ns === want) return c;
  return undefined;
}

/** Every child element with this local name, in `ns` (default: the parent's namespace). */
export function children(node: XmlNode | undefined, name: string, ns?: string): XmlNode[] {
  if (!node) return [];
  const want = ns ?? node.ns;
  return node.children.filter((c) => c.name === name && c.ns === want);
}

/** Follows a path of local names, each step the first match in the parent's namespace. */
export function descend(node: XmlNode | undefined, ...names: string[]): XmlNode | undefined {
  let cur = node;
  for (const n of names) cur = child(cur, n);
  return cur;
}

/** The element's text, or undefined when the element is absent. */
export function text(node: XmlNode | undefined): string | undefined {
  return node?.text;
}

/** Text of the element reached by `names` from `node` (see `descend`). */
export function textAt(node: XmlNode | undefined, ...names: string[]): string | undefined {
  return descend(node, ...names)?.text;
}

/** An attribute's value as written, or undefined. Safe for any name (own properties only). */
export function attr(node: XmlNode | undefined, name: string): string | undefined {
  if (!node || !Object.prototype.hasOwnProperty.call(node.attrs, name)) return undefined;
  return node.attrs[name];
}

/** A null-prototype record: no inherited keys, no prototype to pollute (catalogue X14). */
export function emptyRecord(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}
