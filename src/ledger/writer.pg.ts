/**
 * LedgerWriter: the one way balances change. Callers submit commands (transfer, reserve, post,
 * void) and get a promise of the outcome. The writer takes up to `batchSizeMax` queued commands
 * at a time and, in ONE transaction per batch: takes the currency locks, loads balances and the
 * records the batch's keys name (store.pg.ts loadView), decides every command in the pure
 * applyBatch, and writes entries, postings, resolutions and one netted balance update per
 * account set-based in one statement. Promises are resolved after COMMIT, never before.
 *
 * Hot accounts: the gateway's technical and house accounts are touched by every cycle. They are
 * updated once per batch with the batch's net delta instead of once per posting, so a batch of
 * 1,000 transfers on 10 accounts costs 10 row updates; there is no row-lock contention because
 * writers of a currency take turns on its advisory lock (one transaction at a time per
 * currency), and batches form by themselves while the previous one commits (group commit).
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
import { applyBatch, type BatchResult } from './batch.js';
import {
  DEFAULT_COMMAND_LIMITS,
  type Command,
  type CommandLimits,
  type CommandOutcome,
  type PostCommand,
  type ReserveCommand,
  type TransferCommand,
  type VoidCommand,
} from './journal.js';
import { loadView, writeBatch } from './store.pg.js';

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
  readonly resolve: (outcomes: CommandOutcome[]) => void;
  readonly reject: (e: unknown) => void;
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
  #queue: Unit[] = [];
  #queued = 0;
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
    if (!Number.isInteger(this.#batchSizeMax) || this.#batchSizeMax < 1)
      throw new RangeError('batchSizeMax must be an integer >= 1');
  }

  /** Submits one command; resolves with its outcome once the batch holding it has committed. */
  async submit(cmd: Command): Promise<CommandOutcome> {
    const [outcome] = await this.#enqueue([cmd]);
    return outcome!;
  }

  /**
   * Submits commands that stand or fall together (TigerBeetle's linked events): all accepted or
   * replayed, or all rejected (the others with rule unit.aborted). They go into one batch.
   */
  async submitAtomic(cmds: readonly Command[]): Promise<CommandOutcome[]> {
    if (cmds.length === 0) return [];
    return this.#enqueue(cmds);
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

  #enqueue(commands: readonly Command[]): Promise<CommandOutcome[]> {
    if (this.#failure)
      return Promise.reject(new LedgerError('ISOCLR_ERR_LEDGER_STOPPED', 'the ledger writer stopped', this.#failure));
    if (this.#closed) return Promise.reject(new LedgerError('ISOCLR_ERR_LEDGER_CLOSED', 'the ledger writer is closed'));
    if (this.#queued + commands.length > this.#queueDepthMax)
      return Promise.reject(
        new LedgerError('ISOCLR_ERR_LEDGER_QUEUE_FULL', `more than ${this.#queueDepthMax} commands are waiting`),
      );
    return new Promise<CommandOutcome[]>((resolve, reject) => {
      this.#queue.push({ commands, resolve, reject });
      this.#queued += commands.length;
      if (!this.#running) this.#running = this.#loop();
    });
  }

  async #loop(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const units: Unit[] = [];
        let n = 0;
        while (this.#queue.length > 0) {
          const next = this.#queue[0]!;
          if (units.length > 0 && n + next.commands.length > this.#batchSizeMax) break;
          units.push(this.#queue.shift()!);
          n += next.commands.length;
        }
        await this.#run(units);
        this.#queued -= n;
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

  async #run(units: Unit[]): Promise<void> {
    if (this.#failure) {
      const stopped = new LedgerError('ISOCLR_ERR_LEDGER_STOPPED', 'the ledger writer stopped', this.#failure);
      for (const u of units) u.reject(stopped);
      return;
    }
    const t0 = performance.now();
    const batch = units.map((u) => u.commands);
    for (let attempt = 1; ; attempt++) {
      try {
        let decided: BatchResult | null = null;
        await this.#db.transaction(async (tx) => {
          const view = await loadView(tx, batch);
          const nowMs = this.#now();
          decided = applyBatch(view, batch, { nowMs, newId: () => this.#ids.next(), limits: this.#limits });
          await writeBatch(tx, decided, nowMs);
        });
        const result = decided as BatchResult | null;
        if (!result) throw new InvariantError('ledger batch committed without a decision');
        let i = 0;
        for (const u of units) {
          u.resolve(result.outcomes.slice(i, i + u.commands.length));
          i += u.commands.length;
        }
        this.#report(result, attempt, t0);
        return;
      } catch (e) {
        if (e instanceof InvariantError) {
          this.#failure = e;
          for (const u of units) u.reject(e);
          for (const u of this.#queue.splice(0)) u.reject(e);
          return;
        }
        if (isUniqueViolation(e) && attempt <= this.#retryCountMax) continue;
        const state = sqlState(e);
        if (units.length > 1 && state !== undefined && (state.startsWith('22') || state.startsWith('23'))) {
          const half = Math.ceil(units.length / 2);
          await this.#run(units.slice(0, half));
          await this.#run(units.slice(half));
          return;
        }
        for (const u of units) u.reject(e);
        return;
      }
    }
  }

  #report(r: BatchResult, attempts: number, t0: number): void {
    if (!this.#onBatch) return;
    let accepted = 0;
    let replayed = 0;
    let rejected = 0;
    for (const o of r.outcomes)
      if (o.status === 'accepted') accepted++;
      else if (o.status === 'replayed') replayed++;
      else rejected++;
    this.#onBatch({
      commands: r.outcomes.length,
      accepted,
      replayed,
      rejected,
      entries: r.entries.length,
      postings: r.entries.reduce((s, e) => s + e.postings.length, 0),
      accountsUpdated: r.deltas.length,
      attempts,
      durationMs: performance.now() - t0,
    });
  }
}
