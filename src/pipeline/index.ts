/**
 * pipeline — moves events between stages: the Bus port (`bus.ts`) with its RabbitMQ adapter
 * (`bus.amqp.ts`: explicit quorum-queue topology, confirm-channel publisher, bounded-prefetch
 * consumer with retries and parking, reconnect after connection loss) and its in-process adapter
 * (`bus.memory.ts`, deterministic `drain()`), the transactional outbox (`outbox.ts`), the relay
 * that publishes it (`relay.ts`) and the inbox that de-duplicates on the consuming side
 * (`inbox.ts`). Stage workers live beside it and use only this door. The RabbitMQ adapter has
 * its own door, `index.amqp.ts`, so that importing the pipeline does not load amqplib (the
 * purity check forbids a pure file to import a shell file; the embedded mode never needs it).
 *
 * May import: src/domain, the db port (src/db/port.ts), node:timers; amqplib only in *.amqp.ts.
 * Invariants: an event is published only if the transaction that wrote it committed (outbox in
 * the same transaction); nothing is marked sent that the broker did not confirm; a delivery is
 * acked only after its handler's transaction committed; a redelivered message has no second
 * effect (inbox primary key); a message that keeps failing is parked with an alert, never
 * dropped and never retried without bound.
 */
export * from './bus.js';
export * from './topology.js';
export { encodeBody, decodeMessage, backoffMs, OCCURRED_AT_HEADER } from './envelope.js';
export {
  enqueue,
  pendingCount,
  pruneSent,
  outboxRowFromDb,
  type OutboxRow,
  type EnqueueOptions,
} from './outbox.js';
export { handleOnce, pruneInbox } from './inbox.js';
export { OutboxRelay, type RelayOptions, type RelayStats } from './relay.js';
export { MemoryBus, type MemoryBusOptions } from './bus.memory.js';
