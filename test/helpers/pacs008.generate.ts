/**
 * Test-data generator: a schema-valid pacs.008.001.08 (official XSD) with N CdtTrfTxInf, built
 * deterministically from a seed (no clock, no Math.random). Optional faults are injected at
 * chosen transactions and their 1-based source lines are returned, so tests can check that a
 * validator reports the right line even beyond line 65,535.
 */

export type Pacs008Fault = 'amount-too-precise' | 'bad-bic' | 'bad-charge-bearer';

export interface GeneratedPacs008 {
  readonly xml: string;
  /** Line of each injected fault, in the order of `faults`. */
  readonly faultLines: readonly number[];
  readonly lineCount: number;
}

export interface Pacs008Options {
  readonly transactions: number;
  readonly seed?: number;
  /** Transaction index (0-based) → fault to inject there. */
  readonly faults?: ReadonlyArray<readonly [number, Pacs008Fault]>;
  /** Wrap in `<Envelope>` with a head.001.001.02 AppHdr. */
  readonly envelope?: boolean;
}

const NS = 'urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08';
const BICS = ['DEUTDEFFXXX', 'BNPAFRPPXXX', 'COBADEFFXXX', 'INGBNL2AXXX', 'ABNANL2A', 'RABONL2U'];
const IBANS = [
  'DE89370400440532013000',
  'FR1420041010050500013M02606',
  'NL91ABNA0417164300',
  'GB29NWBK60161331926819',
];

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

