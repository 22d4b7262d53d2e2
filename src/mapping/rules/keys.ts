/**
 * Duplicate-detection keys (architecture guide example 4): the pipeline enforces them with
 * unique constraints; this module only computes them.
 *
 * - Message: sender BIC + MsgId (ISO: MsgId is unique per instructing party for a pre-agreed
 *   period). The sender is the AppHdr Fr BIC, else the instructing agent's.
 * - Transaction: the UETR (unique end to end, SWIFT gpi), else the instructing agent + TxId
 *   (RtrId for a pacs.004), the identification the instructing agent assigns for the interbank
 *   leg.
 * - Body: a hash of the canonical body (`Validation.keys.bodyHash`: the Document's parts as the
 *   gateway's writer prints them), which catches a resend under a new AppHdr or with other
 *   white space or prefixes (Prowide's checksumBody idea).
 */
import type { MessageType } from '../model/messages.js';
import type * as T from '../model/generated/types.js';
import { agentBic } from '../model/agents.js';

export interface MessageKey {
  readonly sender: string | null;
  readonly msgId: string;
  /** `<sender>/<msgId>` (sender '?' when unknown), for a unique constraint. */
  readonly key: string;
}

export function messageKey(sender: string | undefined, msgId: string | undefined): MessageKey | null {
  if (msgId === undefined) return null;
  return { sender: sender ?? null, msgId, key: `${sender ?? '?'}/${msgId}` };
}

/** The references a status report carries back, as far as the transaction could be read. */
export interface TransactionRefs {
  readonly instrId?: string;
  readonly endToEndId?: string;
  readonly txId?: string;
  readonly uetr?: string;
  /** pacs.004 return identification. */
  readonly rtrId?: string;
}

const isCreditTransfer = (t: MessageType): boolean => t === 'pacs.008.001.08' || t === 'pacs.009.001.08';

export function transactionRefs(type: MessageType, tx: unknown): TransactionRefs {
  if (tx === undefined || tx === null) return {};
  if (isCreditTransfer(type)) {
    const id = (tx as Partial<T.CreditTransferTransaction39>).PmtId;
    if (!id) return {};
    return strip({ instrId: id.InstrId, endToEndId: id.EndToEndId, txId: id.TxId, uetr: id.UETR });
  }
  if (type === 'pacs.004.001.09') {
    const r = tx as Partial<T.PaymentTransaction112>;
    return strip({
      rtrId: r.RtrId,
      instrId: r.OrgnlInstrId,
      endToEndId: r.OrgnlEndToEndId,
      txId: r.OrgnlTxId,
      uetr: r.OrgnlUETR,
    });
  }
  return {};
}

function strip(r: Record<string, string | undefined>): TransactionRefs {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as TransactionRefs;
}

/**
 * The transaction's duplicate key: `uetr:<UETR>`, `txid:<InstgAgt>:<TxId>` (pacs.008/009) or
 * `rtrid:<InstgAgt>:<RtrId>` (pacs.004); the instructing agent is the transaction's, else the
 * group header's, else the message sender. Null when the message type has no payment
 * transactions or the transaction has neither.
 */
export function transactionKey(
  type: MessageType,
  tx: unknown,
  parts: Readonly<Record<string, unknown>>,
  sender: string | undefined,
): string | null {
  if (tx === undefined || tx === null) return null;
  const grp = parts.GrpHdr as { InstgAgt?: T.BranchAndFinancialInstitutionIdentification6 } | undefined;
  if (isCreditTransfer(type)) {
    const t = tx as Partial<T.CreditTransferTransaction39>;
    if (t.PmtId?.UETR) return `uetr:${t.PmtId.UETR}`;
    const agent = agentBic(t.InstgAgt) ?? agentBic(grp?.InstgAgt) ?? sender;
    return t.PmtId?.TxId && agent ? `txid:${agent}:${t.PmtId.TxId}` : null;
  }
  if (type === 'pacs.004.001.09') {
    const r = tx as Partial<T.PaymentTransaction112>;
    const agent = agentBic(r.InstgAgt) ?? agentBic(grp?.InstgAgt) ?? sender;
    return r.RtrId && agent ? `rtrid:${agent}:${r.RtrId}` : null;
  }
  return null;
}
