/**
 * Profiles of the cash-management reports: the intraday account report (camt.052), the
 * end-of-day statement (camt.053) and debit/credit notifications (camt.054) the gateway issues
 * to participants for their settlement accounts, and the statements it reads from the
 * settlement bank to reconcile against.
 *
 * The statement structure is kept whole — balances, entries with entry details, transaction
 * references (MsgId, AcctSvcrRef, PmtInfId, InstrId, EndToEndId, UETR, TxId …), related parties
 * and agents, remittance, bank transaction codes and charges — and the card, securities,
 * interest and tax branches a payment clearing gateway never books are dropped.
 */
import { TEXT_PATTERN, rules, type ComplexRule, type MessageProfile, type TypeRules } from '../profile.js';
import { COMMON_2019 } from './common-2019.js';

const REF = 'Max35Text_Reference';

/** Statement-level children every report kind keeps (names differ only in pagination and narrative). */
const REPORT_HEAD = [
  'Id',
  'ElctrncSeqNb',
  'RptgSeq',
  'LglSeqNb',
  'CreDtTm',
  'FrToDt',
  'CpyDplctInd',
  'Acct',
  'RltdAcct',
];
const REPORT_WHY =
  'Interest and the reporting source are not reported: the settlement accounts bear no interest and the gateway is the only source.';

const REPORTS_2019: TypeRules = rules(COMMON_2019, {
  complex: {
    GroupHeader81: {
      keep: ['MsgId', 'CreDtTm', 'MsgRcpt', 'MsgPgntn', 'OrgnlBizQry', 'AddtlInf'],
      types: { MsgId: REF },
    },
    Pagination1: { keep: '*' },
    OriginalBusinessQuery1: { keep: '*' },
    SequenceRange1Choice: {
      keep: '*',
      occurs: { FrToSeq: [1, 10], EQSeq: [1, 10], NEQSeq: [1, 10] },
    },
    SequenceRange1: { keep: '*' },
    DateTimePeriod1: { keep: '*' },
    CashAccount39: { keep: '*' },

    // Balances and totals
    CashBalance8: { keep: '*', occurs: { CdtLine: [0, 5], Avlbty: [0, 5] } },
    BalanceType13: { keep: '*' },
    BalanceType10Choice: { keep: '*' },
    BalanceSubType1Choice: { keep: '*' },
    CreditLine3: { keep: '*' },
    CreditLineType1Choice: { keep: '*' },
    CashAvailability1: { keep: '*' },
    CashAvailabilityDate1Choice: { keep: '*' },
    TotalTransactions6: { keep: '*', occurs: { TtlNtriesPerBkTxCd: [0, 100] } },
    NumberAndSumOfTransactions4: { keep: '*' },
    NumberAndSumOfTransactions1: { keep: '*' },
    AmountAndDirection35: { keep: '*' },
    TotalsPerBankTransactionCode5: { keep: '*', occurs: { Avlbty: [0, 5] } },

    // Entries
    ReportEntry10: {
      keep: [
        'NtryRef',
        'Amt',
        'CdtDbtInd',
        'RvslInd',
        'Sts',
        'BookgDt',
        'ValDt',
        'AcctSvcrRef',
        'Avlbty',
        'BkTxCd',
        'AddtlInfInd',
        'AmtDtls',
        'Chrgs',
        'NtryDtls',
        'AddtlNtryInf',
      ],
      occurs: { Avlbty: [0, 5] },
      why: 'No commission waiver, technical input channel, interest or card data on a settlement-account entry.',
    },
    EntryStatus1Choice: { keep: '*' },
    BankTransactionCodeStructure4: { keep: '*' },
    BankTransactionCodeStructure5: { keep: '*' },
    BankTransactionCodeStructure6: { keep: '*' },
    ProprietaryBankTransactionCodeStructure1: { keep: '*' },
    MessageIdentification2: { keep: '*' },
    AmountAndCurrencyExchange3: { keep: '*', occurs: { PrtryAmt: [0, 5] } },
    AmountAndCurrencyExchangeDetails3: { keep: '*' },
    AmountAndCurrencyExchangeDetails4: { keep: '*' },
    CurrencyExchange5: { keep: '*' },
    Charges6: { keep: '*', occurs: { Rcrd: [0, 10] } },
    ChargesRecord3: { keep: '*' },
    ChargeType3Choice: { keep: '*' },
    GenericIdentification3: { keep: '*' },
    TaxCharges2: { keep: '*' },
    EntryDetails9: { keep: '*' },
    BatchInformation2: { keep: '*' },

    // Transaction details
    EntryTransaction10: {
      keep: [
        'Refs',
        'Amt',
        'CdtDbtInd',
        'AmtDtls',
        'Avlbty',
        'BkTxCd',
        'Chrgs',
        'RltdPties',
        'RltdAgts',
        'LclInstrm',
        'Purp',
        'RltdRmtInf',
        'RmtInf',
        'RltdDts',
        'RtrInf',
        'AddtlTxInf',
      ],
      occurs: { Avlbty: [0, 5] },
      why: 'Payments only: no interest, prices, quantities, securities, tax, corporate-action, safekeeping, cash-deposit or card details, and no supplementary data.',
    },
    TransactionReferences6: { keep: '*', occurs: { Prtry: [0, 5] } },
    ProprietaryReference1: { keep: '*' },
    TransactionParties6: {
      keep: ['InitgPty', 'Dbtr', 'DbtrAcct', 'UltmtDbtr', 'Cdtr', 'CdtrAcct', 'UltmtCdtr'],
      why: 'Trading parties and proprietary parties belong to securities settlement.',
    },
    TransactionAgents5: {
      keep: ['InstgAgt', 'InstdAgt', 'DbtrAgt', 'CdtrAgt', 'IntrmyAgt1', 'IntrmyAgt2', 'IntrmyAgt3'],
      why: 'Receiving, delivering and issuing agents, the place of settlement and proprietary agents belong to securities settlement.',
    },
    RemittanceLocation7: { keep: '*', occurs: { RmtLctnDtls: [0, 3] } },
    RemittanceLocationData1: { keep: '*' },
    NameAndAddress16: { keep: '*' },
    TransactionDates3: { keep: '*', occurs: { Prtry: [0, 5] } },
    ProprietaryDate3: { keep: '*' },
    PaymentReturnReason5: { keep: '*', occurs: { AddtlInf: [0, 2] } },
    ReturnReason5Choice: { keep: '*' },
  },
});

