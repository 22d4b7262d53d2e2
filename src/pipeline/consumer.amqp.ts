/**
 * Consumes one stage queue with manual acknowledgements and a bounded prefetch. A delivery is
 * acked only after the handler resolved, i.e. after the handler's database transaction
 * committed; RabbitMQ requeues unacked deliveries when a channel or connection closes, so a
 * crash before the ack means a redelivery, which the inbox turns into a no-op.
 *
 * A handler that throws is retried in process (`retryCountMax` retries, exponential backoff);
 * after the last retry the delivery is rejected without requeue, which dead-letters it (quorum
 * queue, at-least-once strategy) to the stage's parking queue, and `onPark` fires after an error
 * log line. A body that cannot be decoded is parked at once. The queue's `x-delivery-limit` is
 * the broker-side backstop for a message that kills its consumer before any of this runs.
 *
 * After a lost channel or connection the consumer opens a new channel on the recovered
 * connection and consumes again, with bounded backoff. Handlers in flight when the channel was
 * lost cannot ack any more (delivery tags belong to the dead channel): their messages are
 * redelivered and de-duplicated by the inbox.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Channel, ConsumeMessage, RecoveringChannelModel } from 'amqplib';
import {
  BusError,
  silentLogger,
  type BusLogger,
  type ConsumeOptions,
  type Consumption,
  type MessageHandler,
  type ParkedMessage,
} from './bus.js';
import { backoffMs, decodeMessage } from './envelope.js';
import { errText } from './publisher.amqp.js';

export interface AmqpConsumerOptions extends ConsumeOptions {
  connection: RecoveringChannelModel;
  stage: string;
  queue: string;
  /** Delay before re-subscribing after a lost channel, doubled up to the max. Defaults 100 / 5000. */
  resubscribeDelayMs?: number;
  resubscribeDelayMaxMs?: number;
  log?: BusLogger;
}

export interface AmqpConsumption extends Consumption {
  /** Times the consumer subscribed (1 + re-subscriptions after lost channels). */
  subscriptions(): number;
}

export async function startAmqpConsumer(
  opts: AmqpConsumerOptions,
  handler: MessageHandler,
): Promise<AmqpConsumption> {
  if (!Number.isInteger(opts.prefetchMax) || opts.prefetchMax < 1 || opts.prefetchMax > 65535)
    throw new RangeError('prefetchMax must be an integer in 1..65535');
  if (!Number.isInteger(opts.retryCountMax) || opts.retryCountMax < 0)
    throw new RangeError('retryCountMax must be a non-negative integer');
  const c = new AmqpConsumer(opts, handler);
  await c.subscribeFirst();
  return c;
}

class AmqpConsumer implements AmqpConsumption {
  private ch: Channel | null = null;
  private tag: string | null = null;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private subscribed = 0;
  private readonly log: BusLogger;

  constructor(
    private readonly opts: AmqpConsumerOptions,
    private readonly handler: MessageHandler,
  ) {
    this.log = opts.log ?? silentLogger;
  }

  subscriptions(): number {
    return this.subscribed;
  }

  /** First subscription: a missing queue or bad argument is a configuration error and throws. */
  async subscribeFirst(): Promise<void> {
    const { closed } = await this.subscribe();
    void this.keepSubscribed(closed);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    const ch = this.ch;
    if (ch && this.tag) await ch.cancel(this.tag).catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    this.ch = null;
    if (ch) await ch.close().catch(() => undefined);
  }

  /** Opens a channel and consumes; `closed` settles when that channel closes. */
  private async subscribe(): Promise<{ closed: Promise<void> }> {
    const ch = await this.opts.connection.createChannel();
    const closed = new Promise<void>((resolve) => ch.once('close', () => resolve()));
    ch.on('error', (e: Error) =>
      this.log.warn({ stage: this.opts.stage, err: e.message }, 'consumer channel error'),
    );
    ch.on('handler-error', (e: Error) =>
      this.log.error({ stage: this.opts.stage, err: e.message }, 'consumer listener threw'),
    );
    try {
      if (this.stopped) throw new BusError('ISOCLR_ERR_BUS_CLOSED', 'consumer stopped');
      await ch.prefetch(this.opts.prefetchMax, false);
      const { consumerTag } = await ch.consume(this.opts.queue, (m) => this.onDelivery(ch, m), {
        noAck: false,
      });
      this.ch = ch;
      this.tag = consumerTag;
      this.subscribed++;
      this.log.info(
        { stage: this.opts.stage, queue: this.opts.queue, prefetch: this.opts.prefetchMax },
        'consuming',
      );
      return { closed };
    } catch (e) {
      await ch.close().catch(() => undefined);
      throw e;
    }
  }

