/**
 * What every builder shares: the injected clock and identifiers, agent shorthands, and text made
 * fit for the gateway's character set and an ISO length.
 */
import { assert, isoDateTime } from '../../domain/index.js';
import type * as T from '../model/generated/types.js';
import type { AnyMessage } from '../model/messages.js';
import { GATEWAY_TEXT } from '../rules/profile.js';

/** Builders are pure: the instant and the identifiers are arguments. */
export interface BuildContext {
  /** Creation instant, milliseconds since the Unix epoch (CreDtTm of what is built). */
  readonly now: number;
  /**
   * A fresh identification per call, at most 35 characters (ISO Max35Text), e.g. a
   * time-ordered id without its hyphens.
   */
  readonly newId: () => string;
}

export function freshId(ctx: BuildContext): string {
  const id = ctx.newId();
  assert(
    id.length >= 1 && id.length <= 35,
    () => `identifier "${id}" is not 1–35 characters (ISO Max35Text)`,
  );
  return id;
}

/** ISODateTime of the build instant, in UTC with an explicit Z. */
export function createdAt(ctx: Pick<BuildContext, 'now'>): string {
  return isoDateTime(ctx.now);
}

/** A financial institution identified by its BIC. */
export function agent(bic: string): T.BranchAndFinancialInstitutionIdentification6 {
  return { FinInstnId: { BICFI: bic } };
}

/**
 * Text for a free-text element: characters outside the gateway set become '.', as the EPC
 * conversion practice does for characters it cannot convert; the result is cut to `max`.
 */
export function gatewayText(s: string, max: number): string {
  const out = [...s].map((c) => (GATEWAY_TEXT.test(c) ? c : '.')).join('');
  const cut = [...out].slice(0, max).join('');
  return cut === '' ? '.' : cut;
}

/** Up to `lines` pieces of at most `max` characters (e.g. AddtlInf, Max105Text, 0..2). */
export function textLines(s: string, max: number, lines: number): string[] {
  const clean = gatewayText(s, max * lines);
  const out: string[] = [];
  for (let i = 0; i < clean.length && out.length < lines; i += max) out.push(clean.slice(i, i + max));
  return out;
}

/** The group reference of an original message (OrgnlMsgId, OrgnlMsgNmId, OrgnlCreDtTm). */
export interface OriginalGroup {
  readonly msgId: string;
  readonly msgNmId: string;
  readonly creDtTm?: string;
}

export function originalGroupOf(msg: AnyMessage): OriginalGroup {
  const doc = msg.document as {
    GrpHdr?: { MsgId: string; CreDtTm: string };
    Assgnmt?: { Id: string; CreDtTm: string };
  };
  const g = doc.GrpHdr ?? (doc.Assgnmt ? { MsgId: doc.Assgnmt.Id, CreDtTm: doc.Assgnmt.CreDtTm } : undefined);
  assert(g !== undefined, () => `${msg.messageType} has no group header`);
  return { msgId: g.MsgId, msgNmId: msg.messageType, creDtTm: g.CreDtTm };
}

export function originalGroupInformation(g: OriginalGroup): T.OriginalGroupInformation29 {
  return { OrgnlMsgId: g.msgId, OrgnlMsgNmId: g.msgNmId, ...(g.creDtTm ? { OrgnlCreDtTm: g.creDtTm } : {}) };
}
