/**
 * The gateway's validation profile (L3): the choices a scheme makes on top of ISO 20022. Every
 * switch is a parameter; the coordinator wires the defaults into config.
 */

/**
 * Free text the gateway accepts: Latin letters (accented Latin-1 and Latin Extended-A letters
 * included), digits, space and the SWIFT FIN-X / CBPR+ extended punctuation except < and > —
 * the same set the usage-guideline schemas (schemas/iso20022) put on every free-text type.
 * No control characters: CBPR+ forbids them in text (anchors §b3 C2, C3).
 */
export const GATEWAY_TEXT =
  /^[a-zA-Z0-9 \u00C0-\u00D6\u00D8-\u00F6\u00F8-\u017F/\-?:().,'+!#$%&*=^_`{|}~";@[\\\]]+$/;

export interface Profile {
  /** All transactions of one payment message in one currency (netting runs per currency). */
  readonly oneCurrencyPerMessage: boolean;
  /** All transactions of one payment message share one interbank settlement date. */
  readonly oneSettlementDatePerMessage: boolean;
  /** AppHdr BizMsgIdr must equal GrpHdr MsgId (CBPR+ R5). Off by default: Fedwire puts the IMAD there. */
  readonly businessMessageIdIsMsgId: boolean;
  /** AppHdr Fr / To must be the instructing / instructed agent's BIC where both are BICs (CBPR+ R2/R3). */
  readonly headerAgentsMatch: boolean;
  /** Each payment transaction carries a UETR or a TxId (a duplicate-detection key). */
  readonly transactionKeyRequired: boolean;
  /** Character set of free text, or null for none. */
  readonly text: RegExp | null;
  /**
   * Interbank settlement dates accepted around the business date, in calendar days: from
   * `businessDate - settlementDaysBeforeMax` to `businessDate + settlementDaysAfterMax`.
   * Applied only when a business date is given (intake, `validate --business-date`).
   */
  readonly settlementDaysBeforeMax: number;
  readonly settlementDaysAfterMax: number;
}

export const GATEWAY_PROFILE: Profile = Object.freeze({
  oneCurrencyPerMessage: true,
  oneSettlementDatePerMessage: true,
  businessMessageIdIsMsgId: false,
  headerAgentsMatch: true,
  transactionKeyRequired: true,
  text: GATEWAY_TEXT,
  settlementDaysBeforeMax: 0,
  settlementDaysAfterMax: 30,
});

export interface RuleContext {
  readonly profile: Profile;
  /** The business date (YYYY-MM-DD) time-dependent rules use; absent: those rules are off. */
  readonly businessDate?: string;
}
