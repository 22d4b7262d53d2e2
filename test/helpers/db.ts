/**
 * Test databases. Every call gets a fresh, uniquely named schema, migrated, so test files
 * running in parallel against the one PostgreSQL database never see each other's rows. PGlite
 * gets a fresh in-memory instance (about 2–4 s to start).
 *
 *   const db = await openTestDb('pg', 'outbox');   // schema t_outbox_<pid>_<n>
 *   afterAll(() => dropTestDb(db));
 */
import { migrate, openPg, openPglite, type Db } from '../../src/db/index.js';

/** PostgreSQL of the integration tests (trust auth). */
export const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let counter = 0;

/** A schema name unique to this process and call: t_<label>_<pid>_<n>, at most 63 chars. */
export function testSchemaName(label: string): string {
  counter += 1;
  const suffix = `_${process.pid}_${counter}`;
  const clean = label.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  return `t_${clean.slice(0, 63 - 2 - suffix.length)}${suffix}`;
}

export async function openTestDb(
  kind: 'pg' | 'pglite',
  label: string,
  opts: { migrate?: boolean; poolSizeMax?: number } = {},
): Promise<Db> {
  const schema = testSchemaName(label);
  const db =
    kind === 'pg'
      ? await openPg({
          url: pgUrl,
          schema,
          poolSizeMax: opts.poolSizeMax ?? 5,
          applicationName: `test ${label}`,
        })
      : await openPglite({ schema });
  if (opts.migrate ?? true) await migrate(db);
  return db;
}

/** Drops a pg test schema (with everything in it) and closes the Db; PGlite is just closed. */
export async function dropTestDb(db: Db): Promise<void> {
  try {
    if (db.kind === 'pg' && db.schema.startsWith('t_'))
      await db.exec(`DROP SCHEMA IF EXISTS "${db.schema}" CASCADE`);
  } finally {
    await db.close();
  }
}
