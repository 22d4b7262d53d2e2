/**
 * The schema's migrations, in the order they are applied. Each is one module named
 * `NNNN_module.ts` whose default export is `{ name, up }` with `up` the SQL text (TypeScript
 * modules, so `tsc` ships them in dist). Migrations are forward-only and never edited once
 * released: migrate() refuses to start when an applied migration's text has changed. To add
 * one, create the next file and add one import and one array entry below.
 */
import foundation from './0001_foundation.js';
import ledger from './0003_ledger.js';
import outbox from './0002_outbox.js';

export interface Migration {
  /** Equal to the file name without extension, e.g. "0001_foundation". */
  readonly name: string;
  /** SQL script run in one transaction (several statements allowed; no parameters). */
  readonly up: string;
}

// One entry per line, in name order (prettier would fold the list and make additions collide).
// prettier-ignore
export const migrations: readonly Migration[] = [
  foundation,
  outbox,
  ledger,
];
