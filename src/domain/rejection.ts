/**
 * A business rejection: a value, not an exception. It names the rule that fired (a stable id
 * such as "amount.precision"), the ISO reason code that goes into the pacs.002, the path of the
 * offending element (/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[3]/IntrBkSttlmAmt), and a message
 * for people. `line`/`column` are filled in where the source position is known.
 */
import type { ReasonCode } from './reasons.js';

export interface Rejection {
  readonly rule: string;
  readonly reason: ReasonCode | null;
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export function rejection(
  rule: string,
  reason: ReasonCode | null,
  path: string,
  message: string,
  position?: { line?: number; column?: number },
): Rejection {
  return { rule, reason, path, message, ...(position ?? {}) };
}
