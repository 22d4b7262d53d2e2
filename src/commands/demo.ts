/**
 * `npm run demo` / `isoclear demo`: a smoke day on the embedded defaults that exercises what the
 * gateway has end to end today — embedded PostgreSQL (PGlite) with migrations, the transactional
 * outbox, the relay onto the in-process bus, an idempotent consumer (inbox), and the netting
 * engine's settlement selection on a liquidity-tight generated cycle. It prints a summary and
 * exits non-zero if any invariant it checks fails. (`isoclear run` on the demo day replaces the
 * body of this command once the gateway pipeline lands.)
 */
import type { CommandIo } from '../cli.js';
import { loadConfig } from '../config.js';
import { migrate, openDb } from '../db/index.js';
import { formatMinor } from '../domain/index.js';
import { generateInstance, netPositions, selectSettlement } from '../netting/index.js';
import {
  MemoryBus,
  OutboxRelay,
  buildTopology,
  enqueue,
  handleOnce,
  type BusMessage,
} from '../pipeline/index.js';

export async function demoCommand(_args: string[], io: CommandIo): Promise<number> {
  const cfg = loadConfig();
  const db = await openDb({ dataDir: cfg.dataDir });
  try {
    const applied = await migrate(db);
    io.stdout(`database: embedded PGlite, ${applied.length} migrations applied\n`);
    await db.query('CREATE TABLE IF NOT EXISTS demo_effects (message_id text PRIMARY KEY, payload jsonb)');

    // 1. Events written in the same transaction as their state, one transaction rolled back.
    const events: BusMessage[] = Array.from({ length: 200 }, (_, i) => ({
      id: `demo-${i}`,
      routingKey: 'clearing.payment.accepted',
      payload: { seq: i, amount: formatMinor(BigInt(1000 + i), 'EUR') },
      headers: {},
      occurredAt: '2026-11-25T09:00:00.000Z',
    }));
    await db.transaction((tx) => enqueue(tx, events));
    await db
      .transaction(async (tx) => {
        await enqueue(tx, [{ ...events[0]!, id: 'demo-rolled-back' }]);
        throw new Error('rolled back on purpose');
      })
      .catch(() => undefined);

    // 2. Relay → in-process bus → consumer with inbox; every event delivered twice on purpose.
    const bus = new MemoryBus({ topology: buildTopology({ prefix: 'demo' }), autoRun: false });
    let effects = 0;
    await bus.consume(
      'clearing',
      async (msg) => {
        const ran = await handleOnce(db, 'demo-consumer', msg, async (tx) => {
          await tx.query('INSERT INTO demo_effects (message_id, payload) VALUES ($1, $2)', [
            msg.id,
            msg.payload,
          ]);
        });
        if (ran) effects++;
      },
      { prefetchMax: cfg.queuePrefetchMax, retryCountMax: cfg.retryCountMax },
    );
    const relay = new OutboxRelay({ db, bus, batchSizeMax: cfg.outboxBatchSizeMax, pollIntervalMs: 1 });
    await relay.drainOnce();
    await bus.drain();
    await bus.publish(events.slice(0, 50)); // redelivery: no second effect
    await bus.drain();
    const stored = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM demo_effects');
    io.stdout(
      `outbox: ${relay.stats.published} published, ${effects} effects, ${stored.rows[0]?.n} rows (50 redelivered, 1 rolled back)\n`,
    );
    const ok1 = effects === 200 && stored.rows[0]?.n === '200';

    // 3. Netting: a liquidity-tight cycle settled as far as the limits allow.
    const instance = generateInstance({
      participants: 8,
      payments: 60,
      seed: 20261125,
      liquidityFactor: 0.3,
    });
    const sel = await selectSettlement(instance, { timeLimitMs: Math.min(cfg.nettingTimeLimitMs, 2000) });
    const positions = netPositions(
      instance.payments.filter((p) => sel.settled.includes(p.id)),
      instance.currency,
    );
    let total = 0n;
    for (const v of positions.values()) total += v;
    io.stdout(
      `netting: ${sel.settled.length}/${instance.payments.length} payments settled, value ${formatMinor(sel.settledValue, instance.currency)} ${instance.currency} of upper bound ${formatMinor(sel.upperBound, instance.currency)} (${sel.method}); positions sum ${total}\n`,
    );
    const ok2 = total === 0n && sel.settledValue <= sel.upperBound;
    io.stdout(ok1 && ok2 ? 'demo: all invariants held\n' : 'demo: an invariant FAILED\n');
    return ok1 && ok2 ? 0 : 1;
  } finally {
    await db.close();
  }
}
