/**
 * Profiles of the interbank messages the gateway clears: customer and financial-institution
 * credit transfers (pacs.008, pacs.009), returns (pacs.004) and status reports (pacs.002).
 */
import { TEXT_PATTERN, rules, type MessageProfile } from '../profile.js';
import { COMMON_2019 } from './common-2019.js';

const REF = 'Max35Text_Reference';

/** Group header of pacs.008 and pacs.009 (GroupHeader93 is shared by both). */
const GROUP_HEADER_93 = {
  GroupHeader93: {
    keep: [
      'MsgId',
      'CreDtTm',
      'NbOfTxs',
      'TtlIntrBkSttlmAmt',
      'IntrBkSttlmDt',
      'SttlmInf',
      'PmtTpInf',
      'InstgAgt',
      'InstdAgt',
    ],
    types: { MsgId: REF },
    why: 'Batch booking and the control sum are not used: the gateway checks NbOfTxs and TtlIntrBkSttlmAmt.',
  },
  PaymentIdentification7: {
    keep: ['InstrId', 'EndToEndId', 'TxId', 'UETR', 'ClrSysRef'],
    types: { InstrId: REF, EndToEndId: REF, TxId: REF },
  },
} as const;

export const PACS_008_001_08: MessageProfile = {
  id: 'pacs.008.001.08',
  purpose:
    'FI to FI customer credit transfer as the gateway accepts it from a participant and forwards it to the creditor agent: one settlement per transaction, serial (not cover) method, single-hop clearing with at most one intermediary agent.',
  textPattern: TEXT_PATTERN,
  ...rules(COMMON_2019, {
    complex: {
      Document: { keep: ['FIToFICstmrCdtTrf'] },
      FIToFICustomerCreditTransferV08: {
        keep: ['GrpHdr', 'CdtTrfTxInf'],
        why: 'Supplementary data is not accepted.',
      },
      ...GROUP_HEADER_93,
      CreditTransferTransaction39: {
        keep: [
          'PmtId',
          'PmtTpInf',
          'IntrBkSttlmAmt',
          'IntrBkSttlmDt',
          'SttlmPrty',
          'AccptncDtTm',
          'InstdAmt',
          'XchgRate',
          'ChrgBr',
          'ChrgsInf',
          'InstgAgt',
          'InstdAgt',
          'IntrmyAgt1',
          'IntrmyAgt1Acct',
          'UltmtDbtr',
          'InitgPty',
          'Dbtr',
          'DbtrAcct',
          'DbtrAgt',
          'DbtrAgtAcct',
          'CdtrAgt',
          'CdtrAgtAcct',
          'Cdtr',
          'CdtrAcct',
          'UltmtCdtr',
          'InstrForCdtrAgt',
          'Purp',
          'RgltryRptg',
          'RmtInf',
        ],
        occurs: { ChrgsInf: [0, 10], InstrForCdtrAgt: [0, 2] },
        why: 'Single-hop clearing: no previous instructing agents, no second or third intermediary, no settlement time requests; tax, related remittance and supplementary data are not carried.',
      },
      InstructionForCreditorAgent1: { keep: '*' },
      RegulatoryReporting3: { keep: '*', occurs: { Dtls: [0, 3] } },
      RegulatoryAuthority2: { keep: '*' },
      StructuredRegulatoryReporting3: { keep: '*', occurs: { Inf: [0, 3] } },
    },
  }),
};

export const PACS_009_001_08: MessageProfile = {
  id: 'pacs.009.001.08',
  purpose:
    'Financial institution credit transfer between participants (liquidity transfers and bank-to-bank payments), cleared like pacs.008; the cover variant (underlying customer credit transfer) is not offered.',
  textPattern: TEXT_PATTERN,
  ...rules(COMMON_2019, {
    complex: {
      Document: { keep: ['FICdtTrf'] },
      FinancialInstitutionCreditTransferV08: {
        keep: ['GrpHdr', 'CdtTrfTxInf'],
        why: 'Supplementary data is not accepted.',
      },
      ...GROUP_HEADER_93,
      CreditTransferTransaction36: {
        keep: [
          'PmtId',
          'PmtTpInf',
          'IntrBkSttlmAmt',
          'IntrBkSttlmDt',
          'SttlmPrty',
          'InstgAgt',
          'InstdAgt',
          'IntrmyAgt1',
          'IntrmyAgt1Acct',
          'UltmtDbtr',
          'Dbtr',
          'DbtrAcct',
          'DbtrAgt',
          'DbtrAgtAcct',
          'CdtrAgt',
          'CdtrAgtAcct',
          'Cdtr',
          'CdtrAcct',
          'UltmtCdtr',
          'InstrForCdtrAgt',
          'Purp',
          'RmtInf',
        ],
        occurs: { InstrForCdtrAgt: [0, 2] },
        why: 'Single-hop clearing without cover: no previous instructing agents, no second or third intermediary, no settlement time requests, no instructions for a next agent and no underlying customer credit transfer.',
      },
      InstructionForCreditorAgent2: { keep: '*' },
      RemittanceInformation2: { keep: '*', occurs: { Ustrd: [0, 1] } },
    },
  }),
};

