import { generate } from './reconcile.bench.js';
import { reconcile, reportJson } from '../src/reconciliation/index.js';
const data = generate(Number(process.env.N ?? 100000));
for (let i = 0; i < 2; i++) {
  const t0 = performance.now();
  const st = reconcile({ statements: data.statements, ledger: data.ledger.slice(), asOf: data.asOf, config: data.config });
  const t1 = performance.now();
  const j = reportJson(st);
  console.log('reconcile', Math.round(t1 - t0), 'ms; json', Math.round(performance.now() - t1), 'ms', j.length);
}