function uuid4(next: () => number): string {
  const h = Array.from({ length: 4 }, () => next().toString(16).padStart(8, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[next() % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The document in blocks of whole lines (joined by "\n", no trailing newline); `onFault(index,
 * line)` reports each injected fault's 1-based line.
 */
export function* pacs008Blocks(
  opts: Pacs008Options,
  onFault?: (transaction: number, line: number) => void,
): Generator<string> {
  const next = lcg(opts.seed ?? 42);
  const faultAt = new Map(opts.faults ?? []);
  let lineNo = 0;
  let block: string[] = [];
  function* emit(...ls: string[]): Generator<string> {
    lineNo += ls.length;
    block.push(...ls);
    if (block.length >= 256) {
      yield block.join('\n');
      block = [];
    }
  }
  yield* emit('<?xml version="1.0" encoding="UTF-8"?>');
  const ind = opts.envelope ? '  ' : '';
  if (opts.envelope) {
    yield* emit(
      '<Envelope xmlns="urn:example:envelope">',
      '  <h:AppHdr xmlns:h="urn:iso:std:iso:20022:tech:xsd:head.001.001.02">',
      '    <h:Fr><h:FIId><h:FinInstnId><h:BICFI>DEUTDEFFXXX</h:BICFI></h:FinInstnId></h:FIId></h:Fr>',
      '    <h:To><h:FIId><h:FinInstnId><h:BICFI>BNPAFRPPXXX</h:BICFI></h:FinInstnId></h:FIId></h:To>',
      '    <h:BizMsgIdr>MSG-GEN-0001</h:BizMsgIdr>',
      '    <h:MsgDefIdr>pacs.008.001.08</h:MsgDefIdr>',
      '    <h:CreDt>2026-03-02T09:00:00+01:00</h:CreDt>',
      '  </h:AppHdr>',
    );
  }
  yield* emit(
    `${ind}<Document xmlns="${NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
    `${ind}  <FIToFICstmrCdtTrf>`,
    `${ind}    <GrpHdr>`,
    `${ind}      <MsgId>MSG-GEN-0001</MsgId>`,
    `${ind}      <CreDtTm>2026-03-02T09:00:00+01:00</CreDtTm>`,
    `${ind}      <NbOfTxs>${opts.transactions}</NbOfTxs>`,
    `${ind}      <SttlmInf>`,
    `${ind}        <SttlmMtd>CLRG</SttlmMtd>`,
    `${ind}      </SttlmInf>`,
    `${ind}    </GrpHdr>`,
  );
  const t = `${ind}      `;
  for (let i = 0; i < opts.transactions; i++) {
    const fault = faultAt.get(i);
    const cents = next() % 10_000_000;
    let amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    if (fault === 'amount-too-precise') amount = `${amount}1234`;
    const dbtrBic = BICS[next() % BICS.length]!;
    const cdtrBic = fault === 'bad-bic' ? 'NOT-A-BIC' : BICS[next() % BICS.length]!;
    yield* emit(
      `${ind}    <CdtTrfTxInf>`,
      `${t}<PmtId>`,
      `${t}  <InstrId>INSTR-${i}</InstrId>`,
      `${t}  <EndToEndId>E2E-${String(i).padStart(8, '0')}</EndToEndId>`,
      `${t}  <TxId>TX-${i}</TxId>`,
      `${t}  <UETR>${uuid4(next)}</UETR>`,
      `${t}</PmtId>`,
    );
    if (fault === 'amount-too-precise') onFault?.(i, lineNo + 1);
    yield* emit(
      `${t}<IntrBkSttlmAmt Ccy="EUR">${amount}</IntrBkSttlmAmt>`,
      `${t}<IntrBkSttlmDt>2026-03-02</IntrBkSttlmDt>`,
    );
    if (fault === 'bad-charge-bearer') onFault?.(i, lineNo + 1);
    yield* emit(
      `${t}<ChrgBr>${fault === 'bad-charge-bearer' ? 'XXXX' : 'SLEV'}</ChrgBr>`,
      `${t}<Dbtr>`,
      `${t}  <Nm>Müller &amp; Söhne GmbH – Zahlungsverkehr</Nm>`,
      `${t}  <PstlAdr>`,
      `${t}    <StrtNm>Königsallee</StrtNm>`,
      `${t}    <BldgNb>${next() % 200}</BldgNb>`,
      `${t}    <PstCd>40212</PstCd>`,
      `${t}    <TwnNm>Düsseldorf</TwnNm>`,
      `${t}    <Ctry>DE</Ctry>`,
      `${t}  </PstlAdr>`,
      `${t}</Dbtr>`,
      `${t}<DbtrAcct><Id><IBAN>${IBANS[next() % IBANS.length]}</IBAN></Id></DbtrAcct>`,
      `${t}<DbtrAgt>`,
      `${t}  <FinInstnId>`,
      `${t}    <BICFI>${dbtrBic}</BICFI>`,
      `${t}    <ClrSysMmbId><MmbId>021000021</MmbId></ClrSysMmbId>`,
      `${t}  </FinInstnId>`,
      `${t}</DbtrAgt>`,
    );
    if (fault === 'bad-bic') onFault?.(i, lineNo + 3);
    yield* emit(
      `${t}<CdtrAgt>`,
      `${t}  <FinInstnId>`,
      `${t}    <BICFI>${cdtrBic}</BICFI>`,
      `${t}  </FinInstnId>`,
      `${t}</CdtrAgt>`,
      `${t}<Cdtr>`,
      `${t}  <Nm>Dupont &lt;SARL&gt;</Nm>`,
      `${t}  <PstlAdr><TwnNm>Paris</TwnNm><Ctry>FR</Ctry></PstlAdr>`,
      `${t}</Cdtr>`,
      `${t}<CdtrAcct><Id><Othr><Id>000${next() % 100000}</Id></Othr></Id></CdtrAcct>`,
      `${t}<RmtInf>`,
      `${t}  <Ustrd>Invoice ${i} &amp; fees – March</Ustrd>`,
      `${t}</RmtInf>`,
      `${ind}    </CdtTrfTxInf>`,
    );
  }
  yield* emit(`${ind}  </FIToFICstmrCdtTrf>`, `${ind}</Document>`);
  if (opts.envelope) yield* emit('</Envelope>');
  if (block.length > 0) yield block.join('\n');
}

export function generatePacs008(opts: Pacs008Options): GeneratedPacs008 {
  const found = new Map<number, number>();
  const blocks = [...pacs008Blocks(opts, (i, line) => found.set(i, line))];
  const xml = `${blocks.join('\n')}\n`;
  return {
    xml,
    faultLines: (opts.faults ?? []).map(([i]) => found.get(i) ?? -1),
    lineCount: xml.split('\n').length - 1,
  };
}

/** The same document as a sequence of chunks, never held whole in memory. */
export function* pacs008Chunks(opts: Pacs008Options): Generator<string> {
  for (const block of pacs008Blocks(opts)) yield `${block}\n`;
}
