/**
 * db — the database port and its two adapters: PostgreSQL through a pg pool (production) and
 * the embedded PGlite (single process, local use and `isoclear run` without DATABASE_URL);
 * the schema migrations; the row converters.
 *
 * May import: src/domain, pg, @electric-sql/pglite, umzug, node built-ins. Shells import this
 * door; pure code imports nothing from here (it receives plain data).
 * Invariants: both adapters return the same row shapes (int8/numeric as strings, timestamptz
 * as Date, date as 'YYYY-MM-DD') and take the same parameters (bigint as text); a transaction
 * commits all or nothing and is retried only on 40001/40P01; a commit turned into a rollback
 * is an error, never a silent success; migrations are forward-only, each applied once, and an
 * applied migration's text may not change; audit_log is append-only.
 */
import { openPg, type PgOptions } from './pg.js';
import { openPglite } from './pglite.js';
import type { Db } from './port.js';

export * from './port.js';
export { isRetryable, isUniqueViolation, SQLSTATE, sqlState } from './errors.js';
export { migrate } from './migrate.js';
export { migrations, type Migration } from './migrations/index.js';
export { openPg, type PgOptions } from './pg.js';
export { openPglite, type PgliteOptions } from './pglite.js';
export * from './rows.js';

export interface DbOptions {
  /** postgres:// URL; unset: the embedded PGlite. */
  databaseUrl?: string;
  /** PGlite data directory when databaseUrl is unset; unset: in memory. */
  dataDir?: string;
  schema?: string;
  poolSizeMax?: number;
  statementTimeoutMs?: number;
  applicationName?: string;
  onIdleError?: PgOptions['onIdleError'];
}

/** PostgreSQL when databaseUrl is set, PGlite otherwise. Does not migrate: call migrate(db). */
export async function openDb(opts: DbOptions): Promise<Db> {
  if (opts.databaseUrl)
    return openPg({
      url: opts.databaseUrl,
      schema: opts.schema,
      poolSizeMax: opts.poolSizeMax,
      statementTimeoutMs: opts.statementTimeoutMs,
      applicationName: opts.applicationName,
      onIdleError: opts.onIdleError,
    });
  return openPglite({ dataDir: opts.dataDir, schema: opts.schema });
}
