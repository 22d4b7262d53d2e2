import { generate } from './reconcile.bench.js';
import { ingestStatements } from '../src/reconciliation/ingest.js';
import { prepareSide } from '../src/reconciliation/sides.js';
import { matchLines } from '../src/reconciliation/matching.js';
import { classifyBreaks } from '../src/reconciliation/breaks.js';
import { resolveConfig, calendarOf } from '../src/reconciliation/reconcile.js';
const data = generate(Number(process.env.N ?? 100000));
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
for (let r = 0; r < Number(process.env.R ?? 3); r++) {
  const out: string[] = [];
  let t = cpu(); let w = performance.now();
  const lap = (name: string) => { const c = cpu(); const ww = performance.now(); out.push(`${name} ${Math.round(c - t)}/${Math.round(ww - w)}`); t = c; w = ww; };
  const config = resolveConfig(data.config);
  const ing = ingestStatements(data.statements, { dedupeByEntryRef: true }); lap('ingest');
  const cal = calendarOf(config);
  const S = prepareSide(ing.lines, 'EUR', cal, 'statement'); lap('prepS');
  const L = prepareSide(data.ledger.slice(), 'EUR', cal, 'ledger'); lap('prepL');
  const o = matchLines(S, L, config); lap('match');
  const b = classifyBreaks({ S, L, matches: o.matches, reversals: o.reversals, batchMismatches: ing.batchMismatches, config, calendar: cal, asOf: data.asOf, open: { s: o.sOpen, l: o.lOpen } }); lap('breaks');
  console.log(out.join('  '), 'cpu/wall ms', b.breaks.length);
}
