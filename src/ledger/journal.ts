/**
 * The journal's vocabulary: commands callers submit, the records the ledger keeps, and the
 * static checks every command passes before it is weighed against balances.
 *
 * Four commands, after TigerBeetle's two-phase transfers (docs/coding/two-phase-transfers.md):
 *   transfer  a balanced entry posted at once
 *   reserve   a balanced entry held pending: it moves no posted balance but counts against limits
 *   post      posts a pending reservation, in full, as a new entry linked to it
 *   void      releases a pending reservation; recorded as an immutable event, not an entry
 * A reservation is posted or voided at most once. Nothing is ever updated or deleted: a
 * correction is a new entry whose links.correctsKey names the entry it corrects.
 *
 * Every command carries an idempotency key chosen by the caller. Submitting the same key with the
 * same content again returns the first record and changes nothing; the same key with different
 * content is refused (AM05 Duplication).
 */
import { AMOUNT_TOTAL_DIGITS_MAX, rejection, type Money, type Rejection } from '../domain/index.js';

/** One line of an entry: amount > 0 debits the account, amount < 0 credits it. */
export interface Posting {
  readonly account: string;
  readonly amount: Money;
}

/** What caused an entry: the payment, cycle, return or statement line it belongs to. */
export interface Links {
  readonly paymentId?: string;
  readonly cycleId?: string;
  readonly returnId?: string;
  /** A settlement-bank statement entry (e.g. camt.053 AcctSvcrRef) this entry books. */
  readonly statementRef?: string;
  /** Idempotency key of the entry this one corrects. */
  readonly correctsKey?: string;
}

/** Payment references a camt.052/053/054 builder reports with the entry. */
export interface References {
  readonly uetr?: string;
  readonly endToEndId?: string;
  readonly txId?: string;
  readonly instrId?: string;
  readonly msgId?: string;
}

interface EntryCommandBase {
  readonly key: string;
  readonly postings: readonly Posting[];
  readonly links?: Links;
  readonly refs?: References;
  /** ISO date (YYYY-MM-DD) the amounts are value-dated; null/absent = booking date. */
  readonly valueDate?: string;
  readonly description?: string;
}

export interface TransferCommand extends EntryCommandBase {
  readonly kind: 'transfer';
}

export interface ReserveCommand extends EntryCommandBase {
  readonly kind: 'reserve';
}

export interface PostCommand {
  readonly kind: 'post';
  readonly key: string;
  /** Idempotency key of the reservation to post. */
  readonly pendingKey: string;
  /** Merged over the reservation's links (the posted entry inherits its payment and refs). */
  readonly links?: Links;
  readonly valueDate?: string;
  readonly description?: string;
}

export interface VoidCommand {
  readonly kind: 'void';
  readonly key: string;
  readonly pendingKey: string;
  readonly reason: string;
  readonly links?: Links;
}

export type Command = TransferCommand | ReserveCommand | PostCommand | VoidCommand;

/** A journal entry as stored. Postings are in leg order. */
export interface EntryRecord {
  readonly kind: 'transfer' | 'reserve' | 'post';
  readonly id: string;
  readonly key: string;
  readonly postings: readonly Posting[];
  /** For a post: the reservation it posts. */
  readonly pendingId: string | null;
  readonly pendingKey: string | null;
  readonly correctsId: string | null;
  readonly links: Links;
  readonly refs: References;
  readonly valueDate: string | null;
  readonly description: string | null;
  readonly bookedAtMs: number;
}

/** The void of a reservation: an immutable event in the resolution log. */
export interface VoidRecord {
  readonly kind: 'void';
  readonly key: string;
  readonly pendingId: string;
  readonly pendingKey: string;
  readonly reason: string;
  readonly links: Links;
  readonly atMs: number;
}

export type LedgerRecord = EntryRecord | VoidRecord;

export type CommandOutcome =
  | { readonly status: 'accepted'; readonly record: LedgerRecord }
  | { readonly status: 'replayed'; readonly record: LedgerRecord }
  | { readonly status: 'rejected'; readonly rejection: Rejection };

/** Size limits of a command (units in the names); the writer takes them from configuration. */
export interface CommandLimits {
  readonly keyLengthMax: number;
  readonly postingsPerEntryMax: number;
  readonly textLengthMax: number;
}

