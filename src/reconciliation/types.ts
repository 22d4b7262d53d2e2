/**
 * Plain input and output types of reconciliation. The bank side arrives as `Statement`s (what a
 * camt.053 / camt.052 / camt.054 reader yields, one per statement document) and is flattened
 * into `StatementLine`s; our side arrives as `LedgerLine`s (the movements of the gateway's
 * mirror of its account at the settlement bank). Adapters from the mapping and ledger modules
 * fill these; reconciliation depends on neither.
 *
 * Amounts are bigint minor units of the account currency, always positive on a line; the sign
 * lives in `direction`, as in ISO 20022 (`Amt` is unsigned, `CdtDbtInd` says CRDT or DBIT).
 * Balances are signed minor units: credit (in the account holder's favour) positive.
 * Dates are ISO calendar dates (YYYY-MM-DD).
 */
import type { AgeBucket } from './calendar.js';

/** ISO 20022 CreditDebitCode, seen from the account holder (the gateway). */
export type Direction = 'CRDT' | 'DBIT';

/**
 * ISO 20022 ExternalEntryStatus1Code values the engine distinguishes: BOOK (booked) and PDNG
 * (pending: "booking on the account servicer's books has not been completed"). INFO and FUTR
 * entries are not movements of the booked balance; adapters leave them out or pass them as PDNG.
 */
export type EntryStatus = 'BOOK' | 'PDNG';

/** Payment references (camt.053 TxDtls/Refs = TransactionReferences6, plus the gateway's cycle). */
export interface References {
  /** Unique end-to-end transaction reference (UUIDv4); compared case-insensitively. */
  readonly uetr?: string;
  readonly endToEndId?: string;
  readonly txId?: string;
  readonly instrId?: string;
  /** Account servicer's reference (entry- or transaction-level AcctSvcrRef). */
  readonly acctSvcrRef?: string;
  /** Message id: for a batch booking, Btch/MsgId; shared by every line of the message. */
  readonly msgId?: string;
  /** Settlement cycle id: shared by every movement of one cycle. */
  readonly cycleRef?: string;
}

export type RefKind = keyof References;

/** One movement on the bank's statement, after de-duplication and batch expansion. */
export interface StatementLine {
  /**
   * Unique line id within a reconciliation: the entry's AcctSvcrRef, else its NtryRef, else
   * "statementId#position"; "/n" appended for the n-th detail of a batch; prefixed with the
   * statement id where two entries would clash.
   */
  readonly id: string;
  /** Ntry/NtryRef as given by the bank, if any. */
  readonly entryRef?: string;
  readonly statementId: string;
  readonly account: string;
  readonly currency: string;
  /** Minor units, > 0. */
  readonly amount: bigint;
  readonly direction: Direction;
  readonly status: EntryStatus;
  readonly bookingDate: string;
  readonly valueDate: string;
  readonly refs: References;
  /** Counterparty agent or party (BIC preferred); compared normalised. */
  readonly counterparty?: string;
  /** Ntry/RvslInd: the entry reverses an earlier one of the opposite direction. */
  readonly reversal?: boolean;
  /** Id of the batch entry (Ntry with several TxDtls) this line was expanded from. */
  readonly batchOf?: string;
}

