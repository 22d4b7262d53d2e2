/**
 * applyBatch: the ledger's decision, pure. Given the balances and limits of the accounts a batch
 * touches and the stored records its keys name, it decides every command in order — accepted,
 * replayed or rejected with a reason — and returns the new entries, the resolution events, the
 * new balances and one netted delta per touched account. The writer shell loads the view,
 * calls this, and writes the result set-based in one transaction.
 *
 * Units. Commands arrive in units: a unit of one command is decided on its own; a unit of
 * several is atomic (TigerBeetle's linked events): if one is rejected, every command of the unit
 * is rejected and none of its effects remain.
 *
 * Limits. A clearing account's exposure is posted + pendingDebits (pending credits do not count,
 * as in TigerBeetle's balance checks, which weigh debits_pending + debits_posted against
 * credits_posted). A command is refused when it raises an exposure above netDebitCap + prefunded;
 * a command that lowers or keeps an exposure is never refused for limits, so a participant above
 * a lowered limit can still be paid and can still have its reservations voided or posted.
 *
 * Invariants asserted before returning (a failure stops the writer, it is a bug): every new
 * entry has two or more postings, balances per currency and matches its accounts' currencies;
 * posted deltas sum to zero per currency; pending debit and credit deltas are equal per
 * currency; no balance leaves the int8 range; no limit is exceeded by an accepted command.
 */
import { assert, rejection, type Rejection } from '../domain/index.js';
import type { AccountKind, Limit } from './accounts.js';
import {
  DEFAULT_COMMAND_LIMITS,
  commandContent,
  isBalanced,
  mergeLinks,
  recordContent,
  validateCommand,
  type Command,
  type CommandLimits,
  type CommandOutcome,
  type EntryRecord,
  type LedgerRecord,
  type Links,
  type Posting,
  type References,
  type VoidRecord,
} from './journal.js';

/** Balances of one account (minor units of its currency) and its limit, if it carries one. */
export interface AccountState {
  readonly id: string;
  readonly kind: AccountKind;
  readonly currency: string;
  readonly posted: bigint;
  readonly pendingDebits: bigint;
  readonly pendingCredits: bigint;
  readonly limit: Limit | null;
}

export type ResolutionOutcome = 'posted' | 'voided';

/** What the batch needs to know: accounts it touches, records its keys name, their resolutions. */
export interface LedgerView {
  readonly accounts: ReadonlyMap<string, AccountState>;
  /** Stored records by idempotency key (entries, and voids by the void's key). */
  readonly records: ReadonlyMap<string, LedgerRecord>;
  /** Resolution of stored reservations, by reservation entry id. */
  readonly resolutions: ReadonlyMap<string, ResolutionOutcome>;
}

/** A row of the resolution log: a reservation posted (by entryId) or voided. */
export interface Resolution {
  readonly pendingId: string;
  readonly outcome: ResolutionOutcome;
  readonly entryId: string | null;
  readonly key: string;
  readonly reason: string | null;
  readonly links: Links;
  readonly atMs: number;
}

/** The netted change of one account over the whole batch. */
export interface AccountDelta {
  readonly id: string;
  readonly currency: string;
  readonly posted: bigint;
  readonly pendingDebits: bigint;
  readonly pendingCredits: bigint;
}

export interface BatchResult {
  /** One per command, in submission order (units flattened). */
  readonly outcomes: CommandOutcome[];
  /** New entries in the order they were accepted. */
  readonly entries: EntryRecord[];
  readonly resolutions: Resolution[];
  /** New state of every account whose balances changed. */
  readonly accounts: AccountState[];
  readonly deltas: AccountDelta[];
}

export interface BatchContext {
  readonly nowMs: number;
  readonly newId: () => string;
  readonly limits?: CommandLimits;
}

export const INT8_MAX = 2n ** 63n - 1n;

const NO_LINKS: Links = Object.freeze({});
const NO_REFS: References = Object.freeze({});

