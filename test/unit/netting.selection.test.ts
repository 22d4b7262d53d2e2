import { describe, expect, it } from 'vitest';
import {
  generateInstance,
  removeDefaulter,
  selectHeuristic,
  selectSettlement,
  type SettlementInstance,
  type SettlementSelection,
} from '../../src/netting/index.js';

const opts = { timeLimitMs: 20_000 };

function instance(
  participants: Array<[string, bigint]>,
  payments: Array<[string, string, string, bigint, boolean?]>,
): SettlementInstance {
  return {
    currency: 'EUR',
    participants: participants.map(([id, limit]) => ({ id, limit })),
    payments: payments.map(([id, from, to, amount, urgent]) => ({
      id,
      from,
      to,
      amount,
      ...(urgent ? { urgent } : {}),
    })),
  };
}

/** Independent exact check of a selection against its instance. */
function expectFeasible(inst: SettlementInstance, s: SettlementSelection): void {
  const settled = new Set(s.settled);
  expect([...s.settled, ...s.deferred].sort()).toEqual(inst.payments.map((p) => p.id).sort());
  const net = new Map<string, bigint>();
  let value = 0n;
  for (const p of inst.payments) {
    if (!settled.has(p.id)) continue;
    net.set(p.from, (net.get(p.from) ?? 0n) - p.amount);
    net.set(p.to, (net.get(p.to) ?? 0n) + p.amount);
    value += p.amount;
  }
  expect(s.settledValue).toBe(value);
  let sum = 0n;
  for (const [id, pos] of s.positions) {
    sum += pos;
    expect(pos).toBe(net.get(id) ?? 0n);
    const limit = inst.participants.find((p) => p.id === id)?.limit ?? 0n;
    expect(-pos <= limit).toBe(true);
  }
  expect(sum).toBe(0n);
  expect(s.upperBound >= s.settledValue).toBe(true);
}

/** The solver report carries wall-clock runtimes; everything else must be identical. */
function withoutTimings(s: SettlementSelection): unknown {
  return { ...s, solver: { ...s.solver, mipRuntimeMs: undefined } };
}

