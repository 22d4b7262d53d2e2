/**
 * The `isoclear` command line (../shared/spec/cli.md is the contract). `main(argv)` returns the
 * exit code; only the launcher in bin/ touches process.exitCode. Each command lives in its own
 * module and is loaded on demand, so `isoclear validate` does not pay for the netting solver.
 */
import { pathToFileURL } from 'node:url';

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const defaultIo: CommandIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

type Command = (args: string[], io: CommandIo) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  config: {
    summary: 'print the validated configuration (--markdown: the README table)',
    load: async () => (await import('./commands/config.js')).configCommand,
  },
  validate: {
    summary: 'validate ISO 20022 messages: safe XML, the gateway schemas, business rules',
    load: async () => (await import('./commands/validate.js')).validateCommand,
  },
  net: {
    summary: 'settlement selection for one cycle instance, offline',
    load: async () => (await import('./commands/net.js')).netCommand,
  },
  demo: {
    summary: 'run the demo day on the embedded defaults',
    load: async () => (await import('./commands/demo.js')).demoCommand,
  },
};

export function registerCommand(name: string, summary: string, load: () => Promise<Command>): void {
  COMMANDS[name] = { summary, load };
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`);
  return `usage: isoclear <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[], io: CommandIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.stdout : io.stderr)(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    io.stderr(`isoclear: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  try {
    return await (
      await cmd.load()
    )(rest, io);
  } catch (e) {
    const code = (e as { code?: string }).code;
    io.stderr(`isoclear ${name}: ${code ? `${code}: ` : ''}${(e as Error).message}\n`);
    return 2;
  }
}

// `tsx src/cli.ts …` during development.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