  private async keepSubscribed(closed: Promise<void>): Promise<void> {
    let attempt = 0;
    let current: Promise<void> | null = closed;
    while (!this.stopped) {
      if (current) {
        await current;
        current = null;
        this.ch = null;
        this.tag = null;
        if (this.stopped) return;
        this.log.warn(
          { stage: this.opts.stage, queue: this.opts.queue },
          'consumer channel closed; re-subscribing',
        );
      }
      attempt++;
      await sleep(
        backoffMs(attempt, this.opts.resubscribeDelayMs ?? 100, this.opts.resubscribeDelayMaxMs ?? 5000),
      );
      if (this.stopped) return;
      try {
        current = (await this.subscribe()).closed;
        attempt = 0;
      } catch (e) {
        if (this.stopped) return;
        this.log.warn(
          { stage: this.opts.stage, attempt, err: errText(e) },
          're-subscribe failed; will retry',
        );
      }
    }
  }

  private onDelivery(ch: Channel, m: ConsumeMessage | null): void {
    if (m === null) {
      // basic.cancel from the broker (queue deleted, node shutting down): re-subscribe.
      this.log.warn({ stage: this.opts.stage }, 'consumer cancelled by the broker');
      ch.close().catch(() => undefined);
      return;
    }
    const p = this.handle(ch, m);
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async handle(ch: Channel, m: ConsumeMessage): Promise<void> {
    const decoded = decodeMessage({
      messageId: m.properties.messageId,
      routingKey: m.fields.routingKey,
      headers: m.properties.headers as Record<string, unknown> | undefined,
      body: m.content.toString('utf8'),
    });
    if (!decoded.ok) {
      this.park(ch, m, {
        stage: this.opts.stage,
        message: null,
        messageId: strOrNull(m.properties.messageId),
        attempts: 0,
        reason: decoded.error,
      });
      return;
    }
    const msg = decoded.value;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.handler(msg);
        this.settle(ch, m, 'ack');
        return;
      } catch (e) {
        if (attempt > this.opts.retryCountMax) {
          this.park(ch, m, {
            stage: this.opts.stage,
            message: msg,
            messageId: msg.id,
            attempts: attempt,
            reason: errText(e),
          });
          return;
        }
        this.log.warn(
          { stage: this.opts.stage, messageId: msg.id, attempt, err: errText(e) },
          'handler failed; will retry',
        );
        try {
          await sleep(
            backoffMs(attempt, this.opts.retryDelayMs ?? 100, this.opts.retryDelayMaxMs ?? 5000),
            undefined,
            {
              signal: this.abort.signal,
            },
          );
        } catch {
          // Stopping: hand the message back to the queue for the next consumer.
          this.settle(ch, m, 'requeue');
          return;
        }
        if (this.ch !== ch) return; // channel lost meanwhile: the broker redelivers it
      }
    }
  }

  private park(ch: Channel, m: ConsumeMessage, parked: ParkedMessage): void {
    this.log.error(
      { stage: parked.stage, messageId: parked.messageId, attempts: parked.attempts, reason: parked.reason },
      'message parked',
    );
    if (!this.settle(ch, m, 'reject')) return; // not rejected: it will come back and be retried
    try {
      this.opts.onPark?.(parked);
    } catch (e) {
      this.log.error({ stage: parked.stage, err: errText(e) }, 'onPark alert hook threw');
    }
  }

  /** Acks, requeues or rejects (dead-letters) on the delivering channel; false if it is gone. */
  private settle(ch: Channel, m: ConsumeMessage, how: 'ack' | 'requeue' | 'reject'): boolean {
    try {
      if (how === 'ack') ch.ack(m);
      else ch.nack(m, false, how === 'requeue');
      return true;
    } catch (e) {
      this.log.warn(
        { stage: this.opts.stage, messageId: m.properties.messageId as unknown, how, err: errText(e) },
        'could not settle delivery (channel gone); the broker will redeliver it',
      );
      return false;
    }
  }
}

function strOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
