/**
 * The message bus port: what every stage shell sees of the broker, whether RabbitMQ
 * (`bus.amqp.ts`) or the embedded in-process bus (`bus.memory.ts`). Pure types only.
 *
 * Delivery is at least once on both adapters: a message may arrive more than once (relay
 * re-publish after a crash, broker redelivery after a lost connection), so every consumer
 * de-duplicates by `BusMessage.id` through the inbox (`inbox.ts`). Order is not promised across
 * a retry, a redelivery or a late-committing outbox transaction.
 */

/** A JSON value. Money travels as decimal or minor-unit strings, never as a JS number. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface BusMessage<P extends JsonValue = JsonValue> {
  /** Unique message id, fixed when the outbox row is written: the consumers' idempotency key. */
  readonly id: string;
  /**
   * Topic routing key, by convention `<stage>.<event>` (e.g. `clearing.payment.accepted`); the
   * topology's bindings decide which stage queue(s) receive it.
   */
  readonly routingKey: string;
  /** JSON-serialisable payload; a bigint must be carried as a string (JSON has no bigint). */
  readonly payload: P;
  /** Small string headers (correlation id, sender, schema version …). */
  readonly headers: Readonly<Record<string, string>>;
  /** When the reported fact happened: ISO 8601 UTC instant with milliseconds. */
  readonly occurredAt: string;
}

/** Handles one message; resolves only after its database transaction committed. */
export type MessageHandler = (msg: BusMessage) => Promise<void>;

/** A message given up on after its retries: dead-lettered to the stage's parking queue. */
export interface ParkedMessage {
  readonly stage: string;
  readonly message: BusMessage | null;
  /** Raw message id when the body could not even be decoded into a BusMessage. */
  readonly messageId: string | null;
  readonly attempts: number;
  readonly reason: string;
}

export interface ConsumeOptions {
  /** Unacknowledged deliveries in flight at once (AMQP basic.qos prefetch count); >= 1. */
  prefetchMax: number;
  /** Retries after the first failed attempt before the message is parked; >= 0. */
  retryCountMax: number;
  /** Delay before the first retry, doubled per retry up to `retryDelayMaxMs`. Default 100. */
  retryDelayMs?: number;
  /** Upper bound of the retry delay. Default 5000. */
  retryDelayMaxMs?: number;
  /** Alert hook, called once per parked message (after the log line). */
  onPark?: (parked: ParkedMessage) => void;
}

export interface Consumption {
  /** Stops taking deliveries, waits for handlers in flight to settle (ack or reject), returns. */
  stop(): Promise<void>;
}

export interface Bus {
  /** Resolves only when the broker confirmed every message (persisted and routed). */
  publish(msgs: readonly BusMessage[]): Promise<void>;
  /** Starts consuming a stage's queue; ack after `handler` resolves, park after retries. */
  consume(stage: string, handler: MessageHandler, opts: ConsumeOptions): Promise<Consumption>;
  close(): Promise<void>;
}

/** The pino-compatible subset of a logger the pipeline shells use. */
export interface BusLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: BusLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** Stable error codes of the pipeline shells (ISOCLR_ERR_…). */
export type BusErrorCode =
  | 'ISOCLR_ERR_BUS_UNROUTABLE'
  | 'ISOCLR_ERR_BUS_NACKED'
  | 'ISOCLR_ERR_BUS_PUBLISH'
  | 'ISOCLR_ERR_BUS_ENCODE'
  | 'ISOCLR_ERR_BUS_CLOSED'
  | 'ISOCLR_ERR_BUS_CONSUME';

/** Infrastructure failure of the bus, with a stable code; handled only in shells. */
export class BusError extends Error {
  constructor(
    readonly code: BusErrorCode,
    message: string,
    /** Ids of the messages the failure concerns, when known (e.g. the unroutable ones). */
    readonly messageIds: readonly string[] = [],
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'BusError';
  }
}
