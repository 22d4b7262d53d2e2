/**
 * The Bus port on RabbitMQ: declares the topology once at open, publishes through one
 * recovering connection and consumes through another (RabbitMQ blocks a publishing connection
 * under flow control; consumers on their own connection keep draining meanwhile).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Channel, RecoveringChannelModel } from 'amqplib';
import {
  BusError,
  silentLogger,
  type Bus,
  type BusLogger,
  type BusMessage,
  type ConsumeOptions,
  type MessageHandler,
} from './bus.js';
import { openAmqpConnection } from './connection.amqp.js';
import { backoffMs } from './envelope.js';
import { startAmqpConsumer, type AmqpConsumption } from './consumer.amqp.js';
import { AmqpPublisher, type AmqpPublisherOptions } from './publisher.amqp.js';
import { declareTopology, deleteTopology } from './topology.amqp.js';
import { queueOf, type Topology } from './topology.js';

export interface AmqpBusOptions {
  url: string;
  topology: Topology;
  /** Connection name prefix shown by the broker. Default `isoclear`. */
  name?: string;
  /** Declare exchanges and queues at open (default true). */
  declare?: boolean;
  publisher?: Omit<AmqpPublisherOptions, 'connection' | 'exchange' | 'log'>;
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
  log?: BusLogger;
}

export class AmqpBus implements Bus {
  private subConn: Promise<RecoveringChannelModel> | null = null;
  private readonly consumers = new Set<AmqpConsumption>();
  private closed = false;

  private constructor(
    private readonly opts: AmqpBusOptions,
    private readonly pubConn: RecoveringChannelModel,
    readonly publisher: AmqpPublisher,
  ) {}

  static async open(opts: AmqpBusOptions): Promise<AmqpBus> {
    const log = opts.log ?? silentLogger;
    const name = opts.name ?? 'isoclear';
    const pubConn = await openAmqpConnection({
      url: opts.url,
      name: `${name}-publish`,
      reconnectDelayMs: opts.reconnectDelayMs,
      reconnectDelayMaxMs: opts.reconnectDelayMaxMs,
      log,
    });
    try {
      if (opts.declare !== false) await withChannel(pubConn, (ch) => declareTopology(ch, opts.topology));
    } catch (e) {
      await pubConn.close().catch(() => undefined);
      throw e;
    }
    const publisher = new AmqpPublisher({
      ...opts.publisher,
      connection: pubConn,
      exchange: opts.topology.exchange,
      log,
    });
    return new AmqpBus(opts, pubConn, publisher);
  }

  get topology(): Topology {
    return this.opts.topology;
  }

  publish(msgs: readonly BusMessage[]): Promise<void> {
    return this.publisher.publish(msgs);
  }

  async consume(stage: string, handler: MessageHandler, opts: ConsumeOptions): Promise<AmqpConsumption> {
    if (this.closed) throw new BusError('ISOCLR_ERR_BUS_CLOSED', 'bus is closed');
    const queue = queueOf(this.opts.topology, stage).name;
    const connection = await this.consumerConnection();
    const c = await startAmqpConsumer(
      {
        ...opts,
        connection,
        stage,
        queue,
        resubscribeDelayMs: this.opts.reconnectDelayMs,
        resubscribeDelayMaxMs: this.opts.reconnectDelayMaxMs,
        log: this.opts.log,
      },
      handler,
    );
    this.consumers.add(c);
    return {
      stop: async () => {
        this.consumers.delete(c);
        await c.stop();
      },
      subscriptions: () => c.subscriptions(),
    };
  }

  /**
   * Runs fn on a short-lived channel of the publishing connection (admin: declare, purge,
   * inspect). When the connection is lost under it, fn runs again on the recovered connection
   * (up to 3 attempts), so fn must be idempotent; broker refusals (403/404/405/406) are thrown.
   */
  async withChannel<T>(fn: (ch: Channel) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await withChannel(this.pubConn, fn);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        const refused = typeof code === 'number' && code >= 400 && code < 500;
        if (refused || attempt >= 3 || this.closed) throw e;
        await sleep(
          backoffMs(attempt, this.opts.reconnectDelayMs ?? 100, this.opts.reconnectDelayMaxMs ?? 5000),
        );
      }
    }
  }

  /** Deletes every queue and exchange of this bus's topology (tests and benchmarks). */
  deleteTopology(): Promise<void> {
    return this.withChannel((ch) => deleteTopology(ch, this.opts.topology));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.consumers].map((c) => c.stop()));
    await this.publisher.close();
    await this.pubConn.close().catch(() => undefined);
    if (this.subConn) await (await this.subConn.catch(() => null))?.close().catch(() => undefined);
  }

  private consumerConnection(): Promise<RecoveringChannelModel> {
    if (!this.subConn) {
      this.subConn = openAmqpConnection({
        url: this.opts.url,
        name: `${this.opts.name ?? 'isoclear'}-consume`,
        reconnectDelayMs: this.opts.reconnectDelayMs,
        reconnectDelayMaxMs: this.opts.reconnectDelayMaxMs,
        log: this.opts.log,
      });
      void this.subConn.catch(() => {
        this.subConn = null;
      });
    }
    return this.subConn;
  }
}

export function openAmqpBus(opts: AmqpBusOptions): Promise<AmqpBus> {
  return AmqpBus.open(opts);
}

async function withChannel<T>(conn: RecoveringChannelModel, fn: (ch: Channel) => Promise<T>): Promise<T> {
  const ch = await conn.createChannel();
  ch.on('error', () => undefined);
  try {
    return await fn(ch);
  } finally {
    await ch.close().catch(() => undefined);
  }
}
