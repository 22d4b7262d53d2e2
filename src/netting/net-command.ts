/**
 * `isoclear net [--time-limit-ms N] [--deterministic] INSTANCE.json` (shared/spec/cli.md): runs
 * settlement selection on one cycle's queue offline and prints the result as one JSON object.
 * Exit 0 on success, 2 on a malformed instance, a usage error or an unreadable file.
 *
 * The file system and the clock come in through `io`, so this stays testable without either.
 */
import {
  formatSelection,
  INSTANCE_LIMITS_DEFAULT,
  parseInstanceText,
  type InstanceLimits,
} from './instance.js';
import { SELECTION_DEFAULTS, selectSettlement } from './selection.js';

export interface NetIo {
  readFile(path: string): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Monotonic milliseconds (performance.now), shared by heuristics and solver. */
  clock?: () => number;
}

export interface NetConfig {
  readonly timeLimitMs: number;
  readonly instanceBytesMax: number;
  readonly limits: InstanceLimits;
}

export const NET_CONFIG_DEFAULT: NetConfig = {
  timeLimitMs: SELECTION_DEFAULTS.timeLimitMs,
  instanceBytesMax: 512 * 1024 * 1024,
  limits: INSTANCE_LIMITS_DEFAULT,
};

export const NET_USAGE = `usage: isoclear net [--time-limit-ms N] [--deterministic] INSTANCE.json

Selects which queued payments of one cycle settle together within every participant's limit,
settling as much value as possible (urgent payments first), and prints one JSON object:
settled, deferred, settledValue, positions, upperBound, gap, method, optimal.
  --time-limit-ms N   solver budget in milliseconds (default ${NET_CONFIG_DEFAULT.timeLimitMs})
  --deterministic     work limits instead of wall-clock: identical output on every machine
Exit 0 on success, 2 on a malformed instance or a usage error.
`;

export async function runNet(
  args: readonly string[],
  io: NetIo,
  config: NetConfig = NET_CONFIG_DEFAULT,
): Promise<number> {
  const usage = (message: string): number => {
    io.stderr(`isoclear net: ${message}\n${NET_USAGE}`);
    return 2;
  };
  let timeLimitMs = config.timeLimitMs;
  let deterministic = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--help' || a === '-h') {
      io.stdout(NET_USAGE);
      return 0;
    }
    if (a === '--deterministic') {
      deterministic = true;
      continue;
    }
    if (a === '--time-limit-ms' || a.startsWith('--time-limit-ms=')) {
      const text = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (text === undefined || !/^[1-9]\d{0,8}$/.test(text))
        return usage(
          `--time-limit-ms needs a positive whole number of milliseconds, got ${text ?? 'nothing'}`,
        );
      timeLimitMs = Number(text);
      continue;
    }
    if (a.startsWith('-') && a !== '-') return usage(`unknown option ${a}`);
    files.push(a);
  }
  if (files.length !== 1)
    return usage(files.length === 0 ? 'INSTANCE.json is missing' : 'give exactly one INSTANCE.json');
  const file = files[0]!;

  let text: string;
  try {
    text = await io.readFile(file);
  } catch (e) {
    io.stderr(`isoclear net: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  if (text.length > config.instanceBytesMax) {
    io.stderr(`isoclear net: ${file} is larger than ${config.instanceBytesMax} bytes\n`);
    return 2;
  }
  const parsed = parseInstanceText(text, config.limits);
  if (!parsed.ok) {
    const where = parsed.error.path ? `${parsed.error.path}: ` : '';
    io.stderr(`isoclear net: malformed instance ${file}: ${where}${parsed.error.message}\n`);
    return 2;
  }
  const selection = await selectSettlement(parsed.value, {
    timeLimitMs,
    deterministic,
    ...(io.clock ? { clock: io.clock } : {}),
  });
  io.stdout(`${formatSelection(selection)}\n`);
  return 0;
}
