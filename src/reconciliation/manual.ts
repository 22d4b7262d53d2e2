/**
 * Operator actions on a reconciliation, as pure functions from one state to the next: match lines
 * by hand, confirm a suggested match, undo a match. Each records who did it and when in the
 * audit trail and re-derives the breaks. Who may do what (four eyes) is decided by the operations
 * API before it calls these; here every action is checked only for consistency.
 */
import { err, ok, type Result } from '../domain/index.js';
import { reclassify } from './reconcile.js';
import { linesById } from './report.js';
import { signed } from './sides.js';
import type { AuditEntry, Match, ReconciliationState } from './types.js';

export type ManualErrorCode =
  | 'emptySide'
  | 'unknownLine'
  | 'lineNotOpen'
  | 'lineNotBooked'
  | 'amountsDiffer'
  | 'unknownMatch'
  | 'matchIdTaken'
  | 'alreadyConfirmed';

export interface ManualError {
  readonly code: ManualErrorCode;
  readonly message: string;
}

export interface Actor {
  /** Operator id. */
  readonly by: string;
  /** ISO date-time of the action (an argument: pure code reads no clock). */
  readonly at: string;
}

export interface ManualMatchCommand extends Actor {
  readonly matchId: string;
  readonly statementIds: readonly string[];
  readonly ledgerIds: readonly string[];
  readonly note?: string;
}

function fail(code: ManualErrorCode, message: string): { ok: false; error: ManualError } {
  return err({ code, message });
}

/** Lines taken by a match or a reversal pair. */
function taken(state: ReconciliationState): { s: Set<string>; l: Set<string> } {
  const s = new Set<string>();
  const l = new Set<string>();
  for (const m of state.matches) {
    for (const id of m.statementIds) s.add(id);
    for (const id of m.ledgerIds) l.add(id);
  }
  for (const r of state.reversals) {
    const set = r.side === 'statement' ? s : l;
    set.add(r.originalId);
    set.add(r.reversalId);
  }
  return { s, l };
}

/**
 * Matches booked statement lines with ledger lines by hand (1:1, 1:N, N:1 or N:M). The signed
 * sums must be equal: a difference is settled by a correcting ledger entry first, then matched.
 */
export function manualMatch(
  state: ReconciliationState,
  cmd: ManualMatchCommand,
): Result<ReconciliationState, ManualError> {
  if (cmd.statementIds.length === 0 || cmd.ledgerIds.length === 0)
    return fail('emptySide', 'a match needs at least one statement line and one ledger line');
  if (state.matches.some((m) => m.id === cmd.matchId))
    return fail('matchIdTaken', `match id ${cmd.matchId} exists`);
  const sById = linesById(state.statementLines);
  const lById = linesById(state.ledgerLines);
  const busy = taken(state);
  let diff = 0n;
  for (const id of new Set(cmd.statementIds)) {
    const line = sById.get(id);
    if (!line) return fail('unknownLine', `no statement line ${id}`);
    if (line.status !== 'BOOK')
      return fail('lineNotBooked', `statement line ${id} is pending; only booked lines are matched`);
    if (busy.s.has(id)) return fail('lineNotOpen', `statement line ${id} is already matched or reversed`);
    diff += signed(line.amount, line.direction);
  }
  for (const id of new Set(cmd.ledgerIds)) {
    const line = lById.get(id);
    if (!line) return fail('unknownLine', `no ledger line ${id}`);
    if (busy.l.has(id)) return fail('lineNotOpen', `ledger line ${id} is already matched or reversed`);
    diff -= signed(line.amount, line.direction);
  }
  if (diff !== 0n)
    return fail(
      'amountsDiffer',
      `the statement lines and ledger lines differ by ${diff} minor units (signed)`,
    );
  const match: Match = {
    id: cmd.matchId,
    statementIds: [...new Set(cmd.statementIds)],
    ledgerIds: [...new Set(cmd.ledgerIds)],
    rule: 'manual',
    tier: 0,
    status: 'confirmed',
    ambiguous: false,
    optimal: true,
    difference: 0n,
    by: cmd.by,
    at: cmd.at,
    ...(cmd.note !== undefined ? { note: cmd.note } : {}),
  };
  const entry: AuditEntry = {
    action: 'match',
    matchId: match.id,
    statementIds: match.statementIds,
    ledgerIds: match.ledgerIds,
    by: cmd.by,
    at: cmd.at,
    rule: 'manual',
    ...(cmd.note !== undefined ? { note: cmd.note } : {}),
  };
  const next = reclassify(state, [...state.matches, match]);
  return ok({ ...next, audit: [...state.audit, entry] });
}

/** Undoes a match (automatic or manual); its lines are open again and re-classed. */
export function unmatch(
  state: ReconciliationState,
  cmd: Actor & { readonly matchId: string; readonly reason: string },
): Result<ReconciliationState, ManualError> {
  const m = state.matches.find((x) => x.id === cmd.matchId);
  if (!m) return fail('unknownMatch', `no match ${cmd.matchId}`);
  const entry: AuditEntry = {
    action: 'unmatch',
    matchId: m.id,
    statementIds: m.statementIds,
    ledgerIds: m.ledgerIds,
    by: cmd.by,
    at: cmd.at,
    rule: m.rule,
    note: cmd.reason,
  };
  const next = reclassify(
    state,
    state.matches.filter((x) => x !== m),
  );
  return ok({ ...next, audit: [...state.audit, entry] });
}

/** Confirms a suggested match. */
export function confirmMatch(
  state: ReconciliationState,
  cmd: Actor & { readonly matchId: string; readonly note?: string },
): Result<ReconciliationState, ManualError> {
  const i = state.matches.findIndex((x) => x.id === cmd.matchId);
  if (i < 0) return fail('unknownMatch', `no match ${cmd.matchId}`);
  const m = state.matches[i]!;
  if (m.status === 'confirmed') return fail('alreadyConfirmed', `match ${m.id} is already confirmed`);
  const confirmed: Match = { ...m, status: 'confirmed', confirmedBy: cmd.by, confirmedAt: cmd.at };
  const matches = [...state.matches];
  matches[i] = confirmed;
  const entry: AuditEntry = {
    action: 'confirm',
    matchId: m.id,
    statementIds: m.statementIds,
    ledgerIds: m.ledgerIds,
    by: cmd.by,
    at: cmd.at,
    rule: m.rule,
    ...(cmd.note !== undefined ? { note: cmd.note } : {}),
  };
  // Confirming changes no line's openness: breaks stay as they are.
  return ok({ ...state, matches, audit: [...state.audit, entry] });
}