export const DEFAULT_COMMAND_LIMITS: CommandLimits = {
  keyLengthMax: 256,
  // leg numbers are int2 in the database
  postingsPerEntryMax: 4096,
  textLengthMax: 500,
};

/** ISO 20022 Max35Text for payment references (the UETR is a 36-character UUID). */
const REF_LENGTH_MAX: Record<keyof References, number> = {
  uetr: 36,
  endToEndId: 35,
  txId: 35,
  instrId: 35,
  msgId: 35,
};

const LINK_FIELDS = ['paymentId', 'cycleId', 'returnId', 'statementRef', 'correctsKey'] as const;
const REF_FIELDS = ['uetr', 'endToEndId', 'txId', 'instrId', 'msgId'] as const;
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** ActiveCurrencyAndAmount allows 18 digits: |minor| < 10^18 for every currency exponent. */
const AMOUNT_MINOR_LIMIT = 10n ** BigInt(AMOUNT_TOTAL_DIGITS_MAX);

const path = (cmd: { key: string }, field: string): string => `command[${cmd.key.slice(0, 64)}].${field}`;

function checkText(cmd: Command, field: string, value: string | undefined, max: number): Rejection | null {
  if (value === undefined) return null;
  if (value.length === 0 || value.length > max)
    return rejection('text.length', null, path(cmd, field), `${field} must have 1 to ${max} characters`);
  return null;
}

/**
 * The checks that need no balances: key, posting count, amounts, balance per currency, text
 * sizes, value date. Returns the first rejection or null.
 */
export function validateCommand(
  cmd: Command,
  limits: CommandLimits = DEFAULT_COMMAND_LIMITS,
): Rejection | null {
  if (typeof cmd.key !== 'string' || cmd.key.length === 0 || cmd.key.length > limits.keyLengthMax)
    return rejection(
      'key.invalid',
      null,
      'command.key',
      `idempotency key must have 1 to ${limits.keyLengthMax} characters`,
    );
  for (const f of LINK_FIELDS) {
    const r = checkText(cmd, `links.${f}`, cmd.links?.[f], limits.keyLengthMax);
    if (r) return r;
  }
  if (cmd.kind === 'void') {
    if (cmd.pendingKey === cmd.key)
      return rejection('pending.self', null, path(cmd, 'pendingKey'), 'a void cannot void itself');
    return (
      checkText(cmd, 'pendingKey', cmd.pendingKey, limits.keyLengthMax) ??
      checkText(cmd, 'reason', cmd.reason, limits.textLengthMax)
    );
  }
  const dateCheck =
    cmd.valueDate !== undefined && !ISO_DATE.test(cmd.valueDate)
      ? rejection(
          'value_date.invalid',
          'DT01',
          path(cmd, 'valueDate'),
          `value date ${cmd.valueDate} is not YYYY-MM-DD`,
        )
      : null;
  if (dateCheck) return dateCheck;
  const desc = checkText(cmd, 'description', cmd.description, limits.textLengthMax);
  if (desc) return desc;
  if (cmd.kind === 'post') {
    if (cmd.pendingKey === cmd.key)
      return rejection('pending.self', null, path(cmd, 'pendingKey'), 'a post cannot post itself');
    return checkText(cmd, 'pendingKey', cmd.pendingKey, limits.keyLengthMax);
  }
  for (const f of REF_FIELDS) {
    const r = checkText(cmd, `refs.${f}`, cmd.refs?.[f], REF_LENGTH_MAX[f]);
    if (r) return r;
  }
  const n = cmd.postings.length;
  if (n < 2 || n > limits.postingsPerEntryMax)
    return rejection(
      'entry.posting_count',
      null,
      path(cmd, 'postings'),
      `an entry has 2 to ${limits.postingsPerEntryMax} postings, not ${n}`,
    );
  for (let i = 0; i < n; i++) {
    const p = cmd.postings[i]!;
    if (p.amount.minor === 0n)
      // ISO ExternalStatusReason1Code AM01 ZeroAmount: "Specified message amount is equal to zero."
      return rejection(
        'posting.zero_amount',
        'AM01',
        path(cmd, `postings[${i}]`),
        'a posting amount is zero',
      );
    if (p.amount.minor >= AMOUNT_MINOR_LIMIT || -p.amount.minor >= AMOUNT_MINOR_LIMIT)
      // AM12 InvalidAmount: "Amount is invalid or missing."
      return rejection(
        'posting.amount_range',
        'AM12',
        path(cmd, `postings[${i}]`),
        `a posting amount has more than ${AMOUNT_TOTAL_DIGITS_MAX} digits`,
      );
  }
  if (isBalanced(cmd.postings)) return null;
  for (const [currency, total] of currencyTotals(cmd.postings))
    if (total !== 0n)
      return rejection(
        'entry.unbalanced',
        null,
        path(cmd, 'postings'),
        `postings in ${currency} sum to ${total} minor units, not zero`,
      );
  return null;
}

