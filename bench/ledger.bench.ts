/**
 * `ledger.postings`: postings per second through the ledger's batched writer (LedgerWriter:
 * submit → queue → currency lock → load balances and keys → pure applyBatch → one set-based
 * write statement → COMMIT → promise resolved), beside the baseline `raw SQL insert`: the very
 * same rows (entries, postings, netted balance updates), precomputed, written by one plain
 * INSERT … unnest / UPDATE statement per 1,000 transfers in one transaction each, into the same
 * tables with the same constraints and triggers. The ratio is the writer's own overhead.
 *
 * `ledger.postings.hot`: the same workload concentrated on 10 hot accounts, beside the uniform
 * workload (1,000 accounts) through the same writer, measured alternately.
 *
 * A "posting" is counted as in /work/shared/research/stack-measurements.md §4: one balanced
 * transfer = 1 journal entry + 2 posting rows + its balance updates. `postingRowsPerS` gives
 * the row count too. Each transfer carries a payment id, a UETR and an EndToEndId, as
 * settlement postings do.
 *
 * Needs the real PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) with
 * synchronous_commit as the server has it (reported; production: on). Creates and drops its own
 * schema.
 */
import { randomBytes } from 'node:crypto';
import { money, timeOrderedIds } from '../src/domain/index.js';
import { migrate, openDb, type Db } from '../src/db/index.js';
import {
  LedgerWriter,
  clearingAccount,
  houseAccounts,
  openAccounts,
  participantAccounts,
  type Command,
} from '../src/ledger/index.pg.js';
import { measurePair, pairedFigure, type Benchmark, type Figure } from './harness.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TRANSFERS_PER_RUN = Number(process.env.LEDGER_BENCH_TRANSFERS ?? 20_000);
const RUNS = Number(process.env.LEDGER_BENCH_RUNS ?? 5);
const BATCH = 1000;
const UNIFORM_ACCOUNTS = 1000;
const HOT_ACCOUNTS = 10;

const wallClock = { now: () => Date.now() };

/** Participant number → a BIC: party P000–P999, country DE, location FF, branch XXX. */
const bic = (i: number): string => `P${String(i).padStart(3, '0')}DEFFXXX`;
const accountIds = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => clearingAccount(bic(i), 'EUR'));

/** Deterministic pseudo-random (mulberry32): the same workload every run. */
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

function workload(tag: string, accounts: readonly string[], n: number, seed: number): Command[] {
  const rand = rng(seed);
  const out: Command[] = [];
  for (let i = 0; i < n; i++) {
    const d = Math.floor(rand() * accounts.length);
    let c = Math.floor(rand() * (accounts.length - 1));
    if (c >= d) c += 1;
    const minor = BigInt(1 + Math.floor(rand() * 1_000_000));
    const id = `${tag}-${i}`;
    out.push({
      kind: 'transfer',
      key: id,
      postings: [
        { account: accounts[d]!, amount: money('EUR', minor) },
        { account: accounts[c]!, amount: money('EUR', -minor) },
      ],
      links: { paymentId: id },
      refs: { uetr: '7f6c1e9a-52a3-4b8e-9d1c-2f0e8b3a4c5d', endToEndId: `E2E-${id}` },
    });
  }
  return out;
}

// Like every balance change, the baseline takes the currency's turn (ledger_currency version).
const RAW_SQL = `
WITH v AS (
  UPDATE ledger_currency SET version = version + 1 WHERE currency = 'EUR'
), e AS (
  INSERT INTO ledger_entry (id, idempotency_key, kind, posting_count, payment_id, uetr, end_to_end_id, booked_at)
  SELECT u.id, u.k, 'transfer', 2, u.k, $3, 'E2E-' || u.k, $4::timestamptz FROM unnest($1::uuid[], $2::text[]) AS u(id, k)
), p AS (
  INSERT INTO ledger_posting (entry_id, leg, account_id, currency, amount, pending, booked_at)
  SELECT u.entry_id, u.leg, u.account_id, 'EUR', u.amount, false, $4::timestamptz
    FROM unnest($5::uuid[], $6::int2[], $7::text[], $8::int8[]) AS u(entry_id, leg, account_id, amount)
)
UPDATE ledger_account a SET posted = a.posted + d.delta FROM unnest($9::text[], $10::int8[]) AS d(id, delta) WHERE a.id = d.id`;

