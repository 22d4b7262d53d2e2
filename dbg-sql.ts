import pg from 'pg';
import { money, timeOrderedIds } from './src/domain/index.js';
import { openPg, migrate } from './src/db/index.js';
import { applyBatch, clearingAccount, houseAccounts, openAccounts, participantAccounts, type Command } from './src/ledger/index.pg.js';
import { loadView, writeBatch } from './src/ledger/store.pg.js';
const base = 'postgres://postgres@127.0.0.1:5432/test';
const schema = 't_sql_dbg';
const admin = await openPg({ url: base, schema: 'public' });
await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
await admin.close();
const db = await openPg({ url: base, schema, poolSizeMax: 1 });
await migrate(db);
const bic = (i: number) => `P${String(i).padStart(3, '0')}DEFFXXX`;
const specs = [...houseAccounts('EUR')];
for (let i = 0; i < 1000; i++) specs.push(...participantAccounts(bic(i), 'EUR'));
await openAccounts(db, specs, 0);
await db.query(`UPDATE ledger_account SET net_debit_cap = 1000000000000000 WHERE kind = 'clearing'`);
const clock = { now: () => Date.now() };
const ids = timeOrderedIds(clock, 3);
let k = 0;
const mk = (n: number): Command[][] => Array.from({ length: n }, () => { const i = k++; const d = i % 1000, c = (d + 1 + (i % 997)) % 1000; return [{ kind: 'transfer' as const, key: `k${i}`, postings: [{ account: clearingAccount(bic(d), 'EUR'), amount: money('EUR', 5n) }, { account: clearingAccount(bic(c), 'EUR'), amount: money('EUR', -5n) }], links: { paymentId: `k${i}` }, refs: { uetr: '7f6c1e9a-52a3-4b8e-9d1c-2f0e8b3a4c5d', endToEndId: `E2E-${i}` } }]; });
// prefill 50 batches
for (let r = 0; r < 50; r++) { const u = mk(1000); await db.transaction(async (tx) => { const { view: v } = await loadView(tx, u); const res = applyBatch(v, u, { nowMs: Date.now(), newId: () => ids.next() }); await writeBatch(tx, res, Date.now()); }); }
// capture the params of one batch by wrapping query
const c = new pg.Client({ connectionString: base, options: `-c search_path=${schema}` });
await c.connect();
const stats: Record<string, number[]> = {};
for (let r = 0; r < 25; r++) {
  const u = mk(1000);
  let captured: { sql: string; params: unknown[] } | null = null;
  await db.transaction(async (tx) => {
    const { view: v } = await loadView(tx, u);
    const res = applyBatch(v, u, { nowMs: Date.now(), newId: () => ids.next() });
    await writeBatch({ query: async (sql: string, params?: readonly unknown[]) => { captured = { sql, params: [...(params ?? [])] }; return { rows: [{ updated: res.deltas.length, drifted: 0 }], rowCount: 1 }; } }, res, Date.now());
  });
  const cap = captured as unknown as { sql: string; params: unknown[] };
  {
    const RAW = `WITH e AS (INSERT INTO ledger_entry (id, idempotency_key, kind, posting_count, payment_id, uetr, end_to_end_id, booked_at)
  SELECT u.id, u.k, 'transfer', 2, u.k, $3, 'E2E-' || u.k, $4::timestamptz FROM unnest($1::uuid[], $2::text[]) AS u(id, k)
), p AS (INSERT INTO ledger_posting (entry_id, leg, account_id, currency, amount, pending, booked_at)
  SELECT u.entry_id, u.leg, u.account_id, 'EUR', u.amount, false, $4::timestamptz FROM unnest($5::uuid[], $6::int2[], $7::text[], $8::int8[]) AS u(entry_id, leg, account_id, amount))
UPDATE ledger_account a SET posted = a.posted + d.delta FROM unnest($9::text[], $10::int8[]) AS d(id, delta) WHERE a.id = d.id`;
    const P = cap.params as string[];
    await c.query('BEGIN');
    const o2 = await c.query('EXPLAIN (ANALYZE, FORMAT JSON) ' + RAW, [P[0], P[1], '7f6c1e9a-52a3-4b8e-9d1c-2f0e8b3a4c5d', P[17], P[18], P[19], P[20], P[22], P[33], P[34]]);
    await c.query('ROLLBACK');
    (stats.rawExec ??= []).push(o2.rows[0]['QUERY PLAN'][0]['Execution Time']);
  }
  const variants: Record<string, string> = {
    noRes: cap.sql.replace(/\), r AS \([\s\S]*?\) AS u\n\)/, ')'),
    noReturning: cap.sql.replace(/RETURNING[\s\S]*$/, '').replace('), a AS (', ')').replace(/^\s*WITH/, 'WITH'),
  };
  for (const [name, sql] of Object.entries(variants)) {
    await c.query('BEGIN');
    try {
      const o = await c.query('EXPLAIN (ANALYZE, FORMAT JSON) ' + sql, cap.params);
      (stats[name] ??= []).push(o.rows[0]['QUERY PLAN'][0]['Execution Time']);
    } catch (e) { if (r === 0) console.log(name, String(e).slice(0, 200)); }
    await c.query('ROLLBACK');
  }
  await c.query('BEGIN');
  const out = await c.query('EXPLAIN (ANALYZE, FORMAT JSON) ' + cap.sql, cap.params);
  await c.query('ROLLBACK');
  const j = out.rows[0]['QUERY PLAN'][0];
  (stats.exec ??= []).push(j['Execution Time']); (stats.plan ??= []).push(j['Planning Time']);
  for (const t of j.Triggers ?? []) (stats[t['Trigger Name']] ??= []).push(t.Time);
  const walk = (n: any) => { if (n['Node Type'] === 'ModifyTable') (stats[n.Operation + ' ' + n['Relation Name']] ??= []).push(n['Actual Total Time']); for (const ch of n.Plans ?? []) walk(ch); };
  walk(j.Plan);
}
for (const [k2, v] of Object.entries(stats)) { v.sort((a, b) => a - b); console.log(k2.padEnd(40), 'min', v[0]!.toFixed(1), 'median', v[Math.floor(v.length / 2)]!.toFixed(1)); }
await c.end(); await db.close();
