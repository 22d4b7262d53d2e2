/**
 * Applies the schema migrations (migrations/index.ts) with umzug, recording them in
 * `schema_migrations` in the Db's own schema.
 *
 * Each migration runs in its own transaction, together with its schema_migrations row, so a
 * migration is either applied and recorded or neither. On PostgreSQL each of those
 * transactions first takes a transaction-scoped advisory lock keyed by the schema and then
 * re-reads schema_migrations, so processes starting at the same time apply each migration
 * exactly once (the loser of the race finds it recorded and skips it). PGlite is one
 * connection in one process and needs no lock. The stored SHA-256 of each applied migration is
 * compared with the code's text on every run: an edited released migration stops the start.
 */
import { createHash } from 'node:crypto';
import { MigrationError, Umzug } from 'umzug';
import { migrations as allMigrations, type Migration } from './migrations/index.js';
import { DbError, type Db, type Tx } from './port.js';

const STORAGE_TABLE = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  name       text PRIMARY KEY,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

const NAME = /^\d{4}_[a-z][a-z0-9_]*$/;

function checksum(m: Migration): string {
  return createHash('sha256').update(m.up, 'utf8').digest('hex');
}

function checkList(list: readonly Migration[]): void {
  let previous = '';
  for (const m of list) {
    if (!NAME.test(m.name))
      throw new DbError('ISOCLR_ERR_MIGRATION', `migration name "${m.name}" is not NNNN_module`);
    if (m.name <= previous)
      throw new DbError(
        'ISOCLR_ERR_MIGRATION',
        `migration ${m.name} is out of order or repeated after ${previous}`,
      );
    previous = m.name;
  }
}

async function lock(db: Db, tx: Tx): Promise<void> {
  if (db.kind !== 'pg') return;
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`isoclear.migrate.${db.schema}`]);
}

function verify(m: Migration, stored: unknown): void {
  if (stored !== checksum(m))
    throw new DbError(
      'ISOCLR_ERR_MIGRATION_CHANGED',
      `migration ${m.name} differs from the one applied to schema; released migrations are never edited, add a new one`,
    );
}

/** Runs one migration unless it is already recorded; true when this call applied it. */
async function applyOne(db: Db, m: Migration): Promise<boolean> {
  return db.transaction(
    async (tx) => {
      await lock(db, tx);
      const done = await tx.query('SELECT checksum FROM schema_migrations WHERE name = $1', [m.name]);
      if (done.rows[0]) {
        verify(m, done.rows[0].checksum);
        return false;
      }
      // A migration may rewrite a large table: the session's statement timeout does not apply.
      await tx.exec('SET LOCAL statement_timeout = 0');
      await tx.exec(m.up);
      await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [m.name, checksum(m)]);
      return true;
    },
    { retryCountMax: 0 },
  );
}

/**
 * Brings the Db's schema up to date; returns the names this call applied (empty when there was
 * nothing to do). `list` defaults to the gateway's migrations.
 */
export async function migrate(db: Db, list: readonly Migration[] = allMigrations): Promise<string[]> {
  checkList(list);
  await db.transaction(async (tx) => {
    await lock(db, tx);
    await tx.exec(STORAGE_TABLE);
  });
  const byName = new Map(list.map((m) => [m.name, m]));
  const applied: string[] = [];
  const umzug = new Umzug<Record<string, never>>({
    migrations: list.map((m) => ({
      name: m.name,
      up: async () => {
        if (await applyOne(db, m)) applied.push(m.name);
      },
    })),
    storage: {
      async executed() {
        const r = await db.query<{ name: string; checksum: string }>(
          'SELECT name, checksum FROM schema_migrations ORDER BY name',
        );
        // Rows of migrations this code does not know come from a newer release: left alone.
        for (const row of r.rows) {
          const m = byName.get(row.name);
          if (m) verify(m, row.checksum);
        }
        return r.rows.map((row) => row.name);
      },
      // Recorded by applyOne inside the migration's own transaction.
      async logMigration() {},
      async unlogMigration() {
        throw new DbError('ISOCLR_ERR_MIGRATION', 'migrations are forward-only');
      },
    },
    context: {},
    logger: undefined,
  });
  try {
    await umzug.up();
  } catch (e) {
    if (e instanceof MigrationError) {
      const cause: unknown = e.cause;
      if (cause instanceof DbError) throw cause;
      throw new DbError('ISOCLR_ERR_MIGRATION', e.message, cause);
    }
    throw e;
  }
  return applied;
}