function report(
  name: string,
  keepExtra: readonly string[],
  pagination: string,
  narrative: string,
): ComplexRule {
  const [first, ...rest] = REPORT_HEAD;
  return {
    keep: [first ?? 'Id', pagination, ...rest, ...keepExtra, 'TxsSummry', 'Ntry', narrative],
    why: `${name}: ${REPORT_WHY}`,
  };
}

export const CAMT_052_001_08: MessageProfile = {
  id: 'camt.052.001.08',
  purpose:
    'Intraday account report on a participant’s settlement account: balances (including available and credit-line balances) and the entries booked so far, each with its transaction references.',
  textPattern: TEXT_PATTERN,
  ...rules(REPORTS_2019, {
    complex: {
      Document: { keep: ['BkToCstmrAcctRpt'] },
      BankToCustomerAccountReportV08: { keep: ['GrpHdr', 'Rpt'], why: 'Supplementary data is not used.' },
      AccountReport25: report('Account report', ['Bal'], 'RptPgntn', 'AddtlRptInf'),
    },
  }),
};

export const CAMT_053_001_08: MessageProfile = {
  id: 'camt.053.001.08',
  purpose:
    'End-of-day statement of a settlement account — issued by the gateway to participants, and read from the settlement bank for reconciliation: opening and closing balances and every booked entry with its transaction references.',
  textPattern: TEXT_PATTERN,
  ...rules(REPORTS_2019, {
    complex: {
      Document: { keep: ['BkToCstmrStmt'] },
      BankToCustomerStatementV08: { keep: ['GrpHdr', 'Stmt'], why: 'Supplementary data is not used.' },
      AccountStatement9: report('Statement', ['Bal'], 'StmtPgntn', 'AddtlStmtInf'),
    },
  }),
};

export const CAMT_054_001_08: MessageProfile = {
  id: 'camt.054.001.08',
  purpose:
    'Debit or credit notification of a single settlement on a participant’s account (for example the credit of a cleared pacs.008), with the references of the underlying transaction.',
  textPattern: TEXT_PATTERN,
  ...rules(REPORTS_2019, {
    complex: {
      Document: { keep: ['BkToCstmrDbtCdtNtfctn'] },
      BankToCustomerDebitCreditNotificationV08: {
        keep: ['GrpHdr', 'Ntfctn'],
        why: 'Supplementary data is not used.',
      },
      AccountNotification17: report('Notification', [], 'NtfctnPgntn', 'AddtlNtfctnInf'),
    },
  }),
};
