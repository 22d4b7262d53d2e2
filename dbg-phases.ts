import { money, timeOrderedIds } from './src/domain/index.js';
import { openPg, migrate } from './src/db/index.js';
import { applyBatch, clearingAccount, houseAccounts, openAccounts, participantAccounts, type Command } from './src/ledger/index.pg.js';
import { loadView, writeBatch } from './src/ledger/store.pg.js';
const base = 'postgres://postgres@127.0.0.1:5432/test';
const schema = 't_phase_dbg';
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
for (const s of (process.env.PRE ?? '').split(';').filter(Boolean)) await db.exec(s);
const clock = { now: () => Date.now() };
const ids = timeOrderedIds(clock, 3);
let k = 0;
const mk = (n: number): Command[][] => Array.from({ length: n }, () => { const i = k++; const d = i % 1000, c = (d + 1 + (i % 997)) % 1000; return [{ kind: 'transfer' as const, key: `k${i}`, postings: [{ account: clearingAccount(bic(d), 'EUR'), amount: money('EUR', 5n) }, { account: clearingAccount(bic(c), 'EUR'), amount: money('EUR', -5n) }], links: { paymentId: `k${i}` }, refs: { uetr: '7f6c1e9a-52a3-4b8e-9d1c-2f0e8b3a4c5d', endToEndId: `E2E-${i}` } }]; });
const tot = { begin: 0, load: 0, decide: 0, write: 0, commit: 0, all: 0 };
const N = 40;
for (let r = 0; r < N; r++) {
  const units = mk(1000);
  const t0 = performance.now();
  let t1 = 0, t2 = 0, t3 = 0, t4 = 0;
  await db.transaction(async (tx) => {
    t1 = performance.now();
    const view = await loadView(tx, units);
    t2 = performance.now();
    const res = applyBatch(view, units, { nowMs: Date.now(), newId: () => ids.next() });
    t3 = performance.now();
    await writeBatch(tx, res, Date.now());
    t4 = performance.now();
  });
  const t5 = performance.now();
  if (r >= 10) { tot.begin += t1 - t0; tot.load += t2 - t1; tot.decide += t3 - t2; tot.write += t4 - t3; tot.commit += t5 - t4; tot.all += t5 - t0; }
}
for (const [k2, v] of Object.entries(tot)) console.log(k2, (v / (N - 10)).toFixed(1));
console.log('transfers/s', Math.round(1000 / (tot.all / (N - 10)) * 1000));
await db.close();
