/**
 * The Bus port in process: the embedded default (`isoclear run`, local use, tests) where no
 * broker runs. It keeps the RabbitMQ adapter's contract where it matters for correctness —
 * messages are checked and copied through JSON at publish (a bigint payload fails the same way),
 * routed by the same topic bindings, an unroutable message is reported instead of confirmed, a
 * handler failure is retried `retryCountMax` times and then parked with the `onPark` alert — and
 * adds determinism: one FIFO queue per stage, one message handled at a time, stages visited in
 * topology order, and `drain()` runs until every consumed queue is empty.
 *
 * Retries are immediate here (no backoff sleeps), so a drain takes no wall-clock time. Messages
 * live in memory only: durability comes from the outbox, which the relay re-publishes after a
 * restart.
 */
import { AsyncResource } from 'node:async_hooks';
import {
  BusError,
  silentLogger,
  type Bus,
  type BusLogger,
  type BusMessage,
  type ConsumeOptions,
  type Consumption,
  type JsonValue,
  type MessageHandler,
  type ParkedMessage,
} from './bus.js';
import { encodeBody } from './envelope.js';
import { routeStages, type Topology } from './topology.js';

export interface MemoryBusOptions {
  topology: Topology;
  /** Run handlers in the background after each publish / consume (default true). */
  autoRun?: boolean;
  /** Ready messages per stage queue; a publish beyond it is refused (like x-overflow reject-publish). */
  queueLengthMax?: number;
  /** Largest JSON body accepted. Default 1 MiB. */
  messageBytesMax?: number;
  log?: BusLogger;
}

interface Subscriber {
  handler: MessageHandler;
  opts: ConsumeOptions;
  busy: Promise<void> | null;
}

export class MemoryBus implements Bus {
  private readonly queues = new Map<string, BusMessage[]>();
  private readonly parkedMsgs = new Map<string, ParkedMessage[]>();
  private readonly subscribers = new Map<string, Subscriber>();
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly log: BusLogger;
  /**
   * Background runs start in the async context of the bus's creation, not of the publisher: a
   * publish from inside a database transaction (the relay) must not make handlers look as if
   * they ran inside that transaction (the db port refuses nested use of its Db).
   */
  private readonly root = new AsyncResource('isoclear.MemoryBus');
  /** Messages handled successfully, per stage (observability and tests). */
  readonly handled = new Map<string, number>();

  constructor(private readonly opts: MemoryBusOptions) {
    this.log = opts.log ?? silentLogger;
    for (const s of opts.topology.stages) {
      this.queues.set(s, []);
      this.parkedMsgs.set(s, []);
    }
  }

  get topology(): Topology {
    return this.opts.topology;
  }

  async publish(msgs: readonly BusMessage[]): Promise<void> {
    if (this.closed) throw new BusError('ISOCLR_ERR_BUS_CLOSED', 'bus is closed');
    const copies: Array<{ msg: BusMessage; stages: string[] }> = [];
    for (const msg of msgs) {
      const body = encodeBody(msg, this.opts.messageBytesMax ?? 1024 * 1024);
      if (!body.ok) throw new BusError('ISOCLR_ERR_BUS_ENCODE', body.error, [String(msg.id)]);
      const copy: BusMessage = {
        id: msg.id,
        routingKey: msg.routingKey,
        payload: JSON.parse(body.value) as JsonValue,
        headers: { ...msg.headers },
        occurredAt: msg.occurredAt,
      };
      copies.push({ msg: copy, stages: routeStages(this.opts.topology, msg.routingKey) });
    }
    const lengthMax = this.opts.queueLengthMax ?? Infinity;
    const extra = new Map<string, number>();
    for (const c of copies) for (const s of c.stages) extra.set(s, (extra.get(s) ?? 0) + 1);
    for (const [s, n] of extra) {
      if (this.queue(s).length + n > lengthMax)
        throw new BusError(
          'ISOCLR_ERR_BUS_NACKED',
          `queue of stage ${s} is full (queueLengthMax ${lengthMax})`,
        );
    }
    const unroutable: string[] = [];
    for (const c of copies) {
      if (c.stages.length === 0) unroutable.push(c.msg.id);
      for (const s of c.stages) this.queue(s).push(c.msg);
    }
    this.kick();
    if (unroutable.length > 0)
      throw new BusError(
        'ISOCLR_ERR_BUS_UNROUTABLE',
        `${unroutable.length} message(s) unroutable`,
        unroutable,
      );
  }