/** One movement of the gateway's ledger on its mirror of the bank account. */
export interface LedgerLine {
  /** Unique ledger entry id (the journal entry's key, or key + posting index). */
  readonly id: string;
  readonly account?: string;
  readonly currency: string;
  /** Minor units, > 0. */
  readonly amount: bigint;
  /** As seen from the bank account: CRDT = money arrives on the gateway's account at the bank. */
  readonly direction: Direction;
  readonly bookingDate: string;
  readonly valueDate: string;
  readonly refs: References;
  readonly counterparty?: string;
  /** The ledger line reverses (corrects) an earlier one of the opposite direction. */
  readonly reversal?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Bank statements as read (before ingestion)

/** A transaction inside an entry (Ntry/NtryDtls/TxDtls). */
export interface TransactionDetail {
  /** In account currency (TxDtls/Amt or AmtDtls/TxAmt); absent when the bank gave none. */
  readonly amount?: bigint;
  /** TxDtls/CdtDbtInd (camt.053.001.08); defaults to the entry's. */
  readonly direction?: Direction;
  readonly refs: References;
  readonly counterparty?: string;
}

/** One statement entry (Ntry). */
export interface StatementEntry {
  /** Ntry/NtryRef. */
  readonly entryRef?: string;
  /** Ntry/Amt in minor units, > 0. */
  readonly amount: bigint;
  readonly direction: Direction;
  readonly status: EntryStatus;
  readonly bookingDate: string;
  /** Ntry/ValDt; defaults to the booking date. */
  readonly valueDate?: string;
  readonly reversal?: boolean;
  /** Entry-level references: AcctSvcrRef, and for a single-transaction entry its TxDtls/Refs. */
  readonly refs: References;
  readonly counterparty?: string;
  /** Ntry/NtryDtls/Btch. */
  readonly batch?: {
    readonly msgId?: string;
    readonly pmtInfId?: string;
    readonly numberOfTransactions?: number;
  };
  /** Ntry/NtryDtls/TxDtls. */
  readonly transactions?: readonly TransactionDetail[];
}

/** One statement (camt.053 Stmt, or camt.052 Rpt / camt.054 Ntfctn without balances). */
export interface Statement {
  /** Stmt/Id. */
  readonly id: string;
  /** Account identification (IBAN or other id) as the bank gives it. */
  readonly account: string;
  readonly currency: string;
  /** ElctrncSeqNb or LglSeqNb: orders statements of one account. */
  readonly sequence?: number;
  /** FrToDt. */
  readonly fromDate?: string;
  readonly toDate?: string;
  /** Signed minor units (OPBD / PRCD); absent for notifications, which then carry no balance proof. */
  readonly openingBalance?: bigint;
  /** Signed minor units (CLBD). */
  readonly closingBalance?: bigint;
  readonly entries: readonly StatementEntry[];
}

// ---------------------------------------------------------------------------------------------
// Configuration

export interface ReconcileConfig {
  /** Tier-3 absolute amount tolerance, minor units (0 = exact amounts only). */
  readonly amountToleranceMinor: bigint;
  /** Tier-3 relative amount tolerance in basis points of the statement amount (0 = none). When both are set the smaller applies (as Oracle Cash Management does). */
  readonly amountToleranceBp: number;
  /** Tier-3 value-date window in business days (either direction). */
  readonly dateWindowBusinessDays: number;
  /** Largest side of an ambiguous component solved exactly; larger ones are assigned greedily and flagged. */
  readonly componentSizeMax: number;
  /** Most tolerance candidates considered per line (counterparty route). */
  readonly candidatesPerLineMax: number;
  /** Most candidate lines a one-to-many subset-sum search may look at. */
  readonly groupCandidatesMax: number;
  /** Most lines in a one-to-many or many-to-one group. */
  readonly groupSizeMax: number;
  /** Search steps allowed per subset-sum search. */
  readonly groupSearchStepsMax: number;
  /** De-duplicate entries across statements by NtryRef when AcctSvcrRef is absent (banks whose NtryRef is a per-statement counter should turn this off). */
  readonly dedupeByEntryRef: boolean;
  /** Extra closing days (ISO dates) on top of the TARGET2 calendar. */
  readonly extraClosingDates: readonly string[];
}

export const DEFAULT_RECONCILE_CONFIG: ReconcileConfig = Object.freeze({
  amountToleranceMinor: 0n,
  amountToleranceBp: 0,
  dateWindowBusinessDays: 2,
  componentSizeMax: 400,
  candidatesPerLineMax: 64,
  groupCandidatesMax: 32,
  groupSizeMax: 6,
  groupSearchStepsMax: 200_000,
  dedupeByEntryRef: true,
  extraClosingDates: [],
});

// ---------------------------------------------------------------------------------------------
// Outcome

/**
 * Which rule made a match:
 *   ref.exact                 tier 1: a shared payment reference, equal amount, direction and value date
 *   group.ref                 tier 1: one line equals the sum of all open lines sharing its message/cycle reference
 *   amount.date.counterparty  tier 2: equal amount, direction, value date and counterparty
 *   tolerance.ref             tier 3: a shared reference, amount/value date within tolerance
 *   tolerance.counterparty    tier 3: same counterparty, amount/value date within tolerance
 *   group.sum                 one line equals the sum of several (same counterparty and value date)
 *   manual                    an operator's match
 */
export type RuleId =
  | 'ref.exact'
  | 'group.ref'
  | 'amount.date.counterparty'
  | 'tolerance.ref'
  | 'tolerance.counterparty'
  | 'group.sum'
  | 'manual';

export type MatchStatus = 'confirmed' | 'suggested';

export interface Match {
  /** Automatic matches are named by their first statement line's id; manual ones by the caller. */
  readonly id: string;
  readonly statementIds: readonly string[];
  readonly ledgerIds: readonly string[];
  readonly rule: RuleId;
  /** 1 = exact references, 2 = amount/date/counterparty, 3 = tolerances and sums, 0 = manual. */
  readonly tier: 0 | 1 | 2 | 3;
  readonly status: MatchStatus;
  /** The candidate component offered alternatives (or a second subset existed). */
  readonly ambiguous: boolean;
  /** False only when a component exceeded componentSizeMax and was assigned greedily. */
  readonly optimal: boolean;
  /** Σ signed statement − Σ signed ledger, minor units (non-zero only under an amount tolerance). */
  readonly difference: bigint;
  /** Who made a manual match / confirmed a suggestion, and when (ISO date-time). */
  readonly by?: string;
  readonly at?: string;
  readonly confirmedBy?: string;
  readonly confirmedAt?: string;
  readonly note?: string;
}

export type BreakClass =
  | 'missingInLedger'
  | 'missingOnStatement'
  | 'amountMismatch'
  | 'valueDateMismatch'
  | 'duplicate'
  | 'batchTotalMismatch'
  | 'timing'
  | 'reversal';

export type BreakSide = 'statement' | 'ledger' | 'both';

export interface Break {
  readonly id: string;
  readonly class: BreakClass;
  readonly side: BreakSide;
  readonly statementIds: readonly string[];
  readonly ledgerIds: readonly string[];
  readonly direction: Direction;
  /** The open amount (minor units, > 0 except for a batch difference, which is signed). */
  readonly amount: bigint;
  /** For pair breaks: Σ signed statement − Σ signed ledger. */
  readonly difference?: bigint;
  readonly valueDate: string;
  readonly ageBusinessDays: number;
  readonly ageBucket: AgeBucket;
  /** Other lines that explain the break: the first copy of a duplicate, the pending line of a timing break. */
  readonly relatedIds?: readonly string[];
  readonly reason: string;
}

/** A reversal and the entry it offsets, on the same side; neither is a break. */
export interface ReversalPair {
  readonly side: 'statement' | 'ledger';
  readonly originalId: string;
  readonly reversalId: string;
}

/** A pending statement line: never matched automatically, reported apart. */
export interface PendingLine {
  readonly statementId: string;
  /** Open ledger lines that look like it (shared reference, or amount + direction + counterparty). */
  readonly ledgerIds: readonly string[];
}

/** A batch entry whose details do not add up to it (camt: Σ TxDtls amounts ≠ Ntry/Amt, or NbOfTxs ≠ count). */
export interface BatchMismatch {
  readonly entryId: string;
  readonly statementId: string;
  /** Signed entry amount − Σ signed detail amounts (minor units). */
  readonly difference: bigint;
  readonly direction: Direction;
  readonly bookingDate: string;
  readonly valueDate: string;
  readonly reason: string;
}

/** Opening + Σ booked entries = closing, for one statement. */
export interface StatementProof {
  readonly statementId: string;
  readonly sequence?: number;
  readonly entries: number;
  readonly openingBalance: bigint;
  readonly bookedMovement: bigint;
  readonly expectedClosing: bigint;
  readonly statedClosing: bigint;
  readonly difference: bigint;
}

/** The account-level proof over all statements after de-duplication, and the ledger comparison. */
export interface BalanceCheck {
  /** False when no statement carried both an opening and a closing balance (notifications only). */
  readonly proven: boolean;
  readonly openingBalance: bigint;
  readonly bookedMovement: bigint;
  readonly expectedClosing: bigint;
  readonly statedClosing: bigint;
  /** expectedClosing − statedClosing. */
  readonly difference: bigint;
  /** Booked entries that appear only in statements without balances (not part of the proof). */
  readonly entriesOutsideProof: number;
  /** The ledger's balance of its mirror account at the statement cut-off, when given. */
  readonly ledgerBalance?: bigint;
  /** ledgerBalance − statedClosing. */
  readonly ledgerDifference?: bigint;
}

export interface AuditEntry {
  readonly action: 'match' | 'unmatch' | 'confirm';
  readonly matchId: string;
  readonly statementIds: readonly string[];
  readonly ledgerIds: readonly string[];
  readonly by: string;
  readonly at: string;
  readonly rule: RuleId;
  readonly note?: string;
}

export interface EngineStats {
  readonly componentsSolved: number;
  readonly largestComponent: number;
  readonly componentsOverSizeMax: number;
  readonly duplicateEntriesDropped: number;
  readonly pendingSuperseded: number;
  readonly groupSearchesCut: number;
}

/** Everything a reconciliation run knows; reports are built from it, manual operations return a new one. */
export interface ReconciliationState {
  readonly account: string;
  readonly currency: string;
  /** The day breaks are aged against (ISO date). */
  readonly asOf: string;
  readonly config: ReconcileConfig;
  readonly statementIds: readonly string[];
  /** De-duplicated entry count (before batch expansion). */
  readonly entryCount: number;
  readonly statementLines: readonly StatementLine[];
  readonly ledgerLines: readonly LedgerLine[];
  readonly matches: readonly Match[];
  readonly reversals: readonly ReversalPair[];
  readonly pending: readonly PendingLine[];
  readonly batchMismatches: readonly BatchMismatch[];
  readonly breaks: readonly Break[];
  readonly proofs: readonly StatementProof[];
  readonly balance: BalanceCheck;
  readonly audit: readonly AuditEntry[];
  readonly stats: EngineStats;
}