export const PACS_004_001_09: MessageProfile = {
  id: 'pacs.004.001.09',
  purpose:
    'Payment return of a settled credit transfer, per transaction: identifies the original by its references and UETR, states the returned amount and an ISO return reason, and settles back through the gateway.',
  textPattern: TEXT_PATTERN,
  ...rules(COMMON_2019, {
    complex: {
      Document: { keep: ['PmtRtr'] },
      PaymentReturnV09: {
        keep: ['GrpHdr', 'TxInf'],
        occurs: { TxInf: [1, 'unbounded'] },
        why: 'Returns are per transaction: a group return (OrgnlGrpInf) is not supported, so at least one TxInf is required.',
      },
      GroupHeader90: {
        keep: [
          'MsgId',
          'CreDtTm',
          'NbOfTxs',
          'TtlRtrdIntrBkSttlmAmt',
          'IntrBkSttlmDt',
          'SttlmInf',
          'InstgAgt',
          'InstdAgt',
        ],
        types: { MsgId: REF },
        why: 'No authorisation, batch booking, control sum or group return.',
      },
      PaymentTransaction112: {
        keep: [
          'RtrId',
          'OrgnlGrpInf',
          'OrgnlInstrId',
          'OrgnlEndToEndId',
          'OrgnlTxId',
          'OrgnlUETR',
          'OrgnlClrSysRef',
          'OrgnlIntrBkSttlmAmt',
          'OrgnlIntrBkSttlmDt',
          'RtrdIntrBkSttlmAmt',
          'IntrBkSttlmDt',
          'SttlmPrty',
          'RtrdInstdAmt',
          'XchgRate',
          'CompstnAmt',
          'ChrgBr',
          'ChrgsInf',
          'ClrSysRef',
          'InstgAgt',
          'InstdAgt',
          'RtrChain',
          'RtrRsnInf',
          'OrgnlTxRef',
        ],
        occurs: { ChrgsInf: [0, 10], RtrRsnInf: [0, 1] },
        types: { RtrId: REF },
        why: 'One return reason per transaction (EPC SEPA, CBPR+); no settlement time indication or supplementary data.',
      },
      TransactionParties7: {
        keep: ['UltmtDbtr', 'Dbtr', 'InitgPty', 'DbtrAgt', 'IntrmyAgt1', 'CdtrAgt', 'Cdtr', 'UltmtCdtr'],
        why: 'Single-hop return chain: no previous instructing agents, no second or third intermediary.',
      },
      PaymentReturnReason6: { keep: '*', occurs: { AddtlInf: [0, 2] } },
      ReturnReason5Choice: { keep: '*' },
    },
  }),
};

export const PACS_002_001_10: MessageProfile = {
  id: 'pacs.002.001.10',
  purpose:
    'FI to FI payment status report: the gateway’s acceptance or rejection (with an ISO status reason) of a message or of single transactions, and the settlement confirmation.',
  textPattern: TEXT_PATTERN,
  ...rules(COMMON_2019, {
    simple: {
      ExternalPaymentTransactionStatus1Code: {
        pattern: 'ACCC|ACCP|ACSC|ACSP|ACTC|ACWC|ACWP|BLCK|PDNG|RCVD|RJCT',
        why: 'Transaction statuses of ExternalPaymentTransactionStatus1Code that apply to interbank clearing; PART and the customer-side statuses are not used per transaction.',
      },
      ExternalPaymentGroupStatus1Code: {
        pattern: 'ACCC|ACCP|ACSC|ACSP|ACTC|ACWC|PART|PDNG|RCVD|RJCT',
        why: 'Group statuses of ExternalPaymentGroupStatus1Code that apply to interbank clearing.',
      },
    },
    complex: {
      Document: { keep: ['FIToFIPmtStsRpt'] },
      FIToFIPaymentStatusReportV10: {
        keep: ['GrpHdr', 'OrgnlGrpInfAndSts', 'TxInfAndSts'],
        occurs: { OrgnlGrpInfAndSts: [0, 1] },
        why: 'A status report answers one original message; supplementary data is not used.',
      },
      GroupHeader91: { keep: '*', types: { MsgId: REF } },
      OriginalGroupHeader17: {
        keep: [
          'OrgnlMsgId',
          'OrgnlMsgNmId',
          'OrgnlCreDtTm',
          'OrgnlNbOfTxs',
          'OrgnlCtrlSum',
          'GrpSts',
          'StsRsnInf',
          'NbOfTxsPerSts',
        ],
        occurs: { StsRsnInf: [0, 10], NbOfTxsPerSts: [0, 20] },
      },
      NumberOfTransactionsPerStatus5: { keep: '*' },
      PaymentTransaction110: {
        keep: [
          'StsId',
          'OrgnlGrpInf',
          'OrgnlInstrId',
          'OrgnlEndToEndId',
          'OrgnlTxId',
          'OrgnlUETR',
          'TxSts',
          'StsRsnInf',
          'ChrgsInf',
          'AccptncDtTm',
          'FctvIntrBkSttlmDt',
          'AcctSvcrRef',
          'ClrSysRef',
          'InstgAgt',
          'InstdAgt',
          'OrgnlTxRef',
        ],
        occurs: { StsRsnInf: [0, 10], ChrgsInf: [0, 10] },
        types: { StsId: REF },
        why: 'Supplementary data is not used.',
      },
      StatusReasonInformation12: { keep: '*', occurs: { AddtlInf: [0, 2] } },
      StatusReason6Choice: { keep: '*' },
    },
  }),
};
