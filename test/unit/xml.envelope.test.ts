/**
 * Envelope detection: the Document and the AppHdr are found by namespace under any root, with
 * any prefixes, at any depth; their text is the exact source slice; the message type comes from
 * the Document namespace; duplicates, unknown namespaces and a header that names another
 * message are refused.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkXmlSafety,
  descend,
  locateEnvelope,
  readEnvelope,
  sourceLine,
  textAt,
  type XmlLimits,
} from '../../src/mapping/xml/index.js';

const OPTS = { depthMax: 64 };
const PACS8 = 'urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08';
const HEAD2 = 'urn:iso:std:iso:20022:tech:xsd:head.001.001.02';
const GRP = '<FIToFICstmrCdtTrf><GrpHdr><MsgId>M1</MsgId></GrpHdr></FIToFICstmrCdtTrf>';

function read(text: string, options: Parameters<typeof readEnvelope>[1] = OPTS) {
  const r = readEnvelope(text, options);
  if (!r.ok) throw new Error(`${r.error.rule}: ${r.error.message}`);
  return r.value;
}

function refused(text: string, rule: string, options: Parameters<typeof readEnvelope>[1] = OPTS) {
  const r = readEnvelope(text, options);
  if (r.ok) throw new Error(`expected ${rule}`);
  expect(r.error.rule).toBe(rule);
  expect(r.error.reason).toBe('FF01');
  return r.error;
}

describe('readEnvelope finds the message by namespace', () => {
  it('a bare Document', () => {
    const text = `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${PACS8}">${GRP}</Document>\n`;
    const e = read(text);
    expect(e).toMatchObject({ messageType: 'pacs.008.001.08', root: 'Document', documentNamespace: PACS8 });
    expect(e.documentAt).toEqual({ line: 2, column: 1 });
    expect(e.documentXml).toBe(`<Document xmlns="${PACS8}">${GRP}</Document>`);
    expect(e.appHdr).toBeUndefined();
    expect(textAt(e.document, 'FIToFICstmrCdtTrf', 'GrpHdr', 'MsgId')).toBe('M1');
  });

  it('AppHdr + Document siblings under <Envelope>, default namespaces', () => {
    const text = [
      '<Envelope xmlns="urn:swift:xsd:envelope">',
      `  <AppHdr xmlns="${HEAD2}"><BizMsgIdr>B1</BizMsgIdr><MsgDefIdr>pacs.008.001.08</MsgDefIdr></AppHdr>`,
      `  <Document xmlns="${PACS8}">${GRP}</Document>`,
      '</Envelope>',
    ].join('\n');
    const e = read(text);
    expect(e).toMatchObject({
      messageType: 'pacs.008.001.08',
      headerType: 'head.001.001.02',
      root: 'Envelope',
    });
    expect(e.appHdrAt).toEqual({ line: 2, column: 3 });
    expect(e.documentAt).toEqual({ line: 3, column: 3 });
    expect(textAt(e.appHdr, 'BizMsgIdr')).toBe('B1');
    expect(e.appHdr?.ns).toBe(HEAD2);
    // the Document redeclares the default namespace: nothing inherited, the slice is the source text
    expect(e.documentXml).toBe(`<Document xmlns="${PACS8}">${GRP}</Document>`);
  });

  it('<BizMsg> root with prefixes h:/doc: declared on the root: the slice carries the inherited declarations', () => {
    const text = [
      `<BizMsg xmlns:h="${HEAD2}" xmlns:doc="${PACS8}">`,
      '<h:AppHdr><h:MsgDefIdr>pacs.008.001.08</h:MsgDefIdr></h:AppHdr>',
      '<doc:Document><doc:FIToFICstmrCdtTrf><doc:GrpHdr><doc:MsgId>M2</doc:MsgId></doc:GrpHdr></doc:FIToFICstmrCdtTrf></doc:Document>',
      '</BizMsg>',
    ].join('\n');
    const e = read(text);
    expect(e.root).toBe('BizMsg');
    expect(e.documentXml.startsWith(`<doc:Document xmlns:h="${HEAD2}" xmlns:doc="${PACS8}">`)).toBe(true);
    expect(e.documentXml.endsWith('</doc:Document>')).toBe(true);
    expect(e.appHdrXml?.startsWith(`<h:AppHdr xmlns:h="${HEAD2}" xmlns:doc="${PACS8}">`)).toBe(true);
    // the slice is a document on its own: it parses, with names resolved
    expect(e.document.ns).toBe(PACS8);
    expect(textAt(e.document, 'FIToFICstmrCdtTrf', 'GrpHdr', 'MsgId')).toBe('M2');
    // apart from the added declarations the slice is the source text, byte for byte
    const src = text.slice(
      text.indexOf('<doc:Document'),
      text.indexOf('</doc:Document>') + '</doc:Document>'.length,
    );
    expect(e.documentXml.replace(` xmlns:h="${HEAD2}" xmlns:doc="${PACS8}"`, '')).toBe(src);
  });

  it('the parts deep inside a vendor envelope (FedNow) and in any order', () => {
    const text = `<Out xmlns="urn:fednow"><M><X><Document xmlns="${PACS8}">${GRP}</Document><AppHdr xmlns="${HEAD2}"/></X></M></Out>`;
    const e = read(text);
    expect(e.messageType).toBe('pacs.008.001.08');
    expect(e.appHdrXml).toBe(`<AppHdr xmlns="${HEAD2}"/>`);
  });

  it('does not look inside the Document for another Document (SplmtryData/Envlp may hold anything)', () => {
    const text = `<Document xmlns="${PACS8}"><FIToFICstmrCdtTrf><SplmtryData><Envlp><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.009.001.08"/></Envlp></SplmtryData></FIToFICstmrCdtTrf></Document>`;
    expect(read(text).messageType).toBe('pacs.008.001.08');
  });

  it('works on every enveloped public sample', () => {
    const limits: XmlLimits = {
      messageBytesMax: 1 << 24,
      depthMax: 64,
      attributesPerElementMax: 16,
      textLengthMax: 100_000,
      elementCountMax: 1_000_000,
      nameLengthMax: 256,
    };
    const dir = process.env.ISO20022_SAMPLES_DIR ?? '/work/shared/iso20022/samples';
    const cases: Array<[string, string, string]> = [
      ['pacs.008.001.08/cbprur-1.xml', 'Envelope', 'head.001.001.02'],
      ['pacs.008.001.08/fednow-moov-1.xml', 'FedNowIncoming', 'head.001.001.02'],
      ['pacs.008.001.08/mbanq-1.xml', 'FedwireFundsOutgoing', 'head.001.001.03'],
      ['pacs.008.001.07/prowide-1.xml', 'message', 'head.001.001.01'],
    ];
    let seen = 0;
    for (const [file, root, header] of cases) {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(`${dir}/${file}`);
      } catch {
        continue;
      }
      const gated = checkXmlSafety(bytes, limits);
      expect(gated.ok).toBe(true);
      if (!gated.ok) continue;
      const e = read(gated.value.text);
      expect(e).toMatchObject({ root, headerType: header, messageType: file.split('/')[0] });
      expect(
        descend(e.document, e.messageType?.startsWith('pacs.008') ? 'FIToFICstmrCdtTrf' : 'x'),
      ).toBeDefined();
      seen++;
    }
    expect(seen === 0 || seen === cases.length).toBe(true);
  });

  it('sourceLine maps a line of the part back to the source', () => {
    expect(sourceLine({ line: 7, column: 3 }, 1)).toBe(7);
    expect(sourceLine({ line: 7, column: 3 }, 10)).toBe(16);
  });
});

describe('readEnvelope refuses', () => {
  it('a message without an ISO 20022 Document', () => {
    refused(`<AppHdr xmlns="${HEAD2}"/>`, 'envelope.no-document');
    refused('<Envelope><Other/></Envelope>', 'envelope.no-document');
  });

  it('a non-ISO Document namespace: messageType null without a supported list, refused with one (X13)', () => {
    const six =
      '<Document xmlns="http://www.six-interbank-clearing.com/de/pain.002.001.03.ch.02.xsd"><A/></Document>';
    expect(read(six).messageType).toBeNull();
    const r = refused(six, 'envelope.unknown-message', {
      ...OPTS,
      supportedMessageTypes: ['pacs.008.001.08'],
    });
    expect(r.message).toContain('six-interbank');
  });

  it('an ISO message version the caller does not support — never mapped to a neighbour (X13)', () => {
    const text = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.02">${GRP}</Document>`;
    const r = refused(text, 'envelope.unknown-message', {
      ...OPTS,
      supportedMessageTypes: new Set(['pacs.008.001.08', 'pacs.002.001.10']),
    });
    expect(r.message).toContain('pacs.008.001.02');
    expect(r.message).toContain('pacs.008.001.08');
    expect(locateEnvelope(text, { ...OPTS, supportedMessageTypes: ['pacs.008.001.02'] }).ok).toBe(true);
  });

  it('a second Document or a second AppHdr (signature wrapping, X16)', () => {
    const doc = `<Document xmlns="${PACS8}">${GRP}</Document>`;
    expect(refused(`<E>\n${doc}\n${doc}</E>`, 'envelope.duplicate-document')).toMatchObject({ line: 3 });
    refused(`<E><AppHdr xmlns="${HEAD2}"/><AppHdr xmlns="${HEAD2}"/>${doc}</E>`, 'envelope.duplicate-header');
  });

  it('an AppHdr outside the head.001 namespace', () => {
    refused(
      `<E><AppHdr xmlns="urn:swift:xsd:$ahV10"/><Document xmlns="${PACS8}"/></E>`,
      'envelope.unknown-header',
    );
  });

  it('a header whose MsgDefIdr names another message than the Document namespace (CBPR+ R6, X13)', () => {
    const text = `<E><AppHdr xmlns="${HEAD2}"><MsgDefIdr>pacs.009.001.08</MsgDefIdr></AppHdr><Document xmlns="${PACS8}"/></E>`;
    expect(refused(text, 'envelope.header-mismatch').message).toContain('pacs.009.001.08');
  });

  it('undeclared prefixes and anything not well-formed', () => {
    refused('<E><doc:Document/></E>', 'xml.namespace');
    refused(`<Document xmlns="${PACS8}"><A></B></Document>`, 'xml.malformed');
    refused(`<Document xmlns="${PACS8}"><A>`, 'xml.malformed');
  });

  it('returns the same value for the same input (pure)', () => {
    const text = `<Document xmlns="${PACS8}">${GRP}</Document>`;
    expect(readEnvelope(text, OPTS)).toEqual(readEnvelope(text, OPTS));
  });
});
