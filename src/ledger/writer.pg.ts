/**
 * LedgerWriter: the one way balances change. Callers submit commands (transfer, reserve, post,
 * void) and get a promise of the outcome. The writer takes up to `batchSizeMax` queued commands
 * at a time and, in ONE transaction per batch: takes the currencies' turn (store.pg.ts
 * lockCurrencies: the version row of each currency, locked until commit), decides every command
 * in the pure applyBatch on balances that are provably current, and writes entries, postings,
 * resolutions and one netted balance update per account set-based in one statement. Promises
 * are resolved after COMMIT, never before.
 *
 * Pipelining. While batch N is written and committed, batch N+1 is read (records its keys name,
 * on another connection) and decided against the balances N leaves behind, kept in a cache. Its
 * transaction then only takes the turn and checks that every currency's version is exactly one
 * past the version this writer last committed: nobody else changed those balances, so the
 * decision stands and is written as it is. Otherwise (another writer, setLimit, a failed N) the
 * batch is read again under the lock and decided again. Either way no decision is ever written
 * that was made on balances other than the committed ones; the balance UPDATE re-checks each
 * row against the decision anyway.
 *
 * Hot accounts: the gateway's technical and house accounts are touched by every cycle. They are
 * updated once per batch with the batch's net delta instead of once per posting, so a batch of
 * 1,000 transfers on 10 accounts costs 10 row updates; there is no row-lock contention because
 * writers of a currency take turns (one transaction at a time per currency), and batches form
 * by themselves while the previous one commits (group commit).
 *
 * Failures. A serialization failure or deadlock (40001/40P01) is retried by the Db; a unique
 * violation (another writer stored one of the keys first) re-runs the batch, which then sees
 * the key as a replay. Another data error (SQLSTATE class 22/23) splits the batch in halves to
 * isolate the one unit at fault, which alone is failed with the error. A broken invariant
 * (InvariantError) fails every waiting command and stops the writer: it is a bug, and nothing
 * more may be written until someone looks.
 */
import { randomInt } from 'node:crypto';
import { InvariantError, timeOrderedIds, type Clock, type IdSource } from '../domain/index.js';
import { isUniqueViolation, sqlState, type Db } from '../db/index.js';
import {
  applyBatch,
  type AccountState,
  type BatchResult,
  type LedgerView,
  type ResolutionOutcome,
} from './batch.js';
import {
  DEFAULT_COMMAND_LIMITS,
  type Command,
  type CommandLimits,
  type CommandOutcome,
  type LedgerRecord,
  type PostCommand,
  type ReserveCommand,
  type TransferCommand,
  type VoidCommand,
} from './journal.js';
import { loadView, lockCurrencies, readView, viewCurrencies, writeBatch } from './store.pg.js';

export interface LedgerWriterOptions {
  readonly clock: Clock;
  /** Entry ids; default: time-ordered ids on a random 16-bit node number. */
  readonly ids?: IdSource;
  /** Commands per batch (config LEDGER_BATCH_SIZE_MAX); default 1,000. */
  readonly batchSizeMax?: number;
  /** Commands waiting in the queue before submit refuses (ISOCLR_ERR_LEDGER_QUEUE_FULL); default 100,000. */
  readonly queueDepthMax?: number;
  /** Re-runs of a batch after a unique violation; default 3. */
  readonly retryCountMax?: number;
  readonly commandLimits?: CommandLimits;
  /** Decide the next batch while the current one commits (default true). */
  readonly pipeline?: boolean;
  /** Called after each committed batch (metrics, logs). */
  readonly onBatch?: (info: BatchInfo) => void;
}

export interface BatchInfo {
  readonly commands: number;
  readonly accepted: number;
  readonly replayed: number;
  readonly rejected: number;
  readonly entries: number;
  readonly postings: number;
  readonly accountsUpdated: number;
  readonly attempts: number;
  /** True when the batch was decided ahead, while the previous one committed (pipelined). */
  readonly pipelined: boolean;
  readonly durationMs: number;
}

/** Infrastructure failure of the writer, with a stable code. */
export class LedgerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

interface Unit {
  readonly commands: readonly Command[];
  /** Receives the batch's outcomes and where this unit's begin. */
  readonly settle: (outcomes: readonly CommandOutcome[], offset: number) => void;
  readonly reject: (e: unknown) => void;
}

