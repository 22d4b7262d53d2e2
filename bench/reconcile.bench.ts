/**
 * `reconcile.1m`: reconciling 1,000,000 statement lines against 1,000,000 ledger lines, end to
 * end and in one process: statement ingestion (20 daily statements that overlap by a share of
 * their entries, so de-duplication has work to do, with some batch bookings to expand), all
 * matching tiers with their optimal assignments, break classification and ageing, and the
 * balance proof. Target: at most 60 s.
 *
 * Baseline, same data, same run: a plain hash join on exact references — a Map from EndToEndId to
 * ledger line, probed with every statement entry's (and batch detail's) EndToEndId, counting hits.
 * The ratio says what the engine's extra work (tiers, tolerance search, assignment, breaks,
 * proofs) costs over the bare minimum a reconciliation must do.
 *
 * The data are realistic in mix, generated from a fixed seed: ~90% of lines carry the ledger's
 * references; the rest are bank lines without references (matched on amount, value date and
 * counterparty, some in ambiguous pairs), value dates one business day off, small fee
 * differences, one-to-many sums, and injected breaks of every class (missing on either side,
 * amount mismatch, value date outside the window, duplicate, pending, reversal pairs). The
 * figure's extra fields report how many of each the run found beside how many were injected.
 *
 * Environment: RECONCILE_BENCH_LINES (default 1000000), RECONCILE_BENCH_RUNS (default 3).
 */
import {
  reconcile,
  reportJson,
  summarize,
  type LedgerLine,
  type ReconcileConfig,
  type Statement,
  type StatementEntry,
} from '../src/reconciliation/index.js';
import { measurePair, pairedFigure, round, type Benchmark, type Figure } from './harness.js';

const LINES = Number(process.env.RECONCILE_BENCH_LINES ?? 1_000_000);
const RUNS = Number(process.env.RECONCILE_BENCH_RUNS ?? 3);
const TARGET_S = 60;

/** Business days of March 2026 (no TARGET2 holiday falls in it). */
const DAYS: string[] = [];
for (let d = 1; d <= 31 && DAYS.length < 21; d++) {
  const iso = `2026-03-${String(d).padStart(2, '0')}`;
  const wd = new Date(`${iso}T00:00:00Z`).getUTCDay();
  if (wd !== 0 && wd !== 6) DAYS.push(iso);
}
const STATEMENT_DAYS = 20;
const CPTYS = Array.from(
  { length: 200 },
  (_, i) =>
    `BK${String(i).padStart(2, '0').slice(-2)}${'DEFRITESNLBE'.slice((i % 6) * 2, (i % 6) * 2 + 2)}${String(i).padStart(3, '0').slice(-2)}XXX`,
);

