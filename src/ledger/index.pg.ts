/**
 * ledger, shell door — everything of `index.ts` plus the PostgreSQL/PGlite shells: the
 * LedgerWriter (one writer per currency at a time, batches applied in one transaction each,
 * netted balance updates), opening accounts and setting limits, and the reads (balances now and
 * as of an instant, movements for camt builders, trial balance, invariant checker).
 *
 * May import: src/domain, src/db (the port and row converters, never a driver), node:crypto.
 * Invariants: balances change only in a transaction holding the currency's turn (its version
 * row in ledger_currency, incremented and locked until commit), and only by the netted deltas
 * the pure applyBatch decided on balances proven current (checked row by row on write); promises
 * resolve only after COMMIT; a broken invariant stops the writer.
 */
export * from './index.js';
export { lockCurrencies, openAccounts, setLimit, type LimitChange } from './store.pg.js';
export { LedgerError, LedgerWriter, type BatchInfo, type LedgerWriterOptions } from './writer.pg.js';
export {
  balanceAt,
  checkInvariants,
  getAccount,
  getRecord,
  listAccounts,
  movements,
  trialBalance,
  type AccountFilter,
  type AccountMovements,
  type AccountView,
  type Movement,
  type MovementsQuery,
  type TrialBalance,
  type TrialBalanceLine,
  type TrialBalanceTotal,
} from './reads.pg.js';
