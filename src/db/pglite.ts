/**
 * The embedded adapter of the database port: PGlite (PostgreSQL compiled to WebAssembly), in
 * memory or in a data directory. PGlite is ONE connection, so every query, script and
 * transaction of this Db goes through one first-come-first-served mutex: a transaction is never
 * interleaved with another statement, and its statements go to its own handle. Rows are parsed
 * by the same table as the pg adapter (types.ts). Single process only: never point two
 * processes at one data directory.
 */
import { PGlite, TransactionAbortedError, type Transaction } from '@electric-sql/pglite';
import { DbError, type Db, type QueryResult, type Row, type TransactionOptions, type Tx } from './port.js';
import {
  isolationClause,
  Mutex,
  refuseInsideTransaction,
  runInScope,
  TX_ABORTED_MESSAGE,
  withRetry,
} from './tx.js';
import { checkSchemaName, SCALAR_PARSERS, toParams } from './types.js';

export interface PgliteOptions {
  /** Directory of the database files; unset: in memory, gone when closed. */
  dataDir?: string;
  /** Schema for search_path; created when missing. Default "public". */
  schema?: string;
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Db> {
  const schema = checkSchemaName(opts.schema ?? 'public');
  // Element parsers are enough: PGlite derives every array type's parser from its element's.
  const pglite = await PGlite.create({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    parsers: SCALAR_PARSERS,
  });
  try {
    await pglite.exec(
      `SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET bytea_output = 'hex';
       CREATE SCHEMA IF NOT EXISTS "${schema}"; SET search_path TO "${schema}";`,
    );
  } catch (e) {
    await pglite.close();
    throw e;
  }
  return new PgliteDb(pglite, schema);
}

async function run<R extends Row>(
  target: PGlite | Transaction,
  sql: string,
  params: readonly unknown[] | undefined,
): Promise<QueryResult<R>> {
  const r = await target.query<R>(sql, toParams(params));
  return { rows: r.rows, rowCount: r.rowCount ?? 0 };
}

class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  readonly #mutex = new Mutex();
  #closed = false;

  constructor(
    readonly pglite: PGlite,
    readonly schema: string,
  ) {}

  async query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    refuseInsideTransaction(this);
    return this.#mutex.run(() => run<R>(this.pglite, sql, params));
  }

  async exec(sql: string): Promise<void> {
    refuseInsideTransaction(this);
    await this.#mutex.run(() => this.pglite.exec(sql));
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    refuseInsideTransaction(this);
    const setIsolation = `SET TRANSACTION ${isolationClause(opts.isolation)}`;
    // The retry waits outside the mutex, so a backoff never holds up other work.
    return withRetry(() => this.#mutex.run(() => this.#attempt(setIsolation, fn)), opts);
  }

  async #attempt<T>(setIsolation: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      // PGlite's transaction() issues BEGIN, COMMIT, and ROLLBACK when the callback throws.
      return await this.pglite.transaction(async (t) => {
        await t.query(setIsolation);
        return runInScope(
          this,
          {
            query: <R extends Row>(sql: string, params?: readonly unknown[]) => run<R>(t, sql, params),
            exec: async (sql: string) => {
              await t.exec(sql);
            },
          },
          fn,
        );
      });
    } catch (e) {
      if (e instanceof TransactionAbortedError)
        throw new DbError('ISOCLR_ERR_DB_TX_ABORTED', TX_ABORTED_MESSAGE, e);
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#mutex.run(() => this.pglite.close());
  }
}
