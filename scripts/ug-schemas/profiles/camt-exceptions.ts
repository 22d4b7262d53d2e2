/**
 * Profiles of the exceptions and investigations the gateway handles: a participant's request
 * to cancel (recall) a cleared credit transfer (camt.056) and the answer to it (camt.029).
 * Cancellation is per transaction; group cancellation is not offered.
 */
import { TEXT_PATTERN, rules, type MessageProfile } from '../profile.js';
import { COMMON_2019 } from './common-2019.js';

const REF = 'Max35Text_Reference';

const CASE = {
  CaseAssignment5: { keep: '*', types: { Id: REF } },
  Case5: { keep: '*' },
} as const;

export const CAMT_056_001_08: MessageProfile = {
  id: 'camt.056.001.08',
  purpose:
    'FI to FI payment cancellation request (recall) of credit transfers the gateway cleared, one or more transactions identified by their original references and UETR, each with an ISO cancellation reason.',
  textPattern: TEXT_PATTERN,
  ...rules(COMMON_2019, {
    complex: {
      Document: { keep: ['FIToFIPmtCxlReq'] },
      FIToFIPaymentCancellationRequestV08: {
        keep: ['Assgnmt', 'Case', 'CtrlData', 'Undrlyg'],
        occurs: { Undrlyg: [1, 1] },
        why: 'One underlying block per request (CBPR+); supplementary data is not used.',
      },
      ...CASE,
      ControlData1: { keep: '*' },
      UnderlyingTransaction23: {
        keep: ['TxInf'],
        occurs: { TxInf: [1, 'unbounded'] },
        why: 'Cancellation is per transaction: group cancellation (OrgnlGrpInfAndCxl) is not offered, so at least one TxInf is required.',
      },
      PaymentTransaction106: {
        keep: [
          'CxlId',
          'Case',
          'OrgnlGrpInf',
          'OrgnlInstrId',
          'OrgnlEndToEndId',
          'OrgnlTxId',
          'OrgnlUETR',
          'OrgnlClrSysRef',
          'OrgnlIntrBkSttlmAmt',
          'OrgnlIntrBkSttlmDt',
          'Assgnr',
          'Assgne',
          'CxlRsnInf',
          'OrgnlTxRef',
        ],
        occurs: { CxlRsnInf: [1, 1] },
        types: { CxlId: REF },
        why: 'Exactly one cancellation reason per transaction (EPC SEPA recall, CBPR+); supplementary data is not used.',
      },
      PaymentCancellationReason5: { keep: '*', occurs: { AddtlInf: [0, 2] } },
      CancellationReason33Choice: { keep: '*' },
    },
  }),
};

export const CAMT_029_001_09: MessageProfile = {
  id: 'camt.029.001.09',
  purpose:
    'Resolution of investigation answering a camt.056 cancellation request: accepted (CNCL), pending (PDCR) or rejected (RJCR), per transaction, with the ISO rejection reason.',
  textPattern: TEXT_PATTERN,
  ...rules(COMMON_2019, {
    simple: {
      ExternalInvestigationExecutionConfirmation1Code: {
        pattern: 'CNCL|PDCR|RJCR',
        why: 'Only the answers to a cancellation request: cancelled as requested, pending, rejected (as CBPR+ restricts the code list).',
      },
    },
    complex: {
      Document: { keep: ['RsltnOfInvstgtn'] },
      ResolutionOfInvestigationV09: {
        keep: ['Assgnmt', 'RslvdCase', 'Sts', 'CxlDtls'],
        occurs: { CxlDtls: [0, 1] },
        why: 'Only answers to cancellation requests: modification, claim non-receipt, statement and corrective-transaction resolutions are not offered.',
      },
      ...CASE,
      InvestigationStatus5Choice: {
        keep: ['Conf', 'DplctOf', 'AssgnmtCxlConf'],
        why: 'Rejected modifications belong to modification requests, which are not offered.',
      },
      UnderlyingTransaction22: {
        keep: ['TxInfAndSts'],
        occurs: { TxInfAndSts: [1, 'unbounded'] },
        why: 'Answers are per transaction, as the requests are.',
      },
      PaymentTransaction102: {
        keep: [
          'CxlStsId',
          'RslvdCase',
          'OrgnlGrpInf',
          'OrgnlInstrId',
          'OrgnlEndToEndId',
          'OrgnlTxId',
          'OrgnlClrSysRef',
          'OrgnlUETR',
          'TxCxlSts',
          'CxlStsRsnInf',
          'OrgnlIntrBkSttlmAmt',
          'OrgnlIntrBkSttlmDt',
          'Assgnr',
          'Assgne',
          'OrgnlTxRef',
        ],
        occurs: { CxlStsRsnInf: [0, 1] },
        types: { CxlStsId: REF },
        why: 'One status reason per transaction; resolution-related information belongs to modifications.',
      },
      CancellationStatusReason4: { keep: '*', occurs: { AddtlInf: [0, 2] } },
      CancellationStatusReason3Choice: { keep: '*' },
    },
  }),
};
