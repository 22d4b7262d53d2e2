/**
 * Publishes BusMessages to the deployment's topic exchange on a confirm channel: persistent
 * (delivery mode 2), `message-id` set, `mandatory` so an unroutable message comes back as
 * basic.return instead of being confirmed into nowhere. `publish` resolves only when the broker
 * confirmed every message; for persistent messages to durable quorum queues RabbitMQ confirms
 * after a quorum of replicas has them (RabbitMQ docs, "Consumer Acknowledgements and Publisher
 * Confirms"). Unconfirmed messages carry no guarantee, so a window that is nacked, times out or
 * loses its channel is published again, whole: duplicates are possible and consumers de-duplicate
 * by message id (inbox).
 *
 * Calls are serialised: each window of `confirmWindowMax` messages is awaited with
 * `waitForConfirms` before the next is written, which bounds the messages in flight and makes a
 * failure attributable to one window.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfirmChannel, Message, RecoveringChannelModel } from 'amqplib';
import { BusError, silentLogger, type BusLogger, type BusMessage } from './bus.js';
import { backoffMs, CONTENT_TYPE, encodeBody, OCCURRED_AT_HEADER } from './envelope.js';

export interface AmqpPublisherOptions {
  connection: RecoveringChannelModel;
  exchange: string;
  /** Messages written before awaiting their confirms. Default 500. */
  confirmWindowMax?: number;
  /** Attempts per window (first + retries) on channel loss, nack or timeout. Default 5. */
  publishAttemptsMax?: number;
  /** First retry delay, doubled per attempt up to `retryDelayMaxMs`. Defaults 100 / 2000. */
  retryDelayMs?: number;
  retryDelayMaxMs?: number;
  /**
   * A window not confirmed within this time, or a channel not opened within it (broker down,
   * connection still recovering), counts as a failed attempt. Default 10000. With the other
   * defaults one publish call gives up after about a minute: the relay, which publishes from
   * inside a database transaction, must not hold it open without bound.
   */
  confirmTimeoutMs?: number;
  /** Largest JSON body accepted. Default 1 MiB. */
  messageBytesMax?: number;
  log?: BusLogger;
}

interface Encoded {
  msg: BusMessage;
  body: Buffer;
}

export class AmqpPublisher {
  private ch: ConfirmChannel | null = null;
  private readonly returned = new Set<string>();
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly log: BusLogger;
  private readonly windowMax: number;
  private readonly attemptsMax: number;
  private readonly retryDelayMs: number;
  private readonly retryDelayMaxMs: number;
  private readonly confirmTimeoutMs: number;
  private readonly messageBytesMax: number;
  /** Windows re-sent after a failure (observability and tests). */
  retries = 0;

  constructor(private readonly opts: AmqpPublisherOptions) {
    this.log = opts.log ?? silentLogger;
    this.windowMax = opts.confirmWindowMax ?? 500;
    this.attemptsMax = opts.publishAttemptsMax ?? 5;
    this.retryDelayMs = opts.retryDelayMs ?? 100;
    this.retryDelayMaxMs = opts.retryDelayMaxMs ?? 2000;
    this.confirmTimeoutMs = opts.confirmTimeoutMs ?? 10_000;
    this.messageBytesMax = opts.messageBytesMax ?? 1024 * 1024;
    if (!(this.windowMax >= 1 && this.attemptsMax >= 1))
      throw new RangeError('confirmWindowMax and publishAttemptsMax must be >= 1');
  }

  /**
   * Resolves when every message is confirmed. Throws BusError: ENCODE before anything is sent
   * when a message is invalid; UNROUTABLE (with the returned ids) after all other messages were
   * confirmed; PUBLISH / NACKED when a window failed `publishAttemptsMax` times.
   */
  publish(msgs: readonly BusMessage[]): Promise<void> {
    if (this.closed) return Promise.reject(new BusError('ISOCLR_ERR_BUS_CLOSED', 'publisher is closed'));
    const encoded: Encoded[] = [];
    for (const msg of msgs) {
      const r = encodeBody(msg, this.messageBytesMax);
      if (!r.ok) return Promise.reject(new BusError('ISOCLR_ERR_BUS_ENCODE', r.error, [String(msg.id)]));
      encoded.push({ msg, body: Buffer.from(r.value, 'utf8') });
    }
    const run = this.tail.then(() => this.publishEncoded(encoded));
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
    const ch = this.ch;
    this.ch = null;
    if (ch) await ch.close().catch(() => undefined);
  }

