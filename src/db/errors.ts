/**
 * SQLSTATE helpers. Both drivers throw their own DatabaseError carrying the five-character
 * SQLSTATE in `.code` (PostgreSQL Appendix A); callers branch on these helpers, never on
 * message text.
 */
export const SQLSTATE = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  notNullViolation: '23502',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  inFailedTransaction: '25P02',
  queryCanceled: '57014', // statement_timeout
  /**
   * Raised by forbid_mutation() on an append-only table. A code in an implementation-defined
   * class (first character I–Z, per SQL:2016 §24.1), unused by PostgreSQL itself.
   */
  appendOnly: 'IC001',
} as const;

/** The SQLSTATE of a driver error, or undefined for anything else. */
export function sqlState(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || !('code' in e)) return undefined;
  const code = (e as { code: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  if (sqlState(e) !== SQLSTATE.uniqueViolation) return false;
  return constraint === undefined || (e as { constraint?: unknown }).constraint === constraint;
}

/** 40001 or 40P01: the transaction lost a conflict and may be run again from the start. */
export function isRetryable(e: unknown): boolean {
  const s = sqlState(e);
  return s === SQLSTATE.serializationFailure || s === SQLSTATE.deadlockDetected;
}
