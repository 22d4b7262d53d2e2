/**
 * Purity check (ARCHITECTURE-GUIDE): pure modules import no I/O library and read neither the
 * clock nor a random source. A file is a shell — exempt — when its name says so
 * (*.pg.ts, *.amqp.ts, *.fs.ts, *.io.ts, *.http.ts, *.shell.ts) or it lives in a shell folder
 * (src/db, src/channels, src/api) or is an entry point (cli.ts, main.ts, config.ts, log.ts).
 * A pure file may not import a shell file either.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const SHELL_SUFFIX = /\.(pg|amqp|fs|io|http|shell)\.ts$/;
const SHELL_DIRS = ['src/db/', 'src/channels/', 'src/api/', 'src/commands/'];
const ENTRY_POINTS = new Set(['src/cli.ts', 'src/main.ts', 'src/config.ts', 'src/log.ts']);

const IO_MODULES = [
  'pg',
  'amqplib',
  'fastify',
  '@fastify/',
  '@electric-sql/pglite',
  'pino',
  'node-cron',
  'chokidar',
  'xsd-schema-validator',
  'libxml2-wasm',
  'prom-client',
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'tls',
  'child_process',
  'worker_threads',
  'cluster',
  'os',
  'readline',
];

const CLOCK_OR_RANDOM: Array<[RegExp, string]> = [
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/\bnew\s+Date\s*\(\s*\)/, 'new Date() without an argument'],
  [/\bMath\.random\s*\(/, 'Math.random()'],
  [/\bperformance\.now\s*\(/, 'performance.now()'],
  [/\bprocess\.hrtime\b/, 'process.hrtime'],
  [/\bprocess\.env\b/, 'process.env'],
  [/\brandomUUID\s*\(/, 'crypto.randomUUID()'],
  [/\bgetRandomValues\s*\(/, 'crypto.getRandomValues()'],
  [/\brandomBytes\s*\(/, 'crypto.randomBytes()'],
];

export function isShellFile(rel: string): boolean {
  return SHELL_SUFFIX.test(rel) || SHELL_DIRS.some((d) => rel.startsWith(d)) || ENTRY_POINTS.has(rel);
}

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** The violations of one pure file's source text. */
export function violations(src: string): string[] {
  const code = stripComments(src);
  const found: string[] = [];
  const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of code.matchAll(importRe)) {
    const spec = (m[1] ?? m[2])!;
    if (/^import\s+type\b/.test(m[0]) || /^export\s+type\b/.test(m[0])) continue;
    const bare = spec.replace(/^node:/, '');
    if (
      IO_MODULES.some((io) =>
        io.endsWith('/') ? bare.startsWith(io) : bare === io || bare.startsWith(`${io}/`),
      )
    )
      found.push(`imports I/O module '${spec}'`);
    if (spec.startsWith('.') && SHELL_SUFFIX.test(spec.replace(/\.js$/, '.ts')))
      found.push(`imports shell file '${spec}'`);
  }
  for (const [re, what] of CLOCK_OR_RANDOM) if (re.test(code)) found.push(`reads ${what}`);
  return found;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('purity', () => {
  it('the checker catches each kind of impurity (self-test)', () => {
    expect(violations(`import { Pool } from 'pg';`)).toEqual([`imports I/O module 'pg'`]);
    expect(violations(`import { readFileSync } from 'node:fs';`)).toHaveLength(1);
    expect(violations(`import x from './cycles.pg.js';`)).toEqual([`imports shell file './cycles.pg.js'`]);
    expect(violations(`const t = Date.now();`)).toEqual(['reads Date.now()']);
    expect(violations(`const t = new Date();`)).toHaveLength(1);
    expect(violations(`const t = new Date(ms);`)).toEqual([]);
    expect(violations(`const r = Math.random();`)).toHaveLength(1);
    expect(violations(`// Date.now() is not called here\nimport type { Pool } from 'pg';`)).toEqual([]);
  });

  it('no pure file in src imports I/O or reads the clock or randomness', () => {
    const files = walk(join(ROOT, 'src'))
      .map((p) => relative(ROOT, p))
      .filter((rel) => !isShellFile(rel));
    expect(files.length).toBeGreaterThan(5);
    const bad = files.flatMap((rel) =>
      violations(readFileSync(join(ROOT, rel), 'utf8')).map((v) => `${rel}: ${v}`),
    );
    expect(bad).toEqual([]);
  });
});
