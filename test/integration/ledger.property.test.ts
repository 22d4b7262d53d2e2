/**
 * The property run through the real writer on PostgreSQL, smaller than the pure one: random
 * batches of reserve / post / void / transfer / replay / conflicting replay, submitted
 * concurrently (atomic units included) to a LedgerWriter and, in the same order, to the
 * in-memory ledger. The writer takes at most 3 commands per batch, so one property batch spans
 * several writer batches, most of them decided ahead while the previous one commits. After every batch: the same outcome for every command, the same balances
 * for every account, and the database's invariant checker finds nothing (every entry balanced,
 * balances summing to zero per currency, stored balances equal to their postings, no limit
 * exceeded). Replays are part of the op mix, and each batch is followed by a replay of all
 * accepted commands that must change nothing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, money, timeOrderedIds } from '../../src/domain/index.js';
import type { Db } from '../../src/db/index.js';
import {
  checkInvariants,
  clearingAccount,
  houseAccounts,
  LedgerWriter,
  listAccounts,
  MemoryLedger,
  openAccounts,
  participantAccounts,
  setLimit,
  type Command,
  type CommandOutcome,
  type Posting,
} from '../../src/ledger/index.pg.js';
import { dropTestDb, openTestDb } from '../helpers/db.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log('fast-check seed', seed);

const BICS = ['BANKDEFFXXX', 'BANKFRPPXXX', 'BANKITMMXXX'];
const ACCOUNTS = [...BICS.map((b) => clearingAccount(b, 'EUR')), 'technical:EUR', 'suspense:EUR'];

type Op =
  | { t: 'transfer' | 'reserve'; legs: Array<[number, number]> }
  | { t: 'post' | 'void' | 'replay' | 'conflict'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constantFrom('transfer' as const, 'reserve' as const),
      legs: fc.array(fc.tuple(fc.nat(4), fc.integer({ min: 1, max: 900 })), { minLength: 1, maxLength: 2 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constantFrom('post' as const, 'void' as const, 'replay' as const, 'conflict' as const),
      pick: fc.nat(),
    }),
  },
);
const batchArb = fc.array(fc.array(opArb, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 10 });

const summary = (o: CommandOutcome) => (o.status === 'rejected' ? `rejected:${o.rejection.rule}` : o.status);

describe('ledger writer on PostgreSQL (property)', () => {
  let db: Db;
  const mem = new MemoryLedger();
  const clock = new ManualClock(Date.UTC(2025, 0, 6));
  let writer: LedgerWriter;
  let pipelined = 0;
  let direct = 0;

  beforeAll(async () => {
    db = await openTestDb('pg', 'ledger_prop');
    const specs = [...houseAccounts('EUR'), ...BICS.flatMap((b) => participantAccounts(b, 'EUR'))];
    await openAccounts(db, specs, clock.now());
    mem.open(specs);
    for (const [i, b] of BICS.entries()) {
      const limit = { netDebitCapMinor: BigInt(800 + 400 * i), prefundedMinor: BigInt(100 * i) };
      await db.transaction((tx) =>
        setLimit(tx, clearingAccount(b, 'EUR'), limit, { nowMs: clock.now(), actor: 't', reason: 't' }),
      );
      mem.setLimit(clearingAccount(b, 'EUR'), limit);
    }
    // small batches: a property batch spans several writer batches, most decided ahead (pipelined)
    writer = new LedgerWriter(db, {
      clock,
      ids: timeOrderedIds(clock, 7),
      batchSizeMax: 3,
      onBatch: (b) => (b.pipelined ? pipelined++ : direct++),
    });
  }, 120_000);

  afterAll(async () => {
    await writer?.close();
    if (db) await dropTestDb(db);
  });

  it('agrees with the pure core batch by batch and keeps every invariant in the database', async () => {
    let run = 0;
    const history: Command[] = [];
    const accepted: Command[] = [];
    const reservations: string[] = [];
    let idn = 0;
    const memId = () => `mem-${++idn}`;
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 4 }), async (batches) => {
        run += 1;
        for (const [b, batch] of batches.entries()) {
          clock.advance(1000);
          const units: Command[][] = batch.map((unit) =>
            unit.map((op, u): Command => {
              const i = `${run}-${b}-${u}-${history.length}`;
              switch (op.t) {
                case 'transfer':
                case 'reserve': {
                  const postings: Posting[] = op.legs.flatMap(([a, amt]) => [
                    { account: ACCOUNTS[a % ACCOUNTS.length]!, amount: money('EUR', BigInt(amt)) },
                    { account: ACCOUNTS[(a + 1) % ACCOUNTS.length]!, amount: money('EUR', -BigInt(amt)) },
                  ]);
                  if (op.t === 'reserve') reservations.push(`reserve-${i}`);
                  const cmd: Command = {
                    kind: op.t,
                    key: `${op.t}-${i}`,
                    postings,
                    refs: { endToEndId: `E2E${i}` },
                  };
                  history.push(cmd);
                  return cmd;
                }
                case 'post':
                case 'void': {
                  const pendingKey = reservations.length
                    ? reservations[op.pick % reservations.length]!
                    : 'none';
                  const cmd: Command =
                    op.t === 'post'
                      ? { kind: 'post', key: `post-${i}`, pendingKey }
                      : { kind: 'void', key: `void-${i}`, pendingKey, reason: 'left the cycle' };
                  history.push(cmd);
                  return cmd;
                }
                case 'replay':
                case 'conflict': {
                  const prev = history.length ? history[op.pick % history.length]! : null;
                  if (!prev) return { kind: 'post', key: `post-${i}`, pendingKey: 'none' };
                  if (op.t === 'replay') return structuredClone(prev);
                  return prev.kind === 'void'
                    ? { ...prev, reason: 'changed' }
                    : { ...prev, description: 'changed' };
                }
              }
            }),
          );
          // all units submitted at once: the writer batches them in submission order
          const fromDb = (
            await Promise.all(
              units.map((u) =>
                u.length === 1 ? writer.submit(u[0]!).then((o) => [o]) : writer.submitAtomic(u),
              ),
            )
          ).flat();
          const fromMem = mem.apply(units, clock.now(), memId).outcomes;
          expect(fromDb.map(summary)).toEqual(fromMem.map(summary));
          units.flat().forEach((c, i) => {
            if (fromDb[i]!.status === 'accepted') accepted.push(c);
          });
        }
        // replaying everything accepted so far changes nothing
        const before = await listAccounts(db, { currency: 'EUR' });
        const replays = await Promise.all(accepted.map((c) => writer.submit(structuredClone(c))));
        expect(replays.every((o) => o.status === 'replayed')).toBe(true);
        expect(await listAccounts(db, { currency: 'EUR' })).toEqual(before);
        // the same balances as the pure core, and a sound ledger
        for (const a of before) {
          const m = mem.accounts.get(a.id)!;
          expect([a.id, a.posted.minor, a.pendingDebits.minor, a.pendingCredits.minor]).toEqual([
            m.id,
            m.posted,
            m.pendingDebits,
            m.pendingCredits,
          ]);
        }
        const report = await checkInvariants(db);
        expect(report.problems).toEqual([]);
      }),
      { seed, numRuns: Number(process.env.FC_RUNS ?? 15) },
    );
    console.log('writer batches', { pipelined, direct });
    expect(pipelined).toBeGreaterThan(0);
  }, 300_000);
});