export function exposure(a: Pick<AccountState, 'posted' | 'pendingDebits'>): bigint {
  return a.posted + a.pendingDebits;
}

/** Funds available to a limited account before its next debit is refused; null when unlimited. */
export function headroom(a: AccountState): bigint | null {
  return a.limit ? a.limit.netDebitCapMinor + a.limit.prefundedMinor - exposure(a) : null;
}

/** A map read through to a parent; writes stay local until merged. */
class Layer<K, V> {
  readonly own = new Map<K, V>();
  constructor(private readonly parent: { get(k: K): V | undefined }) {}
  get(k: K): V | undefined {
    const v = this.own.get(k);
    return v !== undefined ? v : this.parent.get(k);
  }
  set(k: K, v: V): void {
    this.own.set(k, v);
  }
  mergeInto(target: Layer<K, V>): void {
    for (const [k, v] of this.own) target.set(k, v);
  }
}

interface State {
  accounts: Layer<string, AccountState>;
  records: Layer<string, LedgerRecord>;
  resolutions: Layer<string, ResolutionOutcome>;
  entries: EntryRecord[];
  resolutionLog: Resolution[];
}

function childState(parent: State): State {
  return {
    accounts: new Layer(parent.accounts),
    records: new Layer(parent.records),
    resolutions: new Layer(parent.resolutions),
    entries: [],
    resolutionLog: [],
  };
}

function mergeState(child: State, parent: State): void {
  child.accounts.mergeInto(parent.accounts);
  child.records.mergeInto(parent.records);
  child.resolutions.mergeInto(parent.resolutions);
  parent.entries.push(...child.entries);
  parent.resolutionLog.push(...child.resolutionLog);
}

type Decision =
  { status: 'accepted' | 'replayed'; record: LedgerRecord } | { status: 'rejected'; rejection: Rejection };

const reject = (r: Rejection): Decision => ({ status: 'rejected', rejection: r });
const at = (cmd: Command, field: string): string => `command[${cmd.key.slice(0, 64)}].${field}`;

/** Mutable working copy of the balances one command changes. */
type Working = Map<string, { acc: AccountState; posted: bigint; pd: bigint; pc: bigint }>;

function touch(w: Working, acc: AccountState) {
  let x = w.get(acc.id);
  if (!x) {
    x = { acc, posted: acc.posted, pd: acc.pendingDebits, pc: acc.pendingCredits };
    w.set(acc.id, x);
  }
  return x;
}

function outOfRange(v: bigint): boolean {
  return v > INT8_MAX || v < -INT8_MAX;
}

/**
 * Checks the working balances of one command: int8 range and limits. Returns a rejection or
 * null; on null the caller stores the new states.
 */
function checkWorking(cmd: Command, w: Working): Rejection | null {
  for (const x of w.values()) {
    if (outOfRange(x.posted) || outOfRange(x.pd) || outOfRange(x.pc) || outOfRange(x.posted + x.pd))
      return rejection(
        'balance.overflow',
        null,
        at(cmd, 'postings'),
        `${x.acc.id} would leave the int8 range`,
      );
    const lim = x.acc.limit;
    if (!lim) continue;
    const before = exposure(x.acc);
    const after = x.posted + x.pd;
    const cap = lim.netDebitCapMinor + lim.prefundedMinor;
    if (after > before && after > cap)
      // ISO ExternalStatusReason1Code AM04 InsufficientFunds: "Amount of funds available to cover
      // specified message amount is insufficient." Available = net debit cap + prefunded - exposure.
      return rejection(
        'limit.exceeded',
        'AM04',
        at(cmd, 'postings'),
        `${x.acc.id}: exposure would be ${after} minor units, above net debit cap ${lim.netDebitCapMinor} + prefunded ${lim.prefundedMinor}`,
      );
  }
  return null;
}

type MutableBalances = { -readonly [K in 'posted' | 'pendingDebits' | 'pendingCredits']: bigint };

