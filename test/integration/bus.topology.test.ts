/**
 * The declared RabbitMQ topology, checked on the real broker: quorum queues with the explicit
 * arguments, the dead-letter path from a stage queue to its parking queue when the broker-side
 * delivery limit is exceeded, and a mismatching re-declaration refused (PRECONDITION_FAILED).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as amqp from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import { declareTopology } from '../../src/pipeline/topology.amqp.js';
import { buildTopology } from '../../src/pipeline/topology.js';
import {
  AMQP_URL,
  getAll,
  openTestAmqpBus,
  readyCount,
  testMessage,
  waitFor,
  type TestBus,
} from '../helpers/amqp.js';

const run = promisify(execFile);

describe('RabbitMQ topology', () => {
  let t: TestBus | null = null;
  afterEach(async () => {
    await t?.cleanup();
    t = null;
  });

  it('declares durable quorum stage queues with explicit DLX arguments, and parking queues', async () => {
    t = await openTestAmqpBus('topo', { stages: ['intake', 'clearing'], deliveryLimitMax: 4 });
    const { stdout } = await run(
      'rabbitmqctl',
      ['list_queues', '-q', '--formatter', 'json', 'name', 'type', 'durable', 'arguments'],
      {
        timeout: 60_000,
      },
    );
    // rabbitmqctl's JSON lists arguments as [name, type, value] triples.
    const all = JSON.parse(stdout) as Array<{
      name: string;
      type: string;
      durable: boolean;
      arguments: Array<[string, string, unknown]>;
    }>;
    const mine = new Map(all.filter((q) => q.name.startsWith(`${t!.prefix}.`)).map((q) => [q.name, q]));
    expect([...mine.keys()].sort()).toEqual(
      ['clearing', 'clearing.parking', 'intake', 'intake.parking'].map((s) => `${t!.prefix}.${s}`),
    );
    const q = mine.get(`${t.prefix}.clearing`)!;
    expect(q.type).toBe('quorum');
    expect(q.durable).toBe(true);
    expect(Object.fromEntries(q.arguments.map(([k, , v]) => [k, v]))).toEqual({
      'x-queue-type': 'quorum',
      'x-delivery-limit': 4,
      'x-dead-letter-exchange': `${t.prefix}.dlx`,
      'x-dead-letter-routing-key': 'clearing',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
    expect(mine.get(`${t.prefix}.clearing.parking`)!.type).toBe('quorum');
  });

  it('dead-letters a message redelivered past x-delivery-limit to the stage parking queue', async () => {
    t = await openTestAmqpBus('limit', { stages: ['clearing'], deliveryLimitMax: 2 });
    await t.bus.publish([testMessage('crashy', 'clearing.x')]);
    // A consumer that "crashes" (requeues) on every delivery, bypassing the in-process retries.
    const conn = await amqp.connect(AMQP_URL);
    try {
      const ch = await conn.createChannel();
      let deliveries = 0;
      await ch.consume(`${t.prefix}.clearing`, (m) => {
        if (!m) return;
        deliveries++;
        ch.nack(m, false, true);
      });
      await waitFor(
        async () => (await readyCount(t!.bus, `${t!.prefix}.clearing.parking`)) === 1,
        'parked by the broker',
      );
      expect(deliveries).toBe(3); // first delivery + 2 redeliveries = x-delivery-limit exceeded
      const parked = await getAll(t.bus, `${t.prefix}.clearing.parking`);
      expect(parked.map((p) => p.id)).toEqual(['crashy']);
      expect(
        JSON.stringify(parked[0]!.headers['x-death'] ?? parked[0]!.headers['x-first-death-reason']),
      ).toMatch(/delivery_limit/);
    } finally {
      await conn.close();
    }
  });

  it('refuses to re-declare a stage queue with different arguments', async () => {
    t = await openTestAmqpBus('mismatch', { stages: ['clearing'], deliveryLimitMax: 3 });
    const conn = await amqp.connect(AMQP_URL);
    try {
      const ch = await conn.createChannel();
      ch.on('error', () => undefined);
      await expect(
        declareTopology(ch, buildTopology({ prefix: t.prefix, stages: ['clearing'], deliveryLimitMax: 9 })),
      ).rejects.toThrow(/PRECONDITION_FAILED/);
    } finally {
      await conn.close();
    }
  });
});
