/**
 * Outbox → relay → RabbitMQ → consumer with inbox, on the real PostgreSQL and RabbitMQ.
 * Effects are counted in a table without a unique key, so a second effect would be visible.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/port.js';
import { BusError, type BusMessage } from '../../src/pipeline/bus.js';
import { handleOnce } from '../../src/pipeline/inbox.js';
import { enqueue, pendingCount } from '../../src/pipeline/outbox.js';
import { OutboxRelay } from '../../src/pipeline/relay.js';
import { openTestAmqpBus, testMessage, waitFor, type TestBus } from '../helpers/amqp.js';
import { dropTestDb, openTestDb } from '../helpers/db.js';

let db: Db;
let t: TestBus;

beforeAll(async () => {
  db = await openTestDb('pg', 'outbox');
  await db.query('CREATE TABLE effects (message_id text NOT NULL, consumer text NOT NULL)');
  t = await openTestAmqpBus('outbox', { stages: ['clearing', 'settlement'] });
});

afterAll(async () => {
  await t?.cleanup();
  if (db) await dropTestDb(db);
});

beforeEach(async () => {
  await db.query('TRUNCATE outbox, inbox, effects');
});

const msgs = (tag: string, n: number, key = 'clearing.x'): BusMessage[] =>
  Array.from({ length: n }, (_, i) => testMessage(`${tag}-${i}`, key, { i: String(i), tag }));

/** Consumes `stage` applying one effect per message through the inbox; records every delivery. */
async function effectConsumer(stage: string, consumer: string) {
  const deliveries: string[] = [];
  const c = await t.bus.consume(
    stage,
    async (m) => {
      deliveries.push(m.id);
      await handleOnce(db, consumer, m, async (tx) => {
        await tx.query('INSERT INTO effects (message_id, consumer) VALUES ($1, $2)', [m.id, consumer]);
      });
    },
    { prefetchMax: 20, retryCountMax: 3, retryDelayMs: 10 },
  );
  return { deliveries, stop: () => c.stop() };
}

async function effectCounts(consumer: string): Promise<{ total: number; distinct: number }> {
  const r = await db.query<{ total: string; distinct: string }>(
    'SELECT count(*)::text AS total, count(DISTINCT message_id)::text AS distinct FROM effects WHERE consumer = $1',
    [consumer],
  );
  return { total: Number(r.rows[0]!.total), distinct: Number(r.rows[0]!.distinct) };
}

