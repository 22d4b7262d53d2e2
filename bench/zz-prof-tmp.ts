import { generate } from './reconcile.bench.js';
import { reconcile, reportJson } from '../src/reconciliation/index.js';
const data = generate(Number(process.env.N ?? 100000));
for (let i = 0; i < Number(process.env.R ?? 3); i++) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const st = reconcile({ statements: data.statements, ledger: data.ledger.slice(), asOf: data.asOf, config: data.config });
  const c1 = process.cpuUsage(c0); const t1 = performance.now();
  const b0 = process.cpuUsage();
  const m = new Map<string, number>(); data.ledger.forEach((l, i) => m.set(l.refs.endToEndId!, i)); let h = 0;
  for (const s of data.statements) for (const e of s.entries) { if (e.transactions && e.transactions.length > 1) { for (const t of e.transactions) if (m.has(t.refs.endToEndId!)) h++; } else if (e.refs.endToEndId !== undefined && m.has(e.refs.endToEndId)) h++; }
  const b1 = process.cpuUsage(b0);
  console.log('heapMB', Math.round(process.memoryUsage().heapUsed/1e6), 'reconcile wall', Math.round(t1 - t0), 'cpu', Math.round((c1.user + c1.system) / 1000), 'ms; baseline cpu', Math.round((b1.user + b1.system) / 1000), 'ratio', ((c1.user + c1.system) / (b1.user + b1.system)).toFixed(1), h, st.matches.length);
}
