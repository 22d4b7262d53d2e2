/**
 * Many writers, one set of hot accounts, real PostgreSQL: four LedgerWriter instances, each on
 * its own connection pool (as separate processes would be), fed by hundreds of concurrent
 * submitters with transfers, reservations, posts, voids and the same keys raced through
 * different writers. Afterwards: every promise settled (no deadlock left unresolved, no error),
 * every balance equals what the accepted outcomes imply (no lost update), no limit exceeded (no
 * overdraft), each raced key accepted exactly once, and the invariant checker finds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, money, timeOrderedIds } from '../../src/domain/index.js';
import { openPg, type Db } from '../../src/db/index.js';
import {
  checkInvariants,
  clearingAccount,
  houseAccounts,
  LedgerWriter,
  listAccounts,
  openAccounts,
  participantAccounts,
  setLimit,
  technicalAccount,
  type Command,
  type CommandOutcome,
  type Posting,
} from '../../src/ledger/index.pg.js';
import { dropTestDb, openTestDb, pgUrl } from '../helpers/db.js';

const BICS = ['BANKDEFFXXX', 'BANKFRPPXXX', 'BANKITMMXXX'];
const CAP = 40_000n;
const T0 = Date.UTC(2025, 0, 6, 9);

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ledger under concurrent writers (pg)', () => {
  let db: Db;
  const extra: Db[] = [];
  const writers: LedgerWriter[] = [];
  const seed = Number(process.env.LEDGER_SEED ?? Date.now() % 2 ** 31);

  beforeAll(async () => {
    console.log('ledger concurrency seed', seed);
    db = await openTestDb('pg', 'ledger_conc');
    await openAccounts(
      db,
      [...houseAccounts('EUR'), ...BICS.flatMap((b) => participantAccounts(b, 'EUR'))],
      T0,
    );
    for (const b of BICS)
      await db.transaction((tx) =>
        setLimit(
          tx,
          clearingAccount(b, 'EUR'),
          { netDebitCapMinor: CAP, prefundedMinor: 0n },
          {
            nowMs: T0,
            actor: 'test',
            reason: 'test',
          },
        ),
      );
    for (let i = 0; i < 4; i++) {
      const own = await openPg({
        url: pgUrl,
        schema: db.schema,
        poolSizeMax: 2,
        applicationName: `ledger writer ${i}`,
      });
      extra.push(own);
      const clock = new ManualClock(T0 + i);
      // small batches of different sizes: many more transactions interleave than with 1,000
      writers.push(
        new LedgerWriter(own, {
          clock,
          ids: timeOrderedIds(clock, 100 + i),
          batchSizeMax: [2, 5, 20, 50][i]!,
        }),
      );
    }
  }, 120_000);

  afterAll(async () => {
    for (const w of writers) await w.close();
    for (const d of extra) await d.close();
    if (db) await dropTestDb(db);
  });

  it('loses no update, overdraws nothing, leaves no deadlock, and totals are exact', async () => {
    const rand = rng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const writer = () => pick(writers);
    const submitted: Array<{ cmd: Command; outcome: Promise<CommandOutcome> }> = [];
    const submit = (cmd: Command, w = writer()) => {
      const outcome = w.submit(cmd);
      submitted.push({ cmd, outcome });
      return outcome;
    };
    const pay = (from: string, to: string, minor: bigint): Posting[] => [
      { account: from, amount: money('EUR', minor) },
      { account: to, amount: money('EUR', -minor) },
    ];
    const accounts = [...BICS.map((b) => clearingAccount(b, 'EUR')), technicalAccount('EUR')];

    const submitters = Array.from({ length: 240 }, async (_, s) => {
      for (let step = 0; step < 6; step++) {
        const from = pick(accounts);
        let to = pick(accounts);
        while (to === from) to = pick(accounts);
        const amt = BigInt(1 + Math.floor(rand() * 6_000));
        const key = `s${s}-${step}`;
        const r = rand();
        if (r < 0.4) {
          await submit({ kind: 'transfer', key, postings: pay(from, to, amt) });
        } else if (r < 0.8) {
          const res = await submit({ kind: 'reserve', key, postings: pay(from, to, amt) });
          if (res.status !== 'accepted') continue;
          if (rand() < 0.6) await submit({ kind: 'post', key: `${key}-post`, pendingKey: key });
          else await submit({ kind: 'void', key: `${key}-void`, pendingKey: key, reason: 'left the cycle' });
        } else {
          // the same command raced through every writer at once: one accepts, the rest replay
          const cmd: Command = { kind: 'transfer', key: `${key}-race`, postings: pay(from, to, amt) };
          await Promise.all(writers.map((w) => submit(structuredClone(cmd), w)));
        }
      }
    });
    await Promise.all(submitters);
    const settled = await Promise.allSettled(submitted.map((x) => x.outcome));
    const failures = settled.filter((x) => x.status === 'rejected');
    expect(failures).toEqual([]);
    const outcomes = settled.map((x) => (x as PromiseFulfilledResult<CommandOutcome>).value);

    // expected balances from the accepted outcomes alone
    const expected = new Map<string, { posted: bigint; pd: bigint; pc: bigint }>(
      accounts.map((a) => [a, { posted: 0n, pd: 0n, pc: 0n }]),
    );
    const reserveByKey = new Map<string, Posting[]>();
    const resolved = new Set<string>();
    const acceptedPerKey = new Map<string, number>();
    let limitRejections = 0;
    submitted.forEach(({ cmd }, i) => {
      const o = outcomes[i]!;
      if (o.status === 'rejected' && o.rejection.reason === 'AM04') limitRejections++;
      if (o.status !== 'accepted') return;
      acceptedPerKey.set(cmd.key, (acceptedPerKey.get(cmd.key) ?? 0) + 1);
      if (cmd.kind === 'transfer')
        for (const p of cmd.postings) expected.get(p.account)!.posted += p.amount.minor;
      if (cmd.kind === 'reserve') reserveByKey.set(cmd.key, [...cmd.postings]);
      if (cmd.kind === 'post' || cmd.kind === 'void') {
        expect(resolved.has(cmd.pendingKey)).toBe(false);
        resolved.add(cmd.pendingKey);
        if (cmd.kind === 'post')
          for (const p of reserveByKey.get(cmd.pendingKey)!)
            expected.get(p.account)!.posted += p.amount.minor;
      }
    });
    for (const [key, legs] of reserveByKey)
      if (!resolved.has(key))
        for (const p of legs) {
          const e = expected.get(p.account)!;
          if (p.amount.minor > 0n) e.pd += p.amount.minor;
          else e.pc -= p.amount.minor;
        }
    for (const n of acceptedPerKey.values()) expect(n).toBe(1);
    const races = submitted.filter((x) => x.cmd.key.endsWith('-race'));
    expect(races.length).toBeGreaterThan(100);
    expect(limitRejections).toBeGreaterThan(0);

    const stored = await listAccounts(db, { currency: 'EUR' });
    for (const a of stored) {
      const e = expected.get(a.id) ?? { posted: 0n, pd: 0n, pc: 0n };
      expect([a.id, a.posted.minor, a.pendingDebits.minor, a.pendingCredits.minor]).toEqual([
        a.id,
        e.posted,
        e.pd,
        e.pc,
      ]);
      if (a.limit) expect(a.available!.minor >= 0n).toBe(true);
    }
    const report = await checkInvariants(db);
    expect(report.problems).toEqual([]);
    expect(report.entries).toBeGreaterThan(1000);
  }, 180_000);
});
