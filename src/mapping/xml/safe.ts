/**
 * The safe-XML gate: the only code that sees untrusted bytes before any XML parser or validator.
 *
 * One bounded, linear scan over the message decides whether it is plain ISO 20022 XML. It refuses
 * everything an ISO 20022 message never needs and that parsers have been attacked through
 * (catalogue X01–X20 in docs/research reliability-security §3.1):
 *
 * - size above `messageBytesMax` (X08); compressed input (X20) — the gateway never inflates;
 * - anything but UTF-8: UTF-16/32 byte-order marks or byte patterns, a declared encoding other
 *   than UTF-8, invalid UTF-8 (overlong forms, lone continuation bytes, encoded surrogates,
 *   truncated sequences) (X09, X11). A UTF-8 BOM is accepted and stripped;
 * - XML 1.1 and characters outside the XML 1.0 `Char` production (NUL, C0 controls other than
 *   TAB/LF/CR, U+FFFE/U+FFFF), literally or as character references (X10);
 * - any DOCTYPE (and with it every entity declaration, parameter entity and external subset) —
 *   OWASP's primary XXE defence, "disable DTDs completely" (X01–X03, X05);
 * - entity references other than the five predefined ones (amp, lt, gt, quot, apos) and
 *   character references (X02);
 * - processing instructions other than the XML declaration at offset 0, and XInclude (any
 *   namespace declaration binding the XInclude namespace) (X05);
 * - nesting deeper than `depthMax` (X06); more than `attributesPerElementMax` attributes on one
 *   element, a text node / attribute value / comment longer than `textLengthMax`, a name longer
 *   than `nameLengthMax` (X04, X07); more than `elementCountMax` elements;
 * - anything not well-formed that the scan can see: unclosed or mismatched tags, duplicate
 *   attributes, a second root element, text outside the root, `]]>` in text, bad names (X12);
 * - element or attribute names `__proto__`, `constructor`, `prototype` (X14, defence in depth:
 *   the tree layer uses arrays and null-prototype objects anyway);
 * - a comment inside an element that carries text, e.g. `<Amt>1<!-- -->00.00</Amt>`: the value
 *   a signature covers and the value processed could differ (X15, the xml-crypto CVE-2025-29775
 *   pattern). Comments between elements are accepted.
 *
 * `xsi:schemaLocation` / `xsi:noNamespaceSchemaLocation` are accepted and never dereferenced:
 * XML Schema 1.0 Part 1 §4.3.2 makes them hints a processor may ignore, and real senders emit
 * them (relative names, even `file:///C:/…` paths). Schemas are chosen by the Document
 * namespace from the gateway's own bundle; the validators are configured not to fetch (tests
 * prove it with a loopback canary).
 *
 * The returned text is the decoded message with the BOM removed and line ends normalised to
 * LF, exactly as XML 1.0 §2.11 requires every parser to do; line numbers are unchanged. Keep
 * the raw bytes for hashing and quarantine.
 *
 * Every refusal is a Rejection with rule `xml.*`, reason FF01 (ExternalStatusReason1Code
 * InvalidFileFormat: "File Format incomplete or invalid"), the element path, 1-based line and
 * column, and a message that says what was found and which limit applied.
 */
import { err, ok, rejection, type Rejection, type Result } from '../../domain/index.js';
import { positionAt } from './position.js';

export interface XmlLimits {
  /** Largest message accepted, in bytes, before decoding. */
  readonly messageBytesMax: number;
  /** Deepest element nesting (the root element is depth 1). */
  readonly depthMax: number;
  /** Attributes on one element, namespace declarations included. */
  readonly attributesPerElementMax: number;
  /** Longest text of one element, attribute value or comment, in UTF-16 code units. */
  readonly textLengthMax: number;
  /** Elements in one message. */
  readonly elementCountMax: number;
  /** Longest element or attribute name, prefix included. */
  readonly nameLengthMax: number;
}

