/**
 * A finding is a Rejection plus the transaction it rejects: `txIndex` (0-based position of the
 * repeating element, see model/layout.ts) for a transaction-level fault, null when the whole
 * message is rejected ("Rejection granularity" in the CLI contract).
 */
import { rejection, type Rejection } from '../../domain/index.js';
import { RULES, type RuleId } from './catalogue.js';

export interface Finding extends Rejection {
  readonly txIndex: number | null;
}

/**
 * A finding of `rule` at `path`; `txIndex` is kept only when the rule is a transaction-level
 * rule (a message-level rule rejects the message wherever it fires).
 */
export function finding(
  rule: RuleId,
  path: string,
  message: string,
  txIndex: number | null,
  line?: number,
): Finding {
  const info = RULES[rule];
  return {
    ...rejection(rule, info.reason, path, message, line === undefined ? undefined : { line }),
    txIndex: info.scope === 'transaction' ? txIndex : null,
  };
}

/** Turns a reader/gate Rejection into a Finding, scoped by its rule (unknown rules: message). */
export function scoped(r: Rejection, txIndex: number | null): Finding {
  const info = (RULES as Record<string, { scope: string } | undefined>)[r.rule];
  return { ...r, txIndex: info?.scope === 'transaction' ? txIndex : null };
}
