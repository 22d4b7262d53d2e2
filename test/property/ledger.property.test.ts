/**
 * Random sequences of reserve / post / void / transfer / replay / conflicting replay, in random
 * batches and atomic units, applied to the pure core. After every batch: every new entry
 * balances per currency, all balances sum to zero per currency, every stored balance equals
 * the sum of its postings, no limit is exceeded, and a batch replaying everything accepted so
 * far returns the first records and changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { money } from '../../src/domain/index.js';
import {
  clearingAccount,
  exposure,
  houseAccounts,
  isBalanced,
  MemoryLedger,
  participantAccounts,
  type Command,
  type Posting,
} from '../../src/ledger/index.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log('fast-check seed', seed);

const BICS = ['BANKDEFFXXX', 'BANKFRPPXXX', 'BANKITMMXXX', 'BANKNL2AXXX'];
const CCYS = ['EUR', 'JPY'];
const accountsOf = (ccy: string) => [
  ...BICS.map((b) => clearingAccount(b, ccy)),
  ...houseAccounts(ccy).map((a) => a.id),
  `settlement:${BICS[0]}:${ccy}`,
];

type Op =
  | { t: 'transfer' | 'reserve'; ccy: number; legs: Array<[number, number]> }
  | { t: 'post' | 'void'; pick: number }
  | { t: 'replay' | 'conflict'; pick: number }
  | { t: 'unknownPending' };

const legsArb = fc.array(fc.tuple(fc.nat(7), fc.integer({ min: 1, max: 700 })), {
  minLength: 1,
  maxLength: 3,
});
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('transfer' as const), ccy: fc.nat(1), legs: legsArb }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('reserve' as const), ccy: fc.nat(1), legs: legsArb }) },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constantFrom('post' as const, 'void' as const), pick: fc.nat() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constantFrom('replay' as const, 'conflict' as const), pick: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.constant({ t: 'unknownPending' as const }) },
);
/** A batch: units of 1–3 ops (more than one = atomic). */
const batchArb = fc.array(fc.array(opArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 });
const limitsArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 0, max: 500 })), {
  minLength: BICS.length * CCYS.length,
  maxLength: BICS.length * CCYS.length,
});

/** Turns an abstract op into a command against what the history holds so far. */
function materialise(op: Op, i: number, history: Command[], reservations: string[]): Command {
  switch (op.t) {
    case 'transfer':
    case 'reserve': {
      const ccy = CCYS[op.ccy]!;
      const accs = accountsOf(ccy);
      // each [account, amount] pair debits one account and credits the next: balanced by construction
      const postings: Posting[] = op.legs.flatMap(([a, amt]) => [
        { account: accs[a % accs.length]!, amount: money(ccy, BigInt(amt)) },
        { account: accs[(a + 1) % accs.length]!, amount: money(ccy, -BigInt(amt)) },
      ]);
      const key = `${op.t}-${i}`;
      if (op.t === 'reserve') reservations.push(key);
      return { kind: op.t, key, postings, links: { paymentId: `pay-${i}` } };
    }
    case 'post':
    case 'void': {
      const pendingKey = reservations.length ? reservations[op.pick % reservations.length]! : 'none';
      return op.t === 'post'
        ? { kind: 'post', key: `post-${i}`, pendingKey, links: { cycleId: 'cy' } }
        : { kind: 'void', key: `void-${i}`, pendingKey, reason: 'left the cycle' };
    }
    case 'replay':
    case 'conflict': {
      const prev = history.length ? history[op.pick % history.length]! : null;
      if (!prev) return { kind: 'void', key: `void-${i}`, pendingKey: 'none', reason: 'r' };
      if (op.t === 'replay') return structuredClone(prev);
      return prev.kind === 'void'
        ? { ...prev, reason: `${prev.reason}!` }
        : prev.kind === 'post'
          ? { ...prev, description: 'different' }
          : { ...prev, description: 'different' };
    }
    case 'unknownPending':
      return { kind: 'post', key: `post-${i}`, pendingKey: `missing-${i}` };
  }
}

