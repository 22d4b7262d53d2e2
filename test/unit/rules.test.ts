/**
 * One test per business rule of src/mapping/rules: the rule fires, with its ISO reason code, on
 * a message that breaks it — and a message that satisfies it passes. Rules detected while
 * reading (amounts) are tested through the reader; the rest over typed models.
 */
import { describe, expect, it } from 'vitest';
import { amount, isReasonCode, REASON_CODES } from '../../src/domain/index.js';
import type * as T from '../../src/mapping/model/generated/types.js';
import type { AnyMessage, BusinessMessage } from '../../src/mapping/model/messages.js';
import { readMessage } from '../../src/mapping/read/message.js';
import { RULES, type RuleId } from '../../src/mapping/rules/catalogue.js';
import { checkMessage } from '../../src/mapping/rules/check.js';
import type { Finding } from '../../src/mapping/rules/findings.js';
import { GATEWAY_PROFILE, type Profile, type RuleContext } from '../../src/mapping/rules/profile.js';
import { writeMessage } from '../../src/mapping/write/message.js';
import { readEnvelope } from '../../src/mapping/xml/index.js';
import { BANK_A, BANK_B, clone, GATEWAY, pacs008 } from './mapping/messages.js';

const ctx: RuleContext = { profile: GATEWAY_PROFILE };
const check = (m: AnyMessage, c: RuleContext = ctx): Finding[] => checkMessage(m, c);
const rules = (fs: readonly Finding[]): string[] => fs.map((f) => f.rule);

type P008 = BusinessMessage<'pacs.008.001.08'>;
function mutate(n: number, f: (m: P008) => void, opts: { header?: boolean } = {}): P008 {
  const m = clone(pacs008(n, opts));
  f(m);
  return m;
}
const tx = (m: P008, i: number): T.CreditTransferTransaction39 => m.document.CdtTrfTxInf[i]!;

/** Expects exactly the rule, with its catalogued reason, on the given transaction (null: message). */
function expectRule(fs: readonly Finding[], rule: RuleId, txIndex: number | null, path?: string): void {
  const hit = fs.filter((f) => f.rule === rule);
  expect(hit.length, `${rule} in ${JSON.stringify(rules(fs))}`).toBeGreaterThan(0);
  for (const f of hit) {
    expect(f.reason).toBe(RULES[rule].reason);
    expect(f.txIndex).toBe(txIndex);
    if (path) expect(f.path).toBe(path);
  }
}

const TX = (i: number) => `/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[${i + 1}]`;

describe('the catalogue', () => {
  it('gives every rule a layer, a scope and an ISO ExternalStatusReason1Code from the table', () => {
    for (const [id, r] of Object.entries(RULES)) {
      expect(isReasonCode(r.reason), id).toBe(true);
      expect(['envelope', 'schema', 'iso', 'profile']).toContain(r.layer);
      expect(['message', 'transaction']).toContain(r.scope);
      expect(REASON_CODES[r.reason][0].length).toBeGreaterThan(0);
    }
  });
  it('passes a valid message (the baseline every test below breaks once)', () => {
    expect(check(pacs008(3, { header: true }))).toEqual([]);
  });
});