export interface SafeXml {
  /** The decoded message: no BOM, line ends normalised to LF. */
  readonly text: string;
  readonly elementCount: number;
}

/** The XInclude namespaces (W3C XInclude 1.0 and the 2001 draft used by libxml2). */
const XINCLUDE_NAMESPACES = new Set(['http://www.w3.org/2001/XInclude', 'http://www.w3.org/2003/XInclude']);
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const PREDEFINED_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/** XML 1.0 (5th ed.) NameStartChar / NameChar, as a QName: no leading, trailing or double colon. */
const NAME_START =
  'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D' +
  '\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
const QNAME = new RegExp(`^[${NAME_START}][${NAME_CHAR}]*(?::[${NAME_START}][${NAME_CHAR}]*)?$`, 'u');

/** Characters outside XML 1.0 `Char` that can occur in decoded UTF-8 (no lone surrogates there). */
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const NON_WHITESPACE = /[^ \t\n\r]/g;
const XML_DECLARATION =
  /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])([^"']*)\1(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])([^"']*)\3)?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(yes|no)\5)?[ \t\n]*\?>$/;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQ = 0x3d;
const QUOT = 0x22;
const APOS = 0x27;
const AMP = 0x26;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function localPart(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

function describeChar(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Where, in bytes, the first invalid UTF-8 sequence starts (only called after TextDecoder refused). */
function invalidUtf8Offset(b: Uint8Array): { offset: number; why: string } {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [need, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [need, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, min] = [3, 0x10000];
    else if (c >= 0x80 && c <= 0xbf) return { offset: i, why: 'a continuation byte without a lead byte' };
    else
      return { offset: i, why: `byte 0x${c.toString(16)} never occurs in UTF-8 (overlong or out of range)` };
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined)
        return { offset: i, why: 'a multi-byte sequence truncated by the end of the input' };
      if ((cc & 0xc0) !== 0x80) return { offset: i, why: 'a multi-byte sequence cut short' };
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min) return { offset: i, why: 'an overlong encoding' };
    if (cp >= 0xd800 && cp <= 0xdfff) return { offset: i, why: 'an encoded UTF-16 surrogate' };
    if (cp > 0x10ffff) return { offset: i, why: 'a code point above U+10FFFF' };
    i += need + 1;
  }
  return { offset: b.length, why: 'an invalid sequence' };
}

function detectForeignEncoding(b: Uint8Array): string | null {
  const [b0, b1, b2, b3] = [b[0], b[1], b[2], b[3]];
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0xfe && b3 === 0xff)
    return 'a UTF-32 (big-endian) byte-order mark';
  if (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00)
    return 'a UTF-32 (little-endian) byte-order mark';
  if (b0 === 0xfe && b1 === 0xff) return 'a UTF-16 (big-endian) byte-order mark';
  if (b0 === 0xff && b1 === 0xfe) return 'a UTF-16 (little-endian) byte-order mark';
  if (b.length >= 2 && (b0 === 0x00 || b1 === 0x00))
    return 'UTF-16 or UTF-32 bytes (NUL bytes in the first characters)';
  return null;
}

function detectCompression(b: Uint8Array): string | null {
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) return 'zip';
  if (b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return 'zstd';
  return null;
}

const REASON = 'FF01' as const;

/** The gate. Pure: no I/O; TextDecoder is a pure function of its input. */
export function checkXmlSafety(bytes: Uint8Array, limits: XmlLimits): Result<SafeXml, Rejection> {
  if (bytes.length > limits.messageBytesMax)
    return err(
      rejection(
        'xml.too-large',
        REASON,
        '/',
        `message is ${bytes.length} bytes; the limit is ${limits.messageBytesMax} bytes (messageBytesMax)`,
      ),
    );
  if (bytes.length === 0) return err(rejection('xml.malformed', REASON, '/', 'message is empty'));
  const compressed = detectCompression(bytes);
  if (compressed)
    return err(
      rejection(
        'xml.compressed',
        REASON,
        '/',
        `message is ${compressed}-compressed; the gateway accepts plain UTF-8 XML only and never decompresses (size limits apply to what is sent)`,
        { line: 1, column: 1 },
      ),
    );
  const foreign = detectForeignEncoding(bytes);
  if (foreign)
    return err(
      rejection('xml.encoding', REASON, '/', `message starts with ${foreign}; only UTF-8 is accepted`, {
        line: 1,
        column: 1,
      }),
    );
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      hasBom ? bytes.subarray(3) : bytes,
    );
  } catch {
    const declared = /^<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']/.exec(
      new TextDecoder('latin1').decode(bytes.subarray(hasBom ? 3 : 0, 300)),
    )?.[1];
    if (declared && !/^utf-8$/i.test(declared))
      return err(
        rejection(
          'xml.encoding',
          REASON,
          '/',
          `declared encoding "${declared}" is not accepted; only UTF-8 is (ISO 20022 XML messages are UTF-8)`,
          { line: 1, column: 1 },
        ),
      );
    const body = hasBom ? bytes.subarray(3) : bytes;
    const bad = invalidUtf8Offset(body);
    const before = new TextDecoder('utf-8').decode(body.subarray(0, bad.offset));
    const pos = positionAt(before, before.length);
    return err(
      rejection(
        'xml.invalid-utf8',
        REASON,
        '/',
        `invalid UTF-8 at byte ${bad.offset + (hasBom ? 3 : 0)}: ${bad.why}; a message must be UTF-8 throughout (a declared encoding that does not match the bytes ends here too)`,
        pos,
      ),
    );
  }
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  const forbidden = FORBIDDEN_CHAR.exec(text);
  if (forbidden) {
    const c = text.charCodeAt(forbidden.index);
    return err(
      rejection(
        'xml.forbidden-character',
        REASON,
        '/',
        `character ${describeChar(c)} is not allowed in XML 1.0 (only TAB, LF and CR among control characters)`,
        positionAt(text, forbidden.index),
      ),
    );
  }
  return new Scanner(text, limits).run();
}

