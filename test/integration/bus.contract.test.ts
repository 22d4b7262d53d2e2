/**
 * The Bus port's contract, run against both adapters: RabbitMQ (real broker, own topology per
 * test) and the in-process bus. Same inputs, same observable outcomes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BusError, type Bus, type BusMessage, type ParkedMessage } from '../../src/pipeline/bus.js';
import { MemoryBus } from '../../src/pipeline/bus.memory.js';
import { buildTopology, parkingQueueOf, type TopologyParams } from '../../src/pipeline/topology.js';
import { getAll, openTestAmqpBus, readyCount, testMessage, waitFor } from '../helpers/amqp.js';

interface Harness {
  bus: Bus;
  /** Messages parked on the given stage, as the adapter exposes them (parking queue / list). */
  parkedIds(stage: string): Promise<string[]>;
  /** Messages ready on a stage's parking queue (dead-lettering is asynchronous on RabbitMQ). */
  parkedCount(stage: string): Promise<number>;
  /** Messages waiting on a stage queue with no consumer. */
  depth(stage: string): Promise<number>;
  cleanup(): Promise<void>;
}

type Factory = (label: string, topo?: Omit<TopologyParams, 'prefix'>) => Promise<Harness>;

const adapters: Array<[string, Factory]> = [
  [
    'amqp',
    async (label, topo) => {
      const t = await openTestAmqpBus(label, topo);
      return {
        bus: t.bus,
        parkedIds: async (stage) =>
          (await getAll(t.bus, parkingQueueOf(t.bus.topology, stage).name)).map((m) => String(m.id)),
        parkedCount: (stage) => readyCount(t.bus, parkingQueueOf(t.bus.topology, stage).name),
        depth: (stage) => readyCount(t.bus, `${t.prefix}.${stage}`),
        cleanup: t.cleanup,
      };
    },
  ],
  [
    'memory',
    async (label, topo) => {
      const bus = new MemoryBus({ topology: buildTopology({ prefix: `m-${label}`, ...topo }) });
      return {
        bus,
        parkedIds: async (stage) => bus.parked(stage).map((p) => String(p.messageId)),
        parkedCount: async (stage) => bus.parked(stage).length,
        depth: async (stage) => bus.depth(stage),
        cleanup: () => bus.close(),
      };
    },
  ],
];

const fast = { prefetchMax: 10, retryDelayMs: 5, retryDelayMaxMs: 20 };

