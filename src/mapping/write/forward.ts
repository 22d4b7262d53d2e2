/**
 * The pacs.008.001.08 the gateway sends the creditor agent after settlement: the gateway is the
 * instructing agent (InstgAgt) and the creditor agent the instructed agent (InstdAgt) of each
 * transaction; the payment's own references (InstrId, EndToEndId, TxId, UETR) and every other
 * field the gateway carries are kept unchanged; a new group header (MsgId, CreDtTm, NbOfTxs,
 * TtlIntrBkSttlmAmt) is made. Group-level settlement date and payment type move into each
 * transaction, because a forwarded message may gather transactions of several originals.
 */
import { assert, sum } from '../../domain/index.js';
import type * as T from '../model/generated/types.js';
import type { BusinessMessage } from '../model/messages.js';
import { agent, createdAt, freshId, type BuildContext } from './build.js';

export interface ForwardItem {
  readonly tx: T.CreditTransferTransaction39;
  /** The group header of the message the transaction came in. */
  readonly group: T.GroupHeader93;
}

export interface ForwardInput {
  /** Transactions for one creditor agent; all in one currency. */
  readonly items: readonly ForwardItem[];
  /** The gateway's BIC. */
  readonly gateway: string;
  /** Settlement method of the forwarded message (default CLRG: settled in the gateway's clearing). */
  readonly settlementMethod?: 'CLRG' | 'INDA' | 'INGA';
}

export function buildForward(input: ForwardInput, ctx: BuildContext): BusinessMessage<'pacs.008.001.08'> {
  assert(input.items.length > 0, 'nothing to forward');
  const txs = input.items.map(({ tx, group }): T.CreditTransferTransaction39 => {
    const { InstgAgt: _instg, InstdAgt: _instd, ...rest } = tx;
    const date = tx.IntrBkSttlmDt ?? group.IntrBkSttlmDt;
    const pmtTpInf = tx.PmtTpInf ?? group.PmtTpInf;
    return {
      ...rest,
      ...(pmtTpInf ? { PmtTpInf: pmtTpInf } : {}),
      ...(date ? { IntrBkSttlmDt: date } : {}),
      InstgAgt: agent(input.gateway),
      InstdAgt: tx.CdtrAgt,
    };
  });
  const ccy = txs[0]!.IntrBkSttlmAmt.currency;
  assert(
    txs.every((t) => t.IntrBkSttlmAmt.currency === ccy),
    'a forwarded message settles in one currency',
  );
  const document: T.FIToFICustomerCreditTransferV08 = {
    GrpHdr: {
      MsgId: freshId(ctx),
      CreDtTm: createdAt(ctx),
      NbOfTxs: String(txs.length),
      TtlIntrBkSttlmAmt: sum(
        ccy,
        txs.map((t) => t.IntrBkSttlmAmt),
      ),
      SttlmInf: { SttlmMtd: input.settlementMethod ?? 'CLRG' },
    },
    CdtTrfTxInf: txs,
  };
  return { messageType: 'pacs.008.001.08', document };
}