class Scanner {
  private readonly n: number;
  private depth = 0;
  private rootSeen = false;
  private rootClosed = false;
  private elementCount = 0;
  private readonly names: string[] = [];
  private readonly textLength: number[] = [];
  private readonly hasText: boolean[] = [];
  private readonly hasComment: boolean[] = [];
  private readonly attrNames: string[] = [];
  private readonly knownNames = new Set<string>();
  /** Next occurrence caches: keep repeated forward searches linear over the whole message. */
  private nextAmp = -1;
  private nextCdataEnd = -1;

  constructor(
    private readonly text: string,
    private readonly limits: XmlLimits,
  ) {
    this.n = text.length;
  }

  private path(): string {
    return `/${this.names.slice(0, this.depth).map(localPart).join('/')}`;
  }

  private fail(rule: string, at: number, message: string): { ok: false; error: Rejection } {
    return err(rejection(rule, REASON, this.path(), message, positionAt(this.text, at)));
  }

  run(): Result<SafeXml, Rejection> {
    const t = this.text;
    let i = 0;
    if (t.startsWith('<?xml') && (isWs(t.charCodeAt(5)) || t.charCodeAt(5) === 0x3f)) {
      const r = this.declaration();
      if (typeof r !== 'number') return r;
      i = r;
    }
    while (i < this.n) {
      const lt = t.indexOf('<', i);
      const end = lt < 0 ? this.n : lt;
      if (end > i) {
        const bad = this.charData(i, end);
        if (bad) return bad;
      }
      if (lt < 0) break;
      const r = this.markup(lt);
      if (typeof r !== 'number') return r;
      i = r;
    }
    if (this.depth > 0) {
      const open = this.names[this.depth - 1]!;
      return this.fail(
        'xml.malformed',
        this.n,
        `unexpected end of message: <${open}> and ${this.depth - 1} enclosing element(s) are not closed (truncated message?)`,
      );
    }
    if (!this.rootSeen) return this.fail('xml.malformed', this.n, 'message has no root element');
    return ok({ text: t, elementCount: this.elementCount });
  }

