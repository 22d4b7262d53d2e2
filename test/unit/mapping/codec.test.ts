/**
 * The generic typed reader and writer: XSD element order whatever the property order, escaping,
 * amounts to the currency's minor digits, every structural fault a rejection with path and
 * line, wildcard content kept, and the reader never dropping or inventing a field.
 */
import { describe, expect, it } from 'vitest';
import { amount, InvariantError } from '../../../src/domain/index.js';
import type * as T from '../../../src/mapping/model/generated/types.js';
import { DecodeContext, decodeElement, normaliseDecimal } from '../../../src/mapping/read/decode.js';
import { readDocument } from '../../../src/mapping/read/message.js';
import { gatewayText, textLines } from '../../../src/mapping/write/build.js';
import { encodeElement } from '../../../src/mapping/write/encode.js';
import { writeDocument, writeMessage } from '../../../src/mapping/write/message.js';
import { creditTransfer, pacs008 } from './messages.js';
import { parseTree } from './tree-helper.js';

const NS = 'urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08';

function encode(tag: string, type: string, value: unknown): string {
  const lines: string[] = [];
  encodeElement(lines, tag, type, value, 0);
  return lines.join('\n');
}

function decode(xml: string, type: string, path = '/X') {
  const ctx = new DecodeContext();
  const value = decodeElement(parseTree(xml), type, path, ctx);
  return { value, rejections: ctx.rejections };
}

describe('writer', () => {
  it('writes elements in XSD order whatever the order of the properties', () => {
    const id: T.PaymentIdentification7 = {
      UETR: 'eb6305c9-1f7f-49de-aed0-16487c27b42d',
      TxId: 'T',
      EndToEndId: 'E',
      InstrId: 'I',
    };
    expect(encode('PmtId', 'PaymentIdentification7', id)).toBe(
      [
        '<PmtId>',
        '  <InstrId>I</InstrId>',
        '  <EndToEndId>E</EndToEndId>',
        '  <TxId>T</TxId>',
        '  <UETR>eb6305c9-1f7f-49de-aed0-16487c27b42d</UETR>',
        '</PmtId>',
      ].join('\n'),
    );
  });
  it('escapes text and keeps a carriage return as a character reference', () => {
    expect(encode('Nm', 'Max140Text', 'A & B <C> "d" \r e')).toBe('<Nm>A &amp; B &lt;C&gt; "d" &#13; e</Nm>');
  });
  it('writes amounts with exactly the minor digits of their currency', () => {
    expect(encode('A', 'ActiveCurrencyAndAmount', amount('5', 'EUR'))).toBe('<A Ccy="EUR">5.00</A>');
    expect(encode('A', 'ActiveCurrencyAndAmount', amount('1500', 'JPY'))).toBe('<A Ccy="JPY">1500</A>');
    expect(encode('A', 'ActiveCurrencyAndAmount', amount('0.125', 'KWD'))).toBe('<A Ccy="KWD">0.125</A>');
  });
  it('refuses, as a bug, a value XML cannot carry or a model that breaks the schema', () => {
    expect(() => encode('Nm', 'Max140Text', 'nul \u0000 here')).toThrow(InvariantError);
    expect(() => encode('PmtId', 'PaymentIdentification7', { TxId: 'T' })).toThrow(
      /lacks the mandatory EndToEndId/,
    );
    expect(() => encode('Id', 'AccountIdentification4Choice', { IBAN: 'X', Othr: { Id: 'Y' } })).toThrow(
      /exactly one/,
    );
    expect(() => encode('PmtId', 'PaymentIdentification7', { EndToEndId: 'E', Bogus: 'x' })).toThrow(
      /not elements/,
    );
  });
  it('is deterministic: the same model gives the same bytes, with a default namespace', () => {
    const m = pacs008(2, { header: true });
    expect(writeMessage(m)).toBe(writeMessage(structuredClone(m)));
    expect(writeDocument('pacs.008.001.08', m.document)).toContain(`<Document xmlns="${NS}">`);
  });
});

