/**
 * The embedded configuration: PGlite + the in-process bus, with the same outbox / relay / inbox
 * semantics as PostgreSQL + RabbitMQ — rollback publishes nothing, a relay crash between publish
 * and mark re-publishes and the inbox keeps the effect single, poison messages are parked.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/port.js';
import type { BusMessage, ParkedMessage } from '../../src/pipeline/bus.js';
import { MemoryBus } from '../../src/pipeline/bus.memory.js';
import { handleOnce } from '../../src/pipeline/inbox.js';
import { enqueue, pendingCount } from '../../src/pipeline/outbox.js';
import { OutboxRelay } from '../../src/pipeline/relay.js';
import { buildTopology } from '../../src/pipeline/topology.js';
import { dropTestDb, openTestDb } from '../helpers/db.js';

let db: Db;

beforeAll(async () => {
  db = await openTestDb('pglite', 'outbox_memory');
  await db.query('CREATE TABLE effects (message_id text NOT NULL, consumer text NOT NULL)');
});

afterAll(async () => {
  if (db) await dropTestDb(db);
});

beforeEach(async () => {
  await db.query('TRUNCATE outbox, inbox, effects');
});

const at = '2026-03-02T10:15:30.000Z';
const msg = (id: string, routingKey = 'clearing.x'): BusMessage => ({
  id,
  routingKey,
  payload: { id },
  headers: {},
  occurredAt: at,
});

function newBus(): MemoryBus {
  return new MemoryBus({
    topology: buildTopology({ prefix: 'embedded', stages: ['intake', 'clearing', 'settlement'] }),
    autoRun: false,
  });
}

async function effects(consumer: string): Promise<string[]> {
  const r = await db.query<{ message_id: string }>(
    'SELECT message_id FROM effects WHERE consumer = $1 ORDER BY message_id',
    [consumer],
  );
  return r.rows.map((x) => x.message_id);
}

describe('outbox + relay + inbox on PGlite with the in-process bus', () => {
  it('a rolled-back transaction publishes nothing', async () => {
    const bus = newBus();
    const seen: string[] = [];
    await bus.consume('clearing', async (m) => void seen.push(m.id), { prefetchMax: 1, retryCountMax: 0 });
    await db
      .transaction(async (tx) => {
        await enqueue(tx, [msg('ghost')]);
        throw new Error('rollback');
      })
      .catch(() => undefined);
    await db.transaction((tx) => enqueue(tx, [msg('real')]));
    const relay = new OutboxRelay({ db, bus, batchSizeMax: 10, pollIntervalMs: 10 });
    expect(await relay.drainOnce()).toBe(1);
    await bus.drain();
    expect(seen).toEqual(['real']);
  });

  it('relay crash between publish and mark: re-published after restart, effect applied once', async () => {
    const bus = newBus();
    const deliveries: string[] = [];
    await bus.consume(
      'clearing',
      async (m) => {
        deliveries.push(m.id);
        await handleOnce(db, 'clearing', m, async (tx) => {
          await tx.query('INSERT INTO effects VALUES ($1, $2)', [m.id, 'clearing']);
        });
      },
      { prefetchMax: 1, retryCountMax: 0 },
    );
    await db.transaction((tx) =>
      enqueue(
        tx,
        ['a', 'b', 'c', 'd', 'e'].map((id) => msg(id)),
      ),
    );
    const crashing = new OutboxRelay({
      db,
      bus,
      batchSizeMax: 3,
      pollIntervalMs: 10,
      crashPoints: { afterConfirmBeforeMark: () => Promise.reject(new Error('crash')) },
    });
    await expect(crashing.drainOnce()).rejects.toThrow('crash');
    await bus.drain();
    expect(deliveries).toEqual(['a', 'b', 'c']);
    expect(await pendingCount(db)).toBe(5);

    const restarted = new OutboxRelay({ db, bus, batchSizeMax: 3, pollIntervalMs: 10 });
    expect(await restarted.drainOnce()).toBe(5);
    await bus.drain();
    expect(deliveries).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'd', 'e']);
    expect(await effects('clearing')).toEqual(['a', 'b', 'c', 'd', 'e']);
    const inbox = await db.query('SELECT * FROM inbox WHERE consumer = $1', ['clearing']);
    expect(inbox.rowCount).toBe(5);
  });

  it('a handler that fails rolls back its inbox row with its effect, so the retry applies it', async () => {
    const bus = newBus();
    let calls = 0;
    await bus.consume(
      'clearing',
      (m) =>
        handleOnce(db, 'flaky', m, async (tx) => {
          calls++;
          await tx.query('INSERT INTO effects VALUES ($1, $2)', [m.id, 'flaky']);
          if (calls === 1) throw new Error('deadlock, say');
        }).then(() => undefined),
      { prefetchMax: 1, retryCountMax: 2 },
    );
    await bus.publish([msg('x')]);
    await bus.drain();
    expect(calls).toBe(2);
    expect(await effects('flaky')).toEqual(['x']);
    expect(bus.parked('clearing')).toEqual([]);
  });

  it('a poison message is parked after retryCountMax with an alert; its effect never lands; others flow', async () => {
    const bus = newBus();
    const alerts: ParkedMessage[] = [];
    await bus.consume(
      'clearing',
      (m) =>
        handleOnce(db, 'poison', m, async (tx) => {
          await tx.query('INSERT INTO effects VALUES ($1, $2)', [m.id, 'poison']);
          if (m.id === 'bad') throw new Error('invariant broken');
        }).then(() => undefined),
      { prefetchMax: 1, retryCountMax: 2, onPark: (p) => alerts.push(p) },
    );
    await db.transaction((tx) => enqueue(tx, [msg('ok1'), msg('bad'), msg('ok2')]));
    await new OutboxRelay({ db, bus, batchSizeMax: 10, pollIntervalMs: 10 }).drainOnce();
    await bus.drain();
    expect(alerts.map((a) => [a.messageId, a.attempts, a.reason])).toEqual([['bad', 3, 'invariant broken']]);
    expect(bus.parked('clearing').map((p) => p.messageId)).toEqual(['bad']);
    expect(await effects('poison')).toEqual(['ok1', 'ok2']);
  });

  it('a stage that emits through the outbox chains deterministically to the next stage', async () => {
    const bus = newBus();
    const relay = new OutboxRelay({ db, bus, batchSizeMax: 10, pollIntervalMs: 10 });
    await bus.consume(
      'clearing',
      async (m) => {
        await handleOnce(db, 'clearing', m, async (tx) => {
          await tx.query('INSERT INTO effects VALUES ($1, $2)', [m.id, 'clearing']);
          await enqueue(tx, [msg(`${m.id}:settle`, 'settlement.due')]);
        });
      },
      { prefetchMax: 1, retryCountMax: 0 },
    );
    const settled: string[] = [];
    await bus.consume('settlement', async (m) => void settled.push(m.id), {
      prefetchMax: 1,
      retryCountMax: 0,
    });
    await db.transaction((tx) => enqueue(tx, [msg('p1'), msg('p2')]));
    // Offline loop: relay and drain until both the outbox and the queues are empty.
    for (let i = 0; i < 10 && ((await pendingCount(db)) > 0 || i === 0); i++) {
      await relay.drainOnce();
      await bus.drain();
    }
    expect(settled).toEqual(['p1:settle', 'p2:settle']);
    expect(await pendingCount(db)).toBe(0);
  });

  it('embedded mode: background relay + auto-running bus; handlers open their own transactions while the relay publishes from inside its one', async () => {
    const bus = new MemoryBus({ topology: buildTopology({ prefix: 'embedded', stages: ['clearing'] }) });
    const parked: ParkedMessage[] = [];
    const handled: string[] = [];
    await bus.consume(
      'clearing',
      async (m) => {
        await handleOnce(db, 'auto', m, async (tx) => {
          await tx.query('INSERT INTO effects VALUES ($1, $2)', [m.id, 'auto']);
        });
        handled.push(m.id);
      },
      { prefetchMax: 1, retryCountMax: 0, onPark: (p) => parked.push(p) },
    );
    const relay = new OutboxRelay({ db, bus, batchSizeMax: 4, pollIntervalMs: 5 });
    relay.start();
    for (let i = 0; i < 5; i++) {
      await db.transaction((tx) =>
        enqueue(
          tx,
          [0, 1, 2].map((k) => msg(`auto-${i}-${k}`)),
        ),
      );
      relay.wake();
    }
    for (let i = 0; i < 500 && handled.length < 15 && parked.length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    await relay.stop();
    await bus.drain();
    await bus.close();
    expect(parked.map((p) => p.reason)).toEqual([]);
    expect(handled).toHaveLength(15);
    expect(await effects('auto')).toHaveLength(15);
  });
});
