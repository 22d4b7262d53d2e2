/**
 * pacs.002.001.10 FIToFIPaymentStatusReport built from the original message: the group status
 * and each transaction's status (ExternalPaymentTransactionStatus1Code: ACCP accepted, ACSC
 * settled, RJCT rejected …) with its ExternalStatusReason1Code in StsRsnInf/Rsn/Cd, and the
 * original references carried over — OrgnlMsgId / OrgnlMsgNmId / OrgnlCreDtTm for the group,
 * OrgnlInstrId / OrgnlEndToEndId / OrgnlTxId / OrgnlUETR for each transaction — so the sender
 * can match every status to what it sent.
 */
import { assert, reasonName, type ReasonCode } from '../../domain/index.js';
import type * as T from '../model/generated/types.js';
import type { BusinessMessage } from '../model/messages.js';
import type { TransactionRefs } from '../rules/keys.js';
import type { Validation } from '../validate.js';
import { agent, createdAt, freshId, textLines, type BuildContext, type OriginalGroup } from './build.js';

/** ExternalPaymentTransactionStatus1Code values the gateway reports. */
export type TransactionStatus = 'ACTC' | 'ACCP' | 'ACSP' | 'ACSC' | 'PDNG' | 'RJCT';
/** ExternalPaymentGroupStatus1Code values the gateway reports (PART: some accepted, some not). */
export type GroupStatus = TransactionStatus | 'PART' | 'RCVD';

export interface StatusReason {
  readonly code: ReasonCode;
  /** Narrative; cut to two Max105Text lines in the gateway character set. */
  readonly additionalInfo?: string;
}

export interface TransactionStatusEntry {
  readonly refs: TransactionRefs;
  readonly status: TransactionStatus;
  /** Mandatory for RJCT. */
  readonly reason?: StatusReason;
  /** Acceptance instant (ms) for AccptncDtTm. */
  readonly acceptedAt?: number;
  /** Effective interbank settlement date for ACSC (FctvIntrBkSttlmDt). */
  readonly settlementDate?: string;
}

export interface StatusReportInput {
  readonly original: OriginalGroup & { readonly nbOfTxs?: string };
  readonly groupStatus?: GroupStatus;
  readonly groupReason?: StatusReason;
  readonly transactions: readonly TransactionStatusEntry[];
  /** The gateway (GrpHdr/InstgAgt) and the recipient (GrpHdr/InstdAgt), by BIC. */
  readonly instructingAgent?: string;
  readonly instructedAgent?: string;
}

function statusReason(r: StatusReason): T.StatusReasonInformation12 {
  return {
    Rsn: { Cd: r.code },
    ...(r.additionalInfo ? { AddtlInf: textLines(r.additionalInfo, 105, 2) } : {}),
  };
}

export function buildStatusReport(
  input: StatusReportInput,
  ctx: BuildContext,
): BusinessMessage<'pacs.002.001.10'> {
  assert(
    input.groupStatus !== 'RJCT' || input.groupReason !== undefined,
    'a rejected group needs a status reason (StsRsnInf)',
  );
  const msgId = freshId(ctx);
  const group: T.OriginalGroupHeader17 = {
    OrgnlMsgId: input.original.msgId,
    OrgnlMsgNmId: input.original.msgNmId,
    ...(input.original.creDtTm ? { OrgnlCreDtTm: input.original.creDtTm } : {}),
    ...(input.original.nbOfTxs ? { OrgnlNbOfTxs: input.original.nbOfTxs } : {}),
    ...(input.groupStatus ? { GrpSts: input.groupStatus } : {}),
    ...(input.groupReason ? { StsRsnInf: [statusReason(input.groupReason)] } : {}),
  };
  const txs = input.transactions.map((t): T.PaymentTransaction110 => {
    assert(t.status !== 'RJCT' || t.reason !== undefined, 'a rejected transaction needs a status reason');
    const r = t.refs;
    return {
      StsId: freshId(ctx),
      ...(r.instrId ? { OrgnlInstrId: r.instrId } : {}),
      ...(r.endToEndId ? { OrgnlEndToEndId: r.endToEndId } : {}),
      ...(r.txId ? { OrgnlTxId: r.txId } : {}),
      ...(r.uetr ? { OrgnlUETR: r.uetr } : {}),
      TxSts: t.status,
      ...(t.reason ? { StsRsnInf: [statusReason(t.reason)] } : {}),
      ...(t.acceptedAt !== undefined ? { AccptncDtTm: createdAt({ now: t.acceptedAt }) } : {}),
      ...(t.settlementDate ? { FctvIntrBkSttlmDt: { Dt: t.settlementDate } } : {}),
    };
  });
  const document: T.FIToFIPaymentStatusReportV10 = {
    GrpHdr: {
      MsgId: msgId,
      CreDtTm: createdAt(ctx),
      ...(input.instructingAgent ? { InstgAgt: agent(input.instructingAgent) } : {}),
      ...(input.instructedAgent ? { InstdAgt: agent(input.instructedAgent) } : {}),
    },
    OrgnlGrpInfAndSts: [group],
    ...(txs.length ? { TxInfAndSts: txs } : {}),
  };
  return { messageType: 'pacs.002.001.10', document };
}

/**
 * The status report that answers an inbound message from its validation: the message rejected
 * whole → GrpSts RJCT with the first message-level reason; else each transaction ACCP or RJCT
 * (with its first reason), and GrpSts ACCP, RJCT or PART. Needs the validation's per-transaction
 * outcomes (`retainTransactionsMax` large enough).
 */
export function statusReportFromValidation(
  v: Validation,
  original: OriginalGroup,
  agents: { readonly gateway: string; readonly sender: string },
  ctx: BuildContext,
): BusinessMessage<'pacs.002.001.10'> {
  const base = { original, instructingAgent: agents.gateway, instructedAgent: agents.sender };
  if (v.messageRejected) {
    const first = v.errors.find((e) => e.txIndex === null);
    const code = (first?.reason ?? 'FF01') as ReasonCode;
    return buildStatusReport(
      {
        ...base,
        groupStatus: 'RJCT',
        groupReason: { code, additionalInfo: first ? `${first.rule}: ${first.message}` : reasonName(code) },
        transactions: [],
      },
      ctx,
    );
  }
  assert(
    v.transactions !== undefined,
    'the validation kept no transaction outcomes (raise retainTransactionsMax)',
  );
  const entries = v.transactions.map((t): TransactionStatusEntry => {
    const first = t.rejections[0];
    return first
      ? {
          refs: t.refs,
          status: 'RJCT',
          reason: {
            code: (first.reason ?? 'NARR') as ReasonCode,
            additionalInfo: `${first.rule}: ${first.message}`,
          },
        }
      : { refs: t.refs, status: 'ACCP', acceptedAt: ctx.now };
  });
  const accepted = entries.filter((e) => e.status === 'ACCP').length;
  const groupStatus: GroupStatus = accepted === entries.length ? 'ACCP' : accepted === 0 ? 'RJCT' : 'PART';
  return buildStatusReport(
    {
      ...base,
      original: { ...original, nbOfTxs: String(v.transactionCount) },
      groupStatus,
      ...(groupStatus === 'RJCT'
        ? {
            groupReason: entries[0]?.reason ?? {
              code: 'NARR',
              additionalInfo: 'every transaction was rejected',
            },
          }
        : {}),
      transactions: entries,
    },
    ctx,
  );
}
