/**
 * The generic typed reader: walks an element tree along the generated descriptor of its ISO
 * 20022 type and builds the message-shaped model object (properties named by XML tag).
 *
 * - Amounts become Money here, once, through parseAmount: a currency that is not an active
 *   ISO 4217 code with minor units, more decimals than the currency allows, or more than 18
 *   digits is a rejection (never a rounding) naming the rule, the ISO reason code, the path and
 *   the line.
 * - Text is kept exactly as sent (XSD string types preserve white space); dates, booleans and
 *   decimals are whitespace-collapsed as XML Schema defines for them.
 * - The structure is checked again (order, occurrence, unknown elements) even though the XSD
 *   gate ran before: the reader must never silently drop or invent a field, so anything it
 *   cannot place is a rejection.
 *
 * Paths are absolute from the message root (/Document/…, /AppHdr/…), with a 1-based index on
 * every element that may repeat: /Document/FIToFICstmrCdtTrf/CdtTrfTxInf[2]/IntrBkSttlmAmt.
 */
import { parseAmount, rejection, type Money, type Rejection } from '../../domain/index.js';
import { isRepeated, type FieldDesc, type TypeDesc } from '../model/descriptor.js';
import { TYPES } from '../model/generated/descriptors.js';
import { pathText, type Path } from '../model/path.js';
import type { AnyXml, CurrencyDecimal } from '../model/scalars.js';
import { RULES, type RuleId } from '../rules/catalogue.js';
import type { XmlElement } from './tree.js';

export class DecodeContext {
  readonly rejections: Rejection[] = [];
  reject(rule: RuleId, path: Path, message: string, line?: number): void {
    this.rejections.push(
      rejection(rule, RULES[rule].reason, pathText(path), message, line === undefined ? undefined : { line }),
    );
  }
}

interface Compiled {
  readonly d: TypeDesc;
  /** Sequence/choice: tag → field index. */
  readonly index: ReadonlyMap<string, number>;
  readonly required: readonly number[];
  readonly repeated: readonly boolean[];
}

const compiledTypes = new Map<string, Compiled>();

function compiled(typeName: string): Compiled {
  let c = compiledTypes.get(typeName);
  if (c) return c;
  const d = TYPES[typeName];
  if (!d) throw new Error(`no descriptor for ISO type ${typeName}`);
  const f = d.k === 'seq' || d.k === 'choice' ? d.f : [];
  c = {
    d,
    index: new Map(f.map((x, i) => [x[0], i])),
    required: f.flatMap((x, i) => (x[2] > 0 ? [i] : [])),
    repeated: f.map((x) => isRepeated(x)),
  };
  compiledTypes.set(typeName, c);
  return c;
}

/** Decodes `el` as the ISO type `typeName`; rejections go to `ctx`. */
export function decodeElement(el: XmlElement, typeName: string, path: Path, ctx: DecodeContext): unknown {
  const c = compiled(typeName);
  const d = c.d;
  switch (d.k) {
    case 'seq':
      return decodeSequence(el, c, path, ctx);
    case 'choice':
      return decodeChoice(el, c, path, ctx);
    case 'any': {
      const lost = (what: string): void =>
        ctx.reject(
          'xml.structure',
          pathText(path),
          `${what} cannot be kept: its namespace prefix is declared outside`,
          el.line,
        );
      return { xml: el.children.map((ch) => serialise(ch, undefined, lost)).join('') } satisfies AnyXml;
    }
    default:
      return decodeLeaf(el, d, path, ctx);
  }
}

