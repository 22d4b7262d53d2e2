/**
 * ledger — the clearing house's double-entry ledger: the chart of accounts (accounts.ts), the
 * journal's commands and records (journal.ts), the pure batch decision with two-phase
 * reservations and participant limits (batch.ts), the invariants (invariants.ts), and the shells
 * that apply batches to PostgreSQL/PGlite through one writer per currency (writer.pg.ts,
 * store.pg.ts) and read balances, movements and the trial balance (reads.pg.ts).
 *
 * May import: src/domain; the *.pg.ts shells also src/db (the port, never a driver) and
 * node:crypto. Pure files read no clock and no randomness: `nowMs` and `newId` are arguments.
 * This door is pure (domain vocabulary, decision, invariants). The shells have their own door,
 * `index.pg.ts`, which re-exports this one plus the writer and the reads, so that importing the
 * ledger's vocabulary does not load database code (the purity check forbids it).
 *
 * Invariants asserted: every entry has two or more postings and balances per currency (pure
 * assert, and a database trigger); the journal is append-only (trigger); an idempotency key
 * names one record, and a replay changes nothing; a reservation is posted in full or voided, at
 * most once; no reservation or posting raises a participant's exposure (posted + pending debits)
 * above its net debit cap plus prefunded liquidity (pure check, writer lock, database CHECK);
 * every batch's balance deltas sum to zero per currency.
 */
export * from './accounts.js';
export * from './journal.js';
export {
  applyBatch,
  applyCommands,
  exposure,
  headroom,
  INT8_MAX,
  type AccountDelta,
  type AccountState,
  type BatchContext,
  type BatchResult,
  type LedgerView,
  type Resolution,
  type ResolutionOutcome,
} from './batch.js';
export * from './invariants.js';
export { MemoryLedger } from './memory.js';
export { settlementCommands, type CycleSettlement, type NetPosition } from './settlement.js';