describe.each(adapters)('Bus contract: %s', (_name, open) => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.cleanup();
    h = null;
  });

  it('delivers every published message to its stage, with id, key, payload, headers and instant intact', async () => {
    h = await open('deliver');
    const got: BusMessage[] = [];
    await h.bus.consume('clearing', async (m) => void got.push(m), { ...fast, retryCountMax: 0 });
    const msgs = Array.from({ length: 50 }, (_, i) =>
      testMessage(
        `m-${i}`,
        'clearing.payment.accepted',
        { amount: { ccy: 'EUR', minor: `${i}00` }, list: [i, null, true] },
        { 'correlation-id': `c-${i}` },
      ),
    );
    await h.bus.publish(msgs);
    await waitFor(() => new Set(got.map((m) => m.id)).size === 50, '50 deliveries');
    const byId = new Map(got.map((m) => [m.id, m]));
    for (const m of msgs) expect(byId.get(m.id)).toEqual(m);
  });

  it('routes by topic bindings: a message reaches only the stages whose patterns match', async () => {
    h = await open('route', {
      stages: ['intake', 'clearing', 'eod'],
      bindings: { eod: ['eod.#', '*.cycle.closed'] },
    });
    const seen: Record<string, string[]> = { intake: [], clearing: [], eod: [] };
    for (const s of Object.keys(seen)) {
      await h.bus.consume(s, async (m) => void seen[s]!.push(m.id), { ...fast, retryCountMax: 0 });
    }
    await h.bus.publish([
      testMessage('a', 'intake.file.received'),
      testMessage('b', 'clearing.cycle.closed'),
      testMessage('c', 'eod.run'),
    ]);
    await waitFor(() => seen.intake!.length + seen.clearing!.length + seen.eod!.length === 4, '4 deliveries');
    expect(seen.intake).toEqual(['a']);
    expect(seen.clearing).toEqual(['b']);
    expect(seen.eod!.sort()).toEqual(['b', 'c']);
  });

  it('reports an unroutable message instead of confirming it, and delivers the others', async () => {
    h = await open('unroutable', { stages: ['clearing'] });
    const got: string[] = [];
    await h.bus.consume('clearing', async (m) => void got.push(m.id), { ...fast, retryCountMax: 0 });
    const err = await h.bus
      .publish([
        testMessage('ok-1', 'clearing.x'),
        testMessage('lost', 'nowhere.x'),
        testMessage('ok-2', 'clearing.y'),
      ])
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(BusError);
    expect((err as BusError).code).toBe('ISOCLR_ERR_BUS_UNROUTABLE');
    expect((err as BusError).messageIds).toEqual(['lost']);
    await waitFor(() => new Set(got).size === 2, '2 deliveries');
    expect(new Set(got)).toEqual(new Set(['ok-1', 'ok-2']));
  });

  it('refuses a bigint payload (JSON has no bigint) and sends nothing of that call', async () => {
    h = await open('bigint', { stages: ['clearing'] });
    const bad = {
      ...testMessage('bad', 'clearing.x'),
      payload: { minor: 10n } as unknown as BusMessage['payload'],
    };
    const err = await h.bus.publish([testMessage('fine', 'clearing.x'), bad]).then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as BusError).code).toBe('ISOCLR_ERR_BUS_ENCODE');
    expect((err as BusError).messageIds).toEqual(['bad']);
    expect(await h.depth('clearing')).toBe(0);
  });

  it('parks a poison message after retryCountMax retries, fires the alert once, and keeps the others flowing', async () => {
    h = await open('poison', { stages: ['clearing'] });
    const attempts = new Map<string, number>();
    const done: string[] = [];
    const parked: ParkedMessage[] = [];
    await h.bus.consume(
      'clearing',
      async (m) => {
        attempts.set(m.id, (attempts.get(m.id) ?? 0) + 1);
        if (m.id === 'poison') throw new Error('cannot map this');
        done.push(m.id);
      },
      { ...fast, retryCountMax: 3, onPark: (p) => parked.push(p) },
    );
    const ids = ['a', 'b', 'poison', 'c', 'd'];
    await h.bus.publish(ids.map((id) => testMessage(id, 'clearing.x')));
    await waitFor(() => done.length === 4 && parked.length === 1, 'four handled and one parked');
    expect(done.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(attempts.get('poison')).toBe(4); // first attempt + retryCountMax retries
    expect(parked[0]).toMatchObject({
      stage: 'clearing',
      messageId: 'poison',
      attempts: 4,
      reason: 'cannot map this',
    });
    expect(parked[0]!.message?.id).toBe('poison');
    await waitFor(async () => (await h!.parkedCount('clearing')) === 1, 'one message on the parking queue');
    expect(await h.depth('clearing')).toBe(0);
    expect(await h.parkedIds('clearing')).toEqual(['poison']);
  });

  it('a handler that fails transiently is retried and the message is acked, not parked', async () => {
    h = await open('transient', { stages: ['clearing'] });
    let calls = 0;
    let ok = false;
    const parked: ParkedMessage[] = [];
    await h.bus.consume(
      'clearing',
      async () => {
        calls++;
        if (calls < 3) throw new Error('database busy');
        ok = true;
      },
      { ...fast, retryCountMax: 2, onPark: (p) => parked.push(p) },
    );
    await h.bus.publish([testMessage('t', 'clearing.x')]);
    await waitFor(() => ok, 'third attempt succeeds');
    expect(calls).toBe(3);
    expect(parked).toEqual([]);
    expect(await h.parkedCount('clearing')).toBe(0);
  });

  it('keeps messages published while nobody consumes, and hands them to the next consumer', async () => {
    h = await open('durable', { stages: ['settlement'] });
    const first: string[] = [];
    const c1 = await h.bus.consume('settlement', async (m) => void first.push(m.id), {
      ...fast,
      retryCountMax: 0,
    });
    await h.bus.publish([testMessage('one', 'settlement.x')]);
    await waitFor(() => first.length === 1, 'first delivery');
    await c1.stop();
    await h.bus.publish([testMessage('two', 'settlement.x'), testMessage('three', 'settlement.x')]);
    await waitFor(async () => (await h!.depth('settlement')) === 2, 'two waiting');
    expect(first).toEqual(['one']);
    const second: string[] = [];
    await h.bus.consume('settlement', async (m) => void second.push(m.id), { ...fast, retryCountMax: 0 });
    await waitFor(() => second.length === 2, 'second consumer gets both');
    expect(second.sort()).toEqual(['three', 'two']);
  });
});
