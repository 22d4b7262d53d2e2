/**
 * camt.052.001.08 (intraday account report), camt.053.001.08 (statement) and camt.054.001.08
 * (debit/credit notification) built from account movements the ledger supplies as a plain
 * `AccountReport`. One report/statement/notification per call; the ledger decides periods and
 * sequence numbers.
 *
 * Invariant (asserted): when both balances are given, closing = opening + credits − debits of
 * the booked entries (a statement that does not add up is a ledger bug, never a message).
 */
import { assert, formatMinor, isIban, sum, type Money } from '../../domain/index.js';
import type * as T from '../model/generated/types.js';
import type { BusinessMessage } from '../model/messages.js';
import { agent, createdAt, freshId, gatewayText, type BuildContext } from './build.js';

export interface BalanceInput {
  /** Signed: negative is a debit balance. */
  readonly amount: Money;
  /** ISO date the balance is at. */
  readonly date: string;
}

export interface Counterparty {
  readonly name?: string;
  /** The counterparty's bank (or the counterparty itself when it is a bank). */
  readonly bic?: string;
  /** IBAN or another account identification. */
  readonly account?: string;
}

export interface AccountEntry {
  /** Positive amount; the direction says which way it moved. */
  readonly amount: Money;
  readonly direction: 'CRDT' | 'DBIT';
  /** ExternalEntryStatus1Code; default BOOK. */
  readonly status?: 'BOOK' | 'PDNG' | 'INFO';
  readonly bookingDate: string;
  readonly valueDate: string;
  /** NtryRef: the entry's reference in the report. */
  readonly entryRef?: string;
  /** AcctSvcrRef: the account servicer's (ledger's) reference of the movement. */
  readonly accountServicerRef?: string;
  readonly refs?: {
    readonly msgId?: string;
    readonly instrId?: string;
    readonly endToEndId?: string;
    readonly txId?: string;
    readonly uetr?: string;
  };
  /** The other side: the debtor of a credit entry, the creditor of a debit entry. */
  readonly counterparty?: Counterparty;
  /** ISO bank transaction code; default PMNT / RCDT (credit) or ICDT (debit) / OTHR. */
  readonly bankTransactionCode?: {
    readonly domain: string;
    readonly family: string;
    readonly subFamily: string;
  };
  readonly additionalInfo?: string;
}

export interface AccountReport {
  /** Stmt/Rpt/Ntfctn Id. */
  readonly id: string;
  readonly account: {
    /** IBAN (checked with MOD-97) or another identification. */
    readonly id: string;
    readonly currency: string;
    readonly name?: string;
    /** BIC of the account servicer (the gateway, or the settlement bank). */
    readonly servicer?: string;
  };
  readonly electronicSequenceNumber?: bigint;
  readonly legalSequenceNumber?: bigint;
  /** Reporting period, ISODateTime with zone. */
  readonly period?: { readonly from: string; readonly to: string };
  /** OPBD; camt.053 requires it. */
  readonly openingBalance?: BalanceInput;
  /** CLBD in a statement, ITBD (interim booked) in an intraday report; camt.053 requires it. */
  readonly closingBalance?: BalanceInput;
  readonly entries: readonly AccountEntry[];
  readonly additionalInfo?: string;
}

function accountId(id: string): T.AccountIdentification4Choice {
  return isIban(id) ? { IBAN: id } : { Othr: { Id: id } };
}

function balance(code: string, b: BalanceInput): T.CashBalance8 {
  const neg = b.amount.minor < 0n;
  return {
    Tp: { CdOrPrtry: { Cd: code } },
    Amt: neg ? { currency: b.amount.currency, minor: -b.amount.minor } : b.amount,
    CdtDbtInd: neg ? 'DBIT' : 'CRDT',
    Dt: { Dt: b.date },
  };
}

function party(c: Counterparty): T.Party40Choice | undefined {
  if (c.name) return { Pty: { Nm: gatewayText(c.name, 140) } };
  if (c.bic) return { Agt: agent(c.bic) };
  return undefined;
}