describe('selectSettlement', () => {
  it('settles everything when the whole queue fits (all-fit fast path)', async () => {
    const inst = instance(
      [
        ['A', 50n],
        ['B', 0n],
        ['C', 0n],
        ['IDLE', 10n],
      ],
      [
        ['p1', 'A', 'B', 100n],
        ['p2', 'B', 'C', 70n],
        ['p3', 'C', 'A', 60n],
      ],
    );
    const s = await selectSettlement(inst, opts);
    expect(s.method).toBe('all-fit');
    expect(s.settled).toEqual(['p1', 'p2', 'p3']);
    expect(s.deferred).toEqual([]);
    expect(s.upperBound).toBe(230n);
    expect(s.gap).toBe('0.000000');
    expect(s.optimal).toBe(true);
    expect(Object.fromEntries(s.positions)).toEqual({ A: -40n, B: 30n, C: 10n, IDLE: 0n });
    expectFeasible(inst, s);
  });

  it('settles an empty queue', async () => {
    const s = await selectSettlement(instance([['A', 0n]], []), opts);
    expect(s.settled).toEqual([]);
    expect(s.settledValue).toBe(0n);
    expect(s.gap).toBe('0.000000');
  });

  it('resolves a gridlock that FIFO offsetting cannot: the offsetting cycle settles', async () => {
    // A queued A->C before A->B; with no liquidity FIFO drops everything.
    const inst = instance(
      [
        ['A', 0n],
        ['B', 0n],
        ['C', 0n],
      ],
      [
        ['ac', 'A', 'C', 50n],
        ['ab', 'A', 'B', 100n],
        ['bc', 'B', 'C', 100n],
        ['ca', 'C', 'A', 100n],
      ],
    );
    const s = await selectSettlement(inst, opts);
    expect(s.fifoValue).toBe(0n);
    expect(s.settled).toEqual(['ab', 'bc', 'ca']);
    expect(s.deferred).toEqual(['ac']);
    expect(s.optimal).toBe(true);
    expect(s.method).toBe('exact');
    expectFeasible(inst, s);
    const h = selectHeuristic(inst);
    expect(h.settled).toEqual(['ab', 'bc', 'ca']);
  });

  it('prefers urgent payments even when a non-urgent one is worth more', async () => {
    const inst = instance(
      [
        ['A', 100n],
        ['B', 0n],
        ['C', 0n],
      ],
      [
        ['normal', 'A', 'C', 100n],
        ['urgent', 'A', 'B', 60n, true],
      ],
    );
    for (const s of [await selectSettlement(inst, opts), selectHeuristic(inst)]) {
      expect(s.settled).toEqual(['urgent']);
      expect(s.deferred).toEqual(['normal']);
      expect(s.urgentSettledValue).toBe(60n);
      expectFeasible(inst, s);
    }
    // without the flag the larger payment wins
    const plain = instance(
      [
        ['A', 100n],
        ['B', 0n],
        ['C', 0n],
      ],
      [
        ['normal', 'A', 'C', 100n],
        ['urgent', 'A', 'B', 60n],
      ],
    );
    expect((await selectSettlement(plain, opts)).settled).toEqual(['normal']);
  });

  it('gives a participant that is only in payments a limit of zero', async () => {
    const inst = instance(
      [
        ['A', 100n],
        ['B', 0n],
      ],
      [
        ['in', 'A', 'X', 50n],
        ['out', 'X', 'B', 80n],
      ],
    );
    const s = await selectSettlement(inst, opts);
    expect(s.settled).toEqual(['in']);
    expect(s.positions.get('X')).toBe(50n);
    expectFeasible(inst, s);
  });

  it('stays exact with amounts beyond 2^53 minor units', async () => {
    const big = 2n ** 60n;
    const inst = instance(
      [
        ['A', big + 1n],
        ['B', 0n],
        ['C', 0n],
      ],
      [
        ['p1', 'A', 'B', big],
        ['p2', 'A', 'C', 1n],
        ['p3', 'A', 'C', 1n],
        ['p4', 'B', 'C', big + 3n],
      ],
    );
    const s = await selectSettlement(inst, opts);
    expectFeasible(inst, s);
    // A can pay big + 1 at most: p1 and one of the 1-unit payments
    expect(s.settledValue).toBe(big + 1n);
    const h = selectHeuristic(inst);
    expectFeasible(inst, h);
    expect(h.settledValue).toBe(big + 1n);
  });

  it('is deterministic: the same instance gives the same selection', async () => {
    const inst = generateInstance({
      participants: 12,
      payments: 90,
      liquidityFactor: 0.1,
      seed: 7,
      urgentShare: 0.1,
    });
    const a = await selectSettlement(inst, opts);
    const b = await selectSettlement(inst, opts);
    expect(withoutTimings(b)).toEqual(withoutTimings(a));
    expectFeasible(inst, a);
    // larger than the deterministic MIP limit: LP-guided heuristics, no wall clock involved
    const large = generateInstance({ participants: 30, payments: 400, liquidityFactor: 0.1, seed: 3 });
    const c = await selectSettlement(large, { timeLimitMs: 5_000, deterministic: true });
    const d = await selectSettlement(large, { timeLimitMs: 5_000, deterministic: true });
    expect(withoutTimings(d)).toEqual(withoutTimings(c));
    expectFeasible(large, c);
    expect(selectHeuristic(large)).toEqual(selectHeuristic(large));
  });

  it('publishes a bound and gap consistent with the settled value', async () => {
    const inst = generateInstance({ participants: 30, payments: 400, liquidityFactor: 0.1, seed: 11 });
    const s = await selectSettlement(inst, { timeLimitMs: 3_000 });
    expectFeasible(inst, s);
    expect(['lp-dual', 'mip-dual']).toContain(s.boundSource);
    const gap = Number(s.gap);
    const exactGap = Number(s.upperBound - s.settledValue) / Number(s.upperBound);
    expect(gap).toBeGreaterThanOrEqual(exactGap);
    expect(gap - exactGap).toBeLessThan(2e-6);
    expect(s.settledValue >= s.fifoValue).toBe(true);
  });
});

describe('removeDefaulter', () => {
  const inst = instance(
    [
      ['A', 0n],
      ['B', 0n],
      ['D', 1_000n],
    ],
    [
      ['ab', 'A', 'B', 100n],
      ['dA', 'D', 'A', 500n],
      ['ba', 'B', 'A', 30n],
      ['bd', 'B', 'D', 70n],
      ['ab2', 'A', 'B', 30n],
    ],
  );

  it('removes the participant and every payment it sends or receives; the rest is re-selected', async () => {
    const { instance: rest, removedPaymentIds } = removeDefaulter(inst, 'D');
    expect(removedPaymentIds).toEqual(['dA', 'bd']);
    expect(rest.participants.map((p) => p.id)).toEqual(['A', 'B']);
    expect(rest.payments.map((p) => [p.id, p.order])).toEqual([
      ['ab', 0],
      ['ba', 2],
      ['ab2', 4],
    ]);
    const before = await selectSettlement(inst, opts);
    expect(before.settled).toContain('dA'); // D's pay-in was funding A
    const after = await selectSettlement(rest, opts);
    expectFeasible(rest, after);
    // without D's money A can pay B only what B pays A
    expect(after.settled).toEqual(['ba', 'ab2']);
    expect(after.positions.has('D')).toBe(false);
  });

  it('changes nothing for an unknown participant', () => {
    const { instance: same, removedPaymentIds } = removeDefaulter(inst, 'NOPE');
    expect(removedPaymentIds).toEqual([]);
    expect(same.payments.map((p) => p.id)).toEqual(inst.payments.map((p) => p.id));
  });
});