/** mulberry32: a small deterministic PRNG for the data (bench code, not the engine). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BenchData {
  statements: Statement[];
  ledger: LedgerLine[];
  statementLines: number;
  injected: Record<string, number>;
  config: Partial<ReconcileConfig>;
  asOf: string;
}

export function generate(lines: number, seed = 20260302): BenchData {
  const rnd = prng(seed);
  const hex = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rnd() * 16)];
    return s;
  };
  const ledger: LedgerLine[] = [];
  /** Entries per booking day. */
  const byDay: StatementEntry[][] = Array.from({ length: STATEMENT_DAYS }, () => []);
  const injected: Record<string, number> = {
    missingOnStatement: 0,
    missingInLedger: 0,
    amountMismatch: 0,
    valueDateMismatch: 0,
    duplicate: 0,
    timing: 0,
    pending: 0,
    reversalPairs: 0,
    tier2: 0,
    tier2Ambiguous: 0,
    toleranceDate: 0,
    toleranceAmount: 0,
    toleranceCounterparty: 0,
    groupSum: 0,
    batchEntries: 0,
  };
  let statementLines = 0;
  let seq = 0;
  let batch: {
    day: number;
    entry: StatementEntry;
    txs: NonNullable<StatementEntry['transactions']>[number][];
  } | null = null;
  let batchLeft = 0;

  const newLedger = (
    day: number,
    amount?: bigint,
    cpty?: string,
    direction?: 'CRDT' | 'DBIT',
  ): LedgerLine => {
    const i = seq++;
    const id = `L${String(i).padStart(8, '0')}`;
    const line: LedgerLine = {
      id,
      currency: 'EUR',
      amount: amount ?? BigInt(100 + Math.floor(rnd() * 10_000_000)),
      direction: direction ?? (rnd() < 0.5 ? 'CRDT' : 'DBIT'),
      bookingDate: DAYS[day]!,
      valueDate: DAYS[day]!,
      refs: {
        endToEndId: `E2E-${id}`,
        uetr: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
        txId: `TX-${id}`,
        cycleRef: `C${day}-${i % 48}`,
      },
      counterparty: cpty ?? CPTYS[Math.floor(rnd() * CPTYS.length)]!,
    };
    ledger.push(line);
    return line;
  };
  const entryOf = (l: LedgerLine, day: number, over: Partial<StatementEntry> = {}): StatementEntry => ({
    amount: l.amount,
    direction: l.direction,
    status: 'BOOK',
    bookingDate: DAYS[day]!,
    valueDate: l.valueDate,
    refs: { ...l.refs, acctSvcrRef: `SV-${l.id}` },
    counterparty: l.counterparty,
    ...over,
  });
  const emit = (day: number, e: StatementEntry): void => {
    byDay[day]!.push(e);
    statementLines++;
  };
  let extra = 0;
  const bankOnly = (): string => `X${String(extra++).padStart(8, '0')}`;

  while (statementLines < lines) {
    const day = Math.floor(rnd() * STATEMENT_DAYS);
    const r = rnd();
    if (batchLeft > 0 && batch) {
      const l = newLedger(batch.day, undefined, undefined, batch.entry.direction);
      batch.txs.push({
        amount: l.amount,
        refs: { endToEndId: l.refs.endToEndId, uetr: l.refs.uetr, txId: l.refs.txId },
        counterparty: l.counterparty,
      });
      statementLines++;
      if (--batchLeft === 0) {
        const total = batch.txs.reduce((s, t) => s + t.amount!, 0n);
        byDay[batch.day]!.push({ ...batch.entry, amount: total, transactions: batch.txs });
        batch = null;
      }
      continue;
    }
    if (r < 0.005) {
      // A batch booking of 10 transactions with TxDtls.
      const dir = rnd() < 0.5 ? 'CRDT' : 'DBIT';
      batch = {
        day,
        entry: {
          amount: 1n,
          direction: dir,
          status: 'BOOK',
          bookingDate: DAYS[day]!,
          valueDate: DAYS[day]!,
          refs: { acctSvcrRef: `SVB-${seq}` },
          batch: { msgId: `MSG-B${seq}`, numberOfTransactions: 10 },
        },
        txs: [],
      };
      batchLeft = 10;
      injected.batchEntries!++;
      continue;
    }
    if (r >= 0.9 && r < 0.902) {
      // Value date five business days off: outside the two-day window.
      const d = Math.min(day, STATEMENT_DAYS - 6);
      const l = newLedger(d);
      emit(d, entryOf(l, d, { valueDate: DAYS[d + 5]! }));
      injected.valueDateMismatch!++;
    } else if (r < 0.8 || r >= 0.9) {
      const l = newLedger(day);
      emit(day, entryOf(l, day));
    } else if (r < 0.83) {
      const l = newLedger(day);
      emit(day, entryOf(l, day, { refs: { acctSvcrRef: `SV-${l.id}` } }));
      injected.tier2!++;
    } else if (r < 0.84) {
      const a = newLedger(day);
      const b = newLedger(day, a.amount, a.counterparty, a.direction);
      emit(day, entryOf(a, day, { refs: { acctSvcrRef: `SV-${a.id}` } }));
      emit(day, entryOf(b, day, { refs: { acctSvcrRef: `SV-${b.id}` } }));
      injected.tier2Ambiguous! += 2;
    } else if (r < 0.86) {
      const d = Math.min(day, STATEMENT_DAYS - 2);
      const l = newLedger(d);
      emit(d, entryOf(l, d, { valueDate: DAYS[d + 1]! }));
      injected.toleranceDate!++;
    } else if (r < 0.87) {
      const l = newLedger(day);
      emit(day, entryOf(l, day, { amount: l.amount - BigInt(1 + Math.floor(rnd() * 400)) }));
      injected.toleranceAmount!++;
    } else if (r < 0.875) {
      const l = newLedger(day);
      emit(day, entryOf(l, day, { amount: l.amount + 100_000n }));
      injected.amountMismatch!++;
    } else if (r < 0.88) {
      newLedger(day);
      injected.missingOnStatement!++;
    } else if (r < 0.885) {
      const x = bankOnly();
      emit(day, {
        amount: BigInt(100 + Math.floor(rnd() * 10_000_000)),
        direction: rnd() < 0.5 ? 'CRDT' : 'DBIT',
        status: 'BOOK',
        bookingDate: DAYS[day]!,
        refs: { acctSvcrRef: `SV-${x}`, endToEndId: `E2E-${x}` },
        counterparty: CPTYS[Math.floor(rnd() * CPTYS.length)]!,
      });
      injected.missingInLedger!++;
    } else if (r < 0.888) {
      const l = newLedger(day);
      emit(day, entryOf(l, day));
      emit(day, entryOf(l, day, { refs: { ...l.refs, acctSvcrRef: `SV-${l.id}-dup` } }));
      injected.duplicate!++;
    } else if (r < 0.89) {
      const l = newLedger(day);
      emit(day, entryOf(l, day, { status: 'PDNG' }));
      injected.pending!++;
      injected.timing!++;
    } else if (r < 0.892) {
      const x = bankOnly();
      const amount = BigInt(100 + Math.floor(rnd() * 10_000_000));
      const dir = rnd() < 0.5 ? 'CRDT' : 'DBIT';
      const refs = { endToEndId: `E2E-${x}`, uetr: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}` };
      emit(day, {
        amount,
        direction: dir,
        status: 'BOOK',
        bookingDate: DAYS[day]!,
        refs: { ...refs, acctSvcrRef: `SV-${x}` },
      });
      emit(day, {
        amount,
        direction: dir === 'CRDT' ? 'DBIT' : 'CRDT',
        status: 'BOOK',
        bookingDate: DAYS[day]!,
        reversal: true,
        refs: { ...refs, acctSvcrRef: `SV-${x}-R` },
      });
      injected.reversalPairs!++;
    } else if (r < 0.895) {
      const a = newLedger(day);
      const b = newLedger(day, BigInt(100 + Math.floor(rnd() * 1_000_000)), a.counterparty, a.direction);
      const c = newLedger(day, BigInt(100 + Math.floor(rnd() * 1_000_000)), a.counterparty, a.direction);
      emit(day, {
        amount: a.amount + b.amount + c.amount,
        direction: a.direction,
        status: 'BOOK',
        bookingDate: DAYS[day]!,
        refs: { acctSvcrRef: `SVG-${a.id}` },
        counterparty: a.counterparty,
      });
      injected.groupSum!++;
    } else {
      const d = Math.min(day, STATEMENT_DAYS - 2);
      const l = newLedger(d);
      emit(d, entryOf(l, d, { refs: { acctSvcrRef: `SV-${l.id}` }, valueDate: DAYS[d + 1]! }));
      injected.toleranceCounterparty!++;
    }
  }
  if (batch) {
    const total = batch.txs.reduce((s, t) => s + t.amount!, 0n);
    if (batch.txs.length > 0)
      byDay[batch.day]!.push({
        ...batch.entry,
        amount: total,
        batch: { ...batch.entry.batch, numberOfTransactions: batch.txs.length },
        transactions: batch.txs,
      });
  }

  // Daily statements; each repeats the last 2% of the previous day's entries (overlap).
  const statements: Statement[] = [];
  let balance = 1_000_000_000n;
  const signedOf = (e: StatementEntry): bigint =>
    e.status !== 'BOOK' ? 0n : e.direction === 'CRDT' ? e.amount : -e.amount;
  for (let d = 0; d < STATEMENT_DAYS; d++) {
    const own = byDay[d]!;
    const prev = d > 0 ? byDay[d - 1]! : [];
    const overlap = prev.slice(prev.length - Math.floor(prev.length * 0.02));
    let opening = balance;
    for (const e of overlap) opening -= signedOf(e);
    for (const e of own) balance += signedOf(e);
    statements.push({
      id: `STMT-${DAYS[d]}`,
      account: 'DE89370400440532013000',
      currency: 'EUR',
      sequence: d + 1,
      fromDate: DAYS[d]!,
      toDate: DAYS[d]!,
      openingBalance: opening,
      closingBalance: balance,
      entries: [...overlap, ...own],
    });
  }
  return {
    statements,
    ledger,
    statementLines,
    injected,
    config: { amountToleranceMinor: 500n, dateWindowBusinessDays: 2 },
    asOf: DAYS[STATEMENT_DAYS]!,
  };
}

/** The baseline: Map from EndToEndId to ledger line, probed with every statement EndToEndId. */
export function hashJoin(data: BenchData): number {
  const byE2e = new Map<string, number>();
  for (let i = 0; i < data.ledger.length; i++) {
    const e = data.ledger[i]!.refs.endToEndId;
    if (e !== undefined) byE2e.set(e, i);
  }
  let hits = 0;
  for (const st of data.statements) {
    for (const e of st.entries) {
      if (e.transactions && e.transactions.length > 1) {
        for (const t of e.transactions)
          if (t.refs.endToEndId !== undefined && byE2e.has(t.refs.endToEndId)) hits++;
      } else if (e.refs.endToEndId !== undefined && byE2e.has(e.refs.endToEndId)) hits++;
    }
  }
  return hits;
}

async function run(): Promise<Figure[]> {
  process.stderr.write(`  generating ${LINES} statement lines …\n`);
  const data = generate(LINES);
  process.stderr.write(
    `  ${data.statementLines} statement lines in ${data.statements.length} statements, ${data.ledger.length} ledger lines\n`,
  );
  let last: ReturnType<typeof reconcile> | null = null;
  let hits = 0;
  const measured = await measurePair(
    () => {
      // A fresh ledger array each run, so nothing prepared by an earlier run is reused; the
      // previous run's state is dropped first so that two states never share the heap.
      last = null;
      last = reconcile({
        statements: data.statements,
        ledger: data.ledger.slice(),
        asOf: data.asOf,
        config: data.config,
      });
      return data.statementLines;
    },
    () => {
      hits = hashJoin(data);
      return data.statementLines;
    },
    RUNS,
  );
  const state = last!;
  const summary = summarize(state);
  const t0 = process.hrtime.bigint();
  const json = reportJson(state);
  const reportMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const seconds = measured.values.map((v) => data.statementLines / v);
  const baselineSeconds = measured.baselines.map((v) => data.statementLines / v);
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const mem = process.memoryUsage();
  return [
    pairedFigure({
      bench: 'reconcile.1m',
      unit: 'lines/s',
      baselineName: 'hash join on EndToEndId (Map)',
      measured,
      target: `reconcile ${data.statementLines} statement lines vs ${data.ledger.length} ledger lines in <= ${TARGET_S} s`,
      meets: (_ratio, value) => data.statementLines / value <= TARGET_S,
      extra: {
        seconds: round(med(seconds), 2),
        baselineSeconds: round(med(baselineSeconds), 3),
        statementLines: data.statementLines,
        statementEntries: state.entryCount,
        statements: data.statements.length,
        ledgerLines: data.ledger.length,
        baselineHits: hits,
        matches: summary.matches,
        confirmed: summary.confirmed,
        suggested: summary.suggested,
        matchesByRule: summary.matchesByRule,
        breaksByClass: summary.breaksByClass,
        pending: summary.pendingLines,
        reversalPairs: summary.reversalPairs,
        injected: data.injected,
        duplicateEntriesDropped: state.stats.duplicateEntriesDropped,
        componentsSolved: state.stats.componentsSolved,
        largestComponent: state.stats.largestComponent,
        componentsOverSizeMax: state.stats.componentsOverSizeMax,
        balanceDifference: state.balance.difference.toString(),
        reportJsonMs: round(reportMs, 0),
        reportJsonMB: round(json.length / 1e6, 1),
        heapUsedMB: round(mem.heapUsed / 1e6, 0),
        rssMB: round(mem.rss / 1e6, 0),
      },
    }),
  ];
}

export const benchmarks: Benchmark[] = [{ name: 'reconcile.1m', run }];