  private declaration(): Result<SafeXml, Rejection> | number {
    const t = this.text;
    const close = t.indexOf('?>');
    if (close < 0 || close > 1024)
      return this.fail('xml.malformed', 0, 'the XML declaration is not closed with ?>');
    const decl = t.slice(0, close + 2);
    const m = XML_DECLARATION.exec(decl);
    if (!m) return this.fail('xml.malformed', 0, `malformed XML declaration: ${decl.slice(0, 120)}`);
    const version = m[2]!;
    if (version !== '1.0')
      return this.fail(
        'xml.version',
        0,
        `XML version "${version.slice(0, 20)}" is not accepted; ISO 20022 messages are XML 1.0`,
      );
    const encoding = m[4];
    if (encoding !== undefined && !/^utf-8$/i.test(encoding))
      return this.fail(
        'xml.encoding',
        0,
        `declared encoding "${encoding.slice(0, 40)}" is not accepted; only UTF-8 is (ISO 20022 XML messages are UTF-8)`,
      );
    return close + 2;
  }

  /** Character data in [from, to): outside the root only whitespace; inside, refs and limits. */
  private charData(from: number, to: number): Result<SafeXml, Rejection> | null {
    const t = this.text;
    NON_WHITESPACE.lastIndex = from;
    const nw = NON_WHITESPACE.exec(t);
    const nonWs = nw !== null && nw.index < to;
    if (this.depth === 0) {
      if (!nonWs) return null;
      const at = nw!.index;
      return this.fail(
        'xml.malformed',
        at,
        this.rootClosed
          ? 'text after the root element'
          : 'text before the root element (a message starts with <)',
      );
    }
    const d = this.depth - 1;
    // Whitespace between child elements (indentation) does not add up: a pretty-printed file
    // with 100,000 transactions has megabytes of it in one container. Each run is still bounded.
    const len = nonWs ? (this.textLength[d] = this.textLength[d]! + (to - from)) : to - from;
    if (len > this.limits.textLengthMax)
      return this.fail(
        'xml.text-too-long',
        from,
        `text of <${this.names[d]}> is longer than ${this.limits.textLengthMax} characters (textLengthMax)`,
      );
    if (nonWs) this.hasText[d] = true;
    if (this.nextCdataEnd < from) this.nextCdataEnd = this.indexOrEnd(']]>', from);
    if (this.nextCdataEnd < to)
      return this.fail('xml.malformed', this.nextCdataEnd, '"]]>" is not allowed in text');
    return this.references(from, to);
  }

  private indexOrEnd(s: string, from: number): number {
    const k = this.text.indexOf(s, from);
    return k < 0 ? this.n : k;
  }

