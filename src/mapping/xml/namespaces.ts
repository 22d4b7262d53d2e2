/**
 * Namespace bookkeeping shared by the XML readers (Namespaces in XML 1.0): a stack of prefix
 * bindings, pushed only for elements that declare something, and the ISO 20022 namespace forms
 * the gateway recognises.
 */

export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

/**
 * ISO 20022 message namespaces are `urn:iso:std:iso:20022:tech:xsd:` followed by the message
 * identifier `<business area>.<message>.<variant>.<version>` (e.g. pacs.008.001.08); the
 * Business Application Header is message head.001.001.0x.
 */
const ISO_NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.[0-9]{3}\.[0-9]{3}\.[0-9]{2})$/;

/** The message identifier of an ISO 20022 namespace, or null. */
export function isoMessageType(namespace: string): string | null {
  return ISO_NAMESPACE.exec(namespace)?.[1] ?? null;
}

export function isHeaderType(messageType: string | null): boolean {
  return messageType !== null && messageType.startsWith('head.001.');
}

export function splitQName(qname: string): { prefix: string; local: string } {
  const colon = qname.indexOf(':');
  return colon < 0
    ? { prefix: '', local: qname }
    : { prefix: qname.slice(0, colon), local: qname.slice(colon + 1) };
}

/** In-scope namespace bindings; `''` is the default namespace. */
export class NamespaceScope {
  private readonly frames: Array<Map<string, string> | null> = [];
  private readonly base = new Map<string, string>([
    ['xml', XML_NAMESPACE],
    ['', ''],
  ]);

  /** Enters an element with these attributes; returns its own declarations (possibly empty). */
  push(attrs: Readonly<Record<string, string>>): Map<string, string> | null {
    let own: Map<string, string> | null = null;
    for (const key in attrs) {
      if (key === 'xmlns') (own ??= new Map()).set('', attrs[key]!);
      else if (key.startsWith('xmlns:')) (own ??= new Map()).set(key.slice(6), attrs[key]!);
    }
    this.frames.push(own);
    return own;
  }

  pop(): void {
    this.frames.pop();
  }

  /** The URI bound to `prefix`, or undefined when it is not declared. */
  resolve(prefix: string): string | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const uri = this.frames[i]?.get(prefix);
      if (uri !== undefined) return uri;
    }
    return this.base.get(prefix);
  }

  /** Every binding in scope, innermost winning (the `xml` prefix left out). */
  inScope(): Map<string, string> {
    const all = new Map<string, string>();
    for (let i = this.frames.length - 1; i >= 0; i--)
      for (const [p, u] of this.frames[i] ?? []) if (!all.has(p)) all.set(p, u);
    return all;
  }
}
