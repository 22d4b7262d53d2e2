import { money, timeOrderedIds } from './src/domain/index.js';
import { openPg, migrate } from './src/db/index.js';
import { clearingAccount, houseAccounts, LedgerWriter, openAccounts, participantAccounts } from './src/ledger/index.pg.js';
const base = 'postgres://postgres@127.0.0.1:5432/test';
const schema = 't_w_dbg';
const admin = await openPg({ url: base, schema: 'public' });
await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
await admin.close();
const db = await openPg({ url: base, schema, poolSizeMax: 4 });
await migrate(db);
const bic = (i: number) => `P${String(i).padStart(3, '0')}DEFFXXX`;
const specs = [...houseAccounts('EUR')];
for (let i = 0; i < 1000; i++) specs.push(...participantAccounts(bic(i), 'EUR'));
await openAccounts(db, specs, 0);
await db.query(`UPDATE ledger_account SET net_debit_cap = 1000000000000000 WHERE kind = 'clearing'`);
const clock = { now: () => Date.now() };
let k = 0;
const mk = (n: number) => Array.from({ length: n }, () => { const i = k++; const d = i % 1000, c = (d + 1 + (i % 997)) % 1000; return { kind: 'transfer' as const, key: `k${i}`, postings: [{ account: clearingAccount(bic(d), 'EUR'), amount: money('EUR', 5n) }, { account: clearingAccount(bic(c), 'EUR'), amount: money('EUR', -5n) }], links: { paymentId: `k${i}` }, refs: { uetr: '7f6c1e9a-52a3-4b8e-9d1c-2f0e8b3a4c5d', endToEndId: `E2E-${i}` } }; });
for (let r = 0; r < 3; r++) {
  const w = new LedgerWriter(db, { clock, ids: timeOrderedIds(clock, 1), batchSizeMax: 1000, queueDepthMax: 1e6 });
  const cmds = mk(30000);
  const c0 = process.cpuUsage(); const t0 = performance.now();
  await Promise.all(cmds.map((c) => w.submit(c)));
  const ms = performance.now() - t0; const cpu = process.cpuUsage(c0);
  console.log({ perS: Math.round(30000 / ms * 1000), nodeCpuMsPer1000: ((cpu.user + cpu.system) / 1000 / 30).toFixed(1) });
  await w.close();
}
await db.close();