  /** Checks every & in [from, to): only predefined entities and XML 1.0 character references. */
  private references(from: number, to: number): Result<SafeXml, Rejection> | null {
    const t = this.text;
    for (;;) {
      if (this.nextAmp < from) this.nextAmp = this.indexOrEnd('&', from);
      const amp = this.nextAmp;
      if (amp >= to) return null;
      const semi = t.indexOf(';', amp);
      if (semi < 0 || semi >= to || semi - amp > this.limits.nameLengthMax + 2)
        return this.fail(
          'xml.malformed',
          amp,
          '"&" must start a reference that ends with ";" (write a literal ampersand as &amp;)',
        );
      const ref = t.slice(amp + 1, semi);
      if (ref.startsWith('#')) {
        const hex = ref.startsWith('#x');
        const digits = ref.slice(hex ? 2 : 1);
        if (!(hex ? /^[0-9A-Fa-f]{1,6}$/ : /^[0-9]{1,7}$/).test(digits))
          return this.fail('xml.malformed', amp, `malformed character reference &${ref};`);
        const cp = Number.parseInt(digits, hex ? 16 : 10);
        if (!isXmlChar(cp))
          return this.fail(
            'xml.forbidden-character',
            amp,
            `character reference &${ref}; denotes ${cp <= 0x10ffff ? describeChar(cp) : 'no character'}, which XML 1.0 does not allow`,
          );
      } else if (!QNAME.test(ref)) {
        return this.fail('xml.malformed', amp, `malformed reference "&${ref.slice(0, 40)};"`);
      } else if (!PREDEFINED_ENTITIES.has(ref)) {
        return this.fail(
          'xml.entity-reference',
          amp,
          `reference to entity "&${ref};" is not allowed: only &amp; &lt; &gt; &quot; &apos; and character references (no DTD entities)`,
        );
      }
      from = semi + 1;
    }
  }

  /** Markup starting at `lt` (the "<"); returns the offset after it or a rejection. */
  private markup(lt: number): Result<SafeXml, Rejection> | number {
    const t = this.text;
    const c = t.charCodeAt(lt + 1);
    if (c === SLASH) return this.endTag(lt);
    if (c === 0x3f /* ? */) {
      const target = /^<\?([^\s?]{0,40})/.exec(t.slice(lt, lt + 42))?.[1] ?? '';
      return this.fail(
        'xml.processing-instruction',
        lt,
        target.toLowerCase() === 'xml'
          ? 'the XML declaration is only allowed at the very start of the message'
          : `processing instruction <?${target} …?> is not allowed; ISO 20022 messages carry none`,
      );
    }
    if (c === 0x21 /* ! */) {
      if (t.startsWith('<!--', lt)) return this.comment(lt);
      if (t.startsWith('<![CDATA[', lt)) return this.cdata(lt);
      if (t.startsWith('<!DOCTYPE', lt))
        return this.fail(
          'xml.doctype',
          lt,
          'DOCTYPE declarations are not allowed: ISO 20022 messages never carry a DTD, and a DTD can declare entities (entity expansion, external entities / XXE)',
        );
      if (t.startsWith('<!ENTITY', lt))
        return this.fail(
          'xml.entity-declaration',
          lt,
          'entity declarations are not allowed (no DTD, no entities)',
        );
      return this.fail(
        'xml.malformed',
        lt,
        `markup declaration "${t.slice(lt, lt + 12)}…" is not allowed here`,
      );
    }
    return this.startTag(lt);
  }

  private comment(lt: number): Result<SafeXml, Rejection> | number {
    const t = this.text;
    const body = lt + 4;
    const close = t.indexOf('-->', body);
    if (close < 0) return this.fail('xml.malformed', lt, 'comment is not closed with -->');
    if (close - body > this.limits.textLengthMax)
      return this.fail(
        'xml.text-too-long',
        lt,
        `comment is longer than ${this.limits.textLengthMax} characters (textLengthMax)`,
      );
    const dashes = t.indexOf('--', body);
    if (dashes < close) return this.fail('xml.malformed', dashes, '"--" is not allowed inside a comment');
    if (this.depth > 0) this.hasComment[this.depth - 1] = true;
    return close + 3;
  }

  private cdata(lt: number): Result<SafeXml, Rejection> | number {
    const t = this.text;
    const body = lt + 9;
    const close = t.indexOf(']]>', body);
    if (close < 0) return this.fail('xml.malformed', lt, 'CDATA section is not closed with ]]>');
    if (this.depth === 0) return this.fail('xml.malformed', lt, 'CDATA section outside the root element');
    const d = this.depth - 1;
    const len = (this.textLength[d] = this.textLength[d]! + (close - body));
    if (len > this.limits.textLengthMax)
      return this.fail(
        'xml.text-too-long',
        lt,
        `text of <${this.names[d]}> is longer than ${this.limits.textLengthMax} characters (textLengthMax)`,
      );
    NON_WHITESPACE.lastIndex = body;
    const nw = NON_WHITESPACE.exec(t);
    if (nw !== null && nw.index < close) this.hasText[d] = true;
    return close + 3;
  }

