/**
 * `npm run bench [-- --filter PREFIX]`: runs every benchmark module listed below and prints
 * one JSON line per figure (../shared/spec/bench.md), plus a human-readable table on stderr.
 */
import { print, type Benchmark, type Figure } from './harness.js';

const modules: Array<() => Promise<{ benchmarks: Benchmark[] }>> = [
  // Each module registers here; keep the list in pipeline order.
  () => import('./intake.bench.js'),
  () => import('./netting.bench.js'),
  () => import('./reconcile.bench.js'),
  () => import('./outbox.bench.js'),
  () => import('./ledger.bench.js'),
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const fi = args.indexOf('--filter');
  const filter = fi >= 0 ? (args[fi + 1] ?? '') : '';
  const all: Figure[] = [];
  for (const load of modules) {
    const { benchmarks } = await load();
    for (const b of benchmarks) {
      if (filter && !b.name.startsWith(filter)) continue;
      process.stderr.write(`running ${b.name} …\n`);
      const figures = await b.run();
      for (const f of figures) {
        print(f);
        all.push(f);
      }
    }
  }
  for (const f of all) {
    const base = f.baseline ? `${f.baseline.value} ${f.baseline.unit} (${f.baseline.name})` : '-';
    process.stderr.write(
      `${f.bench.padEnd(28)} ${String(f.value).padStart(12)} ${f.unit.padEnd(8)} baseline ${base}  ratio ${f.ratio ?? '-'}  ${f.met === null ? '' : f.met ? 'met' : 'NOT met'}\n`,
    );
  }
}

await main();
