/**
 * reconciliation — matches the settlement bank's statements (camt.053, and camt.052/054) against
 * the ledger's movements on the gateway's account at that bank, classes and ages what does not
 * match, proves the balances, and renders the reports `isoclear reconcile` writes (JSON, CSV,
 * self-contained HTML). Operator actions (manual match, confirm, unmatch) are pure state
 * transitions with an audit trail.
 *
 * May import: src/domain only. Pure throughout: no I/O, no clock (`asOf` and action times are
 * arguments), no randomness. Input comes through its own plain types (types.ts); adapters from
 * the camt readers and from the ledger live with the callers.
 *
 * Invariants asserted: every line is in the account currency with a positive amount; line ids
 * are unique per side; a line is in at most one match or reversal pair; every assignment within
 * a tier is one-to-one and, within `componentSizeMax`, of least total cost among those with the
 * most pairs; the balance proof is reported, never assumed.
 */
export * from './types.js';
export {
  ageBucket,
  AGE_BUCKETS,
  easterSunday,
  epochDay,
  isoOfEpochDay,
  target2Calendar,
  target2Holidays,
  type AgeBucket,
  type BusinessCalendar,
} from './calendar.js';
export { normalizeCounterparty, normalizeRef, REF_KINDS } from './references.js';
export { ingestStatements, type Ingested, type IngestOptions } from './ingest.js';
export { hungarian, pairCost } from './assignment.js';
export { subsetSum, type SubsetSearch } from './subsets.js';
export { amountTolerance } from './matching.js';
export { reconcile, resolveConfig, type ReconcileInput } from './reconcile.js';
export {
  confirmMatch,
  manualMatch,
  unmatch,
  type Actor,
  type ManualError,
  type ManualErrorCode,
  type ManualMatchCommand,
} from './manual.js';
export { BREAK_CLASSES, reportJson, reportModel, summarize, type Summary } from './report.js';
export { CSV_COLUMNS, csvField, csvRow, reportCsv } from './csv.js';
export { escapeHtml, reportHtml, type HtmlOptions } from './html.js';