  /** Reads a name starting at `from`; stops at whitespace, '>', '/', '=', quotes or '<'. */
  private name(from: number, what: string): Result<SafeXml, Rejection> | number {
    const t = this.text;
    const max = this.limits.nameLengthMax;
    let j = from;
    for (; j < this.n; j++) {
      const c = t.charCodeAt(j);
      if (isWs(c) || c === GT || c === SLASH || c === EQ || c === QUOT || c === APOS || c === LT) break;
      if (j - from >= max)
        return this.fail(
          'xml.name-too-long',
          from,
          `${what} name is longer than ${max} characters (nameLengthMax)`,
        );
    }
    const name = t.slice(from, j);
    if (this.knownNames.has(name)) return j;
    if (name.length === 0 || !QNAME.test(name))
      return this.fail(
        'xml.malformed',
        from,
        name.length === 0
          ? `${what} name expected`
          : `"${name.slice(0, 60)}" is not a valid XML ${what} name`,
      );
    if (RESERVED_NAMES.has(localPart(name)))
      return this.fail('xml.reserved-name', from, `${what} name "${name}" is not allowed`);
    // ISO 20022 messages use a few hundred distinct names: remember the checked ones (bounded).
    if (this.knownNames.size < 4096) this.knownNames.add(name);
    return j;
  }

  private skipWs(j: number): number {
    while (j < this.n && isWs(this.text.charCodeAt(j))) j++;
    return j;
  }

  private startTag(lt: number): Result<SafeXml, Rejection> | number {
    const t = this.text;
    const lim = this.limits;
    const nameEnd = this.name(lt + 1, 'element');
    if (typeof nameEnd !== 'number') return nameEnd;
    const name = t.slice(lt + 1, nameEnd);
    if (this.depth === 0 && this.rootClosed)
      return this.fail(
        'xml.malformed',
        lt,
        `a second root element <${name}>: a message has exactly one root`,
      );
    if (++this.elementCount > lim.elementCountMax)
      return this.fail(
        'xml.element-count',
        lt,
        `more than ${lim.elementCountMax} elements (elementCountMax)`,
      );
    if (this.depth + 1 > lim.depthMax)
      return this.fail('xml.depth', lt, `element nesting is deeper than ${lim.depthMax} levels (depthMax)`);
    const attrs = this.attrNames;
    attrs.length = 0;
    let j = nameEnd;
    for (;;) {
      const k = this.skipWs(j);
      if (k >= this.n) return this.fail('xml.malformed', lt, `start tag <${name}> is not closed`);
      const c = t.charCodeAt(k);
      if (c === GT || c === SLASH) {
        if (c === SLASH && t.charCodeAt(k + 1) !== GT)
          return this.fail('xml.malformed', k, `"/" must be followed by ">" in <${name}>`);
        this.open(name);
        if (c === SLASH) {
          const closed = this.close(k);
          if (closed) return closed;
          return k + 2;
        }
        return k + 1;
      }
      if (k === j)
        return this.fail('xml.malformed', k, `attributes of <${name}> must be separated by whitespace`);
      const attrEnd = this.name(k, 'attribute');
      if (typeof attrEnd !== 'number') return attrEnd;
      const attr = t.slice(k, attrEnd);
      if (attrs.length >= lim.attributesPerElementMax)
        return this.fail(
          'xml.attribute-count',
          k,
          `<${name}> has more than ${lim.attributesPerElementMax} attributes (attributesPerElementMax)`,
        );
      if (attrs.includes(attr))
        return this.fail('xml.malformed', k, `duplicate attribute "${attr}" on <${name}>`);
      attrs.push(attr);
      const eq = this.skipWs(attrEnd);
      if (t.charCodeAt(eq) !== EQ)
        return this.fail('xml.malformed', eq, `attribute "${attr}" needs ="value"`);
      const q = this.skipWs(eq + 1);
      const quote = t.charCodeAt(q);
      if (quote !== QUOT && quote !== APOS)
        return this.fail('xml.malformed', q, `value of attribute "${attr}" must be quoted`);
      const vStart = q + 1;
      const vEnd = t.indexOf(quote === QUOT ? '"' : "'", vStart);
      if (vEnd < 0) return this.fail('xml.malformed', q, `value of attribute "${attr}" is not closed`);
      if (vEnd - vStart > lim.textLengthMax)
        return this.fail(
          'xml.text-too-long',
          q,
          `value of attribute "${attr}" is longer than ${lim.textLengthMax} characters (textLengthMax)`,
        );
      let firstAmp = -1;
      for (let v = vStart; v < vEnd; v++) {
        const vc = t.charCodeAt(v);
        if (vc === LT)
          return this.fail('xml.malformed', v, `"<" is not allowed in the value of attribute "${attr}"`);
        if (vc === AMP && firstAmp < 0) firstAmp = v;
      }
      if (firstAmp >= 0) {
        const bad = this.references(firstAmp, vEnd);
        if (bad) return bad;
      }
      if (attr === 'xmlns' || attr.startsWith('xmlns:')) {
        const uri = t.slice(vStart, vEnd).trim();
        if (XINCLUDE_NAMESPACES.has(uri))
          return this.fail(
            'xml.xinclude',
            k,
            `XInclude is not allowed: "${attr}" binds the XInclude namespace ${uri}, which would pull in outside content`,
          );
      }
      j = vEnd + 1;
    }
  }

