/**
 * Every reply the gateway builds goes back through the front door: written by the gateway's
 * writer, it is valid against the usage-guideline schema and the official ISO 20022 schema, and
 * it passes the business rules (`validate` accepts it). The official schemas come from
 * ISO20022_OFFICIAL_XSD_DIR or ../shared/iso20022/xsd; without them that half is skipped.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { amount, ManualClock, timeOrderedIds } from '../../src/domain/index.js';
import type { AnyMessage, BusinessMessage } from '../../src/mapping/model/messages.js';
import { validate, type Validation } from '../../src/mapping/validate.js';
import {
  buildStatement,
  buildAccountReport,
  buildNotification,
  type AccountReport,
} from '../../src/mapping/write/account-report.js';
import { originalGroupOf, type BuildContext } from '../../src/mapping/write/build.js';
import { buildForward } from '../../src/mapping/write/forward.js';
import { withAppHdr } from '../../src/mapping/write/header.js';
import { writeMessage } from '../../src/mapping/write/message.js';
import { buildResolution, buildResolutions } from '../../src/mapping/write/resolution.js';
import { buildReturn } from '../../src/mapping/write/return.js';
import { buildStatusReport, statusReportFromValidation } from '../../src/mapping/write/status-report.js';
import { createLibxml2Validator } from '../../src/mapping/xsd/index.io.js';
import { UG_DIR } from '../unit/mapping/arbitraries.js';
import { BANK_A, BANK_B, GATEWAY, IBANS, LIMITS, pacs008, uetr } from '../unit/mapping/messages.js';

const ROOT = resolve(new URL('../../', import.meta.url).pathname);
const OFFICIAL_DIR = [
  process.env.ISO20022_OFFICIAL_XSD_DIR,
  resolve(ROOT, '..', 'shared', 'iso20022', 'xsd'),
].find((d): d is string => d !== undefined && d !== '' && existsSync(d));
if (!OFFICIAL_DIR)
  console.log('SKIPPED official-schema checks: no ISO20022_OFFICIAL_XSD_DIR and no ../shared/iso20022/xsd');

const xsd = createLibxml2Validator({ schemaDir: UG_DIR });
const official = OFFICIAL_DIR ? createLibxml2Validator({ schemaDir: OFFICIAL_DIR }) : undefined;
afterAll(async () => {
  await xsd.close();
  await official?.close();
});

function ctx(): BuildContext {
  const clock = new ManualClock(Date.UTC(2026, 2, 2, 15, 30));
  const ids = timeOrderedIds(clock);
  return { now: clock.now(), newId: () => ids.next().replace(/-/g, '') };
}

async function through(msg: AnyMessage): Promise<Validation> {
  const xml = writeMessage(msg);
  const v = await validate(new TextEncoder().encode(xml), {
    xsd,
    ...(official ? { officialXsd: official } : {}),
    limits: LIMITS,
  });
  expect(v.errors).toEqual([]);
  expect(v.accepted).toBe(true);
  expect(v.messageType).toBe(msg.messageType);
  return v;
}

describe('reply builders produce messages the front door accepts', () => {
  const original = pacs008(3, { header: true });
  const c = ctx();

  it('pacs.002 with group and per-transaction status, reasons and the original references', async () => {
    const report = buildStatusReport(
      {
        original: { ...originalGroupOf(original), nbOfTxs: '3' },
        groupStatus: 'PART',
        transactions: [
          {
            refs: { instrId: 'INSTR-0', endToEndId: 'E2E-0', txId: 'TX-0', uetr: uetr(0) },
            status: 'ACSC',
            settlementDate: '2026-03-02',
            acceptedAt: c.now,
          },
          {
            refs: { endToEndId: 'E2E-1', uetr: uetr(1) },
            status: 'RJCT',
            reason: { code: 'AC03', additionalInfo: 'creditor IBAN <failed> MOD-97 … twice' },
          },
          { refs: { endToEndId: 'E2E-2' }, status: 'ACCP' },
        ],
        instructingAgent: GATEWAY,
        instructedAgent: BANK_A,
      },
      c,
    );
    const v = await through(withAppHdr(report, { from: GATEWAY, to: BANK_A }, c));
    const doc = (v.message as BusinessMessage<'pacs.002.001.10'>).document;
    expect(doc.OrgnlGrpInfAndSts?.[0]).toMatchObject({
      OrgnlMsgId: 'MSG-0001',
      OrgnlMsgNmId: 'pacs.008.001.08',
      GrpSts: 'PART',
    });
    expect(doc.TxInfAndSts?.[1]).toMatchObject({
      OrgnlEndToEndId: 'E2E-1',
      OrgnlUETR: uetr(1),
      TxSts: 'RJCT',
    });
    expect(doc.TxInfAndSts?.[1]?.StsRsnInf?.[0]?.Rsn).toEqual({ Cd: 'AC03' });
    expect(doc.TxInfAndSts?.[1]?.StsRsnInf?.[0]?.AddtlInf?.[0]).toBe('creditor IBAN .failed. MOD-97 . twice');
  });

  it('pacs.002 from a validation: RJCT for the rejected transaction, ACCP for the others, GrpSts PART', async () => {
    const bad = pacs008(3);
    bad.document.CdtTrfTxInf[1]!.CdtrAcct = { Id: { IBAN: 'DE89370400440532013001' } };
    const v = await validate(new TextEncoder().encode(writeMessage(bad)), { xsd, limits: LIMITS });
    expect(v.rejectedTransactions).toEqual([1]);
    const report = statusReportFromValidation(
      v,
      originalGroupOf(bad),
      { gateway: GATEWAY, sender: BANK_A },
      c,
    );
    const back = await through(report);
    const doc = (back.message as BusinessMessage<'pacs.002.001.10'>).document;
    expect(doc.OrgnlGrpInfAndSts?.[0]?.GrpSts).toBe('PART');
    expect(doc.TxInfAndSts?.map((t) => [t.OrgnlEndToEndId, t.TxSts, t.StsRsnInf?.[0]?.Rsn])).toEqual([
      ['E2E-0', 'ACCP', undefined],
      ['E2E-1', 'RJCT', { Cd: 'AC03' }],
      ['E2E-2', 'ACCP', undefined],
    ]);
  });

  it('pacs.004 from a settled pacs.008 transaction; never more than the original', async () => {
    const tx = original.document.CdtTrfTxInf[0]!;
    const r = buildReturn(
      {
        items: [
          {
            original: { group: originalGroupOf(original), tx },
            reason: 'AC04',
            additionalInfo: 'account closed',
          },
        ],
        settlementDate: '2026-03-03',
        instructingAgent: GATEWAY,
        instructedAgent: BANK_A,
      },
      c,
    );
    if (!r.ok) throw new Error(r.error);
    const v = await through(r.value);
    const t = (v.message as BusinessMessage<'pacs.004.001.09'>).document.TxInf![0]!;
    expect(t).toMatchObject({
      OrgnlEndToEndId: 'E2E-0',
      OrgnlTxId: 'TX-0',
      OrgnlUETR: uetr(0),
      RtrdIntrBkSttlmAmt: tx.IntrBkSttlmAmt,
    });
    expect(t.RtrRsnInf?.[0]?.Rsn).toEqual({ Cd: 'AC04' });
    const partial = buildReturn(
      {
        items: [
          {
            original: { group: originalGroupOf(original), tx },
            amount: amount('1.00', 'EUR'),
            reason: 'FOCR',
          },
        ],
        settlementDate: '2026-03-03',
        instructingAgent: GATEWAY,
        instructedAgent: BANK_A,
      },
      c,
    );
    expect(partial.ok).toBe(true);
    const tooMuch = buildReturn(
      {
        items: [
          {
            original: { group: originalGroupOf(original), tx },
            amount: { currency: 'EUR', minor: tx.IntrBkSttlmAmt.minor + 1n },
            reason: 'FOCR',
          },
        ],
        settlementDate: '2026-03-03',
        instructingAgent: GATEWAY,
        instructedAgent: BANK_A,
      },
      c,
    );
    expect(tooMuch).toEqual({ ok: false, error: 'item 1: returned amount exceeds the original amount' });
    const otherCcy = buildReturn(
      {
        items: [
          {
            original: { group: originalGroupOf(original), tx },
            amount: amount('1.00', 'USD'),
            reason: 'FOCR',
          },
        ],
        settlementDate: '2026-03-03',
        instructingAgent: GATEWAY,
        instructedAgent: BANK_A,
      },
      c,
    );
    expect(otherCcy.ok).toBe(false);
  });

  it('camt.029 answers a camt.056: CNCL with ACCR, RJCR with a reason, one message per outcome', async () => {
    const request: BusinessMessage<'camt.056.001.08'> = {
      messageType: 'camt.056.001.08',
      document: {
        Assgnmt: {
          Id: 'CXL-1',
          Assgnr: { Agt: { FinInstnId: { BICFI: BANK_A } } },
          Assgne: { Agt: { FinInstnId: { BICFI: GATEWAY } } },
          CreDtTm: '2026-03-02T10:00:00Z',
        },
        CtrlData: { NbOfTxs: '2' },
        Undrlyg: [
          {
            TxInf: [0, 1].map((i) => ({
              CxlId: `CXL-1-${i}`,
              OrgnlGrpInf: { OrgnlMsgId: 'MSG-0001', OrgnlMsgNmId: 'pacs.008.001.08' },
              OrgnlEndToEndId: `E2E-${i}`,
              OrgnlTxId: `TX-${i}`,
              OrgnlUETR: uetr(i),
              OrgnlIntrBkSttlmAmt: original.document.CdtTrfTxInf[i]!.IntrBkSttlmAmt,
              CxlRsnInf: [{ Rsn: { Cd: 'DUPL' } }],
            })),
          },
        ],
      },
    };
    await through(request);
    const accepted = buildResolution(
      { request, decisions: [{ accepted: true }, { accepted: true }], gateway: GATEWAY },
      c,
    );
    const v = await through(accepted);
    const doc = (v.message as BusinessMessage<'camt.029.001.09'>).document;
    expect(doc.Sts).toEqual({ Conf: 'CNCL' });
    expect(doc.CxlDtls?.[0]?.TxInfAndSts?.map((t) => [t.OrgnlEndToEndId, t.TxCxlSts])).toEqual([
      ['E2E-0', 'ACCR'],
      ['E2E-1', 'ACCR'],
    ]);
    const both = buildResolutions(
      {
        request,
        decisions: [
          { accepted: true },
          { accepted: false, reason: 'ARDT', additionalInfo: 'already returned' },
        ],
        gateway: GATEWAY,
      },
      c,
    );
    expect(both.map((m) => m.document.Sts)).toEqual([{ Conf: 'CNCL' }, { Conf: 'RJCR' }]);
    for (const m of both) await through(m);
    expect(both[1]!.document.CxlDtls?.[0]?.TxInfAndSts?.[0]).toMatchObject({
      OrgnlEndToEndId: 'E2E-1',
      TxCxlSts: 'RJCR',
      CxlStsRsnInf: [{ Rsn: { Cd: 'ARDT' }, AddtlInf: ['already returned'] }],
    });
    expect(() =>
      buildResolution(
        { request, decisions: [{ accepted: true }, { accepted: false, reason: 'ARDT' }], gateway: GATEWAY },
        c,
      ),
    ).toThrow(/one camt.029/);
  });

  it('forwarded pacs.008: the gateway instructs, the creditor agent is instructed, references kept', async () => {
    const fwd = buildForward(
      {
        items: original.document.CdtTrfTxInf.map((tx) => ({ tx, group: original.document.GrpHdr })),
        gateway: GATEWAY,
      },
      c,
    );
    const v = await through(withAppHdr(fwd, { from: GATEWAY, to: BANK_B }, c));
    const txs = (v.message as BusinessMessage<'pacs.008.001.08'>).document.CdtTrfTxInf;
    expect(txs.map((t) => [t.InstgAgt?.FinInstnId.BICFI, t.InstdAgt?.FinInstnId.BICFI])).toEqual([
      [GATEWAY, BANK_B],
      [GATEWAY, BANK_B],
      [GATEWAY, BANK_B],
    ]);
    expect(txs.map((t) => t.PmtId)).toEqual(original.document.CdtTrfTxInf.map((t) => t.PmtId));
    expect(txs.map((t) => t.IntrBkSttlmAmt)).toEqual(
      original.document.CdtTrfTxInf.map((t) => t.IntrBkSttlmAmt),
    );
  });

  const report: AccountReport = {
    id: 'STMT-2026-03-02-BANKDEFF',
    account: { id: IBANS[0]!, currency: 'EUR', name: 'Bank A settlement account', servicer: GATEWAY },
    electronicSequenceNumber: 42n,
    period: { from: '2026-03-02T00:00:00Z', to: '2026-03-02T23:59:59Z' },
    openingBalance: { amount: amount('-100.00', 'EUR'), date: '2026-03-02' },
    closingBalance: { amount: amount('150.50', 'EUR'), date: '2026-03-02' },
    entries: [
      {
        amount: amount('300.50', 'EUR'),
        direction: 'CRDT',
        bookingDate: '2026-03-02',
        valueDate: '2026-03-02',
        accountServicerRef: 'LEDGER-1',
        refs: { endToEndId: 'E2E-0', txId: 'TX-0', uetr: uetr(0) },
        counterparty: { name: 'Dupont SARL', bic: BANK_B, account: IBANS[1]! },
      },
      {
        amount: amount('50.00', 'EUR'),
        direction: 'DBIT',
        bookingDate: '2026-03-02',
        valueDate: '2026-03-02',
        accountServicerRef: 'LEDGER-2',
        refs: { endToEndId: 'SETTLE-C1-1' },
        counterparty: { bic: BANK_B },
      },
    ],
  };

  it('camt.053 statement from account movements: OPBD + entries = CLBD', async () => {
    const v = await through(withAppHdr(buildStatement(report, c), { from: GATEWAY, to: BANK_A }, c));
    const stmt = (v.message as BusinessMessage<'camt.053.001.08'>).document.Stmt[0]!;
    expect(stmt.Bal.map((b) => [b.Tp.CdOrPrtry, b.CdtDbtInd, b.Amt])).toEqual([
      [{ Cd: 'OPBD' }, 'DBIT', amount('100.00', 'EUR')],
      [{ Cd: 'CLBD' }, 'CRDT', amount('150.50', 'EUR')],
    ]);
    expect(
      stmt.Ntry?.map((n) => [n.CdtDbtInd, n.AcctSvcrRef, n.NtryDtls?.[0]?.TxDtls?.[0]?.Refs?.EndToEndId]),
    ).toEqual([
      ['CRDT', 'LEDGER-1', 'E2E-0'],
      ['DBIT', 'LEDGER-2', 'SETTLE-C1-1'],
    ]);
    expect(stmt.TxsSummry).toEqual({
      TtlCdtNtries: { NbOfNtries: '1', Sum: '300.50' },
      TtlDbtNtries: { NbOfNtries: '1', Sum: '50.00' },
    });
    expect(() =>
      buildStatement(
        { ...report, closingBalance: { amount: amount('150.51', 'EUR'), date: '2026-03-02' } },
        c,
      ),
    ).toThrow(/closing balance/);
  });

  it('camt.052 intraday report and camt.054 notification from the same movements', async () => {
    await through(buildAccountReport(report, c));
    const n = await through(
      buildNotification({ ...report, openingBalance: undefined, closingBalance: undefined }, c),
    );
    expect((n.message as BusinessMessage<'camt.054.001.08'>).document.Ntfctn[0]!.Ntry).toHaveLength(2);
  });
});