describe('amounts (read once, by the reader)', () => {
  function readWith(text: string, ccy = 'EUR') {
    const xml = writeMessage(pacs008(2)).replace(
      /<IntrBkSttlmAmt Ccy="EUR">[^<]*</,
      `<IntrBkSttlmAmt Ccy="${ccy}">${text}<`,
    );
    const env = readEnvelope(xml, { depthMax: 64 });
    if (!env.ok) throw new Error(env.error.message);
    return readMessage({ messageType: 'pacs.008.001.08', document: env.value.document });
  }
  it('amount.precision: more decimals than the currency allows is CH20, never a rounding', () => {
    const r = readWith('10.123');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((e) => [e.rule, e.reason, e.path])).toEqual([
      ['amount.precision', 'CH20', `${TX(0)}/IntrBkSttlmAmt`],
    ]);
    expect(readWith('10.120').ok).toBe(false); // trailing zeros count too (money.ts)
    expect(readWith('100', 'JPY').ok).toBe(true);
    expect(readWith('100.5', 'JPY').ok).toBe(false);
    expect(readWith('1.234', 'KWD').ok).toBe(true);
    expect(readWith('10.12').ok).toBe(true);
  });
  it('amount.currency: not an active ISO 4217 currency with minor units is AM03', () => {
    const r = readWith('10.00', 'XAU');
    expect(r.ok ? [] : r.error.map((e) => [e.rule, e.reason])).toEqual([['amount.currency', 'AM03']]);
    expect(readWith('10.00', 'CHF').ok).toBe(true);
  });
  it('amount.digits: more than 18 digits is AM12', () => {
    const r = readWith('12345678901234567.89');
    expect(r.ok ? [] : r.error.map((e) => [e.rule, e.reason])).toEqual([['amount.digits', 'AM12']]);
    expect(readWith('1234567890123456.78').ok).toBe(true);
  });
  it('reads XML Schema decimal forms (.5, 5., +5) to the same Money', () => {
    for (const [text, minor] of [
      ['.5', 50n],
      ['5.', 500n],
      ['+5', 500n],
      [' 5.00 ', 500n],
    ] as const) {
      const r = readWith(text);
      expect(r.ok && (r.value as P008).document.CdtTrfTxInf[0]!.IntrBkSttlmAmt.minor).toBe(minor);
    }
  });
  it('amount.zero: a zero settlement amount is AM01 for that transaction only', () => {
    const m = mutate(3, (m) => (tx(m, 1).IntrBkSttlmAmt = amount('0.00', 'EUR')));
    m.document.GrpHdr.TtlIntrBkSttlmAmt = {
      currency: 'EUR',
      minor: m.document.CdtTrfTxInf.reduce((s, t) => s + t.IntrBkSttlmAmt.minor, 0n),
    };
    expectRule(check(m), 'amount.zero', 1, `${TX(1)}/IntrBkSttlmAmt`);
    expect(rules(check(m))).toEqual(['amount.zero']);
  });
});

describe('group rules (reject the whole message)', () => {
  it('group.number-of-transactions: NbOfTxs must count the transactions (AM18)', () => {
    expectRule(
      check(mutate(3, (m) => (m.document.GrpHdr.NbOfTxs = '4'))),
      'group.number-of-transactions',
      null,
      '/Document/FIToFICstmrCdtTrf/GrpHdr/NbOfTxs',
    );
    expect(check(mutate(3, (m) => (m.document.GrpHdr.NbOfTxs = '003')))).toEqual([]);
  });
  it('group.control-sum: CtrlSum is the plain sum of the amounts (AM10)', () => {
    const m = pacs008(2);
    const sum = m.document.CdtTrfTxInf.reduce((s, t) => s + t.IntrBkSttlmAmt.minor, 0n);
    const ok = mutate(
      2,
      (x) => (x.document.GrpHdr.CtrlSum = `${sum / 100n}.${String(sum % 100n).padStart(2, '0')}`),
    );
    expect(check(ok)).toEqual([]);
    const okLong = mutate(
      2,
      (x) => (x.document.GrpHdr.CtrlSum = `${sum / 100n}.${String(sum % 100n).padStart(2, '0')}000`),
    );
    expect(check(okLong)).toEqual([]);
    expectRule(check(mutate(2, (x) => (x.document.GrpHdr.CtrlSum = '1.00'))), 'group.control-sum', null);
  });
  it('group.total-amount: TtlIntrBkSttlmAmt is the sum, in the transactions currency (AM10)', () => {
    expectRule(
      check(mutate(2, (m) => (m.document.GrpHdr.TtlIntrBkSttlmAmt = amount('1.00', 'EUR')))),
      'group.total-amount',
      null,
    );
    const wrongCcy = mutate(2, (m) => {
      const t = m.document.GrpHdr.TtlIntrBkSttlmAmt!;
      m.document.GrpHdr.TtlIntrBkSttlmAmt = { currency: 'CHF', minor: t.minor };
    });
    expectRule(check(wrongCcy), 'group.total-amount', null);
    expect(check(mutate(2, (m) => delete m.document.GrpHdr.TtlIntrBkSttlmAmt))).toEqual([]);
  });
  it('profile.one-currency: one message settles in one currency (CURR)', () => {
    const m = mutate(2, (m) => {
      tx(m, 1).IntrBkSttlmAmt = amount('5.00', 'USD');
      delete m.document.GrpHdr.TtlIntrBkSttlmAmt;
    });
    expectRule(check(m), 'profile.one-currency', null);
    expect(check(m, { profile: { ...GATEWAY_PROFILE, oneCurrencyPerMessage: false } })).toEqual([]);
  });
  it('profile.one-settlement-date: one message, one interbank settlement date (DT01)', () => {
    const m = mutate(2, (m) => (tx(m, 1).IntrBkSttlmDt = '2026-03-03'));
    expectRule(check(m), 'profile.one-settlement-date', null);
    expect(check(m, { profile: { ...GATEWAY_PROFILE, oneSettlementDatePerMessage: false } })).toEqual([]);
  });
});