/** Per-currency sums of an entry's postings; every value is 0n for a balanced entry. */
export function currencyTotals(postings: readonly Posting[]): Map<string, bigint> {
  const totals = new Map<string, bigint>();
  for (const p of postings)
    totals.set(p.amount.currency, (totals.get(p.amount.currency) ?? 0n) + p.amount.minor);
  return totals;
}

/** True when all postings share one currency (the common case, summed without a Map). */
function oneCurrency(postings: readonly Posting[]): boolean {
  const first = postings[0]?.amount.currency;
  for (let i = 1; i < postings.length; i++) if (postings[i]!.amount.currency !== first) return false;
  return first !== undefined;
}

export function isBalanced(postings: readonly Posting[]): boolean {
  if (postings.length < 2) return false;
  if (oneCurrency(postings)) {
    let total = 0n;
    for (const p of postings) total += p.amount.minor;
    return total === 0n;
  }
  for (const t of currencyTotals(postings).values()) if (t !== 0n) return false;
  return true;
}

function canonLinks(l: Links | undefined): string {
  return LINK_FIELDS.map((f) => l?.[f] ?? '').join('\u0001');
}

function canonRefs(r: References | undefined): string {
  return REF_FIELDS.map((f) => r?.[f] ?? '').join('\u0001');
}

function canonPostings(ps: readonly Posting[]): string {
  return ps.map((p) => `${p.account}\u0002${p.amount.currency}\u0002${p.amount.minor}`).join('\u0001');
}

/** Links of a post: the reservation's, overridden field by field by the command's. */
export function mergeLinks(base: Links, over: Links | undefined): Links {
  // the reservation's correctsKey is not inherited: the post corrects nothing unless it says so
  const { correctsKey: _inheritedNot, ...rest } = base;
  const out: { -readonly [K in keyof Links]: Links[K] } = rest;
  if (over) for (const f of LINK_FIELDS) if (over[f] !== undefined) out[f] = over[f];
  return out;
}

/**
 * The canonical content of a record, for replay comparison. Two submissions are "the same" when
 * the record the second would create equals the stored one in every field the caller chose.
 */
export function recordContent(r: LedgerRecord): string {
  if (r.kind === 'void') return ['void', r.pendingKey, r.reason, canonLinks(r.links)].join('\u0000');
  return [
    r.kind,
    r.kind === 'post' ? (r.pendingKey ?? '') : canonPostings(r.postings),
    canonLinks(r.links),
    r.kind === 'post' ? '' : canonRefs(r.refs),
    r.valueDate ?? '',
    r.description ?? '',
  ].join('\u0000');
}

/**
 * The canonical content of the record `cmd` would create. For a post, `reservation` supplies
 * the inherited links (pass null when the reservation is unknown: content then cannot match).
 */
export function commandContent(cmd: Command, reservation: EntryRecord | null): string {
  if (cmd.kind === 'void') return ['void', cmd.pendingKey, cmd.reason, canonLinks(cmd.links)].join('\u0000');
  if (cmd.kind === 'post')
    return [
      'post',
      cmd.pendingKey,
      canonLinks(reservation ? mergeLinks(reservation.links, cmd.links) : cmd.links),
      '',
      cmd.valueDate ?? '',
      cmd.description ?? '',
    ].join('\u0000');
  return [
    cmd.kind,
    canonPostings(cmd.postings),
    canonLinks(cmd.links),
    canonRefs(cmd.refs),
    cmd.valueDate ?? '',
    cmd.description ?? '',
  ].join('\u0000');
}

/** Keys a command needs loaded to be decided: its own, its reservation's, its corrected entry's. */
export function keysOf(cmd: Command): string[] {
  const keys = [cmd.key];
  if (cmd.kind === 'post' || cmd.kind === 'void') keys.push(cmd.pendingKey);
  if (cmd.links?.correctsKey !== undefined) keys.push(cmd.links.correctsKey);
  return keys;
}