  private async publishEncoded(encoded: readonly Encoded[]): Promise<void> {
    const unroutable: string[] = [];
    for (let i = 0; i < encoded.length; i += this.windowMax) {
      unroutable.push(...(await this.publishWindow(encoded.slice(i, i + this.windowMax))));
    }
    if (unroutable.length > 0) {
      this.log.error(
        { exchange: this.opts.exchange, messageIds: unroutable.slice(0, 20), count: unroutable.length },
        'unroutable messages returned by the broker',
      );
      throw new BusError(
        'ISOCLR_ERR_BUS_UNROUTABLE',
        `${unroutable.length} message(s) unroutable on ${this.opts.exchange}`,
        unroutable,
      );
    }
  }

  /** Publishes one window until confirmed; returns the ids the broker returned as unroutable. */
  private async publishWindow(window: readonly Encoded[]): Promise<string[]> {
    let lastError: unknown = null;
    for (let attempt = 1; attempt <= this.attemptsMax; attempt++) {
      if (attempt > 1) {
        this.retries++;
        await sleep(backoffMs(attempt - 1, this.retryDelayMs, this.retryDelayMaxMs));
      }
      let ch: ConfirmChannel | null = null;
      try {
        ch = await this.channel();
        this.returned.clear();
        for (const { msg, body } of window) {
          const writable = ch.publish(this.opts.exchange, msg.routingKey, body, {
            persistent: true,
            mandatory: true,
            messageId: msg.id,
            contentType: CONTENT_TYPE,
            timestamp: Math.floor(Date.parse(msg.occurredAt) / 1000),
            headers: { ...msg.headers, [OCCURRED_AT_HEADER]: msg.occurredAt },
          });
          if (!writable) await waitDrain(ch);
        }
        await withTimeout(ch.waitForConfirms(), this.confirmTimeoutMs);
        // basic.return precedes the basic.ack of the same message, so returns are known here.
        return window.filter((e) => this.returned.has(e.msg.id)).map((e) => e.msg.id);
      } catch (e) {
        lastError = e;
        this.log.warn(
          { exchange: this.opts.exchange, attempt, messages: window.length, err: errText(e) },
          'publish window failed; will retry',
        );
        // Whatever the channel's state, its unconfirmed messages are unknown: start afresh.
        if (ch && this.ch === ch) {
          this.ch = null;
          await ch.close().catch(() => undefined);
        }
      }
    }
    const nacked = /nack/i.test(errText(lastError));
    throw new BusError(
      nacked ? 'ISOCLR_ERR_BUS_NACKED' : 'ISOCLR_ERR_BUS_PUBLISH',
      `publish to ${this.opts.exchange} failed after ${this.attemptsMax} attempts: ${errText(lastError)}`,
      window.map((e) => e.msg.id),
      lastError,
    );
  }

  private async channel(): Promise<ConfirmChannel> {
    if (this.ch) return this.ch;
    const pending = this.opts.connection.createConfirmChannel();
    let ch: ConfirmChannel;
    try {
      ch = await withTimeout(pending, this.confirmTimeoutMs, 'no confirm channel (connection down?)');
    } catch (e) {
      // A channel that opens after we gave up is closed, not leaked.
      void pending.then(
        (late) => late.close().catch(() => undefined),
        () => undefined,
      );
      throw e;
    }
    ch.on('error', (e: Error) =>
      this.log.warn({ exchange: this.opts.exchange, err: e.message }, 'publisher channel error'),
    );
    ch.on('close', () => {
      if (this.ch === ch) this.ch = null;
    });
    ch.on('return', (m: Message) => {
      const id: unknown = m.properties.messageId;
      if (typeof id === 'string') this.returned.add(id);
    });
    ch.on('handler-error', (e: Error) => this.log.error({ err: e.message }, 'publisher listener threw'));
    this.ch = ch;
    return ch;
  }
}

function waitDrain(ch: ConfirmChannel): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      ch.removeListener('drain', done);
      ch.removeListener('close', done);
      resolve();
    };
    ch.once('drain', done);
    ch.once('close', done);
  });
}

async function withTimeout<T>(p: Promise<T>, ms: number, what = 'no publisher confirm'): Promise<T> {
  const ac = new AbortController();
  try {
    return await Promise.race([
      p,
      sleep(ms, undefined, { signal: ac.signal }).then(() => {
        throw new Error(`${what} within ${ms} ms`);
      }),
    ]);
  } finally {
    ac.abort();
  }
}

export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
