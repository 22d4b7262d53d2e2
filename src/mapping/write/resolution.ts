/**
 * camt.029.001.09 ResolutionOfInvestigation answering a camt.056.001.08 cancellation request:
 * one decision per requested transaction, TxCxlSts ACCR (cancellation accepted) or RJCR
 * (rejected, with an ExternalPaymentCancellationRejection1Code: ARDT already returned, NOOR
 * original never received, LEGL, CUST, AGNT, NOAS, AM04 …), the original references carried
 * over, and the investigation status Sts/Conf (ExternalInvestigationExecutionConfirmation1Code):
 * CNCL when the transactions it answers are cancelled, RJCR when they are not. The usage
 * guideline admits CNCL, PDCR and RJCR only, so mixed decisions are answered by one camt.029
 * per outcome (`buildResolutions`), each naming the transactions it decides.
 */
import { assert } from '../../domain/index.js';
import type * as T from '../model/generated/types.js';
import type { BusinessMessage } from '../model/messages.js';
import { agent, createdAt, freshId, textLines, type BuildContext } from './build.js';

export type CancellationDecision =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly reason: string; readonly additionalInfo?: string };

export interface ResolutionInput {
  readonly request: BusinessMessage<'camt.056.001.08'>;
  /**
   * One per requested transaction (every Undrlyg/TxInf, in document order); `null` leaves a
   * transaction out of this answer. The decisions given must all accept or all reject.
   */
  readonly decisions: readonly (CancellationDecision | null)[];
  /** The gateway (Assgnr), by BIC; the assignee is the request's assigner. */
  readonly gateway: string;
}

/** The requested transactions of a camt.056, in document order, with their group. */
export function requestedTransactions(
  request: BusinessMessage<'camt.056.001.08'>,
): Array<{ readonly tx: T.PaymentTransaction106; readonly group?: T.OriginalGroupHeader15 }> {
  return request.document.Undrlyg.flatMap((u) =>
    (u.TxInf ?? []).map((tx) => ({ tx, ...(u.OrgnlGrpInfAndCxl ? { group: u.OrgnlGrpInfAndCxl } : {}) })),
  );
}

export function buildResolution(
  input: ResolutionInput,
  ctx: BuildContext,
): BusinessMessage<'camt.029.001.09'> {
  const req = input.request.document;
  const items = requestedTransactions(input.request);
  assert(items.length > 0, 'the cancellation request names no transaction');
  assert(
    items.length === input.decisions.length,
    () => `${input.decisions.length} decisions for ${items.length} requested transactions`,
  );
  const decided = items.flatMap((item, i) => {
    const d = input.decisions[i];
    return d ? [{ ...item, d }] : [];
  });
  assert(decided.length > 0, 'no decision to answer');
  const accepted = decided.filter((x) => x.d.accepted).length;
  assert(
    accepted === 0 || accepted === decided.length,
    'one camt.029 answers either cancelled or refused transactions (see buildResolutions)',
  );
  const txs = decided.map(({ tx, group, d }): T.PaymentTransaction102 => {
    const orgnlGrp =
      tx.OrgnlGrpInf ??
      (group
        ? {
            OrgnlMsgId: group.OrgnlMsgId,
            OrgnlMsgNmId: group.OrgnlMsgNmId,
            ...(group.OrgnlCreDtTm ? { OrgnlCreDtTm: group.OrgnlCreDtTm } : {}),
          }
        : undefined);
    return {
      CxlStsId: freshId(ctx),
      ...(tx.Case ? { RslvdCase: tx.Case } : {}),
      ...(orgnlGrp ? { OrgnlGrpInf: orgnlGrp } : {}),
      ...(tx.OrgnlInstrId ? { OrgnlInstrId: tx.OrgnlInstrId } : {}),
      ...(tx.OrgnlEndToEndId ? { OrgnlEndToEndId: tx.OrgnlEndToEndId } : {}),
      ...(tx.OrgnlTxId ? { OrgnlTxId: tx.OrgnlTxId } : {}),
      ...(tx.OrgnlClrSysRef ? { OrgnlClrSysRef: tx.OrgnlClrSysRef } : {}),
      ...(tx.OrgnlUETR ? { OrgnlUETR: tx.OrgnlUETR } : {}),
      TxCxlSts: d.accepted ? 'ACCR' : 'RJCR',
      ...(d.accepted
        ? {}
        : {
            CxlStsRsnInf: [
              {
                Rsn: { Cd: d.reason },
                ...(d.additionalInfo ? { AddtlInf: textLines(d.additionalInfo, 105, 2) } : {}),
              },
            ],
          }),
      ...(tx.OrgnlIntrBkSttlmAmt ? { OrgnlIntrBkSttlmAmt: tx.OrgnlIntrBkSttlmAmt } : {}),
      ...(tx.OrgnlIntrBkSttlmDt ? { OrgnlIntrBkSttlmDt: tx.OrgnlIntrBkSttlmDt } : {}),
    };
  });
  const conf = accepted > 0 ? 'CNCL' : 'RJCR';
  const document: T.ResolutionOfInvestigationV09 = {
    Assgnmt: {
      Id: freshId(ctx),
      Assgnr: { Agt: agent(input.gateway) },
      Assgne: req.Assgnmt.Assgnr,
      CreDtTm: createdAt(ctx),
    },
    RslvdCase: req.Case ?? { Id: req.Assgnmt.Id, Cretr: req.Assgnmt.Assgnr },
    Sts: { Conf: conf },
    CxlDtls: [{ TxInfAndSts: txs }],
  };
  return { messageType: 'camt.029.001.09', document };
}

/** One camt.029 per outcome: the cancelled transactions (CNCL), then the refused ones (RJCR). */
export function buildResolutions(
  input: Omit<ResolutionInput, 'decisions'> & { readonly decisions: readonly CancellationDecision[] },
  ctx: BuildContext,
): BusinessMessage<'camt.029.001.09'>[] {
  const out: BusinessMessage<'camt.029.001.09'>[] = [];
  for (const want of [true, false]) {
    const decisions = input.decisions.map((d) => (d.accepted === want ? d : null));
    if (decisions.some((d) => d !== null)) out.push(buildResolution({ ...input, decisions }, ctx));
  }
  return out;
}
