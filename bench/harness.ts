/**
 * Benchmark harness: every figure is printed beside a baseline measured in the same process
 * run, on the same data, as one JSON line starting with {"bench": (../shared/spec/bench.md).
 *
 * A benchmark module exports `benchmarks: Benchmark[]`. Each benchmark's `run()` returns one or
 * more Figures; `measurePair` runs figure and baseline alternately so both see the same noise.
 */
import os from 'node:os';

export interface Figure {
  bench: string;
  value: number;
  unit: string;
  baseline: { name: string; value: number; unit: string } | null;
  ratio: number | null;
  target: string | null;
  met: boolean | null;
  runs: number;
  spread: [number, number];
  machine?: string;
  [extra: string]: unknown;
}

export interface Benchmark {
  name: string;
  run(): Promise<Figure[]>;
}

export const machine = `${os.cpus().length} cores, node ${process.version}`;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx]!;
}

/** Runs `fn` once as warm-up and then `runs` times; returns each run's rate (work / seconds). */
export async function rates(fn: () => Promise<number> | number, runs: number): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const work = await fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    out.push(work / s);
  }
  return out;
}

/**
 * Measures a figure and its baseline alternately (warm-up first), `runs` pairs, each function
 * returning the amount of work it did; rates are work per second.
 */
export async function measurePair(
  figure: () => Promise<number> | number,
  baseline: () => Promise<number> | number,
  runs: number,
): Promise<{ values: number[]; baselines: number[]; ratios: number[] }> {
  await figure();
  await baseline();
  const values: number[] = [];
  const baselines: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    const [b] = await rates(baseline, 1).then((r) => r.slice(-1));
    const [v] = await rates(figure, 1).then((r) => r.slice(-1));
    values.push(v!);
    baselines.push(b!);
    ratios.push(v! / b!);
  }
  return { values, baselines, ratios };
}

/** Builds a Figure from paired measurements; `meets` decides `met` from the median ratio/value. */
export function pairedFigure(args: {
  bench: string;
  unit: string;
  baselineName: string;
  measured: { values: number[]; baselines: number[]; ratios: number[] };
  target: string | null;
  meets?: (ratio: number, value: number) => boolean;
  extra?: Record<string, unknown>;
}): Figure {
  const { values, baselines, ratios } = args.measured;
  const value = median(values);
  const ratio = median(ratios);
  return {
    bench: args.bench,
    value: round(value),
    unit: args.unit,
    baseline: { name: args.baselineName, value: round(median(baselines)), unit: args.unit },
    ratio: round(ratio, 3),
    target: args.target,
    met: args.meets ? args.meets(ratio, value) : null,
    runs: values.length,
    spread: [round(Math.min(...ratios), 3), round(Math.max(...ratios), 3)],
    machine,
    ...(args.extra ?? {}),
  };
}

/** A figure with no natural baseline (latency percentile, optimality ratio). */
export function soloFigure(args: {
  bench: string;
  values: number[];
  unit: string;
  target: string | null;
  meets?: (value: number) => boolean;
  ratioIsValue?: boolean;
  extra?: Record<string, unknown>;
}): Figure {
  const value = median(args.values);
  return {
    bench: args.bench,
    value: round(value, 4),
    unit: args.unit,
    baseline: null,
    ratio: args.ratioIsValue ? round(value, 4) : null,
    target: args.target,
    met: args.meets ? args.meets(value) : null,
    runs: args.values.length,
    spread: [round(Math.min(...args.values), 4), round(Math.max(...args.values), 4)],
    machine,
    ...(args.extra ?? {}),
  };
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function print(f: Figure): void {
  process.stdout.write(`${JSON.stringify(f)}\n`);
}
