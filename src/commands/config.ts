import type { CommandIo } from '../cli.js';
import { configTableMarkdown, loadConfig } from '../config.js';

/** `isoclear config [--markdown]`: the validated configuration, secrets hidden. */
export async function configCommand(args: string[], io: CommandIo): Promise<number> {
  if (args.includes('--markdown')) {
    io.stdout(`${configTableMarkdown()}\n`);
    return 0;
  }
  const c = loadConfig();
  const shown = Object.fromEntries(
    Object.entries(c).map(([k, v]) => [
      k,
      /url/i.test(k) && v ? String(v).replace(/\/\/[^@/]*@/, '//***@') : v,
    ]),
  );
  io.stdout(`${JSON.stringify(shown, null, 2)}\n`);
  return 0;
}
