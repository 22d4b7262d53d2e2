/**
 * Connection loss during relaying (reliability catalogue F13): `rabbitmqctl
 * close_all_connections` while 2,000 outbox messages are being relayed and consumed. Nothing is
 * lost (every message id arrives at least once) and every effect happens exactly once (inbox).
 *
 * close_all_connections closes every connection of a virtual host, including those of test files
 * running in parallel there; that is why this test has a file of its own and runs in a throw-away
 * vhost (set ISOCLEAR_TEST_CUT_VHOST=/ to cut the shared default vhost instead, which all of our
 * AMQP code also survives — other suites' exact-count assertions may not). The relay is slowed a little (a short pause per batch) so that relaying is still
 * under way when the connections are cut: rabbitmqctl itself needs about a second to start.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/port.js';
import type { AmqpConsumption } from '../../src/pipeline/consumer.amqp.js';
import type { BusMessage } from '../../src/pipeline/bus.js';
import { handleOnce } from '../../src/pipeline/inbox.js';
import { enqueue, pendingCount } from '../../src/pipeline/outbox.js';
import { OutboxRelay } from '../../src/pipeline/relay.js';
import {
  closeAllConnections,
  createTestVhost,
  openTestAmqpBus,
  testMessage,
  waitFor,
  type TestBus,
} from '../helpers/amqp.js';
import { dropTestDb, openTestDb } from '../helpers/db.js';

const TOTAL = 2000;

let db: Db;
let t: TestBus;
let vhost: Awaited<ReturnType<typeof createTestVhost>> | null = null;
const sharedVhost = process.env.ISOCLEAR_TEST_CUT_VHOST === '/';

beforeAll(async () => {
  db = await openTestDb('pg', 'outbox_loss');
  await db.query('CREATE TABLE effects (message_id text NOT NULL)');
  if (!sharedVhost) vhost = await createTestVhost('outbox-loss');
  t = await openTestAmqpBus('outbox-loss', { stages: ['clearing'] }, vhost ? { url: vhost.url } : {});
});

afterAll(async () => {
  await t?.cleanup();
  await vhost?.remove();
  if (db) await dropTestDb(db);
});

describe('connection loss while relaying', () => {
  it('rabbitmqctl close_all_connections during relaying of 2,000 messages loses nothing; effects exactly once', async () => {
    const deliveries = new Map<string, number>();
    const consumer = (await t.bus.consume(
      'clearing',
      async (m) => {
        deliveries.set(m.id, (deliveries.get(m.id) ?? 0) + 1);
        await handleOnce(db, 'clearing', m, async (tx) => {
          await tx.query('INSERT INTO effects (message_id) VALUES ($1)', [m.id]);
        });
      },
      { prefetchMax: 50, retryCountMax: 5, retryDelayMs: 20 },
    )) as AmqpConsumption;

    for (let i = 0; i < TOTAL; i += 100) {
      const batch: BusMessage[] = Array.from({ length: 100 }, (_, k) =>
        testMessage(`loss-${i + k}`, 'clearing.payment.accepted', { n: String(i + k) }),
      );
      await db.transaction((tx) => enqueue(tx, batch));
    }

    const slowBus = {
      publish: async (msgs: readonly BusMessage[]) => {
        await sleep(15);
        await t.bus.publish(msgs);
      },
    };
    const relayErrors: unknown[] = [];
    const relay = new OutboxRelay({
      db,
      bus: slowBus,
      batchSizeMax: 20,
      pollIntervalMs: 10,
      errorDelayMs: 50,
      errorDelayMaxMs: 500,
      onError: (e) => relayErrors.push(e),
    });
    relay.start();

    // Cut every connection at least twice while rows are still pending.
    let cutsWhilePending = 0;
    await waitFor(() => relay.stats.published >= 100, 'relaying under way');
    for (let i = 0; i < 5 && cutsWhilePending < 2; i++) {
      const pendingBefore = await pendingCount(db);
      await closeAllConnections('isoclear connection-loss test', vhost?.vhost ?? '/');
      if (pendingBefore > 0 && (await pendingCount(db)) > 0) cutsWhilePending++;
      await sleep(300);
    }
    expect(cutsWhilePending).toBeGreaterThanOrEqual(1);

    await waitFor(
      async () => (await pendingCount(db)) === 0 && deliveries.size === TOTAL,
      'all relayed and delivered',
      90_000,
      100,
    );
    await relay.stop();
    await sleep(500); // let any in-flight redelivery land before counting
    await consumer.stop();

    const missing = Array.from({ length: TOTAL }, (_, i) => `loss-${i}`).filter((id) => !deliveries.has(id));
    expect(missing).toEqual([]);
    const counts = await db.query<{ total: string; distinct: string }>(
      'SELECT count(*)::text AS total, count(DISTINCT message_id)::text AS distinct FROM effects',
    );
    expect(counts.rows[0]).toEqual({ total: String(TOTAL), distinct: String(TOTAL) });
    // The cut was felt: the consumer had to subscribe again.
    expect(consumer.subscriptions()).toBeGreaterThanOrEqual(2);
    const redelivered = [...deliveries.values()].filter((n) => n > 1).length;
    console.log(
      `connection-loss: cuts while pending ${cutsWhilePending}, relay errors ${relayErrors.length}, publisher window retries ${t.bus.publisher.retries}, consumer subscriptions ${consumer.subscriptions()}, ids delivered more than once ${redelivered}`,
    );
  }, 180_000);
});
