/**
 * RabbitMQ consumer specifics beyond the Bus contract: undecodable deliveries are parked at once
 * (no retries), stop() during a retry hands the message back to the queue, and a handler's
 * delivery is acked only after the handler resolved.
 */
import * as amqp from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import type { ParkedMessage } from '../../src/pipeline/bus.js';
import {
  AMQP_URL,
  openTestAmqpBus,
  readyCount,
  testMessage,
  waitFor,
  type TestBus,
} from '../helpers/amqp.js';

describe('AMQP consumer', () => {
  let t: TestBus | null = null;
  afterEach(async () => {
    await t?.cleanup();
    t = null;
  });

  it('parks a delivery without message-id or with a non-JSON body at once, and keeps consuming', async () => {
    t = await openTestAmqpBus('undecodable', { stages: ['clearing'] });
    const parked: ParkedMessage[] = [];
    const handled: string[] = [];
    await t.bus.consume('clearing', async (m) => void handled.push(m.id), {
      prefetchMax: 5,
      retryCountMax: 3,
      onPark: (p) => parked.push(p),
    });
    const conn = await amqp.connect(AMQP_URL);
    try {
      const ch = await conn.createConfirmChannel();
      const headers = { 'occurred-at': '2026-03-02T10:15:30.000Z' };
      ch.publish(t.bus.topology.exchange, 'clearing.x', Buffer.from('{"a":1}'), {
        persistent: true,
        headers,
      });
      ch.publish(t.bus.topology.exchange, 'clearing.x', Buffer.from('not json'), {
        persistent: true,
        messageId: 'garbled',
        headers,
      });
      await ch.waitForConfirms();
    } finally {
      await conn.close();
    }
    await t.bus.publish([testMessage('fine', 'clearing.x')]);
    await waitFor(() => parked.length === 2 && handled.length === 1, 'two parked, one handled');
    expect(handled).toEqual(['fine']);
    const byId = new Map(parked.map((p) => [p.messageId, p]));
    expect(byId.get(null)).toMatchObject({
      attempts: 0,
      message: null,
      reason: 'delivery has no message-id',
    });
    expect(byId.get('garbled')).toMatchObject({ attempts: 0, message: null });
    expect(parked.find((p) => p.messageId === 'garbled')!.reason).toMatch(/not JSON/);
    await waitFor(
      async () => (await readyCount(t!.bus, `${t!.prefix}.clearing.parking`)) === 2,
      'both on the parking queue',
    );
  });

  it('acks only after the handler resolved: a stopped consumer leaves an unfinished message on the queue', async () => {
    t = await openTestAmqpBus('ack-after', { stages: ['clearing'] });
    const attempts: string[] = [];
    const c = await t.bus.consume(
      'clearing',
      async (m) => {
        attempts.push(m.id);
        throw new Error('database down');
      },
      { prefetchMax: 1, retryCountMax: 10, retryDelayMs: 200, retryDelayMaxMs: 200 },
    );
    await t.bus.publish([testMessage('pending', 'clearing.x')]);
    await waitFor(() => attempts.length >= 1, 'first attempt');
    await c.stop(); // interrupts the retry wait and requeues
    await waitFor(
      async () => (await readyCount(t!.bus, `${t!.prefix}.clearing`)) === 1,
      'message back on the queue',
    );
    expect(await readyCount(t.bus, `${t.prefix}.clearing.parking`)).toBe(0);
    const again: string[] = [];
    await t.bus.consume('clearing', async (m) => void again.push(m.id), { prefetchMax: 1, retryCountMax: 0 });
    await waitFor(() => again.length === 1, 'redelivered to the next consumer');
    expect(again).toEqual(['pending']);
  });
});