/** A batch decided ahead of its transaction, on cached balances. */
interface Prepared {
  readonly view: LedgerView;
  readonly result: BatchResult;
  readonly nowMs: number;
  readonly currencies: Set<string>;
}

interface Batch {
  readonly units: Unit[];
  readonly n: number;
  prepared: Prepared | null;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly resolve: (v: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** The records and resolutions a decided batch adds, for deciding the next one before it commits. */
function overlayOf(r: BatchResult): {
  records: Map<string, LedgerRecord>;
  resolutions: Map<string, ResolutionOutcome>;
} {
  const records = new Map<string, LedgerRecord>();
  for (const e of r.entries) records.set(e.key, e);
  for (const o of r.outcomes)
    if (o.status === 'accepted' && o.record.kind === 'void') records.set(o.record.key, o.record);
  const resolutions = new Map<string, ResolutionOutcome>();
  for (const x of r.resolutions) resolutions.set(x.pendingId, x.outcome);
  return { records, resolutions };
}

type Omit_<T, K extends keyof T> = Omit<T, K>;

export class LedgerWriter {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #ids: IdSource;
  readonly #batchSizeMax: number;
  readonly #queueDepthMax: number;
  readonly #retryCountMax: number;
  readonly #limits: CommandLimits;
  readonly #onBatch: ((info: BatchInfo) => void) | undefined;
  readonly #pipeline: boolean;
  /** Waiting units are #queue[#head..]; shift() would be O(n) on a long queue. */
  #queue: Unit[] = [];
  #head = 0;
  #queued = 0;
  /** Balances as of #versions, valid only while those versions are current. */
  readonly #cache = new Map<string, AccountState>();
  readonly #versions = new Map<string, bigint>();
  #running: Promise<void> | null = null;
  #closed = false;
  #failure: Error | null = null;
  #lastMs = 0;

  constructor(db: Db, opts: LedgerWriterOptions) {
    this.#db = db;
    this.#clock = opts.clock;
    this.#ids = opts.ids ?? timeOrderedIds(opts.clock, randomInt(0, 0x10000));
    this.#batchSizeMax = opts.batchSizeMax ?? 1000;
    this.#queueDepthMax = opts.queueDepthMax ?? 100_000;
    this.#retryCountMax = opts.retryCountMax ?? 3;
    this.#limits = opts.commandLimits ?? DEFAULT_COMMAND_LIMITS;
    this.#onBatch = opts.onBatch;
    this.#pipeline = opts.pipeline ?? true;
    if (!Number.isInteger(this.#batchSizeMax) || this.#batchSizeMax < 1)
      throw new RangeError('batchSizeMax must be an integer >= 1');
  }

  /** Submits one command; resolves with its outcome once the batch holding it has committed. */
  submit(cmd: Command): Promise<CommandOutcome> {
    return this.#enqueue<CommandOutcome>(
      [cmd],
      (resolve) => (outcomes, offset) => resolve(outcomes[offset]!),
    );
  }

  /**
   * Submits commands that stand or fall together (TigerBeetle's linked events): all accepted or
   * replayed, or all rejected (the others with rule unit.aborted). They go into one batch.
   */
  submitAtomic(cmds: readonly Command[]): Promise<CommandOutcome[]> {
    if (cmds.length === 0) return Promise.resolve([]);
    return this.#enqueue<CommandOutcome[]>(
      cmds,
      (resolve) => (outcomes, offset) => resolve(outcomes.slice(offset, offset + cmds.length)),
    );
  }

  transfer(cmd: Omit_<TransferCommand, 'kind'>): Promise<CommandOutcome> {
    return this.submit({ ...cmd, kind: 'transfer' });
  }

  reserve(cmd: Omit_<ReserveCommand, 'kind'>): Promise<CommandOutcome> {
    return this.submit({ ...cmd, kind: 'reserve' });
  }

  post(cmd: Omit_<PostCommand, 'kind'>): Promise<CommandOutcome> {
    return this.submit({ ...cmd, kind: 'post' });
  }

  void(cmd: Omit_<VoidCommand, 'kind'>): Promise<CommandOutcome> {
    return this.submit({ ...cmd, kind: 'void' });
  }

  /** Commands waiting or in the running batch. */
  get depth(): number {
    return this.#queued;
  }

  /** Resolves when every command submitted so far has been decided. */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Refuses new commands and waits for the queued ones. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #enqueue<T>(
    commands: readonly Command[],
    settler: (resolve: (v: T) => void) => Unit['settle'],
  ): Promise<T> {
    if (this.#failure)
      return Promise.reject(
        new LedgerError('ISOCLR_ERR_LEDGER_STOPPED', 'the ledger writer stopped', this.#failure),
      );
    if (this.#closed)
      return Promise.reject(new LedgerError('ISOCLR_ERR_LEDGER_CLOSED', 'the ledger writer is closed'));
    if (this.#queued + commands.length > this.#queueDepthMax)
      return Promise.reject(
        new LedgerError(
          'ISOCLR_ERR_LEDGER_QUEUE_FULL',
          `more than ${this.#queueDepthMax} commands are waiting`,
        ),
      );
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ commands, settle: settler(resolve), reject });
      this.#queued += commands.length;
      if (!this.#running) this.#running = this.#loop();
    });
  }

  #waiting(): boolean {
    return this.#head < this.#queue.length;
  }

  #take(): Batch {
    const units: Unit[] = [];
    let n = 0;
    while (this.#head < this.#queue.length) {
      const next = this.#queue[this.#head]!;
      if (units.length > 0 && n + next.commands.length > this.#batchSizeMax) break;
      units.push(next);
      this.#head += 1;
      n += next.commands.length;
    }
    if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return { units, n, prepared: null };
  }

  /**
   * The batch loop. With pipelining, while batch N is being written and committed, batch N+1
   * is read (on another connection, without a lock) and decided against the balances N leaves
   * behind; N+1's transaction then only checks the currency versions and writes. Whenever the
   * check fails (someone else wrote, N failed, N was not itself on current balances) N+1 is
   * decided again under the lock, as without pipelining.
   */
  async #loop(): Promise<void> {
    try {
      // let commands submitted in the same tick join the first batch
      await null;
      let next: Batch | null = null;
      while (next || this.#waiting()) {
        const batch: Batch = next ?? this.#take();
        next = null;
        const decided = deferred<BatchResult | null>();
        const done = this.#run(batch.units, batch.prepared, decided);
        if (this.#pipeline && this.#waiting()) {
          const following = this.#take();
          const prior = await decided.promise;
          if (prior && !this.#failure) following.prepared = await this.#prepare(following.units, prior);
          next = following;
        }
        const chained = await done;
        if (!chained && next) next.prepared = null;
        this.#queued -= batch.n;
      }
    } finally {
      this.#running = null;
    }
  }

  #now(): number {
    // booking times never go backwards within one writer, even if the clock does
    this.#lastMs = Math.max(this.#lastMs, this.#clock.now());
    return this.#lastMs;
  }

