import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { CommandIo } from '../cli.js';
import { loadConfig } from '../config.js';
import { NET_CONFIG_DEFAULT, runNet } from '../netting/index.js';

/** `isoclear net [--time-limit-ms N] INSTANCE.json` (../shared/spec/cli.md). */
export async function netCommand(args: string[], io: CommandIo): Promise<number> {
  const cfg = loadConfig();
  return runNet(
    args,
    {
      readFile: (p) => readFile(p, 'utf8'),
      stdout: io.stdout,
      stderr: io.stderr,
      clock: () => performance.now(),
    },
    { ...NET_CONFIG_DEFAULT, timeLimitMs: cfg.nettingTimeLimitMs },
  );
}
