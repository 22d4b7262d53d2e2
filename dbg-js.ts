import { money } from './src/domain/index.js';
import { applyBatch, clearingAccount, type AccountState, type Command } from './src/ledger/index.js';
const bic = (i: number) => `P${String(i).padStart(3, '0')}DEFFXXX`;
const accounts = new Map<string, AccountState>();
for (let i = 0; i < 1000; i++) { const id = clearingAccount(bic(i), 'EUR'); accounts.set(id, { id, kind: 'clearing', currency: 'EUR', posted: 0n, pendingDebits: 0n, pendingCredits: 0n, limit: { netDebitCapMinor: 10n ** 15n, prefundedMinor: 0n } }); }
let k = 0;
const mk = (n: number): Command[][] => Array.from({ length: n }, () => { const i = k++; const d = i % 1000, c = (d + 1 + (i % 997)) % 1000; return [{ kind: 'transfer' as const, key: `k${i}`, postings: [{ account: clearingAccount(bic(d), 'EUR'), amount: money('EUR', 5n) }, { account: clearingAccount(bic(c), 'EUR'), amount: money('EUR', -5n) }], links: { paymentId: `k${i}` }, refs: { uetr: '7f6c1e9a-52a3-4b8e-9d1c-2f0e8b3a4c5d', endToEndId: `E2E-${i}` } }]; });
let n = 0;
const batches = Array.from({ length: 300 }, () => mk(1000));
const c0 = process.cpuUsage();
for (const units of batches) applyBatch({ accounts, records: new Map(), resolutions: new Map() }, units, { nowMs: 1, newId: () => `00000000-0000-7000-8000-${String(++n).padStart(12, '0')}` });
const c = process.cpuUsage(c0);
console.log('applyBatch cpu µs per command', ((c.user + c.system) / 300 / 1000).toFixed(2));