  /** Decides a batch ahead, on the balances `prior` leaves behind; null when anything fails. */
  async #prepare(units: readonly Unit[], prior: BatchResult): Promise<Prepared | null> {
    try {
      const batch = units.map((u) => u.commands);
      const priorAccounts = new Map(prior.accounts.map((a) => [a.id, a]));
      const known = { get: (id: string) => priorAccounts.get(id) ?? this.#cache.get(id) };
      const view = await readView(this.#db, batch, known, overlayOf(prior));
      const nowMs = this.#now();
      const result = applyBatch(view, batch, { nowMs, newId: () => this.#ids.next(), limits: this.#limits });
      return { view, result, nowMs, currencies: viewCurrencies(view, batch) };
    } catch {
      return null; // decided again under the lock, where a real failure is reported
    }
  }

  /**
   * Runs one batch to its end; resolves true when it committed exactly the decision exposed
   * through `decided` and on balances proven current, so that a batch prepared on that
   * decision may be written as it is.
   */
  async #run(
    units: Unit[],
    prepared: Prepared | null,
    decided: Deferred<BatchResult | null>,
  ): Promise<boolean> {
    if (this.#failure) {
      decided.resolve(null);
      const stopped = new LedgerError(
        'ISOCLR_ERR_LEDGER_STOPPED',
        'the ledger writer stopped',
        this.#failure,
      );
      for (const u of units) u.reject(stopped);
      return false;
    }
    const t0 = performance.now();
    const batch = units.map((u) => u.commands);
    let exposed: BatchResult | null = null;
    for (let attempt = 1; ; attempt++) {
      try {
        let done: {
          view: LedgerView;
          result: BatchResult;
          versions: Map<string, bigint>;
          clean: boolean;
        } | null = null;
        await this.#db.transaction(async (tx) => {
          let chosen: { view: LedgerView; result: BatchResult; nowMs: number } | null = null;
          let held = new Map<string, bigint>();
          if (prepared && attempt === 1) {
            held = await lockCurrencies(tx, prepared.currencies);
            if (this.#current(held)) chosen = prepared;
          }
          if (!chosen) {
            const loaded = await loadView(tx, batch, held);
            held = loaded.versions;
            const nowMs = this.#now();
            const result = applyBatch(loaded.view, batch, {
              nowMs,
              newId: () => this.#ids.next(),
              limits: this.#limits,
            });
            chosen = { view: loaded.view, result, nowMs };
          }
          if (!exposed) {
            exposed = chosen.result;
            decided.resolve(exposed);
          }
          await writeBatch(tx, chosen.result, chosen.nowMs);
          done = { view: chosen.view, result: chosen.result, versions: held, clean: this.#current(held) };
        });
        const committed = done as {
          view: LedgerView;
          result: BatchResult;
          versions: Map<string, bigint>;
          clean: boolean;
        } | null;
        if (!committed) throw new InvariantError('ledger batch committed without a decision');
        this.#remember(committed.view, committed.result, committed.versions);
        const result = committed.result;
        let i = 0;
        for (const u of units) {
          u.settle(result.outcomes, i);
          i += u.commands.length;
        }
        this.#report(result, attempt, t0, committed.result === prepared?.result);
        return committed.clean && exposed === result;
      } catch (e) {
        decided.resolve(null);
        this.#cache.clear();
        this.#versions.clear();
        if (e instanceof InvariantError) {
          this.#failure = e;
          for (const u of units) u.reject(e);
          for (const u of this.#queue.splice(this.#head)) u.reject(e);
          this.#queue = [];
          this.#head = 0;
          return false;
        }
        if (isUniqueViolation(e) && attempt <= this.#retryCountMax) continue;
        const state = sqlState(e);
        if (units.length > 1 && state !== undefined && (state.startsWith('22') || state.startsWith('23'))) {
          const half = Math.ceil(units.length / 2);
          await this.#run(units.slice(0, half), null, deferred());
          await this.#run(units.slice(half), null, deferred());
          return false;
        }
        for (const u of units) u.reject(e);
        return false;
      }
    }
  }

  /** True when every locked currency is exactly one version past the one this writer last saw. */
  #current(held: ReadonlyMap<string, bigint>): boolean {
    for (const [c, v] of held) if (this.#versions.get(c) !== v - 1n) return false;
    return true;
  }

  /**
   * After a commit: the balances this batch read and wrote are the database's, as of the
   * versions it holds. A currency whose version jumped (another writer, setLimit) loses every
   * cached balance the batch did not read itself.
   */
  #remember(view: LedgerView, result: BatchResult, versions: ReadonlyMap<string, bigint>): void {
    const stale = new Set<string>();
    for (const [c, v] of versions) if (this.#versions.get(c) !== v - 1n) stale.add(c);
    if (stale.size > 0) for (const [id, a] of this.#cache) if (stale.has(a.currency)) this.#cache.delete(id);
    for (const [id, a] of view.accounts) this.#cache.set(id, a);
    for (const a of result.accounts) this.#cache.set(a.id, a);
    for (const [c, v] of versions) this.#versions.set(c, v);
  }

  #report(r: BatchResult, attempts: number, t0: number, pipelined: boolean): void {
    if (!this.#onBatch) return;
    let accepted = 0;
    let replayed = 0;
    let rejected = 0;
    for (const o of r.outcomes)
      if (o.status === 'accepted') accepted++;
      else if (o.status === 'replayed') replayed++;
      else rejected++;
    try {
      this.#onBatch({
        commands: r.outcomes.length,
        accepted,
        replayed,
        rejected,
        entries: r.entries.length,
        postings: r.entries.reduce((s, e) => s + e.postings.length, 0),
        accountsUpdated: r.deltas.length,
        attempts,
        pipelined,
        durationMs: performance.now() - t0,
      });
    } catch {
      // a metrics callback must never fail a committed batch
    }
  }
}