function store(st: State, w: Working): void {
  for (const x of w.values()) {
    // a state this layer created is private to the batch: update it in place (fewer objects);
    // states of the view (the writer's cache among them) are never touched
    const own = st.accounts.own.get(x.acc.id) as unknown as MutableBalances | undefined;
    if (own) {
      own.posted = x.posted;
      own.pendingDebits = x.pd;
      own.pendingCredits = x.pc;
    } else
      st.accounts.set(x.acc.id, { ...x.acc, posted: x.posted, pendingDebits: x.pd, pendingCredits: x.pc });
  }
}

function decideEntry(
  st: State,
  cmd: Extract<Command, { kind: 'transfer' | 'reserve' }>,
  ctx: BatchContext,
): Decision {
  let correctsId: string | null = null;
  if (cmd.links?.correctsKey !== undefined) {
    const target = st.records.get(cmd.links.correctsKey);
    if (!target || target.kind === 'void')
      return reject(
        rejection(
          'corrects.unknown',
          null,
          at(cmd, 'links.correctsKey'),
          'the corrected entry does not exist',
        ),
      );
    correctsId = target.id;
  }
  const w: Working = new Map();
  const pending = cmd.kind === 'reserve';
  for (let i = 0; i < cmd.postings.length; i++) {
    const p = cmd.postings[i]!;
    const acc = st.accounts.get(p.account);
    if (!acc)
      return reject(
        rejection(
          'account.unknown',
          null,
          at(cmd, `postings[${i}].account`),
          `no ledger account ${p.account}`,
        ),
      );
    if (acc.currency !== p.amount.currency)
      // AM03 NotAllowedCurrency: "Specified message amount is in a non processable currency
      // outside of existing agreement."
      return reject(
        rejection(
          'posting.currency',
          'AM03',
          at(cmd, `postings[${i}].amount`),
          `${p.account} is kept in ${acc.currency}, not ${p.amount.currency}`,
        ),
      );
    const x = touch(w, acc);
    const m = p.amount.minor;
    if (!pending) x.posted += m;
    else if (m > 0n) x.pd += m;
    else x.pc -= m;
  }
  const bad = checkWorking(cmd, w);
  if (bad) return reject(bad);
  store(st, w);
  const entry: EntryRecord = {
    kind: cmd.kind,
    id: ctx.newId(),
    key: cmd.key,
    postings: cmd.postings.slice(),
    pendingId: null,
    pendingKey: null,
    correctsId,
    links: cmd.links ? { ...cmd.links } : NO_LINKS,
    refs: cmd.refs ? { ...cmd.refs } : NO_REFS,
    valueDate: cmd.valueDate ?? null,
    description: cmd.description ?? null,
    bookedAtMs: ctx.nowMs,
  };
  st.records.set(entry.key, entry);
  st.entries.push(entry);
  return { status: 'accepted', record: entry };
}

function findReservation(
  st: State,
  cmd: Extract<Command, { kind: 'post' | 'void' }>,
): { ok: true; res: EntryRecord } | { ok: false; rejection: Rejection } {
  const res = st.records.get(cmd.pendingKey);
  const where = at(cmd, 'pendingKey');
  if (!res)
    return { ok: false, rejection: rejection('pending.unknown', null, where, 'no reservation has this key') };
  if (res.kind !== 'reserve')
    return {
      ok: false,
      rejection: rejection('pending.not_reservation', null, where, `the key names a ${res.kind}`),
    };
  const done = st.resolutions.get(res.id);
  if (done === 'posted')
    return {
      ok: false,
      rejection: rejection('pending.already_posted', null, where, 'the reservation was posted'),
    };
  if (done === 'voided')
    return {
      ok: false,
      rejection: rejection('pending.already_voided', null, where, 'the reservation was voided'),
    };
  return { ok: true, res };
}

