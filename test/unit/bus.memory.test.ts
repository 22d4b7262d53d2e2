import { describe, expect, it } from 'vitest';
import type { BusMessage } from '../../src/pipeline/bus.js';
import { MemoryBus } from '../../src/pipeline/bus.memory.js';
import { buildTopology } from '../../src/pipeline/topology.js';

const at = '2026-03-02T10:15:30.000Z';
const m = (id: string, routingKey: string): BusMessage => ({
  id,
  routingKey,
  payload: { id },
  headers: {},
  occurredAt: at,
});

describe('MemoryBus', () => {
  it('drain() is deterministic: FIFO per stage, stages in topology order, chained publishes handled too', async () => {
    const trace: string[] = [];
    const runOnce = async (): Promise<string[]> => {
      trace.length = 0;
      const bus = new MemoryBus({
        topology: buildTopology({ prefix: 'm', stages: ['intake', 'clearing', 'settlement'] }),
        autoRun: false,
      });
      const opts = { prefetchMax: 1, retryCountMax: 0 };
      await bus.consume(
        'intake',
        async (x) => {
          trace.push(`intake:${x.id}`);
          await bus.publish([m(`${x.id}c`, 'clearing.accepted')]);
        },
        opts,
      );
      await bus.consume(
        'clearing',
        async (x) => {
          trace.push(`clearing:${x.id}`);
          await bus.publish([m(`${x.id}s`, 'settlement.due')]);
        },
        opts,
      );
      await bus.consume('settlement', async (x) => void trace.push(`settlement:${x.id}`), opts);
      await bus.publish([m('a', 'intake.x'), m('b', 'intake.x'), m('z', 'settlement.direct')]);
      expect(trace).toEqual([]); // autoRun off: nothing runs before drain()
      await bus.drain();
      expect(bus.depth('intake') + bus.depth('clearing') + bus.depth('settlement')).toBe(0);
      await bus.close();
      return [...trace];
    };
    const first = await runOnce();
    expect(first).toEqual([
      // round 1 visits intake, clearing, settlement in order; 'ac' was published during the round
      'intake:a',
      'clearing:ac',
      'settlement:z',
      'intake:b',
      'clearing:bc',
      'settlement:acs',
      'settlement:bcs',
    ]);
    expect(await runOnce()).toEqual(first);
  });

  it('copies payloads at publish: a later mutation by the publisher does not change what is delivered', async () => {
    const bus = new MemoryBus({
      topology: buildTopology({ prefix: 'm', stages: ['clearing'] }),
      autoRun: false,
    });
    const payload = { amount: '10.00' };
    const got: unknown[] = [];
    await bus.consume('clearing', async (x) => void got.push(x.payload), {
      prefetchMax: 1,
      retryCountMax: 0,
    });
    await bus.publish([{ ...m('a', 'clearing.x'), payload }]);
    payload.amount = '99.00';
    await bus.drain();
    expect(got).toEqual([{ amount: '10.00' }]);
  });

  it('refuses publishes beyond queueLengthMax, as x-overflow reject-publish does', async () => {
    const bus = new MemoryBus({
      topology: buildTopology({ prefix: 'm', stages: ['clearing'] }),
      queueLengthMax: 2,
      autoRun: false,
    });
    await bus.publish([m('a', 'clearing.x'), m('b', 'clearing.x')]);
    await expect(bus.publish([m('c', 'clearing.x')])).rejects.toMatchObject({
      code: 'ISOCLR_ERR_BUS_NACKED',
    });
    expect(bus.depth('clearing')).toBe(2);
  });

  it('allows one consumer per stage and rejects unknown stages', async () => {
    const bus = new MemoryBus({ topology: buildTopology({ prefix: 'm', stages: ['clearing'] }) });
    const opts = { prefetchMax: 1, retryCountMax: 0 };
    await bus.consume('clearing', async () => {}, opts);
    await expect(bus.consume('clearing', async () => {}, opts)).rejects.toMatchObject({
      code: 'ISOCLR_ERR_BUS_CONSUME',
    });
    await expect(bus.consume('nope', async () => {}, opts)).rejects.toThrow(RangeError);
    await bus.close();
    await expect(bus.publish([m('a', 'clearing.x')])).rejects.toMatchObject({
      code: 'ISOCLR_ERR_BUS_CLOSED',
    });
  });
});
