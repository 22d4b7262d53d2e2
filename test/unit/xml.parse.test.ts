/**
 * The tree parser (fast-xml-parser) and the streaming reader (saxes): one node shape, values
 * never coerced, entities decoded exactly once, namespaces resolved, positions from the
 * stream, well-formedness enforced, and bounded memory on a 100,000-transaction pacs.008.
 */
import { describe, expect, it } from 'vitest';
import {
  attr,
  child,
  children,
  parseXml,
  streamTransactions,
  streamTransactionsAsync,
  text,
  textAt,
  type StreamItem,
  type XmlNode,
} from '../../src/mapping/xml/index.js';
import { generatePacs008, pacs008Chunks } from '../helpers/pacs008.generate.js';

const PACS8 = 'urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08';
const LIMITS = { depthMax: 64, elementCountMax: 50_000_000, textLengthMax: 100_000 };

function parse(xml: string, depthMax = 64): XmlNode {
  const r = parseXml(xml, { depthMax });
  if (!r.ok) throw new Error(`${r.error.rule}: ${r.error.message}`);
  return r.value;
}

/** The node without positions (the tree parser has none). */
function shape(n: XmlNode): unknown {
  return { name: n.name, ns: n.ns, attrs: { ...n.attrs }, text: n.text, children: n.children.map(shape) };
}