describe('transactional outbox on PostgreSQL + RabbitMQ', () => {
  it('a rolled-back transaction that enqueued outbox rows publishes nothing', async () => {
    const c = await effectConsumer('clearing', 'rollback');
    await expect(
      db.transaction(async (tx) => {
        await enqueue(tx, msgs('ghost', 5));
        throw new Error('business write failed after enqueue');
      }),
    ).rejects.toThrow('business write failed');
    expect(await pendingCount(db)).toBe(0);
    const relay = new OutboxRelay({ db, bus: t.bus, batchSizeMax: 100, pollIntervalMs: 10 });
    expect(await relay.drainOnce()).toBe(0);
    // A committed sentinel travels the same path; when it has arrived, nothing else did.
    await db.transaction((tx) => enqueue(tx, [testMessage('sentinel', 'clearing.x')]));
    expect(await relay.drainOnce()).toBe(1);
    await waitFor(() => c.deliveries.length >= 1, 'sentinel delivered');
    await c.stop();
    expect(new Set(c.deliveries)).toEqual(new Set(['sentinel'])); // at least once: a redelivery may repeat it
  });

  it('a relay stopped between publish and mark-sent re-publishes after restart; the inbox applies each effect once', async () => {
    const c = await effectConsumer('clearing', 'crash');
    await db.transaction((tx) => enqueue(tx, msgs('crash', 50)));
    const crashing = new OutboxRelay({
      db,
      bus: t.bus,
      batchSizeMax: 20,
      pollIntervalMs: 10,
      crashPoints: {
        afterConfirmBeforeMark: () => {
          throw new Error('crash point relay.after_confirm_before_mark');
        },
      },
    });
    await expect(crashing.drainOnce()).rejects.toThrow('after_confirm_before_mark');
    expect(await pendingCount(db)).toBe(50); // the first batch was confirmed but never marked
    const firstBatch = Array.from({ length: 20 }, (_, i) => `crash-${i}`);
    await waitFor(() => new Set(c.deliveries).size === 20, 'first batch delivered');
    expect(new Set(c.deliveries)).toEqual(new Set(firstBatch));

    const restarted = new OutboxRelay({ db, bus: t.bus, batchSizeMax: 20, pollIntervalMs: 10 });
    expect(await restarted.drainOnce()).toBe(50);
    expect(await pendingCount(db)).toBe(0);
    const perId = new Map<string, number>();
    await waitFor(() => {
      perId.clear();
      for (const id of c.deliveries) perId.set(id, (perId.get(id) ?? 0) + 1);
      return perId.size === 50 && firstBatch.every((id) => perId.get(id)! >= 2);
    }, 'all 50 delivered, the crashed batch twice');
    await c.stop();
    expect(firstBatch.map((id) => perId.get(id)! >= 2)).toEqual(firstBatch.map(() => true));
    expect(await effectCounts('crash')).toEqual({ total: 50, distinct: 50 });
  });

  it('never skips a row whose transaction commits after a later seq was already relayed (F34)', async () => {
    const c = await effectConsumer('clearing', 'gap');
    const relay = new OutboxRelay({ db, bus: t.bus, batchSizeMax: 100, pollIntervalMs: 10 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let enqueued!: () => void;
    const early = new Promise<void>((r) => (enqueued = r));
    // T1 takes the lower seq and stays open; T2 takes a higher seq and commits first.
    const t1 = db.transaction(async (tx) => {
      await enqueue(tx, [testMessage('late-committer', 'clearing.x')]);
      enqueued();
      await gate;
    });
    await early;
    await db.transaction((tx) => enqueue(tx, [testMessage('early-committer', 'clearing.x')]));
    const seqs = await db.query<{ message_id: string; seq: string }>(
      'SELECT message_id, seq::text AS seq FROM outbox',
    );
    expect(seqs.rows.map((r) => r.message_id)).toEqual(['early-committer']); // T1 not visible yet
    expect(await relay.drainOnce()).toBe(1);
    release();
    await t1;
    const order = await db.query<{ message_id: string }>('SELECT message_id FROM outbox ORDER BY seq');
    expect(order.rows.map((r) => r.message_id)).toEqual(['late-committer', 'early-committer']);
    expect(await relay.drainOnce()).toBe(1); // a high-water mark at the early seq would return 0
    await waitFor(() => new Set(c.deliveries).size === 2, 'both delivered');
    await c.stop();
    expect([...new Set(c.deliveries)]).toEqual(['early-committer', 'late-committer']);
  });

  it('two relays draining concurrently publish every row exactly once (FOR UPDATE SKIP LOCKED)', async () => {
    const c = await effectConsumer('clearing', 'pair');
    await db.transaction((tx) => enqueue(tx, msgs('pair', 600)));
    const a = new OutboxRelay({ db, bus: t.bus, batchSizeMax: 25, pollIntervalMs: 10 });
    const b = new OutboxRelay({ db, bus: t.bus, batchSizeMax: 25, pollIntervalMs: 10 });
    const [na, nb] = await Promise.all([a.drainOnce(), b.drainOnce()]);
    expect(na + nb).toBe(600);
    expect(na).toBeGreaterThan(0);
    expect(nb).toBeGreaterThan(0);
    await waitFor(() => new Set(c.deliveries).size === 600, '600 distinct deliveries');
    await c.stop();
    // Relay counts prove no row was published by both relays (without the row locks each relay
    // would read the same rows and the sum would exceed 600); the inbox keeps effects single.
    const sent = await db.query<{ n: string; once: string }>(
      'SELECT count(*)::text AS n, count(*) FILTER (WHERE attempts = 1)::text AS once FROM outbox WHERE sent_at IS NOT NULL',
    );
    expect(sent.rows[0]).toEqual({ n: '600', once: '600' });
    expect(await effectCounts('pair')).toEqual({ total: 600, distinct: 600 });
  });

  it('parks an unroutable row after attemptsMax with an alert, and publishes the rows around it', async () => {
    const c = await effectConsumer('clearing', 'unroutable');
    const parked: string[] = [];
    await db.transaction((tx) =>
      enqueue(tx, [
        testMessage('u-1', 'clearing.x'),
        testMessage('u-bad', 'nobody.listens'),
        testMessage('u-2', 'clearing.x'),
      ]),
    );
    const relay = new OutboxRelay({
      db,
      bus: t.bus,
      batchSizeMax: 10,
      pollIntervalMs: 10,
      attemptsMax: 3,
      onParked: (r) => parked.push(r.messageId),
    });
    expect(await relay.drainOnce()).toBe(2);
    expect(parked).toEqual(['u-bad']);
    const row = await db.query<{ attempts: number; parked: boolean; sent: boolean; last_error: string }>(
      `SELECT attempts, parked_at IS NOT NULL AS parked, sent_at IS NOT NULL AS sent, last_error
         FROM outbox WHERE message_id = 'u-bad'`,
    );
    expect(row.rows[0]).toMatchObject({ attempts: 3, parked: true, sent: false });
    expect(row.rows[0]!.last_error).toMatch(/UNROUTABLE/);
    expect(await pendingCount(db)).toBe(0);
    await waitFor(() => new Set(c.deliveries).size === 2, 'routable rows delivered');
    await c.stop();
    expect(new Set(c.deliveries)).toEqual(new Set(['u-1', 'u-2']));
  });

  it('enqueue refuses a bigint payload and the whole transaction rolls back', async () => {
    await db.query('CREATE TABLE IF NOT EXISTS things (id text)');
    const bad = {
      ...testMessage('big', 'clearing.x'),
      payload: { minor: 5n } as unknown as BusMessage['payload'],
    };
    const err = await db
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO things VALUES ('state')`);
        await enqueue(tx, [bad]);
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(BusError);
    expect((err as BusError).code).toBe('ISOCLR_ERR_BUS_ENCODE');
    expect((await db.query('SELECT * FROM things')).rowCount).toBe(0);
    expect(await pendingCount(db)).toBe(0);
  });

  it('the background relay publishes rows committed while it runs, and stop() ends it', async () => {
    const c = await effectConsumer('settlement', 'loop');
    const published: number[] = [];
    const relay = new OutboxRelay({
      db,
      bus: t.bus,
      batchSizeMax: 7,
      pollIntervalMs: 20,
      onPublished: (n) => published.push(n),
    });
    relay.start();
    for (let i = 0; i < 5; i++) {
      await db.transaction((tx) => enqueue(tx, msgs(`loop${i}`, 10, 'settlement.due')));
      relay.wake();
    }
    await waitFor(() => new Set(c.deliveries).size === 50, '50 deliveries');
    await relay.stop();
    await c.stop();
    expect(published.reduce((a, b) => a + b, 0)).toBe(50);
    expect(Math.max(...published)).toBeLessThanOrEqual(7);
    expect(await effectCounts('loop')).toEqual({ total: 50, distinct: 50 });
  });
});
