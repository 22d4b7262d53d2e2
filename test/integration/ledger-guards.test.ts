/**
 * The journal's guards hold against any SQL, not only against the writer: UPDATE, DELETE and
 * TRUNCATE are refused; an entry must come with all its postings, balanced, on existing
 * accounts of its currency; a reservation resolves once; a limit holds on every update.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, money, timeOrderedIds } from '../../src/domain/index.js';
import { SQLSTATE, sqlState, type Db } from '../../src/db/index.js';
import {
  clearingAccount,
  houseAccounts,
  LedgerWriter,
  openAccounts,
  participantAccounts,
  setLimit,
} from '../../src/ledger/index.pg.js';
import { dropTestDb, openTestDb } from '../helpers/db.js';

const A = 'BANKDEFFXXX';
const B = 'BANKFRPPXXX';
const T0 = Date.UTC(2025, 0, 6, 9);
const AT = new Date(T0).toISOString();

async function refused(p: Promise<unknown>): Promise<{ state: string | undefined; message: string }> {
  try {
    await p;
  } catch (e) {
    return { state: sqlState(e), message: e instanceof Error ? e.message : String(e) };
  }
  throw new Error('the statement was accepted');
}

/** Inserts an entry with the given legs in one statement, as the writer does. */
function insertEntry(
  db: Db,
  id: string,
  key: string,
  legs: Array<[string, number]>,
  opts: { kind?: string; count?: number; pendingId?: string } = {},
) {
  return db.query(
    `WITH e AS (INSERT INTO ledger_entry (id, idempotency_key, kind, posting_count, pending_id, booked_at)
                VALUES ($1, $2, $3, $4, $5, $6))
     INSERT INTO ledger_posting (entry_id, leg, account_id, currency, amount, pending, booked_at)
     SELECT $1, n, a, 'EUR', m, $3 = 'reserve', $6 FROM unnest($7::text[], $8::int8[]) WITH ORDINALITY AS u(a, m, n)`,
    [
      id,
      key,
      opts.kind ?? 'transfer',
      opts.count ?? legs.length,
      opts.pendingId ?? null,
      AT,
      legs.map((l) => l[0]),
      legs.map((l) => BigInt(l[1])),
    ],
  );
}