function decodeSequence(
  el: XmlElement,
  c: Compiled,
  path: Path,
  ctx: DecodeContext,
): Record<string, unknown> {
  const fields = (c.d as { f: readonly FieldDesc[] }).f;
  if (el.text !== '') checkNoText(el, path, ctx);
  const out: Record<string, unknown> = {};
  let fi = 0;
  let counts: number[] | undefined;
  let last = -1;
  let run = 0;
  for (const ch of el.children) {
    const j = c.index.get(ch.name);
    if (j === undefined || j < fi) {
      ctx.reject(
        'xml.structure',
        `${pathText(path)}/${ch.name}`,
        j === undefined
          ? `${ch.name} is not an element of ${el.name}`
          : `${ch.name} is out of order in ${el.name}`,
        ch.line,
      );
      continue;
    }
    fi = j;
    run = j === last ? run + 1 : 1;
    last = j;
    const f = fields[j]!;
    if (f[2] > 0) (counts ??= new Array<number>(fields.length).fill(0))[j] = run;
    if (c.repeated[j]) {
      if (f[3] !== -1 && run > f[3]) {
        ctx.reject(
          'xml.structure',
          `${pathText(path)}/${f[0]}[${run}]`,
          `${f[0]} occurs more than ${f[3]} time(s)`,
          ch.line,
        );
        continue;
      }
      const v = decodeElement(ch, f[1], { up: path, seg: `${f[0]}[${run}]` }, ctx);
      ((out[f[0]] ??= []) as unknown[]).push(v);
    } else {
      if (run > 1) {
        ctx.reject('xml.structure', `${pathText(path)}/${f[0]}`, `${f[0]} occurs more than once`, ch.line);
        continue;
      }
      out[f[0]] = decodeElement(ch, f[1], { up: path, seg: f[0] }, ctx);
    }
  }
  for (const j of c.required) {
    const f = fields[j]!;
    if ((counts?.[j] ?? 0) < f[2])
      ctx.reject(
        'xml.structure',
        `${pathText(path)}/${f[0]}`,
        `${el.name} lacks the mandatory element ${f[0]}`,
        el.line,
      );
  }
  return out;
}

function decodeChoice(el: XmlElement, c: Compiled, path: Path, ctx: DecodeContext): Record<string, unknown> {
  const fields = (c.d as { f: readonly FieldDesc[] }).f;
  if (el.text !== '') checkNoText(el, path, ctx);
  const out: Record<string, unknown> = {};
  const first = el.children[0];
  if (!first) {
    ctx.reject(
      'xml.structure',
      pathText(path),
      `${el.name} must hold one of ${fields.map((f) => f[0]).join(', ')}`,
      el.line,
    );
    return out;
  }
  const j = c.index.get(first.name);
  if (j === undefined) {
    ctx.reject(
      'xml.structure',
      `${pathText(path)}/${first.name}`,
      `${first.name} is not an element of ${el.name}`,
      first.line,
    );
    return out;
  }
  const f = fields[j]!;
  const same = el.children.filter((ch) => ch.name === f[0]);
  if (same.length !== el.children.length || (!c.repeated[j] && same.length > 1))
    ctx.reject('xml.structure', pathText(path), `${el.name} must hold exactly one choice`, el.line);
  if (c.repeated[j])
    out[f[0]] = same.map((ch, i) => decodeElement(ch, f[1], { up: path, seg: `${f[0]}[${i + 1}]` }, ctx));
  else out[f[0]] = decodeElement(first, f[1], { up: path, seg: f[0] }, ctx);
  return out;
}

function checkNoText(el: XmlElement, path: Path, ctx: DecodeContext): void {
  if (el.text !== '' && !/^[ \t\r\n]*$/.test(el.text))
    ctx.reject(
      'xml.structure',
      pathText(path),
      `${el.name} holds text where only elements are allowed`,
      el.line,
    );
}

/** XML Schema whiteSpace="collapse" for non-string primitive types. */
function collapse(s: string): string {
  return s.replace(/[ \t\r\n]+/g, ' ').trim();
}