describe('transaction rules (reject that transaction only)', () => {
  it('account.iban.debtor / .creditor / account.iban: ISO 13616 MOD-97 (AC02, AC03, AC01)', () => {
    const m = mutate(3, (m) => {
      tx(m, 0).DbtrAcct = { Id: { IBAN: 'DE89370400440532013001' } }; // one digit changed
      tx(m, 2).CdtrAcct = { Id: { IBAN: 'FR1420041010050500013M02607' } };
      tx(m, 1).IntrmyAgt1Acct = { Id: { IBAN: 'NL91ABNA0417164301' } };
    });
    const fs = check(m);
    expectRule(fs, 'account.iban.debtor', 0, `${TX(0)}/DbtrAcct/Id/IBAN`);
    expectRule(fs, 'account.iban.creditor', 2, `${TX(2)}/CdtrAcct/Id/IBAN`);
    expectRule(fs, 'account.iban', 1, `${TX(1)}/IntrmyAgt1Acct/Id/IBAN`);
    expect(new Set(fs.map((f) => f.txIndex))).toEqual(new Set([0, 1, 2]));
  });
  it('agent.bic: ISO 9362 with an ISO 3166 country (RC01)', () => {
    const m = mutate(2, (m) => (tx(m, 1).CdtrAgt = { FinInstnId: { BICFI: 'BANKQQPPXXX' } }));
    expectRule(check(m), 'agent.bic', 1, `${TX(1)}/CdtrAgt/FinInstnId/BICFI`);
    expect(check(mutate(2, (m) => (tx(m, 1).CdtrAgt = { FinInstnId: { BICFI: '1BNKDEFF' } })))).toEqual([]);
  });
  it('uetr.format: a lower-case UUID v4 (CH16)', () => {
    const m = mutate(2, (m) => (tx(m, 0).PmtId.UETR = 'a1b2c3d4-e5f6-1890-abcd-ef1234567890'));
    expectRule(check(m), 'uetr.format', 0, `${TX(0)}/PmtId/UETR`);
    expectRule(
      check(mutate(2, (m) => (tx(m, 0).PmtId.UETR = 'A1B2C3D4-E5F6-4890-ABCD-EF1234567890'))),
      'uetr.format',
      0,
    );
  });
  it('settlement-date.missing: a settlement date in the transaction or the group header (DT01)', () => {
    const m = mutate(2, (m) => delete tx(m, 1).IntrBkSttlmDt);
    expectRule(check(m), 'settlement-date.missing', 1);
    const grp = mutate(2, (m) => {
      delete tx(m, 0).IntrBkSttlmDt;
      delete tx(m, 1).IntrBkSttlmDt;
      m.document.GrpHdr.IntrBkSttlmDt = '2026-03-02';
    });
    expect(check(grp)).toEqual([]);
  });
  it('profile.settlement-date-window: within the window around the business date (DT01)', () => {
    const m = pacs008(1, { date: '2026-03-02' });
    const at = (businessDate: string, p: Partial<Profile> = {}) =>
      check(m, { profile: { ...GATEWAY_PROFILE, ...p }, businessDate });
    expect(at('2026-03-02')).toEqual([]);
    expectRule(at('2026-03-03'), 'profile.settlement-date-window', 0, `${TX(0)}/IntrBkSttlmDt`); // in the past
    expect(at('2026-03-03', { settlementDaysBeforeMax: 1 })).toEqual([]);
    expect(at('2026-01-31')).toEqual([]); // 30 days ahead: the last day of the window
    expectRule(at('2026-01-30'), 'profile.settlement-date-window', 0); // 31 days ahead
  });
  it('profile.transaction-key: a UETR or a TxId (CH21)', () => {
    const m = mutate(2, (m) => {
      delete tx(m, 1).PmtId.UETR;
      delete tx(m, 1).PmtId.TxId;
    });
    expectRule(check(m), 'profile.transaction-key', 1, `${TX(1)}/PmtId`);
    expect(check(mutate(2, (m) => delete tx(m, 1).PmtId.UETR))).toEqual([]);
    expect(check(mutate(2, (m) => delete tx(m, 1).PmtId.TxId))).toEqual([]);
  });
  it('profile.charset: free text in the gateway character set (RR10)', () => {
    const m = mutate(2, (m) => (tx(m, 0).Cdtr.Nm = 'Dupont <SARL>'));
    expectRule(check(m), 'profile.charset', 0, `${TX(0)}/Cdtr/Nm`);
    expect(check(mutate(2, (m) => (tx(m, 0).Cdtr.Nm = 'Müller & Söhne (Zürich) S.A.')))).toEqual([]);
    expect(check(m, { profile: { ...GATEWAY_PROFILE, text: null } })).toEqual([]);
  });
});

