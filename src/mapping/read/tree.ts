/**
 * The element tree the typed readers consume: namespace-resolved element names, attributes by
 * local name, the character data directly inside the element, children in document order and
 * the source line where the parser knows it. Whatever parses the bytes (the safe-XML gate's
 * parser, a streaming reader handing over one transaction at a time) produces this shape.
 */
export interface XmlElement {
  /** Namespace URI ('' when none). */
  readonly ns: string;
  /** Local name. */
  readonly name: string;
  /** Attributes by local name (ISO 20022 uses only unqualified attributes such as Ccy). */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Character data directly inside the element (CDATA included), concatenated. */
  readonly text: string;
  /** 1-based line of the start tag, when known. */
  readonly line?: number;
}

/** The first child with a given local name (and namespace, when given). */
export function child(el: XmlElement, name: string, ns?: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name && (ns === undefined || c.ns === ns));
}
