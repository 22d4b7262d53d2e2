/**
 * The database port's contract, proven on both adapters with the same tests: the real
 * PostgreSQL server (pg) and the embedded PGlite. What one adapter returns, the other returns
 * identically (the last block compares them).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DbError,
  isUniqueViolation,
  migrate,
  migrations,
  openPg,
  openPglite,
  SQLSTATE,
  toBigint,
  type Db,
  type Row,
} from '../../src/db/index.js';
import { dropTestDb, openTestDb, pgUrl, testSchemaName } from '../helpers/db.js';

const KINDS = ['pg', 'pglite'] as const;
type Kind = (typeof KINDS)[number];

/** Collected per adapter, compared at the end. */
const seen: Record<
  Kind,
  { roundTrip?: Row; arrays?: Row; columns?: Row[]; triggers?: Row[]; counts?: number[] }
> = {
  pg: {},
  pglite: {},
};

const BIG = 2n ** 63n - 1n; // int8 max, far beyond 2^53
const AT = new Date('2024-02-29T23:59:59.123Z');

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe.each(KINDS)('db contract on %s', (kind) => {
  let db: Db;

  beforeAll(async () => {
    db = await openTestDb(kind, `contract_${kind}`);
    await db.exec(`
      CREATE TABLE kv (k text PRIMARY KEY, v int8 NOT NULL);
      CREATE TABLE counter (id int PRIMARY KEY, n int8 NOT NULL);
      INSERT INTO counter VALUES (1, 0);
      CREATE TABLE types (
        t text, i int4, b int8, n numeric(23,5), j jsonb, ts timestamptz, d date, raw bytea, ok bool, nothing text
      );`);
  });
  afterAll(async () => {
    if (db) await dropTestDb(db);
  });

  it('runs every session in its schema, in UTC', async () => {
    const r = await db.query<{ schema: string; tz: string }>(
      `SELECT current_schema() AS schema, current_setting('TimeZone') AS tz`,
    );
    expect(r.rows).toEqual([{ schema: db.schema, tz: 'UTC' }]);
    expect(db.kind).toBe(kind);
  });

  it('round-trips text, int, bigint beyond 2^53, numeric(5 decimals), jsonb, timestamptz, date, bytea, bool, null', async () => {
    const raw = Buffer.from([0, 1, 127, 128, 255]);
    const json = { a: 1, s: 'x "y"', nested: [true, null], big: 2n ** 60n + 1n };
    const ins = await db.query(`INSERT INTO types VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
      `O'Brien, "quoted" {x} ☃`,
      -2147483648,
      BIG,
      '-123456789012345678.12345',
      json,
      AT,
      '2024-02-29',
      raw,
      false,
      null,
    ]);
    expect(ins.rowCount).toBe(1);
    const r = await db.query('SELECT * FROM types');
    const row = r.rows[0]!;
    expect(row).toEqual({
      t: `O'Brien, "quoted" {x} ☃`,
      i: -2147483648,
      b: '9223372036854775807',
      n: '-123456789012345678.12345',
      j: { a: 1, s: 'x "y"', nested: [true, null], big: '1152921504606846977' },
      ts: AT,
      d: '2024-02-29',
      raw,
      ok: false,
      nothing: null,
    });
    expect(row.ts).toBeInstanceOf(Date);
    expect(Buffer.isBuffer(row.raw)).toBe(true);
    expect(toBigint(row.b, 'b')).toBe(BIG);
    seen[kind].roundTrip = row;
  });

  it('binds bigint parameters exactly and returns int8/numeric arithmetic as strings', async () => {
    const r = await db.query<{ next: unknown; prod: unknown; minor: unknown }>(
      'SELECT $1::int8 + 1 AS next, $2::numeric * 3 AS prod, $3::int8 AS minor',
      [2n ** 53n + 1n, '0.33333', -(2n ** 62n)],
    );
    expect(r.rows).toEqual([{ next: '9007199254740994', prod: '0.99999', minor: '-4611686018427387904' }]);
  });

  it('parses timestamptz at any offset to the same instant', async () => {
    const r = await db.query<{ a: Date; b: Date }>(
      `SELECT '2024-02-29T23:59:59.123+05:30'::timestamptz AS a, $1::timestamptz AS b`,
      ['2024-02-29T18:29:59.123Z'],
    );
    expect(r.rows[0]!.a.toISOString()).toBe('2024-02-29T18:29:59.123Z');
    expect(r.rows[0]!.b.getTime()).toBe(r.rows[0]!.a.getTime());
  });

  it('round-trips arrays of text, int8, numeric, timestamptz, date and bytea', async () => {
    const r = await db.query(
      `SELECT $1::text[] AS texts, $2::int8[] AS bigs, $3::numeric[] AS nums, $4::timestamptz[] AS tss,
              $5::date[] AS dates, $6::bytea[] AS raws, '{{1,2},{3,4}}'::int4[] AS grid, '{}'::text[] AS empty`,
      [
        ['a,b', 'say "hi"', 'back\\slash', null, 'NULL', '{}', ''],
        [BIG, -1n, 0n],
        ['1.00001', '-0.5'],
        [AT, new Date(0)],
        ['2024-01-01', '1999-12-31'],
        [Buffer.from([1, 2]), Buffer.from([])],
      ],
    );
    const row = r.rows[0]!;
    expect(row).toEqual({
      texts: ['a,b', 'say "hi"', 'back\\slash', null, 'NULL', '{}', ''],
      bigs: ['9223372036854775807', '-1', '0'],
      nums: ['1.00001', '-0.5'],
      tss: [AT, new Date(0)],
      dates: ['2024-01-01', '1999-12-31'],
      raws: [Buffer.from([1, 2]), Buffer.from([])],
      grid: [
        [1, 2],
        [3, 4],
      ],
      empty: [],
    });
    seen[kind].arrays = row;
  });

  it('runs exactly one statement per query() and scripts through exec()', async () => {
    const e = await rejection(db.query('SELECT 1; SELECT 2'));
    expect((e as { code?: string }).code).toBe('42601');
    await db.exec(`CREATE TABLE script_a (a int); INSERT INTO script_a VALUES (1), (2);`);
    expect((await db.query('SELECT count(*)::int AS n FROM script_a')).rows).toEqual([{ n: 2 }]);
  });

  it('reports rowCount of inserts, updates, deletes and selects', async () => {
    const counts: number[] = [];
    counts.push((await db.query(`INSERT INTO kv VALUES ('rc1', 1), ('rc2', 2), ('rc3', 3)`)).rowCount);
    counts.push((await db.query(`UPDATE kv SET v = v + 1 WHERE k IN ('rc1', 'rc2')`)).rowCount);
    counts.push((await db.query(`SELECT * FROM kv WHERE k LIKE 'rc%'`)).rowCount);
    counts.push((await db.query(`DELETE FROM kv WHERE k LIKE 'rc%'`)).rowCount);
    expect(counts).toEqual([3, 2, 3, 3]);
    seen[kind].counts = counts;
  });

  it('commits a transaction: its writes are visible afterwards, and its value is returned', async () => {
    const value = await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO kv VALUES ('c1', 1)`);
      await tx.query(`INSERT INTO kv VALUES ('c2', 2)`);
      return 'done';
    });
    expect(value).toBe('done');
    const r = await db.query(`SELECT k, v FROM kv WHERE k IN ('c1', 'c2') ORDER BY k`);
    expect(r.rows).toEqual([
      { k: 'c1', v: '1' },
      { k: 'c2', v: '2' },
    ]);
  });

  it('rolls back when fn throws, rethrows the same error, and leaks nothing', async () => {
    const boom = new Error('boom');
    for (let i = 0; i < 12; i += 1) {
      const e = await rejection(
        db.transaction(async (tx) => {
          await tx.query(`INSERT INTO kv VALUES ($1, 1)`, [`rb${i}`]);
          throw boom;
        }),
      );
      expect(e).toBe(boom);
    }
    expect((await db.query(`SELECT * FROM kv WHERE k LIKE 'rb%'`)).rowCount).toBe(0);
    if (kind === 'pg') {
      const r = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity
          WHERE application_name = current_setting('application_name') AND state LIKE 'idle in transaction%'`,
      );
      expect(r.rows[0]!.n).toBe('0');
    }
    // the next transaction starts clean
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO kv VALUES ('after', 1)`);
    });
    expect((await db.query(`SELECT 1 FROM kv WHERE k = 'after'`)).rowCount).toBe(1);
  });

  it('ends 20 concurrent read-modify-write transactions on one counter exactly at +20', async () => {
    const before = toBigint((await db.query('SELECT n FROM counter WHERE id = 1')).rows[0]!.n, 'n');
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction(async (tx) => {
          const r = await tx.query<{ n: string }>('SELECT n FROM counter WHERE id = 1 FOR UPDATE');
          await tx.query('UPDATE counter SET n = $1 WHERE id = 1', [toBigint(r.rows[0]!.n, 'n') + 1n]);
        }),
      ),
    );
    const after = toBigint((await db.query('SELECT n FROM counter WHERE id = 1')).rows[0]!.n, 'n');
    expect(after - before).toBe(20n);
  });

  it('surfaces a unique violation with code 23505 and its constraint, and rolls the transaction back', async () => {
    await db.query(`INSERT INTO kv VALUES ('dup', 1) ON CONFLICT DO NOTHING`);
    const direct = await rejection(db.query(`INSERT INTO kv VALUES ('dup', 2)`));
    expect((direct as { code?: string }).code).toBe('23505');
    expect(isUniqueViolation(direct, 'kv_pkey')).toBe(true);
    const inTx = await rejection(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO kv VALUES ('dup2', 1)`);
        await tx.query(`INSERT INTO kv VALUES ('dup', 3)`);
      }),
    );
    expect((inTx as { code?: string }).code).toBe(SQLSTATE.uniqueViolation);
    expect((await db.query(`SELECT 1 FROM kv WHERE k = 'dup2'`)).rowCount).toBe(0);
  });

  it('refuses to report success when a caught error turned COMMIT into ROLLBACK', async () => {
    await db.query(`INSERT INTO kv VALUES ('dup', 1) ON CONFLICT DO NOTHING`);
    const e = await rejection(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO kv VALUES ('swallowed', 1)`);
        await tx.query(`INSERT INTO kv VALUES ('dup', 4)`).catch(() => undefined);
        return 'looks fine';
      }),
    );
    expect(e).toBeInstanceOf(DbError);
    expect((e as DbError).code).toBe('ISOCLR_ERR_DB_TX_ABORTED');
    expect((await db.query(`SELECT 1 FROM kv WHERE k = 'swallowed'`)).rowCount).toBe(0);
  });

  it('keeps a transaction callback on its tx handle, and closes the handle when the transaction ends', async () => {
    const nested = await rejection(db.transaction(async () => db.query('SELECT 1')));
    expect((nested as DbError).code).toBe('ISOCLR_ERR_DB_NESTED');
    let kept: { query(sql: string): Promise<unknown> } | undefined;
    await db.transaction(async (tx) => {
      kept = tx;
    });
    const late = await rejection(kept!.query('SELECT 1'));
    expect((late as DbError).code).toBe('ISOCLR_ERR_DB_TX_CLOSED');
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('applies migrations once: a second run applies nothing', async () => {
    expect(await migrate(db)).toEqual([]);
    const r = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(r.rows.map((x) => x.name)).toEqual(migrations.map((m) => m.name));
    seen[kind].columns = (
      await db.query(
        `SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default, is_identity
           FROM information_schema.columns WHERE table_schema = current_schema()
          ORDER BY table_name, ordinal_position`,
      )
    ).rows;
    seen[kind].triggers = (
      await db.query(
        `SELECT event_object_table, trigger_name, event_manipulation, action_timing, action_orientation
           FROM information_schema.triggers WHERE trigger_schema = current_schema() ORDER BY 1, 2, 3`,
      )
    ).rows;
    expect(seen[kind].columns!.some((c) => c.table_name === 'audit_log')).toBe(true);
  });

  it('refuses to start when an applied migration was edited, and leaves no trace of a failing one', async () => {
    const [first] = migrations;
    const edited = await rejection(migrate(db, [{ name: first!.name, up: `${first!.up}\n-- edited` }]));
    expect((edited as DbError).code).toBe('ISOCLR_ERR_MIGRATION_CHANGED');
    const broken = [
      ...migrations,
      { name: '9998_broken', up: 'CREATE TABLE half_done (a int); SELECT 1 / 0;' },
    ];
    const failed = await rejection(migrate(db, broken));
    expect((failed as DbError).code).toBe('ISOCLR_ERR_MIGRATION');
    expect((failed as DbError).message).toContain('9998_broken');
    const left = await db.query(
      `SELECT to_regclass('half_done') AS t, (SELECT count(*) FROM schema_migrations) AS n`,
    );
    expect(left.rows).toEqual([{ t: null, n: String(migrations.length) }]);
    const disordered = await rejection(migrate(db, [...migrations].reverse().concat(migrations)));
    expect((disordered as DbError).code).toBe('ISOCLR_ERR_MIGRATION');
  });

  it('keeps audit_log append-only: insert yes; update, delete and truncate refused with IC001', async () => {
    await db.query(`INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)`, [
      AT,
      'operator:alice',
      'cycle.close',
      'cycle:42',
      { reason: 'cut-off' },
    ]);
    const row = (await db.query('SELECT * FROM audit_log')).rows[0]!;
    expect(row).toMatchObject({ at: AT, actor: 'operator:alice', detail: { reason: 'cut-off' } });
    for (const sql of [
      `UPDATE audit_log SET actor = 'mallory'`,
      `DELETE FROM audit_log`,
      `TRUNCATE audit_log`,
    ]) {
      const e = await rejection(db.query(sql));
      expect((e as { code?: string }).code).toBe(SQLSTATE.appendOnly);
      expect(String((e as Error).message)).toMatch(/append-only/);
    }
    expect((await db.query(`SELECT actor FROM audit_log`)).rows).toEqual([{ actor: 'operator:alice' }]);
  });

  it('records idempotency keys once per (scope, key)', async () => {
    const insert = `INSERT INTO idempotency_keys (scope, key, request_hash, response, created_at)
                    VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING key`;
    const first = await db.query(insert, ['api:payments', 'k1', 'h1', { status: 'ACCP' }, AT]);
    const again = await db.query(insert, ['api:payments', 'k1', 'h2', null, AT]);
    expect([first.rowCount, again.rowCount]).toEqual([1, 0]);
    const r = await db.query(`SELECT request_hash, response FROM idempotency_keys WHERE key = 'k1'`);
    expect(r.rows).toEqual([{ request_hash: 'h1', response: { status: 'ACCP' } }]);
  });
});

describe('db contract, PostgreSQL only', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb('pg', 'contract_pg_only');
    await db.exec('CREATE TABLE ssi (n int8 NOT NULL)');
  });
  afterAll(async () => {
    if (db) await dropTestDb(db);
  });

  /**
   * Two SERIALIZABLE transactions each read sum(n) and insert sum + 1, both reading before
   * either writes (a classic write skew). PostgreSQL's SSI aborts one with 40001; the retry
   * reruns it after the other committed, so the outcome is a serial one: {1, 2}, never {1, 1}.
   */
  async function skew(
    retryCountMax: number,
  ): Promise<{ settled: PromiseSettledResult<void>[]; attempts: number }> {
    await db.query('DELETE FROM ssi');
    let attempts = 0;
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => {
      release = resolve;
    });
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5_000));
    const one = () =>
      db.transaction(
        async (tx) => {
          attempts += 1;
          const first = attempts <= 2;
          const r = await tx.query<{ s: string }>('SELECT coalesce(sum(n), 0) AS s FROM ssi');
          if (first) {
            arrived += 1;
            if (arrived === 2) release();
            await Promise.race([bothRead, timeout]);
          }
          await tx.query('INSERT INTO ssi VALUES ($1)', [toBigint(r.rows[0]!.s, 's') + 1n]);
        },
        { isolation: 'serializable', retryCountMax },
      );
    const settled = await Promise.allSettled([one(), one()]);
    return { settled, attempts };
  }

  it('retries a serialization failure (40001) so both conflicting serializable transactions commit', async () => {
    const { settled, attempts } = await skew(3);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(attempts).toBeGreaterThan(2);
    const r = await db.query<{ n: string }>('SELECT n FROM ssi ORDER BY n');
    expect(r.rows.map((x) => x.n)).toEqual(['1', '2']);
  });

  it('without retries, the same conflict surfaces as 40001', async () => {
    const { settled, attempts } = await skew(0);
    expect(attempts).toBe(2);
    const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect((failed[0]!.reason as { code?: string }).code).toBe('40001');
    expect((await db.query('SELECT n FROM ssi')).rows).toEqual([{ n: '1' }]);
  });

  it('applies each migration exactly once when three processes start at the same time', async () => {
    const schema = testSchemaName('migrate_race');
    const dbs = await Promise.all([1, 2, 3].map(() => openPg({ url: pgUrl, schema, poolSizeMax: 2 })));
    try {
      const applied = await Promise.all(dbs.map((d) => migrate(d)));
      expect(applied.flat().sort()).toEqual(migrations.map((m) => m.name).sort());
      const r = await dbs[0]!.query('SELECT count(*) AS n FROM schema_migrations');
      expect(r.rows).toEqual([{ n: String(migrations.length) }]);
    } finally {
      await dropTestDb(dbs[0]!);
      await Promise.all(dbs.slice(1).map((d) => d.close()));
    }
  });

  it('enforces the statement timeout (57014)', async () => {
    const short = await openPg({ url: pgUrl, schema: db.schema, poolSizeMax: 1, statementTimeoutMs: 100 });
    try {
      const e = await rejection(short.query('SELECT pg_sleep(2)'));
      expect((e as { code?: string }).code).toBe(SQLSTATE.queryCanceled);
    } finally {
      await short.close();
      await short.close(); // idempotent
    }
  });
});

describe('db contract, PGlite data directory', () => {
  it('keeps data and applied migrations across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'isoclear-pglite-'));
    try {
      const a = await openPglite({ dataDir: dir, schema: 'gateway' });
      expect(await migrate(a)).toEqual(migrations.map((m) => m.name));
      await a.query(`INSERT INTO idempotency_keys VALUES ('s', 'k', 'h', null, $1)`, [AT]);
      await a.close();
      await a.close(); // idempotent
      const b = await openPglite({ dataDir: dir, schema: 'gateway' });
      try {
        expect(await migrate(b)).toEqual([]);
        expect((await b.query('SELECT key, created_at FROM idempotency_keys')).rows).toEqual([
          { key: 'k', created_at: AT },
        ]);
      } finally {
        await b.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('db contract, parity', () => {
  it('both adapters returned identical rows, row counts, tables, columns and triggers', () => {
    for (const k of ['roundTrip', 'arrays', 'counts', 'columns', 'triggers'] as const) {
      expect(seen.pg[k], k).toBeDefined();
      expect(seen.pglite[k], k).toEqual(seen.pg[k]);
    }
  });
});