describe('ledger core (property)', () => {
  it('keeps every invariant after each batch, and replays change nothing', () => {
    fc.assert(
      fc.property(limitsArb, fc.array(batchArb, { minLength: 1, maxLength: 12 }), (limits, batches) => {
        const l = new MemoryLedger();
        for (const ccy of CCYS) {
          l.open(houseAccounts(ccy));
          for (const b of BICS) l.open(participantAccounts(b, ccy));
        }
        limits.forEach(([cap, pre], i) =>
          l.setLimit(clearingAccount(BICS[i % BICS.length]!, CCYS[Math.floor(i / BICS.length)]!), {
            netDebitCapMinor: BigInt(cap),
            prefundedMinor: BigInt(pre),
          }),
        );
        let idn = 0;
        const newId = () => `id-${++idn}`;
        const history: Command[] = [];
        const accepted: Command[] = [];
        const acceptedByKey = new Map<string, string>();
        const canon = (c: Command) =>
          JSON.stringify(c, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
        const reservations: string[] = [];
        let opIndex = 0;
        let now = 1_000;
        for (const batch of batches) {
          const units = batch.map((unit) =>
            unit.map((op) => materialise(op, opIndex++, history, reservations)),
          );
          const recordsBefore = new Map(l.records);
          const r = l.apply(units, (now += 1000), newId);
          const flat = units.flat();
          expect(r.outcomes).toHaveLength(flat.length);
          flat.forEach((cmd, i) => {
            history.push(cmd);
            const o = r.outcomes[i]!;
            // the same key: the same content is a replay, other content is refused
            const first = acceptedByKey.get(cmd.key);
            if (first !== undefined && first !== canon(cmd)) expect(o.status).toBe('rejected');
            if (first !== undefined && first === canon(cmd))
              expect(
                o.status === 'replayed' || (o.status === 'rejected' && o.rejection.rule === 'unit.aborted'),
              ).toBe(true);
            if (o.status === 'accepted') {
              expect(first).toBeUndefined();
              accepted.push(cmd);
              acceptedByKey.set(cmd.key, canon(cmd));
            }
            // a replay of a record stored before this batch returns that very record
            if (o.status === 'replayed' && recordsBefore.has(cmd.key))
              expect(o.record).toBe(recordsBefore.get(cmd.key));
            if (o.status !== 'rejected') expect(o.record.key).toBe(cmd.key);
          });
          // every new entry balances per currency and nets into the deltas
          for (const e of r.entries) expect(isBalanced(e.postings)).toBe(true);
          const sums = new Map<string, bigint>();
          for (const d of r.deltas) sums.set(d.currency, (sums.get(d.currency) ?? 0n) + d.posted);
          for (const s of sums.values()) expect(s).toBe(0n);
          // whole-ledger invariants: sum zero per currency, balances = postings, limits held
          const report = l.audit();
          expect(report.problems).toEqual([]);
          for (const a of l.accounts.values())
            if (a.limit) expect(exposure(a) <= a.limit.netDebitCapMinor + a.limit.prefundedMinor).toBe(true);
          // replaying everything accepted so far changes nothing
          if (accepted.length) {
            const accountsBefore = structuredClone([...l.accounts.entries()]);
            const entriesBefore = l.entries.length;
            const replay = l.apply(
              accepted.map((c) => [structuredClone(c)]),
              (now += 1000),
              newId,
            );
            expect(replay.outcomes.every((o) => o.status === 'replayed')).toBe(true);
            expect(replay.entries).toEqual([]);
            expect(replay.deltas).toEqual([]);
            expect(l.entries.length).toBe(entriesBefore);
            expect([...l.accounts.entries()]).toEqual(accountsBefore);
          }
        }
      }),
      { seed, numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});