/** Releases (and for a post, posts) a reservation's legs; exposure can only fall. */
function release(st: State, cmd: Command, postings: readonly Posting[], post: boolean): Working {
  const w: Working = new Map();
  for (const p of postings) {
    const acc = st.accounts.get(p.account);
    assert(acc, () => `reservation leg on unknown account ${p.account}`);
    const x = touch(w, acc);
    const m = p.amount.minor;
    if (post) x.posted += m;
    if (m > 0n) x.pd -= m;
    else x.pc += m;
  }
  for (const x of w.values()) {
    assert(x.pd >= 0n && x.pc >= 0n, () => `${x.acc.id}: pending balance below zero after ${cmd.key}`);
    assert(x.posted + x.pd <= exposure(x.acc), () => `${x.acc.id}: ${cmd.key} raised an exposure`);
  }
  return w;
}

function decidePost(st: State, cmd: Extract<Command, { kind: 'post' }>, ctx: BatchContext): Decision {
  const found = findReservation(st, cmd);
  if (!found.ok) return reject(found.rejection);
  const res = found.res;
  const w = release(st, cmd, res.postings, true);
  const bad = checkWorking(cmd, w);
  if (bad) return reject(bad);
  store(st, w);
  const entry: EntryRecord = {
    kind: 'post',
    id: ctx.newId(),
    key: cmd.key,
    postings: res.postings,
    pendingId: res.id,
    pendingKey: res.key,
    correctsId: null,
    links: mergeLinks(res.links, cmd.links),
    refs: res.refs,
    valueDate: cmd.valueDate ?? res.valueDate,
    description: cmd.description ?? null,
    bookedAtMs: ctx.nowMs,
  };
  st.records.set(entry.key, entry);
  st.entries.push(entry);
  st.resolutions.set(res.id, 'posted');
  st.resolutionLog.push({
    pendingId: res.id,
    outcome: 'posted',
    entryId: entry.id,
    key: cmd.key,
    reason: null,
    links: entry.links,
    atMs: ctx.nowMs,
  });
  return { status: 'accepted', record: entry };
}

function decideVoid(st: State, cmd: Extract<Command, { kind: 'void' }>, ctx: BatchContext): Decision {
  const found = findReservation(st, cmd);
  if (!found.ok) return reject(found.rejection);
  const res = found.res;
  const w = release(st, cmd, res.postings, false);
  store(st, w);
  const record: VoidRecord = {
    kind: 'void',
    key: cmd.key,
    pendingId: res.id,
    pendingKey: res.key,
    reason: cmd.reason,
    links: cmd.links ? { ...cmd.links } : NO_LINKS,
    atMs: ctx.nowMs,
  };
  st.records.set(record.key, record);
  st.resolutions.set(res.id, 'voided');
  st.resolutionLog.push({
    pendingId: res.id,
    outcome: 'voided',
    entryId: null,
    key: cmd.key,
    reason: cmd.reason,
    links: record.links,
    atMs: ctx.nowMs,
  });
  return { status: 'accepted', record };
}

function decide(st: State, cmd: Command, ctx: BatchContext): Decision {
  const invalid = validateCommand(cmd, ctx.limits ?? DEFAULT_COMMAND_LIMITS);
  if (invalid) return reject(invalid);
  const existing = st.records.get(cmd.key);
  if (existing) {
    let reservation: EntryRecord | null = null;
    if (cmd.kind === 'post') {
      const r = st.records.get(cmd.pendingKey);
      reservation = r && r.kind === 'reserve' ? r : null;
    }
    if (commandContent(cmd, reservation) === recordContent(existing))
      return { status: 'replayed', record: existing };
    // AM05 Duplication: the key was used before for different content; TigerBeetle answers
    // exists_with_different_* in the same case.
    return reject(
      rejection(
        'idempotency.conflict',
        'AM05',
        at(cmd, 'key'),
        `key already used for a different ${existing.kind}; a correction needs a new key`,
      ),
    );
  }
  switch (cmd.kind) {
    case 'transfer':
    case 'reserve':
      return decideEntry(st, cmd, ctx);
    case 'post':
      return decidePost(st, cmd, ctx);
    case 'void':
      return decideVoid(st, cmd, ctx);
  }
}

