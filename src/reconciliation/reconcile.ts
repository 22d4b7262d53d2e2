/**
 * One reconciliation run, start to finish and pure: ingest the statements, prepare both sides,
 * match in tiers, class the rest as breaks, prove the balances. The result is a
 * `ReconciliationState`; reports read it and manual operations (manual.ts) return a new one.
 */
import { assert } from '../domain/index.js';
import { classifyBreaks } from './breaks.js';
import { target2Calendar, type BusinessCalendar } from './calendar.js';
import { ingestStatements } from './ingest.js';
import { matchLines } from './matching.js';
import { prepareSide, type Side } from './sides.js';
import {
  DEFAULT_RECONCILE_CONFIG,
  type LedgerLine,
  type ReconcileConfig,
  type ReconciliationState,
  type Statement,
  type StatementLine,
} from './types.js';

export interface ReconcileInput {
  /** The bank's statements for one account (camt.053, and camt.052/054 without balances). */
  readonly statements: readonly Statement[];
  /** The ledger's movements on its mirror of that account, as seen from the bank account. */
  readonly ledger: readonly LedgerLine[];
  /** The business day breaks are aged against (ISO date). */
  readonly asOf: string;
  /** The ledger's balance of the mirror account at the statement cut-off (signed minor units). */
  readonly ledgerBalance?: bigint;
  readonly config?: Partial<ReconcileConfig>;
}

export function resolveConfig(partial: Partial<ReconcileConfig> | undefined): ReconcileConfig {
  const c = { ...DEFAULT_RECONCILE_CONFIG, ...(partial ?? {}) };
  assert(c.amountToleranceMinor >= 0n, 'amountToleranceMinor must not be negative');
  assert(c.amountToleranceBp >= 0, 'amountToleranceBp must not be negative');
  assert(
    Number.isInteger(c.dateWindowBusinessDays) && c.dateWindowBusinessDays >= 0,
    'dateWindowBusinessDays',
  );
  assert(c.componentSizeMax >= 1 && c.componentSizeMax <= 2000, 'componentSizeMax must be within 1..2000');
  assert(c.candidatesPerLineMax >= 1, 'candidatesPerLineMax must be positive');
  assert(c.groupSizeMax >= 2, 'groupSizeMax must be at least 2');
  assert(c.groupSearchStepsMax >= 1, 'groupSearchStepsMax must be positive');
  return c;
}

/**
 * Prepared sides are memoised per (immutable) line array once a manual operation needed them, so
 * the next one does not decode a million lines again. The cache is invisible to callers: the same
 * array always prepares the same.
 */
const prepared = new WeakMap<
  object,
  { cal: BusinessCalendar; side: Side<StatementLine> | Side<LedgerLine> }
>();
const calendars = new WeakMap<readonly string[], BusinessCalendar>();

export function calendarOf(config: ReconcileConfig): BusinessCalendar {
  let cal = calendars.get(config.extraClosingDates);
  if (!cal) {
    cal = target2Calendar(config.extraClosingDates);
    calendars.set(config.extraClosingDates, cal);
  }
  return cal;
}

export function sidesOf(
  state: Pick<ReconciliationState, 'statementLines' | 'ledgerLines' | 'currency' | 'config'>,
): { S: Side<StatementLine>; L: Side<LedgerLine> } {
  const cal = calendarOf(state.config);
  const s = prepared.get(state.statementLines);
  const S =
    s && s.cal === cal
      ? (s.side as Side<StatementLine>)
      : prepareSide(state.statementLines, state.currency, cal, 'statement');
  const l = prepared.get(state.ledgerLines);
  const L =
    l && l.cal === cal
      ? (l.side as Side<LedgerLine>)
      : prepareSide(state.ledgerLines, state.currency, cal, 'ledger');
  prepared.set(state.statementLines, { cal, side: S });
  prepared.set(state.ledgerLines, { cal, side: L });
  return { S, L };
}

export function reconcile(input: ReconcileInput): ReconciliationState {
  const config = resolveConfig(input.config);
  const ing = ingestStatements(input.statements, { dedupeByEntryRef: config.dedupeByEntryRef });
  const base = {
    statementLines: ing.lines,
    ledgerLines: input.ledger,
    currency: ing.currency,
    config,
  };
  // Decoded afresh and not cached: a state kept only for its reports should not hold the
  // decoded sides in memory; the first manual operation decodes and caches them.
  const cal = calendarOf(config);
  const S = prepareSide(base.statementLines, base.currency, cal, 'statement');
  const L = prepareSide(base.ledgerLines, base.currency, cal, 'ledger');
  const outcome = matchLines(S, L, config);
  const { breaks, pending } = classifyBreaks({
    S,
    L,
    matches: outcome.matches,
    reversals: outcome.reversals,
    batchMismatches: ing.batchMismatches,
    config,
    calendar: calendarOf(config),
    asOf: input.asOf,
    open: { s: outcome.sOpen, l: outcome.lOpen },
  });
  const balance =
    input.ledgerBalance === undefined
      ? ing.balance
      : {
          ...ing.balance,
          ledgerBalance: input.ledgerBalance,
          ledgerDifference: input.ledgerBalance - ing.balance.statedClosing,
        };
  return {
    account: ing.account,
    currency: ing.currency,
    asOf: input.asOf,
    config,
    statementIds: ing.statementIds,
    entryCount: ing.entryCount,
    statementLines: ing.lines,
    ledgerLines: input.ledger,
    matches: outcome.matches,
    reversals: outcome.reversals,
    pending,
    batchMismatches: ing.batchMismatches,
    breaks,
    proofs: ing.proofs,
    balance,
    audit: [],
    stats: {
      componentsSolved: outcome.componentsSolved,
      largestComponent: outcome.largestComponent,
      componentsOverSizeMax: outcome.componentsOverSizeMax,
      duplicateEntriesDropped: ing.duplicateEntriesDropped,
      pendingSuperseded: ing.pendingSuperseded,
      groupSearchesCut: outcome.groupSearchesCut,
    },
  };
}

/** Re-derives breaks and pending links after the matches of a state changed. */
export function reclassify(
  state: ReconciliationState,
  matches: ReconciliationState['matches'],
): ReconciliationState {
  const { S, L } = sidesOf(state);
  const { breaks, pending } = classifyBreaks({
    S,
    L,
    matches,
    reversals: state.reversals,
    batchMismatches: state.batchMismatches,
    config: state.config,
    calendar: calendarOf(state.config),
    asOf: state.asOf,
  });
  return { ...state, matches, breaks, pending };
}
