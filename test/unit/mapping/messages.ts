/**
 * Test messages as typed models: a valid pacs.008 (any number of transactions) inside the
 * gateway's usage guideline and every business rule, to mutate one field at a time.
 */
import { amount } from '../../../src/domain/index.js';
import type * as T from '../../../src/mapping/model/generated/types.js';
import type { AppHdr, BusinessMessage } from '../../../src/mapping/model/messages.js';
import { encodeElement } from '../../../src/mapping/write/encode.js';

export const GATEWAY = 'ISOCDEFFXXX';
export const BANK_A = 'BANKDEFFXXX';
export const BANK_B = 'BANKFRPPXXX';
export const IBANS = [
  'DE89370400440532013000',
  'FR1420041010050500013M02606',
  'NL91ABNA0417164300',
  'GB29NWBK60161331926819',
];

/** A deterministic, well-formed UUID v4 (lower case) for transaction `i`. */
export function uetr(i: number, salt = 0): string {
  const h = (n: number, w: number) => (n >>> 0).toString(16).padStart(w, '0').slice(-w);
  return `${h(i * 2654435761 + salt, 8)}-${h(i, 4)}-4${h(i + salt, 3)}-8${h(i * 7, 3)}-${h(i * 31 + 17, 8)}${h(salt, 4)}`;
}

export function creditTransfer(i: number, date = '2026-03-02'): T.CreditTransferTransaction39 {
  return {
    PmtId: { InstrId: `INSTR-${i}`, EndToEndId: `E2E-${i}`, TxId: `TX-${i}`, UETR: uetr(i) },
    IntrBkSttlmAmt: amount(`${100 + (i % 997)}.${String(i % 100).padStart(2, '0')}`, 'EUR'),
    IntrBkSttlmDt: date,
    ChrgBr: 'SLEV',
    InstgAgt: { FinInstnId: { BICFI: BANK_A } },
    InstdAgt: { FinInstnId: { BICFI: GATEWAY } },
    Dbtr: { Nm: 'Muller und Sohne GmbH', PstlAdr: { TwnNm: 'Dusseldorf', Ctry: 'DE' } },
    DbtrAcct: { Id: { IBAN: IBANS[i % 2]! } },
    DbtrAgt: { FinInstnId: { BICFI: BANK_A } },
    CdtrAgt: { FinInstnId: { BICFI: BANK_B } },
    Cdtr: { Nm: 'Dupont SARL', PstlAdr: { TwnNm: 'Paris', Ctry: 'FR' } },
    CdtrAcct: { Id: { IBAN: IBANS[1 + (i % 2)]! } },
    RmtInf: { Ustrd: [`Invoice ${i}`] },
  };
}

export function pacs008(
  n: number,
  opts: { readonly header?: boolean; readonly msgId?: string; readonly date?: string } = {},
): BusinessMessage<'pacs.008.001.08'> {
  const txs = Array.from({ length: n }, (_, i) => creditTransfer(i, opts.date));
  const total = txs.reduce((s, t) => s + t.IntrBkSttlmAmt.minor, 0n);
  const msgId = opts.msgId ?? 'MSG-0001';
  const document: T.FIToFICustomerCreditTransferV08 = {
    GrpHdr: {
      MsgId: msgId,
      CreDtTm: '2026-03-02T09:00:00+01:00',
      NbOfTxs: String(n),
      TtlIntrBkSttlmAmt: { currency: 'EUR', minor: total },
      SttlmInf: { SttlmMtd: 'CLRG' },
    },
    CdtTrfTxInf: txs,
  };
  const appHdr: AppHdr = {
    Fr: { FIId: { FinInstnId: { BICFI: BANK_A } } },
    To: { FIId: { FinInstnId: { BICFI: GATEWAY } } },
    BizMsgIdr: msgId,
    MsgDefIdr: 'pacs.008.001.08',
    CreDt: '2026-03-02T09:00:00+01:00',
  };
  return { messageType: 'pacs.008.001.08', ...(opts.header ? { appHdr } : {}), document };
}

/** A copy that can be mutated freely (Money objects are values; a JSON copy would lose bigint). */
export function clone<X>(x: X): X {
  return structuredClone(x);
}

/** Gate limits for tests: the configuration defaults, with room for the big-file tests. */
export const LIMITS = {
  messageBytesMax: 400_000_000,
  depthMax: 64,
  attributesPerElementMax: 16,
  textLengthMax: 100_000,
  elementCountMax: 100_000_000,
  nameLengthMax: 1_000,
};

/**
 * The XML text of a valid n-transaction pacs.008 (bare Document), written transaction by
 * transaction by the gateway's writer, so that 100,000 transactions never exist as models at
 * once.
 */
export function bulkPacs008Xml(n: number, date = '2026-03-02'): string {
  const head = pacs008(1, { date, msgId: `BULK-${n}` });
  let total = 0n;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const tx = creditTransfer(i, date);
    tx.PmtId.UETR = uetr(i, 0x5eed);
    total += tx.IntrBkSttlmAmt.minor;
    const lines: string[] = [];
    encodeElement(lines, 'CdtTrfTxInf', 'CreditTransferTransaction39', tx, 2);
    parts.push(lines.join('\n'));
  }
  head.document.GrpHdr.NbOfTxs = String(n);
  head.document.GrpHdr.TtlIntrBkSttlmAmt = { currency: 'EUR', minor: total };
  const grp: string[] = [];
  encodeElement(grp, 'GrpHdr', 'GroupHeader93', head.document.GrpHdr, 2);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">',
    '  <FIToFICstmrCdtTrf>',
    grp.join('\n'),
    ...parts,
    '  </FIToFICstmrCdtTrf>',
    '</Document>',
    '',
  ].join('\n');
}
