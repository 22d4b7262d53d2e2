/**
 * The outbox relay (shell): reads unsent outbox rows in seq order, publishes them with publisher
 * confirms, and marks them sent — all inside one database transaction that holds the rows'
 * locks (`FOR UPDATE SKIP LOCKED`, see outbox.ts for why there is no high-water mark). If the
 * process dies after the broker confirmed but before the commit, the rows are still unsent and
 * are published again after restart: delivery is at least once and consumers de-duplicate by
 * message id through the inbox. Nothing is marked sent that the broker did not confirm.
 *
 * Poison rows: an unroutable message (basic.return) or one that cannot be encoded counts an
 * attempt on its row; after `attemptsMax` the row is parked (`parked_at`, `last_error`) and
 * `onPark` fires, so it never blocks the rows behind it. Broker or connection failures are not
 * a row's fault: the batch stays unsent and the loop backs off.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db, Queryable } from '../db/port.js';
import { BusError, silentLogger, type Bus, type BusLogger } from './bus.js';
import { backoffMs } from './envelope.js';
import { outboxRowFromDb, type OutboxRow } from './outbox.js';

export interface RelayOptions {
  db: Db;
  bus: Pick<Bus, 'publish'>;
  /** Rows read, published and marked per transaction. */
  batchSizeMax: number;
  /** Sleep between polls when the outbox was found empty (a `wake()` cuts it short). */
  pollIntervalMs: number;
  /** Attempts of a poison row (unroutable / not encodable) before it is parked. Default 5. */
  attemptsMax?: number;
  /** Backoff after a failed batch: base doubling up to max. Defaults 200 / 10000. */
  errorDelayMs?: number;
  errorDelayMaxMs?: number;
  log?: BusLogger;
  /** Metrics hooks. */
  onPublished?: (count: number) => void;
  onParked?: (row: { seq: string; messageId: string; reason: string }) => void;
  onError?: (err: unknown) => void;
  /**
   * Test crash points (reliability catalogue F05): called after the broker confirmed a batch and
   * before it is marked sent; throwing here rolls the transaction back as a crash would.
   */
  crashPoints?: { afterConfirmBeforeMark?: (messageIds: readonly string[]) => void | Promise<void> };
}

export interface RelayStats {
  published: number;
  batches: number;
  failures: number;
  parked: number;
}

export class OutboxRelay {
  private loopPromise: Promise<void> | null = null;
  private stopping: AbortController | null = null;
  private wakeUp: AbortController | null = null;
  private woken = false;
  private readonly log: BusLogger;
  readonly stats: RelayStats = { published: 0, batches: 0, failures: 0, parked: 0 };

  constructor(private readonly opts: RelayOptions) {
    if (!Number.isInteger(opts.batchSizeMax) || opts.batchSizeMax < 1)
      throw new RangeError('batchSizeMax must be >= 1');
    if (!(opts.pollIntervalMs >= 0)) throw new RangeError('pollIntervalMs must be >= 0');
    this.log = opts.log ?? silentLogger;
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    if (this.loopPromise) return;
    const stopping = new AbortController();
    this.stopping = stopping;
    this.loopPromise = this.loop(stopping.signal);
  }

  /** Stops the loop after the batch in flight (if any) committed or rolled back. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    this.wakeUp?.abort();
    const p = this.loopPromise;
    this.loopPromise = null;
    this.stopping = null;
    if (p) await p;
  }

  /** Ends the current poll sleep now (call after committing a transaction that enqueued). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.abort();
  }

  /**
   * Relays batches until no publishable row is left (or `messagesMax` rows were handled);
   * returns the number of messages published. Errors propagate. For tests and offline runs.
   */
  async drainOnce(opts: { messagesMax?: number } = {}): Promise<number> {
    const max = opts.messagesMax ?? Infinity;
    let total = 0;
    while (total < max) {
      const r = await this.relayBatch(Math.min(this.opts.batchSizeMax, max - total));
      total += r.published;
      if (r.read === 0) break;
    }
    return total;
  }