function entry(e: AccountEntry, currency: string): T.ReportEntry10 {
  assert(e.amount.minor > 0n, 'an entry amount is positive; the direction gives its sign');
  assert(e.amount.currency === currency, () => `entry in ${e.amount.currency} on a ${currency} account`);
  const btc = e.bankTransactionCode ?? {
    domain: 'PMNT',
    family: e.direction === 'CRDT' ? 'RCDT' : 'ICDT',
    subFamily: 'OTHR',
  };
  const r = e.refs ?? {};
  const refs: T.TransactionReferences6 = {
    ...(r.msgId ? { MsgId: r.msgId } : {}),
    ...(e.accountServicerRef ? { AcctSvcrRef: e.accountServicerRef } : {}),
    ...(r.instrId ? { InstrId: r.instrId } : {}),
    ...(r.endToEndId ? { EndToEndId: r.endToEndId } : {}),
    ...(r.uetr ? { UETR: r.uetr } : {}),
    ...(r.txId ? { TxId: r.txId } : {}),
  };
  const cp = e.counterparty;
  const other = cp ? party(cp) : undefined;
  const credit = e.direction === 'CRDT';
  const rltdPties: T.TransactionParties6 | undefined =
    cp && (other || cp.account)
      ? credit
        ? {
            ...(other ? { Dbtr: other } : {}),
            ...(cp.account ? { DbtrAcct: { Id: accountId(cp.account) } } : {}),
          }
        : {
            ...(other ? { Cdtr: other } : {}),
            ...(cp.account ? { CdtrAcct: { Id: accountId(cp.account) } } : {}),
          }
      : undefined;
  const rltdAgts: T.TransactionAgents5 | undefined =
    cp?.bic && cp.name ? (credit ? { DbtrAgt: agent(cp.bic) } : { CdtrAgt: agent(cp.bic) }) : undefined;
  const details: T.EntryTransaction10 = {
    ...(Object.keys(refs).length ? { Refs: refs } : {}),
    Amt: e.amount,
    CdtDbtInd: e.direction,
    ...(rltdPties ? { RltdPties: rltdPties } : {}),
    ...(rltdAgts ? { RltdAgts: rltdAgts } : {}),
  };
  return {
    ...(e.entryRef ? { NtryRef: e.entryRef } : {}),
    Amt: e.amount,
    CdtDbtInd: e.direction,
    Sts: { Cd: e.status ?? 'BOOK' },
    BookgDt: { Dt: e.bookingDate },
    ValDt: { Dt: e.valueDate },
    ...(e.accountServicerRef ? { AcctSvcrRef: e.accountServicerRef } : {}),
    BkTxCd: { Domn: { Cd: btc.domain, Fmly: { Cd: btc.family, SubFmlyCd: btc.subFamily } } },
    NtryDtls: [{ TxDtls: [details] }],
    ...(e.additionalInfo ? { AddtlNtryInf: gatewayText(e.additionalInfo, 500) } : {}),
  };
}

function summary(entries: readonly AccountEntry[], currency: string): T.TotalTransactions6 {
  const part = (dir: 'CRDT' | 'DBIT'): T.NumberAndSumOfTransactions1 => {
    const xs = entries.filter((e) => e.direction === dir);
    return {
      NbOfNtries: String(xs.length),
      Sum: formatMinor(
        sum(
          currency,
          xs.map((e) => e.amount),
        ).minor,
        currency,
      ),
    };
  };
  return { TtlCdtNtries: part('CRDT'), TtlDbtNtries: part('DBIT') };
}