/** The baseline: the same rows, computed in advance, written with plain set-based SQL. */
async function rawInsert(db: Db, cmds: readonly Command[], ids: () => string): Promise<void> {
  for (let s = 0; s < cmds.length; s += BATCH) {
    const chunk = cmds.slice(s, s + BATCH);
    const eIds: string[] = [];
    const keys: string[] = [];
    const pEntry: string[] = [];
    const pLeg: number[] = [];
    const pAcc: string[] = [];
    const pAmt: string[] = [];
    const net = new Map<string, bigint>();
    for (const c of chunk) {
      if (c.kind !== 'transfer') continue;
      const id = ids();
      eIds.push(id);
      keys.push(c.key);
      c.postings.forEach((p, i) => {
        pEntry.push(id);
        pLeg.push(i + 1);
        pAcc.push(p.account);
        pAmt.push(p.amount.minor.toString());
        net.set(p.account, (net.get(p.account) ?? 0n) + p.amount.minor);
      });
    }
    await db.transaction(async (tx) => {
      await tx.query(RAW_SQL, [
        eIds,
        keys,
        '7f6c1e9a-52a3-4b8e-9d1c-2f0e8b3a4c5d',
        new Date().toISOString(),
        pEntry,
        pLeg,
        pAcc,
        pAmt,
        [...net.keys()],
        [...net.values()].map(String),
      ]);
    });
  }
}

async function viaWriter(writer: LedgerWriter, cmds: readonly Command[]): Promise<void> {
  const outcomes = await Promise.all(cmds.map((c) => writer.submit(c)));
  const notAccepted = outcomes.filter((o) => o.status !== 'accepted').length;
  if (notAccepted) throw new Error(`ledger bench: ${notAccepted} transfers not accepted`);
}

async function setup(): Promise<{ db: Db; schema: string; syncCommit: string }> {
  const schema = `bench_ledger_${randomBytes(4).toString('hex')}`;
  const db = await openDb({ databaseUrl: DATABASE_URL, schema, poolSizeMax: 4 });
  await migrate(db);
  const specs = [...houseAccounts('EUR')];
  for (let i = 0; i < UNIFORM_ACCOUNTS; i++) specs.push(...participantAccounts(bic(i), 'EUR'));
  await openAccounts(db, specs, Date.now());
  // limits far above the workload: the bench measures throughput, not refusals
  await db.query(`UPDATE ledger_account SET net_debit_cap = 1000000000000000 WHERE kind = 'clearing'`);
  const sc = await db.query(`SHOW synchronous_commit`);
  return { db, schema, syncCommit: String(sc.rows[0]?.synchronous_commit) };
}

async function teardown(db: Db, schema: string): Promise<void> {
  try {
    await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await db.close();
  }
}

async function run(): Promise<Figure[]> {
  const { db, schema, syncCommit } = await setup();
  try {
    const uniform = accountIds(UNIFORM_ACCOUNTS);
    const hot = accountIds(HOT_ACCOUNTS);
    const writer = new LedgerWriter(db, {
      clock: wallClock,
      ids: timeOrderedIds(wallClock, 1),
      batchSizeMax: BATCH,
      queueDepthMax: TRANSFERS_PER_RUN * 2,
    });
    const rawIds = timeOrderedIds(wallClock, 2);
    let round = 0;
    const next = (accounts: readonly string[], label: string) =>
      workload(`${label}${round++}`, accounts, TRANSFERS_PER_RUN, round);

    const uniformPair = await measurePair(
      async () => {
        await viaWriter(writer, next(uniform, 'w'));
        return TRANSFERS_PER_RUN;
      },
      async () => {
        await rawInsert(db, next(uniform, 'r'), () => rawIds.next());
        return TRANSFERS_PER_RUN;
      },
      RUNS,
    );
    const hotPair = await measurePair(
      async () => {
        await viaWriter(writer, next(hot, 'h'));
        return TRANSFERS_PER_RUN;
      },
      async () => {
        await viaWriter(writer, next(uniform, 'u'));
        return TRANSFERS_PER_RUN;
      },
      RUNS,
    );
    await writer.close();
    const extra = {
      database: 'postgresql',
      synchronousCommit: syncCommit,
      batchSize: BATCH,
      transfersPerRun: TRANSFERS_PER_RUN,
      posting: 'one balanced transfer: 1 entry + 2 posting rows + netted balance updates',
    };
    const rows = (v: number[]) =>
      Math.round((v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0) * 2);
    return [
      pairedFigure({
        bench: 'ledger.postings',
        unit: 'postings/s',
        baselineName: 'raw SQL insert of the same rows (set-based, 1,000 per transaction)',
        measured: uniformPair,
        target: 'ratio >= 0.7 and value >= 50000',
        meets: (ratio, value) => ratio >= 0.7 && value >= 50_000,
        extra: { ...extra, accounts: UNIFORM_ACCOUNTS, postingRowsPerS: rows(uniformPair.values) },
      }),
      pairedFigure({
        bench: 'ledger.postings.hot',
        unit: 'postings/s',
        baselineName: `the same writer, uniform over ${UNIFORM_ACCOUNTS} accounts`,
        measured: hotPair,
        target: 'ratio >= 0.9 (at most 10% below the uniform figure)',
        meets: (ratio) => ratio >= 0.9,
        extra: { ...extra, accounts: HOT_ACCOUNTS, postingRowsPerS: rows(hotPair.values) },
      }),
    ];
  } finally {
    await teardown(db, schema);
  }
}

export const benchmarks: Benchmark[] = [{ name: 'ledger.postings', run }];