  private open(name: string): void {
    const d = this.depth++;
    this.names[d] = name;
    this.textLength[d] = 0;
    this.hasText[d] = false;
    this.hasComment[d] = false;
    this.rootSeen = true;
  }

  /** Closes the innermost element (its end tag or "/>" is at `at`). */
  private close(at: number): Result<SafeXml, Rejection> | null {
    const d = this.depth - 1;
    if (this.hasComment[d] && this.hasText[d])
      return this.fail(
        'xml.comment-in-value',
        at,
        `a comment inside <${this.names[d]}>, which carries text: comments may sit between elements, never inside a value`,
      );
    this.depth = d;
    if (d === 0) this.rootClosed = true;
    return null;
  }

  private endTag(lt: number): Result<SafeXml, Rejection> | number {
    const t = this.text;
    // Fast path: the end tag names the innermost open element, directly followed by ">".
    if (this.depth > 0) {
      const open = this.names[this.depth - 1]!;
      const after = lt + 2 + open.length;
      if (t.charCodeAt(after) === GT && t.startsWith(open, lt + 2)) {
        const closed = this.close(lt);
        if (closed) return closed;
        return after + 1;
      }
    }
    const nameEnd = this.name(lt + 2, 'element');
    if (typeof nameEnd !== 'number') return nameEnd;
    const name = t.slice(lt + 2, nameEnd);
    const gt = this.skipWs(nameEnd);
    if (t.charCodeAt(gt) !== GT)
      return this.fail('xml.malformed', gt, `end tag </${name}> is not closed with ">"`);
    if (this.depth === 0) return this.fail('xml.malformed', lt, `end tag </${name}> without a start tag`);
    const open = this.names[this.depth - 1]!;
    if (open !== name)
      return this.fail('xml.malformed', lt, `end tag </${name}> does not match start tag <${open}>`);
    const closed = this.close(lt);
    if (closed) return closed;
    return gt + 1;
  }
}
