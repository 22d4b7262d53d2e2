/**
 * The generic typed writer: model object → XML text, walking the generated descriptor of its
 * ISO 20022 type, so elements always come in the order the XSD sequence requires whatever the
 * order of the object's properties. Amounts are written with formatAmount (exactly the
 * currency's minor-unit digits), text is escaped, and the output is deterministic: the same
 * model always gives the same bytes (two-space indentation, LF line ends, one element per line).
 *
 * A value the XML 1.0 character range cannot carry (C0 controls other than TAB/LF/CR, U+FFFE,
 * U+FFFF, unpaired surrogates) is a bug in whoever built the model: the writer asserts.
 */
import { assert, formatAmount, type Money } from '../../domain/index.js';
import { isRepeated, type TypeDesc } from '../model/descriptor.js';
import { TYPES } from '../model/generated/descriptors.js';
import type { AnyXml, CurrencyDecimal } from '../model/scalars.js';

const NOT_XML_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function escapeText(s: string): string {
  assert(
    !NOT_XML_CHAR.test(s),
    () => `text holds a character XML 1.0 cannot carry: ${JSON.stringify(s.slice(0, 40))}`,
  );
  // CR is written as a character reference so that XML end-of-line handling does not turn it
  // into LF on the way back in.
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

/** Output sink: an array of lines is joined once, which is far cheaper than string appends. */
export type Lines = string[];

/**
 * Appends the element `<tag>` holding `value` (of ISO type `typeName`) at indentation `depth`.
 * `attrs` is raw attribute text to put on this element (namespace declarations).
 */
export function encodeElement(
  out: Lines,
  tag: string,
  typeName: string,
  value: unknown,
  depth: number,
  attrs = '',
): void {
  const d = TYPES[typeName];
  assert(d !== undefined, () => `no descriptor for ISO type ${typeName}`);
  const pad = '  '.repeat(depth);
  switch (d.k) {
    case 'seq':
    case 'choice': {
      const obj = value as Record<string, unknown>;
      assert(typeof obj === 'object' && obj !== null, () => `${tag} (${typeName}) must be an object`);
      out.push(`${pad}<${tag}${attrs}>`);
      encodeChildren(out, d, obj, depth + 1, tag, typeName);
      out.push(`${pad}</${tag}>`);
      return;
    }
    case 'any': {
      const x = value as AnyXml;
      out.push(`${pad}<${tag}${attrs}>${x.xml}</${tag}>`);
      return;
    }
    case 'amt': {
      const m = value as Money;
      out.push(`${pad}<${tag}${attrs} Ccy="${escapeAttr(m.currency)}">${formatAmount(m)}</${tag}>`);
      return;
    }
    case 'amt13': {
      const c = value as CurrencyDecimal;
      out.push(`${pad}<${tag}${attrs} Ccy="${escapeAttr(c.currency)}">${escapeText(c.value)}</${tag}>`);
      return;
    }
    case 'bool':
      assert(typeof value === 'boolean', () => `${tag} must be a boolean`);
      out.push(`${pad}<${tag}${attrs}>${value ? 'true' : 'false'}</${tag}>`);
      return;
    default:
      assert(typeof value === 'string', () => `${tag} (${typeName}) must be text, got ${typeof value}`);
      out.push(`${pad}<${tag}${attrs}>${escapeText(value)}</${tag}>`);
  }
}

function encodeChildren(
  out: Lines,
  d: Extract<TypeDesc, { k: 'seq' | 'choice' }>,
  obj: Record<string, unknown>,
  depth: number,
  tag: string,
  typeName: string,
): void {
  let present = 0;
  for (const f of d.f) {
    const v = obj[f[0]];
    if (v === undefined) {
      assert(d.k === 'choice' || f[2] === 0, () => `${tag} (${typeName}) lacks the mandatory ${f[0]}`);
      continue;
    }
    present++;
    if (isRepeated(f)) {
      assert(Array.isArray(v), () => `${tag}/${f[0]} must be an array`);
      assert(v.length >= f[2], () => `${tag}/${f[0]} needs at least ${f[2]} item(s)`);
      assert(f[3] === -1 || v.length <= f[3], () => `${tag}/${f[0]} allows at most ${f[3]} item(s)`);
      for (const item of v) encodeElement(out, f[0], f[1], item, depth);
    } else encodeElement(out, f[0], f[1], v, depth);
  }
  if (d.k === 'choice')
    assert(present === 1, () => `${tag} (${typeName}) must hold exactly one choice, holds ${present}`);
  else
    assert(
      Object.keys(obj).every((k) => obj[k] === undefined || d.f.some((f) => f[0] === k)),
      () => `${tag} (${typeName}) has properties that are not elements: ${Object.keys(obj).join(', ')}`,
    );
}