describe('reader', () => {
  it('reads what the writer wrote, field for field', () => {
    const tx = creditTransfer(7);
    const { value, rejections } = decode(
      encode('CdtTrfTxInf', 'CreditTransferTransaction39', tx),
      'CreditTransferTransaction39',
    );
    expect(rejections).toEqual([]);
    expect(value).toEqual(tx);
  });
  it('rejects an unknown, a misplaced, a missing and a repeated element, with path and line', () => {
    const xml = [
      '<PmtId>',
      '<EndToEndId>E</EndToEndId>',
      '<InstrId>I</InstrId>',
      '<Foo>x</Foo>',
      '</PmtId>',
    ].join('\n');
    expect(
      decode(xml, 'PaymentIdentification7').rejections.map((r) => [r.rule, r.reason, r.path, r.line]),
    ).toEqual([
      ['xml.structure', 'FF01', '/X/InstrId', 3],
      ['xml.structure', 'FF01', '/X/Foo', 4],
    ]);
    expect(decode('<PmtId><TxId>T</TxId></PmtId>', 'PaymentIdentification7').rejections[0]?.message).toMatch(
      /mandatory element EndToEndId/,
    );
    expect(
      decode('<PmtId><EndToEndId>E</EndToEndId><EndToEndId>F</EndToEndId></PmtId>', 'PaymentIdentification7')
        .rejections[0]?.message,
    ).toMatch(/more than once/);
  });
  it('rejects a choice with two alternatives and text where elements belong', () => {
    expect(
      decode('<Id><IBAN>X</IBAN><Othr><Id>Y</Id></Othr></Id>', 'AccountIdentification4Choice').rejections[0]
        ?.message,
    ).toMatch(/exactly one choice/);
    expect(
      decode('<PmtId>text<EndToEndId>E</EndToEndId></PmtId>', 'PaymentIdentification7').rejections[0]
        ?.message,
    ).toMatch(/holds text/);
  });
  it('numbers repeated elements from 1 in paths', () => {
    const xml = `<RmtInf><Ustrd>a</Ustrd><Ustrd>b</Ustrd><Strd><RfrdDocAmt><DuePyblAmt Ccy="EUR">1.001</DuePyblAmt></RfrdDocAmt></Strd></RmtInf>`;
    expect(decode(xml, 'RemittanceInformation16').rejections.map((r) => r.path)).toEqual([
      '/X/Strd[1]/RfrdDocAmt/DuePyblAmt',
    ]);
  });
  it('keeps text as sent and collapses white space where XML Schema does (dates, booleans, amounts)', () => {
    const { value } = decode(
      '<SttlmTmIndctn><DbtDtTm> 2026-03-02T10:00:00Z </DbtDtTm></SttlmTmIndctn>',
      'SettlementDateTimeIndication1',
    );
    expect(value).toEqual({ DbtDtTm: '2026-03-02T10:00:00Z' });
    expect(decode('<Nm>  two  spaces </Nm>', 'Max140Text').value).toBe('  two  spaces ');
    expect(decode('<B>1</B>', 'TrueFalseIndicator').value).toBe(true);
    expect(decode('<B> false </B>', 'TrueFalseIndicator').value).toBe(false);
    expect(decode('<B>yes</B>', 'TrueFalseIndicator').rejections).toHaveLength(1);
    expect(['+1.5', '.5', '5.', '-.5'].map(normaliseDecimal)).toEqual(['1.5', '0.5', '5', '-0.5']);
  });
  it('keeps wildcard (xs:any) content as self-contained XML, prefixed attributes included', () => {
    const xml =
      '<SplmtryData xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><Envlp>' +
      '<x:Ext xmlns:x="urn:example:ext" xmlns:y="urn:example:y" y:kind="a&amp;b" plain="1"><x:V>10</x:V></x:Ext>' +
      '</Envlp></SplmtryData>';
    const { value, rejections } = decode(xml, 'SupplementaryData1');
    expect(rejections).toEqual([]);
    expect(value).toEqual({
      Envlp: {
        xml: '<Ext xmlns="urn:example:ext" plain="1" xmlns:y="urn:example:y" y:kind="a&amp;b"><V>10</V></Ext>',
      },
    });
    const back = decode(
      encode('SplmtryData', 'SupplementaryData1', value).replace(
        '<SplmtryData>',
        `<SplmtryData xmlns="${NS}">`,
      ),
      'SupplementaryData1',
    );
    expect(back.value).toEqual(value);
  });
  it('reads a whole Document and refuses one of another message', () => {
    const m = pacs008(2);
    const doc = parseTree(writeDocument('pacs.008.001.08', m.document));
    const r = readDocument('pacs.008.001.08', doc);
    expect(r.ok && r.value).toEqual(m.document);
    const wrong = readDocument('pacs.009.001.08', doc);
    expect(wrong.ok).toBe(false);
  });
});

describe('text for the gateway character set', () => {
  it('turns characters outside the set into "." and cuts to length', () => {
    expect(gatewayText('Zoë <ok> – “fine”', 140)).toBe('Zoë .ok. . .fine.');
    expect(textLines('x'.repeat(250), 105, 2).map((l) => l.length)).toEqual([105, 105]);
  });
});