  /** One transaction: lock up to `limit` unsent rows, publish, mark. */
  async relayBatch(limit = this.opts.batchSizeMax): Promise<{ read: number; published: number }> {
    const { db, bus } = this.opts;
    const result = await db.transaction(
      async (tx) => {
        const res = await tx.query(
          `SELECT seq, message_id, routing_key, payload, headers, occurred_at, attempts
             FROM outbox
            WHERE sent_at IS NULL AND parked_at IS NULL
            ORDER BY seq
            LIMIT $1
              FOR UPDATE SKIP LOCKED`,
          [limit],
        );
        const rows = res.rows.map(outboxRowFromDb);
        if (rows.length === 0) return { read: 0, published: 0, failure: null as unknown };
        let failed: readonly string[] = [];
        let reason = '';
        let failure: unknown = null;
        try {
          await bus.publish(rows.map((r) => r.message));
        } catch (e) {
          if (
            e instanceof BusError &&
            (e.code === 'ISOCLR_ERR_BUS_UNROUTABLE' || e.code === 'ISOCLR_ERR_BUS_ENCODE')
          ) {
            // UNROUTABLE: every other message of the batch was confirmed. ENCODE: nothing was
            // sent; count the attempt on the bad row and publish the others on the next poll.
            failed = e.messageIds;
            reason = `${e.code}: ${e.message}`;
            if (e.code === 'ISOCLR_ERR_BUS_ENCODE') {
              await this.countAttempts(tx, rows, failed, reason, true);
              return { read: rows.length, published: 0, failure: e };
            }
            failure = e;
          } else {
            // Outcome unknown for the whole batch: leave it unsent (it is published again).
            throw e;
          }
        }
        const failedSet = new Set(failed);
        const sent = rows.filter((r) => !failedSet.has(r.message.id));
        await this.opts.crashPoints?.afterConfirmBeforeMark?.(sent.map((r) => r.message.id));
        if (sent.length > 0) {
          await tx.query(
            `UPDATE outbox SET sent_at = now(), attempts = attempts + 1
              WHERE seq IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint)`,
            [JSON.stringify(sent.map((r) => r.seq))],
          );
        }
        if (failed.length > 0) await this.countAttempts(tx, rows, failed, reason, false);
        return { read: rows.length, published: sent.length, failure };
      },
      { isolation: 'read committed', retryCountMax: 0 },
    );
    if (result.read > 0) this.stats.batches++;
    this.stats.published += result.published;
    if (result.published > 0) this.opts.onPublished?.(result.published);
    if (result.failure) {
      this.stats.failures++;
      this.opts.onError?.(result.failure);
    }
    return { read: result.read, published: result.published };
  }

  private async countAttempts(
    tx: Queryable,
    rows: readonly OutboxRow[],
    ids: readonly string[],
    reason: string,
    encodeFailure: boolean,
  ): Promise<void> {
    const attemptsMax = this.opts.attemptsMax ?? 5;
    for (const row of rows) {
      if (!ids.includes(row.message.id)) continue;
      const attempts = row.attempts + 1;
      // A message that cannot be encoded never will be: park it at once.
      const park = encodeFailure || attempts >= attemptsMax;
      await tx.query(
        `UPDATE outbox SET attempts = $2, last_error = $3, parked_at = CASE WHEN $4::boolean THEN now() END WHERE seq = $1`,
        [row.seq, attempts, reason.slice(0, 2000), park],
      );
      if (park) {
        this.stats.parked++;
        this.log.error({ seq: row.seq, messageId: row.message.id, attempts, reason }, 'outbox row parked');
        this.opts.onParked?.({ seq: row.seq, messageId: row.message.id, reason });
      } else {
        this.log.warn(
          { seq: row.seq, messageId: row.message.id, attempts, reason },
          'outbox row not published; will retry',
        );
      }
    }
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let errors = 0;
    while (!signal.aborted) {
      let delayMs = 0;
      this.woken = false;
      try {
        const r = await this.relayBatch();
        errors = 0;
        if (r.read < this.opts.batchSizeMax && !this.woken) delayMs = this.opts.pollIntervalMs;
      } catch (e) {
        errors++;
        this.stats.failures++;
        this.log.warn(
          { err: e instanceof Error ? e.message : String(e), consecutive: errors },
          'relay batch failed; backing off',
        );
        this.opts.onError?.(e);
        delayMs = backoffMs(errors, this.opts.errorDelayMs ?? 200, this.opts.errorDelayMaxMs ?? 10_000);
      }
      if (delayMs > 0 && !signal.aborted) {
        const wake = new AbortController();
        this.wakeUp = wake;
        const onStop = (): void => wake.abort();
        signal.addEventListener('abort', onStop, { once: true });
        await sleep(delayMs, undefined, { signal: wake.signal }).catch(() => undefined);
        signal.removeEventListener('abort', onStop);
        this.wakeUp = null;
      }
    }
  }
}