/**
 * Decides a batch. `units` are applied in order; each unit of more than one command is atomic.
 * Pure: `ctx.nowMs` and `ctx.newId` are the only sources of time and identity.
 */
export function applyBatch(
  view: LedgerView,
  units: readonly (readonly Command[])[],
  ctx: BatchContext,
): BatchResult {
  const root: State = {
    accounts: new Layer(view.accounts),
    records: new Layer(view.records),
    resolutions: new Layer(view.resolutions),
    entries: [],
    resolutionLog: [],
  };
  const outcomes: CommandOutcome[] = [];
  for (const unit of units) {
    if (unit.length === 1) {
      outcomes.push(decide(root, unit[0]!, ctx));
      continue;
    }
    const st = childState(root);
    const decided: Decision[] = [];
    let failed: { index: number; rejection: Rejection } | null = null;
    for (let i = 0; i < unit.length; i++) {
      const d = decide(st, unit[i]!, ctx);
      decided.push(d);
      if (d.status === 'rejected') {
        failed = { index: i, rejection: d.rejection };
        break;
      }
    }
    if (!failed) {
      mergeState(st, root);
      outcomes.push(...decided);
      continue;
    }
    const cause = failed;
    unit.forEach((cmd, i) =>
      outcomes.push(
        i === cause.index
          ? { status: 'rejected', rejection: cause.rejection }
          : {
              status: 'rejected',
              rejection: rejection(
                'unit.aborted',
                cause.rejection.reason,
                at(cmd, 'key'),
                `atomic unit aborted: ${unit[cause.index]!.key.slice(0, 64)} was rejected (${cause.rejection.message})`,
              ),
            },
      ),
    );
  }
  return finish(view, root, outcomes);
}

/** Every command its own unit. */
export function applyCommands(
  view: LedgerView,
  commands: readonly Command[],
  ctx: BatchContext,
): BatchResult {
  return applyBatch(
    view,
    commands.map((c) => [c]),
    ctx,
  );
}

function finish(view: LedgerView, root: State, outcomes: CommandOutcome[]): BatchResult {
  const accounts: AccountState[] = [];
  const deltas: AccountDelta[] = [];
  const posted = new Map<string, bigint>();
  const pending = new Map<string, bigint>();
  for (const [id, now] of root.accounts.own) {
    const before = view.accounts.get(id);
    assert(before, () => `account ${id} appeared during the batch`);
    const d: AccountDelta = {
      id,
      currency: now.currency,
      posted: now.posted - before.posted,
      pendingDebits: now.pendingDebits - before.pendingDebits,
      pendingCredits: now.pendingCredits - before.pendingCredits,
    };
    if (d.posted === 0n && d.pendingDebits === 0n && d.pendingCredits === 0n) continue;
    accounts.push(now);
    deltas.push(d);
    posted.set(d.currency, (posted.get(d.currency) ?? 0n) + d.posted);
    pending.set(d.currency, (pending.get(d.currency) ?? 0n) + d.pendingDebits - d.pendingCredits);
    if (now.limit && exposure(now) > exposure(before))
      assert(
        exposure(now) <= now.limit.netDebitCapMinor + now.limit.prefundedMinor,
        () => `${id}: batch left exposure above the limit`,
      );
  }
  for (const [ccy, t] of posted) assert(t === 0n, () => `posted deltas in ${ccy} sum to ${t}, not zero`);
  for (const [ccy, t] of pending)
    assert(t === 0n, () => `pending debits and credits in ${ccy} differ by ${t}`);
  for (const e of root.entries) {
    assert(isBalanced(e.postings), () => `entry ${e.key} does not balance`);
    for (const p of e.postings)
      assert(
        root.accounts.get(p.account)?.currency === p.amount.currency,
        () => `entry ${e.key} posts ${p.amount.currency} to ${p.account}`,
      );
  }
  return { outcomes, entries: root.entries, resolutions: root.resolutionLog, accounts, deltas };
}