/** The common body of a statement, a report and a notification. */
function body(r: AccountReport, ctx: BuildContext) {
  const ccy = r.account.currency;
  const booked = r.entries.filter((e) => (e.status ?? 'BOOK') === 'BOOK');
  if (r.openingBalance && r.closingBalance) {
    const net = booked.reduce(
      (acc, e) => acc + (e.direction === 'CRDT' ? e.amount.minor : -e.amount.minor),
      0n,
    );
    assert(
      r.openingBalance.amount.minor + net === r.closingBalance.amount.minor,
      () => `account ${r.id}: closing balance is not opening + booked entries`,
    );
  }
  return {
    Id: r.id,
    ...(r.electronicSequenceNumber !== undefined
      ? { ElctrncSeqNb: r.electronicSequenceNumber.toString() }
      : {}),
    ...(r.legalSequenceNumber !== undefined ? { LglSeqNb: r.legalSequenceNumber.toString() } : {}),
    CreDtTm: createdAt(ctx),
    ...(r.period ? { FrToDt: { FrDtTm: r.period.from, ToDtTm: r.period.to } } : {}),
    Acct: {
      Id: accountId(r.account.id),
      Ccy: ccy,
      ...(r.account.name ? { Nm: gatewayText(r.account.name, 70) } : {}),
      ...(r.account.servicer ? { Svcr: agent(r.account.servicer) } : {}),
    },
    txsSummry: summary(r.entries, ccy),
    entries: r.entries.map((e) => entry(e, ccy)),
  };
}

function groupHeader(ctx: BuildContext): T.GroupHeader81 {
  return { MsgId: freshId(ctx), CreDtTm: createdAt(ctx), MsgPgntn: { PgNb: '1', LastPgInd: true } };
}

/** camt.053.001.08: opening (OPBD) and closing (CLBD) booked balances and the entries between. */
export function buildStatement(r: AccountReport, ctx: BuildContext): BusinessMessage<'camt.053.001.08'> {
  assert(r.openingBalance && r.closingBalance, 'a statement needs its opening and closing balances');
  const { txsSummry, entries, ...head } = body(r, ctx);
  const stmt: T.AccountStatement9 = {
    ...head,
    Bal: [balance('OPBD', r.openingBalance), balance('CLBD', r.closingBalance)],
    TxsSummry: txsSummry,
    ...(entries.length ? { Ntry: entries } : {}),
    ...(r.additionalInfo ? { AddtlStmtInf: gatewayText(r.additionalInfo, 500) } : {}),
  };
  return { messageType: 'camt.053.001.08', document: { GrpHdr: groupHeader(ctx), Stmt: [stmt] } };
}

/** camt.052.001.08: intraday report; balances OPBD and ITBD (interim booked) when given. */
export function buildAccountReport(r: AccountReport, ctx: BuildContext): BusinessMessage<'camt.052.001.08'> {
  const { txsSummry, entries, ...head } = body(r, ctx);
  const bal = [
    ...(r.openingBalance ? [balance('OPBD', r.openingBalance)] : []),
    ...(r.closingBalance ? [balance('ITBD', r.closingBalance)] : []),
  ];
  const rpt: T.AccountReport25 = {
    ...head,
    ...(bal.length ? { Bal: bal } : {}),
    TxsSummry: txsSummry,
    ...(entries.length ? { Ntry: entries } : {}),
    ...(r.additionalInfo ? { AddtlRptInf: gatewayText(r.additionalInfo, 500) } : {}),
  };
  return { messageType: 'camt.052.001.08', document: { GrpHdr: groupHeader(ctx), Rpt: [rpt] } };
}

/** camt.054.001.08: debit/credit notification of entries (no balances). */
export function buildNotification(r: AccountReport, ctx: BuildContext): BusinessMessage<'camt.054.001.08'> {
  assert(r.entries.length > 0, 'a notification notifies at least one entry');
  const { txsSummry, entries, ...head } = body(r, ctx);
  const ntfctn: T.AccountNotification17 = {
    ...head,
    TxsSummry: txsSummry,
    Ntry: entries,
    ...(r.additionalInfo ? { AddtlNtfctnInf: gatewayText(r.additionalInfo, 500) } : {}),
  };
  return { messageType: 'camt.054.001.08', document: { GrpHdr: groupHeader(ctx), Ntfctn: [ntfctn] } };
}