describe('parseXml', () => {
  it('keeps every value as the exact text sent: no number, boolean or trimming coercion (X17)', () => {
    const values = [
      '100.10',
      '0.50',
      '021000021',
      '00123',
      '1e5',
      '0x1A',
      'true',
      '+100',
      ' 100.00 ',
      '100.',
      '.5',
      '-0.00',
    ];
    const doc = parse(`<D>${values.map((v) => `<V>${v}</V>`).join('')}</D>`);
    expect(doc.children.map((c) => c.text)).toEqual(values);
    expect(typeof doc.children[0]!.text).toBe('string');
  });

  it('keeps attributes (Ccy) and namespace declarations; decodes and normalises attribute values', () => {
    const doc = parse(
      `<Document xmlns="${PACS8}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Amt Ccy="EUR" n="a&amp;b&#x41;\tc">0100.00</Amt></Document>`,
    );
    const amt = child(doc, 'Amt')!;
    expect(attr(amt, 'Ccy')).toBe('EUR');
    expect(attr(amt, 'n')).toBe('a&bA c');
    expect(text(amt)).toBe('0100.00');
    expect(attr(doc, 'xmlns')).toBe(PACS8);
    expect(attr(doc, 'xmlns:xsi')).toBe('http://www.w3.org/2001/XMLSchema-instance');
    expect(attr(amt, 'missing')).toBeUndefined();
  });

  it('decodes the predefined entities and character references once; CDATA stays literal', () => {
    const doc = parse('<D><T>&amp;lt; &lt;&gt;&quot;&apos;&#65;&#x1F600;</T><C><![CDATA[&amp;<x>]]></C></D>');
    expect(textAt(doc, 'T')).toBe('&lt; <>"\'A😀');
    expect(textAt(doc, 'C')).toBe('&amp;<x>');
  });

  it('gives every element an ordered array of children, repeated or not', () => {
    const doc = parse('<D>\n  <A>1</A>\n  <B/>\n  <A>2</A>\n</D>');
    expect(doc.children.map((c) => c.name)).toEqual(['A', 'B', 'A']);
    expect(children(doc, 'A').map((c) => c.text)).toEqual(['1', '2']);
    expect(children(doc, 'B')).toHaveLength(1);
    expect(doc.text).toBe('');
    expect(child(doc, 'B')!.children).toEqual([]);
    expect(child(doc, 'Z')).toBeUndefined();
  });

  it('resolves namespaces, so a foreign element with an ISO name is invisible to accessors (X13)', () => {
    const doc = parse(
      `<p:Document xmlns:p="${PACS8}"><x:Amt xmlns:x="urn:evil">999999.00</x:Amt><p:Amt>1.00</p:Amt><Amt>5.00</Amt></p:Document>`,
    );
    expect(doc.ns).toBe(PACS8);
    expect(textAt(doc, 'Amt')).toBe('1.00');
    expect(children(doc, 'Amt')).toHaveLength(1);
    expect(child(doc, 'Amt', 'urn:evil')!.text).toBe('999999.00');
    expect(child(doc, 'Amt', '')!.text).toBe('5.00');
  });

  it('cannot be used to pollute prototypes, even with the gate bypassed (X14)', () => {
    const doc = parse('<D><Amt Ccy="EUR">1</Amt></D>');
    const amt = child(doc, 'Amt')!;
    expect(Object.getPrototypeOf(amt.attrs)).toBeNull();
    expect(attr(amt, 'toString')).toBeUndefined();
    expect(attr(amt, 'hasOwnProperty')).toBeUndefined();
    expect(attr(doc, 'constructor')).toBeUndefined();
    // fast-xml-parser refuses these names itself; the gate refuses them before that
    for (const bad of [
      '<D><__proto__><polluted>yes</polluted></__proto__></D>',
      '<D><constructor><prototype><polluted>yes</polluted></prototype></constructor></D>',
      '<D __proto__="x"/>',
    ]) {
      const r = parseXml(bad, { depthMax: 8 });
      expect(r.ok).toBe(false);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses what is not well-formed (plain fast-xml-parser would return a partial tree)', () => {
    for (const bad of ['<D><A>1</A><A>2', '<A>1</B>', '<A/><B/>', `<D>${'<A>1</A>'.repeat(3)}<A>`]) {
      const r = parseXml(bad, { depthMax: 8 });
      expect(r.ok ? 'accepted' : r.error.rule).toBe('xml.malformed');
    }
    const r = parseXml('<D>\n<A>\n</D>', { depthMax: 8 });
    expect(!r.ok && r.error.line).toBe(3);
  });

  it('refuses nesting beyond depthMax and undeclared prefixes', () => {
    expect(parseXml('<a><a><a><a/></a></a></a>', { depthMax: 4 }).ok).toBe(true);
    expect(parseXml('<a><a><a><a><a/></a></a></a></a>', { depthMax: 4 }).ok).toBe(false);
    const r = parseXml('<D><x:A/></D>', { depthMax: 8 });
    expect(!r.ok && r.error.rule).toBe('xml.namespace');
  });
});

describe('streamTransactions', () => {
  const gen = generatePacs008({ transactions: 40, seed: 7 });

  function collect(
    input: string | Iterable<string>,
    opts: Partial<Parameters<typeof streamTransactions>[1]> = {},
  ) {
    return [...streamTransactions(input, { repeatingElement: 'CdtTrfTxInf', limits: LIMITS, ...opts })];
  }

  it('yields the group header, every transaction and an end item', () => {
    const items = collect(gen.xml);
    expect(items[0]!.kind).toBe('header');
    const txs = items.filter((i) => i.kind === 'transaction');
    expect(txs).toHaveLength(40);
    expect(items.at(-1)).toEqual({ kind: 'end', transactions: 40, elements: expect.any(Number) });
    const third = txs[2]!;
    expect(third.kind === 'transaction' && third.path).toBe('/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[3]');
    expect(third.kind === 'transaction' && textAt(third.node, 'PmtId', 'EndToEndId')).toBe('E2E-00000002');
    expect(third.kind === 'transaction' && third.index).toBe(2);
  });

  it('gives the same node shape as parseXml', () => {
    const tree = parse(gen.xml);
    const fromTree = children(child(tree, 'FIToFICstmrCdtTrf'), 'CdtTrfTxInf').map(shape);
    const fromStream = collect(gen.xml).flatMap((i) => (i.kind === 'transaction' ? [shape(i.node)] : []));
    expect(fromStream).toEqual(fromTree);
    const header = collect(gen.xml)[0]!;
    expect(header.kind === 'header' && shape(header.node)).toEqual(
      shape(child(child(tree, 'FIToFICstmrCdtTrf'), 'GrpHdr')!),
    );
  });

  it('records the line and column of each transaction and of each element inside it', () => {
    const lines = gen.xml.split('\n');
    for (const item of collect(gen.xml)) {
      if (item.kind !== 'transaction') continue;
      const { line, column } = item.node;
      expect(lines[line! - 1]!.slice(column! - 1).startsWith('<CdtTrfTxInf>')).toBe(true);
      const amt = child(item.node, 'IntrBkSttlmAmt')!;
      expect(lines[amt.line! - 1]!.slice(amt.column! - 1).startsWith('<IntrBkSttlmAmt Ccy="EUR">')).toBe(
        true,
      );
    }
  });

  it('gives identical results whatever the chunking, including chunks that split characters', () => {
    const whole = collect(gen.xml).map((i) => JSON.stringify(i));
    for (const size of [1, 3, 7, 64, 4096]) {
      expect(collect(gen.xml, { chunkLength: size }).map((i) => JSON.stringify(i))).toEqual(whole);
    }
    const pieces: string[] = [];
    for (let i = 0; i < gen.xml.length; i += 97) pieces.push(gen.xml.slice(i, i + 97));
    expect(collect(pieces).map((i) => JSON.stringify(i))).toEqual(whole);
  });

  it('reads prefixed, enveloped documents and can be restricted to one namespace', () => {
    const xml = `<E xmlns:d="${PACS8}"><d:Document><d:FIToFICstmrCdtTrf><d:GrpHdr><d:MsgId>M</d:MsgId></d:GrpHdr><d:CdtTrfTxInf><d:X>1</d:X></d:CdtTrfTxInf><CdtTrfTxInf xmlns="urn:other"/></d:FIToFICstmrCdtTrf></d:Document></E>`;
    const items = collect(xml, { namespace: PACS8 });
    expect(items.filter((i) => i.kind === 'transaction')).toHaveLength(1);
    expect(collect(xml).filter((i) => i.kind === 'transaction')).toHaveLength(2);
  });

  it('ends with a rejection on bad input and yields nothing after it', () => {
    const last = (xml: string, limits = LIMITS) => {
      const items = collect(xml, { limits });
      return items.at(-1) as Extract<StreamItem, { kind: 'rejected' }>;
    };
    const truncated = last(gen.xml.slice(0, Math.floor(gen.xml.length * 0.6)));
    expect(truncated.kind).toBe('rejected');
    expect(truncated.rejection).toMatchObject({ rule: 'xml.malformed', reason: 'FF01' });
    expect(last('<!DOCTYPE D><D/>').rejection.rule).toBe('xml.doctype');
    expect(last('<D><?pi x?></D>').rejection.rule).toBe('xml.processing-instruction');
    expect(last('<D>&lol;</D>').rejection.rule).toBe('xml.malformed');
    expect(last('<a><a><a/></a></a>', { ...LIMITS, depthMax: 2 }).rejection.rule).toBe('xml.depth');
    expect(last('<a><b/><b/><b/></a>', { ...LIMITS, elementCountMax: 3 }).rejection.rule).toBe(
      'xml.element-count',
    );
    expect(
      last('<D><CdtTrfTxInf><N>0123456789</N></CdtTrfTxInf></D>', { ...LIMITS, textLengthMax: 9 }).rejection
        .rule,
    ).toBe('xml.text-too-long');
    const partial = collect(gen.xml.replace('<TxId>TX-5</TxId>', '<TxId>TX-5</TxIdd>'));
    expect(partial.filter((i) => i.kind === 'transaction')).toHaveLength(5);
    expect(partial.at(-1)!.kind).toBe('rejected');
  });

  it('streams from an async source', async () => {
    async function* source() {
      for (const c of pacs008Chunks({ transactions: 25 }))
        for (let i = 0; i < c.length; i += 1013) yield c.slice(i, i + 1013);
    }
    let n = 0;
    for await (const item of streamTransactionsAsync(source(), {
      repeatingElement: 'CdtTrfTxInf',
      limits: LIMITS,
    }))
      if (item.kind === 'transaction') n++;
    expect(n).toBe(25);
  });

  it('streams a 100,000-transaction pacs.008 (~170 MB) with bounded memory', () => {
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    let lastE2e = '';
    const t0 = performance.now();
    for (const item of streamTransactions(pacs008Chunks({ transactions: 100_000 }), {
      repeatingElement: 'CdtTrfTxInf',
      limits: LIMITS,
    })) {
      if (item.kind === 'rejected') throw new Error(item.rejection.message);
      if (item.kind !== 'transaction') continue;
      count++;
      lastE2e = textAt(item.node, 'PmtId', 'EndToEndId') ?? '';
      if (count % 5_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    }
    const ms = performance.now() - t0;
    console.log(
      `stream 100,000 tx: ${ms.toFixed(0)} ms (generation included), heap growth peak ${(peak / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(count).toBe(100_000);
    expect(lastE2e).toBe('E2E-00099999');
    // Holding the transactions (or the text) would take well over 500 MiB.
    expect(peak).toBeLessThan(96 * 2 ** 20);
  }, 600_000);
});