describe('header ↔ document (reject the whole message)', () => {
  it('header.from: AppHdr Fr is the instructing agent (AGNT)', () => {
    const m = mutate(2, (m) => (m.appHdr!.Fr = { FIId: { FinInstnId: { BICFI: BANK_B } } }), {
      header: true,
    });
    expectRule(check(m), 'header.from', null, '/AppHdr/Fr');
    const copy = mutate(
      2,
      (m) => {
        m.appHdr!.Fr = { FIId: { FinInstnId: { BICFI: BANK_B } } };
        (m.appHdr as { CpyDplct?: string }).CpyDplct = 'COPY';
      },
      { header: true },
    );
    expect(check(copy)).toEqual([]);
  });
  it('header.to: AppHdr To is the instructed agent (AGNT)', () => {
    const m = mutate(2, (m) => (m.appHdr!.To = { FIId: { FinInstnId: { BICFI: BANK_A } } }), {
      header: true,
    });
    expectRule(check(m), 'header.to', null, '/AppHdr/To');
    expect(check(m, { profile: { ...GATEWAY_PROFILE, headerAgentsMatch: false } })).toEqual([]);
  });
  it('header.business-message-id: BizMsgIdr is MsgId where the profile requires it (CH16)', () => {
    const m = mutate(1, (m) => (m.appHdr!.BizMsgIdr = 'OTHER'), { header: true });
    expect(check(m)).toEqual([]); // off by default (Fedwire puts the IMAD there)
    const strict: RuleContext = { profile: { ...GATEWAY_PROFILE, businessMessageIdIsMsgId: true } };
    expectRule(check(m, strict), 'header.business-message-id', null, '/AppHdr/BizMsgIdr');
    expect(check(pacs008(1, { header: true }), strict)).toEqual([]);
  });
  it('uses the GATEWAY and BANK BICs of the fixtures consistently', () => {
    expect([GATEWAY, BANK_A, BANK_B].every((b) => /^[A-Z]{6}[A-Z0-9]{5}$/.test(b))).toBe(true);
  });
});
