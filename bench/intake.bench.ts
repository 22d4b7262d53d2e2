/**
 * Intake of ISO 20022 messages through `validate` (src/mapping/validate.ts): the safe-XML gate,
 * the envelope, the usage-guideline XSD (libxml2-wasm, in process), the typed reader and the
 * business rules.
 *
 * - `intake.pacs008.10k`: transactions per second for a generated 10,000-transaction pacs.008
 *   (decoded, gated, schema-validated, read into typed models — kept, as intake keeps them —
 *   and checked), beside a raw saxes parse of the same bytes (decode + `SaxesParser` with its
 *   defaults, counting elements) measured alternately in the same run. Target ratio ≥ 0.3.
 * - `intake.memory.100k`: peak RSS (kernel maxRSS) of a child process that validates a
 *   generated 100,000-transaction file, beside a child that only reads and saxes-parses the same
 *   file; heap after validation and the file size are extra fields. Target: it completes,
 *   accepted, without exhausting memory.
 * - `intake.single.p99`: latency of `validate` on a one-transaction pacs.008 with its AppHdr
 *   in an envelope (p50 and p99 over many calls after a warm-up). Target p99 ≤ 5 ms.
 *
 * INTAKE_BENCH_RUNS (default 5) pairs for the throughput figure; INTAKE_BENCH_SINGLE (default
 * 2,000) calls for the latency figure.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { SaxesParser } from 'saxes';
import { validate } from '../src/mapping/validate.js';
import { writeMessage } from '../src/mapping/write/message.js';
import { createLibxml2Validator } from '../src/mapping/xsd/index.io.js';
import { bulkPacs008Xml, LIMITS, pacs008 } from '../test/unit/mapping/messages.js';
import {
  machine,
  measurePair,
  pairedFigure,
  percentile,
  round,
  soloFigure,
  type Benchmark,
  type Figure,
} from './harness.js';

const RUNS = Number(process.env.INTAKE_BENCH_RUNS ?? 5);
const SINGLE_CALLS = Number(process.env.INTAKE_BENCH_SINGLE ?? 2_000);
const SCHEMA_DIR = fileURLToPath(new URL('../schemas/iso20022', import.meta.url));
const CHILD = 'INTAKE_BENCH_CHILD';

function rawSaxes(bytes: Uint8Array): number {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  const p = new SaxesParser();
  let elements = 0;
  p.on('opentag', () => elements++);
  p.write(text).close();
  return elements;
}

async function throughput(): Promise<Figure> {
  const n = 10_000;
  const bytes = new TextEncoder().encode(bulkPacs008Xml(n));
  const xsd = createLibxml2Validator({ schemaDir: SCHEMA_DIR });
  try {
    const measured = await measurePair(
      async () => {
        const v = await validate(bytes, { xsd, limits: LIMITS, retainTransactionsMax: n });
        if (!v.accepted || v.transactionCount !== n)
          throw new Error(`intake rejected: ${JSON.stringify(v.errors[0])}`);
        return n;
      },
      () => {
        rawSaxes(bytes);
        return n;
      },
      RUNS,
    );
    return pairedFigure({
      bench: 'intake.pacs008.10k',
      unit: 'tx/s',
      baselineName: 'saxes raw parse',
      measured,
      target: 'ratio >= 0.3',
      meets: (ratio) => ratio >= 0.3,
      extra: { fileBytes: bytes.length },
    });
  } finally {
    await xsd.close();
  }
}

async function single(): Promise<Figure> {
  const xml = writeMessage(pacs008(1, { header: true }));
  const bytes = new TextEncoder().encode(xml);
  const xsd = createLibxml2Validator({ schemaDir: SCHEMA_DIR });
  try {
    for (let i = 0; i < 200; i++) await validate(bytes, { xsd, limits: LIMITS });
    const ms: number[] = [];
    for (let i = 0; i < SINGLE_CALLS; i++) {
      const t0 = process.hrtime.bigint();
      const v = await validate(bytes, { xsd, limits: LIMITS });
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (!v.accepted) throw new Error('single message rejected');
    }
    const p99 = percentile(ms, 99);
    return {
      ...soloFigure({
        bench: 'intake.single.p99',
        values: [p99],
        unit: 'ms',
        target: 'p99 <= 5 ms',
        meets: (v) => v <= 5,
      }),
      runs: ms.length,
      spread: [round(Math.min(...ms), 3), round(Math.max(...ms), 3)],
      p50: round(percentile(ms, 50), 3),
      p99: round(p99, 3),
      messageBytes: bytes.length,
    };
  } finally {
    await xsd.close();
  }
}

interface ChildReport {
  maxRssMb: number;
  heapUsedMb: number;
  accepted: boolean;
  transactions: number;
  seconds: number;
}

function child(mode: 'validate' | 'saxes', file: string): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, [CHILD]: `${mode}:${file}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{'))
        reject(new Error(`memory child (${mode}) exited ${code}: ${out.slice(-500)}`));
      else resolve(JSON.parse(last) as ChildReport);
    });
  });
}

async function memory(): Promise<Figure> {
  const n = 100_000;
  const dir = mkdtempSync(join(tmpdir(), 'isoclear-intake-'));
  const file = join(dir, 'pacs008-100k.xml');
  try {
    writeFileSync(file, bulkPacs008Xml(n));
    const base = await child('saxes', file);
    const run = await child('validate', file);
    const fileMb = readFileSync(file).length / 2 ** 20;
    return {
      bench: 'intake.memory.100k',
      value: round(run.maxRssMb),
      unit: 'MB peak RSS',
      baseline: {
        name: 'read + saxes raw parse, peak RSS',
        value: round(base.maxRssMb),
        unit: 'MB peak RSS',
      },
      ratio: round(run.maxRssMb / base.maxRssMb, 3),
      target: 'completes and accepts 100,000 transactions without exhausting memory',
      met: run.accepted && run.transactions === n,
      runs: 1,
      spread: [round(run.maxRssMb / base.maxRssMb, 3), round(run.maxRssMb / base.maxRssMb, 3)],
      machine,
      fileMb: round(fileMb),
      heapUsedAfterMb: round(run.heapUsedMb),
      seconds: round(run.seconds, 2),
      heapLimitMb: round(getHeapStatistics().heap_size_limit / 2 ** 20),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The child side of `intake.memory.100k`: one job, one JSON line on stdout. */
async function runChild(spec: string): Promise<void> {
  const [mode, file] = [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)];
  const t0 = process.hrtime.bigint();
  const bytes = readFileSync(file);
  let accepted = true;
  let transactions = 0;
  if (mode === 'saxes') rawSaxes(bytes);
  else {
    const xsd = createLibxml2Validator({ schemaDir: SCHEMA_DIR });
    const v = await validate(bytes, { xsd, limits: LIMITS, retainTransactionsMax: 0 });
    accepted = v.accepted;
    transactions = v.transactionCount;
    await xsd.close();
  }
  const report: ChildReport = {
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
    accepted,
    transactions,
    seconds: Number(process.hrtime.bigint() - t0) / 1e9,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

export const benchmarks: Benchmark[] = [
  { name: 'intake.pacs008.10k', run: async () => [await throughput()] },
  { name: 'intake.memory.100k', run: async () => [await memory()] },
  { name: 'intake.single.p99', run: async () => [await single()] },
];

if (process.env[CHILD]) await runChild(process.env[CHILD]);