describe.each(['pg', 'pglite'] as const)('ledger guards on %s', (kind) => {
  let db: Db;
  const ca = clearingAccount(A, 'EUR');
  const cb = clearingAccount(B, 'EUR');

  beforeAll(async () => {
    db = await openTestDb(kind, `ledger_guards_${kind}`);
    await openAccounts(
      db,
      [...houseAccounts('EUR'), ...participantAccounts(A, 'EUR'), ...participantAccounts(B, 'EUR')],
      T0,
    );
    await db.transaction((tx) =>
      setLimit(
        tx,
        ca,
        { netDebitCapMinor: 1_000n, prefundedMinor: 0n },
        { nowMs: T0, actor: 't', reason: 't' },
      ),
    );
    const clock = new ManualClock(T0);
    const w = new LedgerWriter(db, { clock, ids: timeOrderedIds(clock, 9) });
    const out = await Promise.all([
      w.transfer({
        key: 'seed-1',
        postings: [
          { account: ca, amount: money('EUR', 10n) },
          { account: cb, amount: money('EUR', -10n) },
        ],
      }),
      w.reserve({
        key: 'seed-r',
        postings: [
          { account: ca, amount: money('EUR', 5n) },
          { account: cb, amount: money('EUR', -5n) },
        ],
      }),
    ]);
    expect(out.map((o) => o.status)).toEqual(['accepted', 'accepted']);
    await w.post({ key: 'seed-p', pendingKey: 'seed-r' });
    await w.close();
  }, 120_000);

  afterAll(async () => {
    if (db) await dropTestDb(db);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the journal, even when no row matches', async () => {
    for (const sql of [
      `UPDATE ledger_entry SET description = 'edited'`,
      `UPDATE ledger_entry SET description = 'edited' WHERE false`,
      `DELETE FROM ledger_entry`,
      `TRUNCATE ledger_entry CASCADE`,
      `UPDATE ledger_posting SET amount = amount * 2`,
      `DELETE FROM ledger_posting WHERE leg = 2`,
      `TRUNCATE ledger_posting`,
      `UPDATE ledger_resolution SET outcome = 'voided'`,
      `DELETE FROM ledger_resolution`,
      `TRUNCATE ledger_resolution`,
    ]) {
      const r = await refused(db.query(sql));
      expect(r.state, sql).toBe(SQLSTATE.appendOnly);
    }
    const n = await db.query(`SELECT count(*) AS n FROM ledger_posting`);
    expect(n.rows[0]?.n).toBe('6');
  });

  it('refuses deleting accounts or changing their identity; balances stay updatable', async () => {
    expect((await refused(db.query(`DELETE FROM ledger_account WHERE id = 'suspense:EUR'`))).state).toBe(
      'IC001',
    );
    expect((await refused(db.query(`UPDATE ledger_account SET currency = 'USD' WHERE false`))).state).toBe(
      'IC001',
    );
    expect((await refused(db.query(`TRUNCATE ledger_account CASCADE`))).state).toBe('IC001');
  });

  it('refuses an unbalanced entry, a lone posting, missing postings and unknown accounts', async () => {
    const bad = [
      () =>
        insertEntry(db, '00000000-0000-7000-8000-000000000001', 'x1', [
          [ca, 10],
          [cb, -9],
        ]),
      () => insertEntry(db, '00000000-0000-7000-8000-000000000002', 'x2', [[ca, 10]], { count: 2 }),
      () =>
        insertEntry(db, '00000000-0000-7000-8000-000000000003', 'x3', [
          [ca, 10],
          ['clearing:BANKGB2LXXX:EUR', -10],
        ]),
      () =>
        insertEntry(
          db,
          '00000000-0000-7000-8000-000000000004',
          'x4',
          [
            [ca, 10],
            [cb, -10],
          ],
          { count: 3 },
        ),
      () =>
        db.query(
          `INSERT INTO ledger_entry (id, idempotency_key, kind, posting_count, booked_at) VALUES ('00000000-0000-7000-8000-000000000005', 'x5', 'transfer', 2, $1)`,
          [AT],
        ),
    ];
    for (const p of bad) {
      const r = await refused(p());
      expect(r.state, r.message).toBe(SQLSTATE.checkViolation);
    }
  });

  it('refuses postings added to an existing entry, even balanced ones', async () => {
    const id = (await db.query(`SELECT id::text FROM ledger_entry WHERE idempotency_key = 'seed-1'`)).rows[0]!
      .id;
    const r = await refused(
      db.query(
        `INSERT INTO ledger_posting (entry_id, leg, account_id, currency, amount, pending, booked_at)
         VALUES ($1, 3, $2, 'EUR', 7, false, $4), ($1, 4, $3, 'EUR', -7, false, $4)`,
        [id, ca, cb, AT],
      ),
    );
    expect(r.state).toBe(SQLSTATE.checkViolation);
  });

  it('refuses a duplicate idempotency key, a second resolution and a post that consumes nothing', async () => {
    const dup = await refused(
      insertEntry(db, '00000000-0000-7000-8000-000000000010', 'seed-1', [
        [ca, 1],
        [cb, -1],
      ]),
    );
    expect(dup.state).toBe(SQLSTATE.uniqueViolation);
    const res = String(
      (await db.query(`SELECT id::text FROM ledger_entry WHERE idempotency_key = 'seed-r'`)).rows[0]!.id,
    );
    const second = await refused(
      db.query(
        `INSERT INTO ledger_resolution (pending_id, outcome, idempotency_key, reason, resolved_at) VALUES ($1, 'voided', 'again', 'x', $2)`,
        [res, AT],
      ),
    );
    expect(second.state).toBe(SQLSTATE.uniqueViolation);
    const orphanPost = await refused(
      insertEntry(
        db,
        '00000000-0000-7000-8000-000000000011',
        'x-post',
        [
          [ca, 5],
          [cb, -5],
        ],
        { kind: 'post', pendingId: res },
      ),
    );
    expect(orphanPost.state).toBe(SQLSTATE.checkViolation);
  });

  it('refuses any balance update that takes a clearing account beyond its limit', async () => {
    const r = await refused(db.query(`UPDATE ledger_account SET posted = 1001 WHERE id = $1`, [ca]));
    expect(r.state).toBe(SQLSTATE.checkViolation);
    expect(r.message).toMatch(/ledger_account_within_limit/);
  });
});
