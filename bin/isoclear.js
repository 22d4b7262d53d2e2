#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const compiled = join(here, '..', 'dist', 'cli.js');
if (!existsSync(compiled)) {
  process.stderr.write(
    'isoclear: dist/cli.js is missing; run `npm run build` (npm ci runs it through prepare)\n',
  );
  process.exit(2);
}
// A closed pipe (`isoclear validate … | head`) ends the command quietly, as Unix tools do.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import(compiled);
process.exitCode = await main(process.argv.slice(2));