function decodeLeaf(el: XmlElement, d: TypeDesc, path: Path, ctx: DecodeContext): unknown {
  if (el.children.length > 0) {
    ctx.reject('xml.structure', path, `${el.name} must hold text, not elements`, el.line);
    return undefined;
  }
  switch (d.k) {
    case 'str':
      if (d.enum && !d.enum.includes(el.text))
        ctx.reject('xml.structure', path, `"${clip(el.text)}" is not one of the ${el.name} codes`, el.line);
      return el.text;
    case 'bool': {
      const t = collapse(el.text);
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
      ctx.reject('xml.structure', path, `"${clip(t)}" is not a boolean`, el.line);
      return undefined;
    }
    case 'amt':
      return decodeAmount(el, path, ctx);
    case 'amt13': {
      const c: CurrencyDecimal = { currency: el.attrs.Ccy ?? '', value: normaliseDecimal(collapse(el.text)) };
      return c;
    }
    case 'dec':
      return collapse(el.text);
    default:
      return collapse(el.text);
  }
}

/**
 * XML Schema decimal lexical forms ("+1.5", ".5", "5.") normalised to the form parseAmount reads
 * ("1.5", "0.5", "5"); the digits are untouched, so a trailing zero still counts as a decimal.
 */
export function normaliseDecimal(s: string): string {
  let t = s.startsWith('+') ? s.slice(1) : s;
  if (t.startsWith('.')) t = `0${t}`;
  else if (t.startsWith('-.')) t = `-0${t.slice(1)}`;
  if (t.endsWith('.')) t = t.slice(0, -1);
  return t;
}

function decodeAmount(el: XmlElement, path: Path, ctx: DecodeContext): Money | undefined {
  const ccy = el.attrs.Ccy;
  if (ccy === undefined) {
    ctx.reject('xml.structure', path, `${el.name} has no Ccy attribute`, el.line);
    return undefined;
  }
  const text = normaliseDecimal(collapse(el.text));
  const r = parseAmount(text, ccy);
  if (r.ok) return r.value;
  const e = r.error;
  switch (e.kind) {
    case 'currency':
      ctx.reject('amount.currency', path, e.message, el.line);
      break;
    case 'precision':
      ctx.reject('amount.precision', path, e.message, el.line);
      break;
    case 'range':
      ctx.reject('amount.digits', path, e.message, el.line);
      break;
    default:
      ctx.reject('xml.structure', path, e.message, el.line);
  }
  return undefined;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

// ---- xs:any content ---------------------------------------------------------------------------

function escText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

function escAttr(s: string): string {
  return escText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

/**
 * Serialises wildcard content: every element declares its own namespace as the default one, so
 * the fragment is self-contained wherever it is written back. Namespace declarations are
 * re-made, not copied; a prefixed attribute is kept with its prefix's declaration, and one whose
 * prefix is declared further up (outside the fragment) cannot be kept faithfully: `onLoss` is
 * told, and the caller rejects rather than drop it.
 */
export function serialise(el: XmlElement, parentNs?: string, onLoss?: (what: string) => void): string {
  const nsDecl = el.ns !== parentNs ? ` xmlns="${escAttr(el.ns)}"` : '';
  const attrs: string[] = [];
  for (const k of Object.keys(el.attrs).sort()) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    const colon = k.indexOf(':');
    if (colon > 0) {
      const decl = `xmlns:${k.slice(0, colon)}`;
      const uri = el.attrs[decl];
      if (uri === undefined) {
        onLoss?.(`attribute ${k} of ${el.name}`);
        continue;
      }
      attrs.push(` ${decl}="${escAttr(uri)}"`);
    }
    attrs.push(` ${k}="${escAttr(el.attrs[k]!)}"`);
  }
  const a = [...new Set(attrs)].join('');
  const inner = el.children.length
    ? el.children.map((c) => serialise(c, el.ns, onLoss)).join('')
    : escText(el.text);
  return inner === '' ? `<${el.name}${nsDecl}${a}/>` : `<${el.name}${nsDecl}${a}>${inner}</${el.name}>`;
}
