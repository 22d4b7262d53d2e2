import { money, timeOrderedIds } from './src/domain/index.js';
import { openPg } from './src/db/index.js';
import { applyBatch, clearingAccount } from './src/ledger/index.pg.js';
import { readView } from './src/ledger/store.pg.js';
const db = await openPg({ url: 'postgres://postgres@127.0.0.1:5432/test', schema: 't_sql_dbg', poolSizeMax: 2 });
const bic = (i: number) => `P${String(i).padStart(3, '0')}DEFFXXX`;
let k = 10_000_000;
const mk = (n: number) => Array.from({ length: n }, () => { const i = k++; const d = i % 1000, c = (d + 1 + (i % 997)) % 1000; return [{ kind: 'transfer' as const, key: `k${i}`, postings: [{ account: clearingAccount(bic(d), 'EUR'), amount: money('EUR', 5n) }, { account: clearingAccount(bic(c), 'EUR'), amount: money('EUR', -5n) }], links: { paymentId: `k${i}` }, refs: { uetr: '7f6c1e9a-52a3-4b8e-9d1c-2f0e8b3a4c5d', endToEndId: `E2E-${i}` } }]; });
const clock = { now: () => Date.now() }; const ids = timeOrderedIds(clock, 5);
const cache = new Map();
const rv: number[] = [], ab: number[] = [];
for (let r = 0; r < 30; r++) {
  const u = mk(1000);
  const t0 = performance.now();
  const view = await readView(db, u, cache);
  const t1 = performance.now();
  applyBatch(view, u, { nowMs: 1, newId: () => ids.next() });
  const t2 = performance.now();
  for (const [id, a] of view.accounts) cache.set(id, a);
  if (r >= 5) { rv.push(t1 - t0); ab.push(t2 - t1); }
}
const med = (x: number[]) => x.sort((a, b) => a - b)[Math.floor(x.length / 2)]!.toFixed(1);
const min = (x: number[]) => Math.min(...x).toFixed(1);
console.log('readView med', med(rv), 'min', min(rv), 'applyBatch med', med(ab), 'min', min(ab));
await db.close();
