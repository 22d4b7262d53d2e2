/**
 * Test helper: XML text → XmlElement tree with saxes (namespace-aware, with lines), for tests of
 * the typed readers that do not go through the safe-XML gate.
 */
import { SaxesParser } from 'saxes';
import type { XmlElement } from '../../../src/mapping/read/tree.js';

interface Building {
  ns: string;
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  line: number;
}

export function parseTree(xml: string): XmlElement {
  const p = new SaxesParser({ xmlns: true, position: true });
  const stack: Building[] = [];
  let root: XmlElement | undefined;
  p.on('opentag', (t) => {
    const attrs: Record<string, string> = {};
    // As the gateway's parsers give them: by name as written, namespace declarations included.
    for (const a of Object.values(t.attributes)) attrs[a.name] = a.value;
    stack.push({ ns: t.uri, name: t.local, attrs, children: [], text: '', line: p.line });
  });
  p.on('text', (s) => {
    const top = stack[stack.length - 1];
    if (top) top.text += s;
  });
  p.on('cdata', (s) => {
    const top = stack[stack.length - 1];
    if (top) top.text += s;
  });
  p.on('closetag', () => {
    const b = stack.pop()!;
    const el: XmlElement = b;
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
  });
  p.write(xml).close();
  if (!root) throw new Error('no root');
  return root;
}
