/**
 * Declares the topology of `topology.ts` on RabbitMQ, explicitly and idempotently: exchanges and
 * queues are durable, stage queues are quorum queues with every argument spelled out. A
 * declaration whose arguments differ from an existing queue fails with PRECONDITION_FAILED (406):
 * that is a deployment error and is surfaced, never papered over.
 */
import type { Channel } from 'amqplib';
import type { Topology } from './topology.js';

export async function declareTopology(ch: Channel, t: Topology): Promise<void> {
  await ch.assertExchange(t.exchange, 'topic', { durable: true, autoDelete: false, internal: false });
  await ch.assertExchange(t.deadLetterExchange, 'direct', {
    durable: true,
    autoDelete: false,
    internal: false,
  });
  for (const q of [...t.queues, ...t.parkingQueues]) {
    await ch.assertQueue(q.name, {
      durable: true,
      exclusive: false,
      autoDelete: false,
      arguments: { ...q.arguments },
    });
    for (const key of q.bindingKeys) await ch.bindQueue(q.name, q.exchange, key);
  }
}

/** Deletes every queue and exchange of the topology (tests and benchmarks clean up with it). */
export async function deleteTopology(ch: Channel, t: Topology): Promise<void> {
  for (const q of [...t.queues, ...t.parkingQueues]) await ch.deleteQueue(q.name);
  await ch.deleteExchange(t.exchange);
  await ch.deleteExchange(t.deadLetterExchange);
}