  async consume(stage: string, handler: MessageHandler, opts: ConsumeOptions): Promise<Consumption> {
    if (this.closed) throw new BusError('ISOCLR_ERR_BUS_CLOSED', 'bus is closed');
    this.queue(stage);
    if (!Number.isInteger(opts.retryCountMax) || opts.retryCountMax < 0)
      throw new RangeError('retryCountMax must be a non-negative integer');
    if (this.subscribers.has(stage))
      throw new BusError(
        'ISOCLR_ERR_BUS_CONSUME',
        `stage ${stage} already has a consumer on the in-process bus`,
      );
    const sub: Subscriber = { handler, opts, busy: null };
    this.subscribers.set(stage, sub);
    this.kick();
    return {
      stop: async () => {
        if (this.subscribers.get(stage) === sub) this.subscribers.delete(stage);
        if (sub.busy) await sub.busy;
      },
    };
  }

  /**
   * Runs until every queue that has a consumer is empty (handlers may publish more; those are
   * handled too). Deterministic: stages in topology order, one message per stage per round.
   * Do not call it from inside a handler.
   */
  async drain(): Promise<void> {
    for (;;) {
      if (this.running) {
        await this.running;
        continue;
      }
      if (!this.hasWork()) return;
      await this.run();
    }
  }

  depth(stage: string): number {
    return this.queue(stage).length;
  }

  parked(stage: string): readonly ParkedMessage[] {
    return this.parkedMsgs.get(stage) ?? [];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const subs = [...this.subscribers.values()];
    this.subscribers.clear();
    await Promise.allSettled(subs.map((s) => s.busy ?? Promise.resolve()));
  }

  private queue(stage: string): BusMessage[] {
    const q = this.queues.get(stage);
    if (!q)
      throw new RangeError(
        `unknown stage ${JSON.stringify(stage)} (stages: ${this.opts.topology.stages.join(', ')})`,
      );
    return q;
  }

  private hasWork(): boolean {
    for (const [s, q] of this.queues) if (q.length > 0 && this.subscribers.has(s)) return true;
    return false;
  }

  private kick(): void {
    if (this.opts.autoRun === false || this.running || this.closed) return;
    // Start after the caller's current step so publish() returns before handlers run.
    setImmediate(() =>
      this.root.runInAsyncScope(() => {
        if (!this.running && this.hasWork()) void this.run();
      }),
    );
  }

  private run(): Promise<void> {
    const r = this.loop().finally(() => {
      if (this.running === r) this.running = null;
    });
    this.running = r;
    return r;
  }

  private async loop(): Promise<void> {
    let progressed = true;
    while (progressed && !this.closed) {
      progressed = false;
      for (const stage of this.opts.topology.stages) {
        const sub = this.subscribers.get(stage);
        const q = this.queue(stage);
        if (!sub || q.length === 0) continue;
        const msg = q.shift()!;
        progressed = true;
        sub.busy = this.deliver(stage, sub, msg);
        await sub.busy;
        sub.busy = null;
      }
    }
  }

  private async deliver(stage: string, sub: Subscriber, msg: BusMessage): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await sub.handler(msg);
        this.handled.set(stage, (this.handled.get(stage) ?? 0) + 1);
        return;
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        if (attempt <= sub.opts.retryCountMax) {
          this.log.warn({ stage, messageId: msg.id, attempt, err: reason }, 'handler failed; will retry');
          continue;
        }
        const parked: ParkedMessage = { stage, message: msg, messageId: msg.id, attempts: attempt, reason };
        this.parkedMsgs.get(stage)!.push(parked);
        this.log.error({ stage, messageId: msg.id, attempts: attempt, reason }, 'message parked');
        try {
          sub.opts.onPark?.(parked);
        } catch (hookErr) {
          this.log.error({ stage, err: String(hookErr) }, 'onPark alert hook threw');
        }
        return;
      }
    }
  }
}
