/**
 * One RabbitMQ connection that re-opens itself after it is lost (broker restart,
 * `rabbitmqctl close_all_connections`, network cut), with bounded exponential backoff. It wraps
 * amqplib 2.x's opt-in recovery: the connection is recovered, channels are not, so the
 * publisher and the consumer open a new channel after each loss (`createChannel` waits for the
 * next successful connection).
 */
import * as amqp from 'amqplib';
import type { RecoveringChannelModel } from 'amqplib';
import { silentLogger, type BusLogger } from './bus.js';

export interface AmqpConnectionOptions {
  /** amqp://user:pass@host:port/vhost?heartbeat=10 */
  url: string;
  /** Shown as `connection_name` in the management UI and `rabbitmqctl list_connections`. */
  name: string;
  /** First reconnect delay; doubled per attempt. Default 100. */
  reconnectDelayMs?: number;
  /** Upper bound of the reconnect delay. Default 5000. */
  reconnectDelayMaxMs?: number;
  /** Connection attempts before the first success gives up (startup fails fast). Default 5. */
  initialConnectAttemptsMax?: number;
  log?: BusLogger;
}

export async function openAmqpConnection(opts: AmqpConnectionOptions): Promise<RecoveringChannelModel> {
  const log = opts.log ?? silentLogger;
  const conn = await amqp.connect(opts.url, {
    clientProperties: { connection_name: opts.name },
    recovery: {
      initialDelay: opts.reconnectDelayMs ?? 100,
      maxDelay: opts.reconnectDelayMaxMs ?? 5000,
      factor: 2,
      jitter: 0.2,
      // Once connected, never give up: a clearing gateway waits for its broker.
      maxRetries: Infinity,
      initialMaxRetries: opts.initialConnectAttemptsMax ?? 5,
      waitForConnect: false,
    },
  });
  // An EventEmitter without an 'error' listener throws on 'error': connection errors are
  // followed by 'disconnect' and a scheduled reconnect, so logging them is enough.
  conn.on('error', (e: Error) =>
    log.warn({ connection: opts.name, err: e.message }, 'amqp connection error'),
  );
  conn.on('disconnect', (e: Error) =>
    log.warn({ connection: opts.name, err: e.message }, 'amqp connection lost'),
  );
  conn.on('reconnect-scheduled', (i: { attempt: number; delay: number }) =>
    log.info({ connection: opts.name, attempt: i.attempt, delayMs: i.delay }, 'amqp reconnect scheduled'),
  );
  conn.on('connect', () => log.info({ connection: opts.name }, 'amqp connected'));
  conn.on('reconnect-failed', (e: Error) =>
    log.error({ connection: opts.name, err: e.message }, 'amqp reconnect abandoned'),
  );
  conn.on('handler-error', (e: Error, event: string) =>
    log.error({ connection: opts.name, err: e.message, event }, 'amqp listener threw'),
  );
  await conn.waitForConnect();
  return conn;
}
