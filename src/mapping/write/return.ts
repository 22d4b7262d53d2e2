/**
 * pacs.004.001.09 PaymentReturn built from settled pacs.008 transactions: a new RtrId per
 * transaction, the original group (OrgnlGrpInf) and transaction references (OrgnlInstrId,
 * OrgnlEndToEndId, OrgnlTxId, OrgnlUETR), the original amount and settlement date, the returned
 * amount — never more than the original, in its currency (a partial return is allowed; the
 * interbank settlement amount of a return is what moves back) — and the ExternalReturnReason1Code
 * (AC04 closed account, AM05 duplication, FOCR following a cancellation request, MS03 …).
 */
import { compare, err, ok, sum, type Money, type Result } from '../../domain/index.js';
import type * as T from '../model/generated/types.js';
import type { BusinessMessage } from '../model/messages.js';
import {
  agent,
  createdAt,
  freshId,
  originalGroupInformation,
  textLines,
  type BuildContext,
  type OriginalGroup,
} from './build.js';

export interface ReturnItem {
  /** The settled transaction and the group it came in. */
  readonly original: { readonly group: OriginalGroup; readonly tx: T.CreditTransferTransaction39 };
  /** Amount returned; default the original interbank settlement amount. */
  readonly amount?: Money;
  /** ExternalReturnReason1Code, e.g. 'AC04', 'AM05', 'FOCR', 'MS03'. */
  readonly reason: string;
  readonly additionalInfo?: string;
  /** The original transaction's settlement date, when the original carried it at group level. */
  readonly originalSettlementDate?: string;
}

export interface ReturnInput {
  readonly items: readonly ReturnItem[];
  /** Interbank settlement date of the return. */
  readonly settlementDate: string;
  /** Who returns (the gateway, or the creditor agent) and to whom (the original instructing agent), by BIC. */
  readonly instructingAgent: string;
  readonly instructedAgent: string;
}

const REASON = /^[A-Z0-9]{4}$/;

export function buildReturn(
  input: ReturnInput,
  ctx: BuildContext,
): Result<BusinessMessage<'pacs.004.001.09'>, string> {
  if (input.items.length === 0) return err('a return needs at least one transaction');
  const txs: T.PaymentTransaction112[] = [];
  const amounts: Money[] = [];
  for (const [i, item] of input.items.entries()) {
    const o = item.original.tx;
    const original = o.IntrBkSttlmAmt;
    const returned = item.amount ?? original;
    if (returned.currency !== original.currency)
      return err(
        `item ${i + 1}: returned amount in ${returned.currency}, the original in ${original.currency}`,
      );
    if (returned.minor <= 0n) return err(`item ${i + 1}: returned amount must be positive`);
    if (compare(returned, original) > 0)
      return err(`item ${i + 1}: returned amount exceeds the original amount`);
    if (!REASON.test(item.reason))
      return err(`item ${i + 1}: "${item.reason}" is not an ExternalReturnReason1Code`);
    amounts.push(returned);
    const date = o.IntrBkSttlmDt ?? item.originalSettlementDate;
    txs.push({
      RtrId: freshId(ctx),
      OrgnlGrpInf: originalGroupInformation(item.original.group),
      ...(o.PmtId.InstrId ? { OrgnlInstrId: o.PmtId.InstrId } : {}),
      OrgnlEndToEndId: o.PmtId.EndToEndId,
      ...(o.PmtId.TxId ? { OrgnlTxId: o.PmtId.TxId } : {}),
      ...(o.PmtId.UETR ? { OrgnlUETR: o.PmtId.UETR } : {}),
      OrgnlIntrBkSttlmAmt: original,
      ...(date ? { OrgnlIntrBkSttlmDt: date } : {}),
      RtrdIntrBkSttlmAmt: returned,
      IntrBkSttlmDt: input.settlementDate,
      ChrgBr: 'SLEV',
      InstgAgt: agent(input.instructingAgent),
      InstdAgt: agent(input.instructedAgent),
      RtrRsnInf: [
        {
          Rsn: { Cd: item.reason },
          ...(item.additionalInfo ? { AddtlInf: textLines(item.additionalInfo, 105, 2) } : {}),
        },
      ],
    });
  }
  const currencies = new Set(amounts.map((a) => a.currency));
  const [only] = currencies;
  const document: T.PaymentReturnV09 = {
    GrpHdr: {
      MsgId: freshId(ctx),
      CreDtTm: createdAt(ctx),
      NbOfTxs: String(txs.length),
      ...(currencies.size === 1 && only ? { TtlRtrdIntrBkSttlmAmt: sum(only, amounts) } : {}),
      SttlmInf: { SttlmMtd: 'CLRG' },
    },
    TxInf: txs,
  };
  return ok({ messageType: 'pacs.004.001.09', document });
}
