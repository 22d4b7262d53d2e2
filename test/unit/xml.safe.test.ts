/**
 * The safe-XML gate, rule by rule: what it accepts (every public ISO 20022 sample, BOM, CRLF,
 * comments between elements) and what it refuses, with rule, reason FF01, path, line and column.
 * Limits are tested at the boundary: the limit itself passes, one more is refused. The hostile
 * catalogue X01–X20 with fixtures, time and memory bounds is test/integration/hostile.test.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Rejection } from '../../src/domain/index.js';
import { checkXmlSafety, type XmlLimits } from '../../src/mapping/xml/index.js';

const LIMITS: XmlLimits = {
  messageBytesMax: 1_000_000,
  depthMax: 16,
  attributesPerElementMax: 4,
  textLengthMax: 64,
  elementCountMax: 50,
  nameLengthMax: 32,
};

const enc = (s: string) => new TextEncoder().encode(s);

function gate(input: string | Uint8Array, limits: Partial<XmlLimits> = {}) {
  return checkXmlSafety(typeof input === 'string' ? enc(input) : input, { ...LIMITS, ...limits });
}

function refused(input: string | Uint8Array, rule: string, limits: Partial<XmlLimits> = {}): Rejection {
  const r = gate(input, limits);
  if (r.ok) throw new Error(`expected ${rule}, but the gate accepted the input`);
  expect(r.error.rule).toBe(rule);
  expect(r.error.reason).toBe('FF01');
  expect(r.error.message.length).toBeGreaterThan(10);
  return r.error;
}

function accepted(input: string | Uint8Array, limits: Partial<XmlLimits> = {}): string {
  const r = gate(input, limits);
  if (!r.ok) throw new Error(`expected acceptance, got ${r.error.rule}: ${r.error.message}`);
  return r.value.text;
}

const SAMPLES = process.env.ISO20022_SAMPLES_DIR ?? '/work/shared/iso20022/samples';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.xml') ? [p] : [];
  });
}

describe('checkXmlSafety accepts plain ISO 20022 XML', () => {
  const samples = (() => {
    try {
      return walk(SAMPLES);
    } catch {
      return [];
    }
  })();

  it.skipIf(samples.length === 0)(
    `passes every public sample (${samples.length}) with production-like limits`,
    () => {
      const limits: XmlLimits = {
        messageBytesMax: 104_857_600,
        depthMax: 64,
        attributesPerElementMax: 16,
        textLengthMax: 100_000,
        elementCountMax: 20_000_000,
        nameLengthMax: 256,
      };
      for (const f of samples) {
        const r = checkXmlSafety(readFileSync(f), limits);
        expect(r.ok ? 'ok' : `${f}: ${r.error.rule} ${r.error.message}`).toBe('ok');
      }
    },
  );

  it('strips a UTF-8 BOM and normalises CRLF and CR to LF (XML 1.0 §2.11), keeping line numbers', () => {
    const bom = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...enc('<?xml version="1.0"?>\r\n<A>\r\n<B>x\ry</B></A>\r\n'),
    ]);
    expect(accepted(bom)).toBe('<?xml version="1.0"?>\n<A>\n<B>x\ny</B></A>\n');
    const r = refused('<A>\r\n\r\n<B></A>', 'xml.malformed');
    expect(r.line).toBe(3);
  });

  it('accepts the XML declaration forms seen in the wild, comments between elements, CDATA, references', () => {
    accepted(`<?xml version='1.0' encoding='utf-8' standalone='yes'?><A/>`);
    accepted(
      `<?xml version="1.0"    encoding="UTF-8"?>\n<!-- legal notice -->\n<A>\n  <B>1</B> <!-- note -->\n</A>\n<!-- end -->`,
    );
    expect(accepted('<A x="a &amp; b &#x41;&#66;">&lt;&gt;&quot;&apos;<![CDATA[<&>]]></A>')).toContain(
      'CDATA',
    );
    accepted(
      '<p:A xmlns:p="urn:x" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:x file:///C:/x.xsd"/>',
    );
  });

  it('reports the element count', () => {
    const r = gate('<A><B/><C><D/></C></A>');
    expect(r.ok && r.value.elementCount).toBe(4);
  });
});

describe('checkXmlSafety refuses', () => {
  it('a message above messageBytesMax before decoding it (X08)', () => {
    const r = refused(`<A>${'x'.repeat(100)}</A>`, 'xml.too-large', { messageBytesMax: 100 });
    expect(r.message).toContain('messageBytesMax');
    accepted(`<A>${'x'.repeat(93)}</A>`, { messageBytesMax: 100, textLengthMax: 100 });
  });

  it('empty input', () => {
    refused('', 'xml.malformed');
  });

  it('UTF-16 / UTF-32 input and non-UTF-8 declared encodings (X11)', () => {
    refused(new Uint8Array([0xff, 0xfe, 0x3c, 0x00, 0x41, 0x00]), 'xml.encoding');
    refused(new Uint8Array([0xfe, 0xff, 0x00, 0x3c]), 'xml.encoding');
    refused(new Uint8Array([0x00, 0x00, 0xfe, 0xff, 0, 0, 0, 0x3c]), 'xml.encoding');
    refused(new Uint8Array([0x3c, 0x00, 0x41, 0x00]), 'xml.encoding');
    const r = refused('<?xml version="1.0" encoding="ISO-8859-1"?><A/>', 'xml.encoding');
    expect(r.message).toContain('ISO-8859-1');
    refused('<?xml version="1.0" encoding="UTF-16"?><A/>', 'xml.encoding');
    // a Latin-1 declaration with Latin-1 bytes names the real problem, not "invalid UTF-8"
    const latin1 = new Uint8Array([
      ...enc('<?xml version="1.0" encoding="ISO-8859-1"?><A>caf'),
      0xe9,
      ...enc('</A>'),
    ]);
    expect(refused(latin1, 'xml.encoding').message).toContain('ISO-8859-1');
  });

  it('invalid UTF-8 with the byte offset, line and column (X09)', () => {
    const at = (bytes: number[]) => new Uint8Array([...enc('<A>\nab'), ...bytes, ...enc('</A>')]);
    const overlong = refused(at([0xc0, 0xaf]), 'xml.invalid-utf8');
    expect(overlong).toMatchObject({ line: 2, column: 3 });
    expect(overlong.message).toContain('byte 6');
    expect(refused(at([0x80]), 'xml.invalid-utf8').message).toContain('continuation');
    expect(refused(at([0xed, 0xa0, 0x80]), 'xml.invalid-utf8').message).toContain('surrogate');
    expect(refused(at([0xe2, 0x82]), 'xml.invalid-utf8').message).toContain('cut short');
    expect(refused(new Uint8Array([...enc('<A>x</A>'), 0xe2, 0x82]), 'xml.invalid-utf8').message).toContain(
      'truncated',
    );
    // "declared UTF-8 but Latin-1 bytes": é as 0xE9
    refused(
      new Uint8Array([...enc('<?xml version="1.0" encoding="UTF-8"?><A>caf'), 0xe9, ...enc('</A>')]),
      'xml.invalid-utf8',
    );
  });

  it('characters outside XML 1.0 Char, literal or as references; XML 1.1 (X10)', () => {
    expect(refused('<A>\u0000</A>', 'xml.forbidden-character').message).toContain('U+0000');
    expect(refused('<A>\n\n  x\u0007</A>', 'xml.forbidden-character')).toMatchObject({ line: 3, column: 4 });
    refused('<A>\uFFFF</A>', 'xml.forbidden-character');
    refused('<A>&#0;</A>', 'xml.forbidden-character');
    refused('<A>&#x1B;</A>', 'xml.forbidden-character');
    refused('<A b="&#xD800;"/>', 'xml.forbidden-character');
    refused('<A>&#x110000;</A>', 'xml.forbidden-character');
    accepted('<A>&#9;&#xA;&#13;&#x10FFFF;\t</A>');
    expect(refused('<?xml version="1.1"?><A/>', 'xml.version').message).toContain('1.1');
  });

  it('any DOCTYPE, entity declarations and undeclared entity references (X01–X03, X05)', () => {
    const d = refused('<?xml version="1.0"?>\n<!DOCTYPE A [<!ENTITY x "y">]>\n<A>&x;</A>', 'xml.doctype');
    expect(d).toMatchObject({ line: 2, column: 1, path: '/' });
    expect(d.message).toMatch(/DOCTYPE/);
    refused('<!DOCTYPE A SYSTEM "http://127.0.0.1:1/x.dtd"><A/>', 'xml.doctype');
    refused('<A><!ENTITY x "y"></A>', 'xml.entity-declaration');
    expect(refused('<A><B>&lol9;</B></A>', 'xml.entity-reference')).toMatchObject({ path: '/A/B' });
    refused('<A b="&nbsp;"/>', 'xml.entity-reference');
    refused('<A>AT&T</A>', 'xml.malformed');
    refused('<A>&#xZZ;</A>', 'xml.malformed');
  });

  it('processing instructions other than the leading XML declaration, and XInclude (X05)', () => {
    refused('<A><?php echo 1 ?></A>', 'xml.processing-instruction');
    refused('<?xml-stylesheet href="x"?><A/>', 'xml.processing-instruction');
    refused(' <?xml version="1.0"?><A/>', 'xml.processing-instruction');
    const x = refused(
      '<A xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="http://127.0.0.1:1/"/></A>',
      'xml.xinclude',
    );
    expect(x.message).toContain('XInclude');
    refused('<A><B xmlns="http://www.w3.org/2001/XInclude"/></A>', 'xml.xinclude');
  });

  it('nesting beyond depthMax, at the boundary (X06)', () => {
    const nest = (n: number) => `${'<a>'.repeat(n)}${'</a>'.repeat(n)}`;
    accepted(nest(16));
    const r = refused(nest(17), 'xml.depth');
    expect(r.message).toContain('16');
    expect(r.path).toBe(`/${Array(16).fill('a').join('/')}`);
    refused('<a><b/><b><c/></b></a>', 'xml.depth', { depthMax: 2 });
  });

  it('attribute count, attribute / text / comment length and name length at the boundary (X07)', () => {
    accepted('<A a="1" b="2" c="3" d="4"/>');
    expect(refused('<A a="1" b="2" c="3" d="4" e="5"/>', 'xml.attribute-count').message).toContain(
      'attributesPerElementMax',
    );
    accepted(`<A a="${'x'.repeat(64)}"/>`);
    refused(`<A a="${'x'.repeat(65)}"/>`, 'xml.text-too-long');
    accepted(`<A><B>${'x'.repeat(64)}</B></A>`);
    expect(refused(`<A><B>${'x'.repeat(65)}</B></A>`, 'xml.text-too-long')).toMatchObject({ path: '/A/B' });
    // text of one element is counted across CDATA sections and child elements
    refused(`<A>${'x'.repeat(40)}<![CDATA[${'y'.repeat(40)}]]></A>`, 'xml.text-too-long');
    refused(`<A>${'x'.repeat(40)}<B/>${'y'.repeat(40)}</A>`, 'xml.text-too-long');
    refused(`<A><!--${'x'.repeat(65)}--></A>`, 'xml.text-too-long');
    // indentation between child elements does not add up (pretty-printed bulk files), each run is bounded
    accepted(`<A>${'\n  <b/>'.repeat(40)}\n</A>`);
    refused(`<A>${' '.repeat(65)}<b/></A>`, 'xml.text-too-long');
    refused('<A>&#65;&#65;&#65;&#65;&#65;&#65;&#65;&#65;&#65;&#65;&#65;&#65;&#65;</A>', 'xml.text-too-long');
    accepted(`<${'n'.repeat(32)}/>`);
    refused(`<${'n'.repeat(33)}/>`, 'xml.name-too-long');
    refused(`<A ${'n'.repeat(33)}="1"/>`, 'xml.name-too-long');
  });

  it('more elements than elementCountMax', () => {
    accepted(`<A>${'<b/>'.repeat(49)}</A>`);
    expect(refused(`<A>${'<b/>'.repeat(50)}</A>`, 'xml.element-count').message).toContain('elementCountMax');
  });

  it('what is not well-formed, with position (X12)', () => {
    expect(refused('<A>\n  <B>\n</A>', 'xml.malformed')).toMatchObject({ line: 3, column: 1, path: '/A/B' });
    expect(refused('<A><B>x</B>', 'xml.malformed').message).toMatch(/not closed|truncated/);
    refused('<A x="1" x="2"/>', 'xml.malformed');
    expect(refused('<A/><B/>', 'xml.malformed').message).toContain('second root');
    expect(refused('<A/>text', 'xml.malformed').message).toContain('after the root');
    expect(refused('text<A/>', 'xml.malformed').message).toContain('before the root');
    refused('</A>', 'xml.malformed');
    refused('<A x=1/>', 'xml.malformed');
    refused('<A x="1"y="2"/>', 'xml.malformed');
    refused('<A x="<"/>', 'xml.malformed');
    refused('<A x="&amp;<"/>', 'xml.malformed');
    refused('<A x="1>', 'xml.malformed');
    refused('<A>]]></A>', 'xml.malformed');
    refused('<A><!-- a -- b --></A>', 'xml.malformed');
    refused('<A><!-- open</A>', 'xml.malformed');
    refused('<A><![CDATA[x</A>', 'xml.malformed');
    refused('<1A/>', 'xml.malformed');
    refused('<:A/>', 'xml.malformed');
    refused('<A', 'xml.malformed');
    refused('<A/ >', 'xml.malformed');
    refused('<!-- only a comment -->', 'xml.malformed');
    refused('<?xml version="1.0" foo="bar"?><A/>', 'xml.malformed');
  });

  it('prototype-polluting names (X14)', () => {
    refused('<A><__proto__/></A>', 'xml.reserved-name');
    refused('<A><p:constructor xmlns:p="urn:x"/></A>', 'xml.reserved-name');
    refused('<A prototype="1"/>', 'xml.reserved-name');
  });

  it('a comment inside an element that carries text, anywhere in it (X15)', () => {
    expect(refused('<A><Amt Ccy="EUR">1<!-- -->00.00</Amt></A>', 'xml.comment-in-value')).toMatchObject({
      path: '/A/Amt',
    });
    refused('<A><Amt><!-- x -->100.00</Amt></A>', 'xml.comment-in-value');
    refused('<A><Amt>100.00<!-- x --></Amt></A>', 'xml.comment-in-value');
    accepted('<A><Amt>100.00</Amt><!-- between elements --></A>');
  });

  it('compressed input, without inflating it (X20)', () => {
    refused(new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0]), 'xml.compressed');
    refused(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]), 'xml.compressed');
  });
});
