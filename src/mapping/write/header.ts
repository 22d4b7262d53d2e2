/**
 * The Business Application Header (head.001.001.02) the gateway puts on what it sends:
 * Fr/To by BIC, BizMsgIdr = the Document's message identification (CBPR+ R5), MsgDefIdr = the
 * message version (CBPR+ R6).
 */
import { assert } from '../../domain/index.js';
import type { AnyMessage, AppHdr } from '../model/messages.js';
import { agent, createdAt, type BuildContext } from './build.js';

export interface HeaderInput {
  readonly from: string;
  readonly to: string;
  /** Business service, e.g. a scheme's service name; omitted when absent. */
  readonly businessService?: string;
  /** Sets PssblDplct: a resend of something that may already have been delivered. */
  readonly possibleDuplicate?: boolean;
}

function documentMessageId(msg: AnyMessage): string {
  const d = msg.document as { GrpHdr?: { MsgId: string }; Assgnmt?: { Id: string } };
  const id = d.GrpHdr?.MsgId ?? d.Assgnmt?.Id;
  assert(id !== undefined, () => `${msg.messageType} has no message identification`);
  return id;
}

/** The message with an AppHdr (head.001.001.02) added. */
export function withAppHdr<M extends AnyMessage>(msg: M, h: HeaderInput, ctx: Pick<BuildContext, 'now'>): M {
  const appHdr: AppHdr = {
    Fr: { FIId: agent(h.from) },
    To: { FIId: agent(h.to) },
    BizMsgIdr: documentMessageId(msg),
    MsgDefIdr: msg.messageType,
    ...(h.businessService ? { BizSvc: h.businessService } : {}),
    CreDt: createdAt(ctx),
    ...(h.possibleDuplicate ? { PssblDplct: true } : {}),
  };
  return { ...msg, appHdr };
}
