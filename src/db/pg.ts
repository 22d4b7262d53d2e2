/**
 * The PostgreSQL adapter of the database port: a pg.Pool whose every connection starts with
 * search_path = the schema, TimeZone = UTC, DateStyle = ISO, bytea_output = hex and the
 * statement timeout, and whose type parsers are a per-pool table (types.ts), never pg's global
 * one, so int8/numeric stay strings and rows have the same shape as on PGlite.
 */
import pg from 'pg';
import { DbError, type Db, type QueryResult, type Row, type TransactionOptions, type Tx } from './port.js';
import { isolationClause, refuseInsideTransaction, runInScope, TX_ABORTED_MESSAGE, withRetry } from './tx.js';
import { checkSchemaName, parserFor, toParams } from './types.js';

export interface PgOptions {
  url: string;
  /** Schema for search_path; created when missing. Default "public". */
  schema?: string;
  /** Connections in the pool; default 10. */
  poolSizeMax?: number;
  /** PostgreSQL statement_timeout of every statement; default 30 000 ms. */
  statementTimeoutMs?: number;
  /** Wait for a free pooled connection (or a new one) before failing; default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity; default "isoclear". */
  applicationName?: string;
  /** Errors of idle pooled connections (the pool has already dropped them). Default: ignored. */
  onIdleError?: (err: Error) => void;
}

/** A session setting in the libpq `options` startup parameter ("-c name=value"). */
function setting(name: string, value: string | number): string {
  return `-c ${name}=${String(value).replace(/[\\ ]/g, (c) => `\\${c}`)}`;
}

export async function openPg(opts: PgOptions): Promise<Db> {
  const schema = checkSchemaName(opts.schema ?? 'public');
  const poolSizeMax = opts.poolSizeMax ?? 10;
  if (!Number.isInteger(poolSizeMax) || poolSizeMax < 1)
    throw new DbError('ISOCLR_ERR_DB_CONFIG', `poolSizeMax must be an integer >= 1, got ${poolSizeMax}`);
  // Options given in the URL (?options=…) would replace ours wholesale inside pg; merge them.
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    throw new DbError('ISOCLR_ERR_DB_CONFIG', 'the PostgreSQL URL is not a valid URL');
  }
  const urlOptions = url.searchParams.get('options');
  url.searchParams.delete('options');
  const sessionOptions = [
    urlOptions ?? '',
    setting('search_path', schema),
    setting('TimeZone', 'UTC'),
    setting('DateStyle', 'ISO'),
    setting('bytea_output', 'hex'),
  ]
    .filter(Boolean)
    .join(' ');
  const pool = new pg.Pool({
    connectionString: urlOptions === null ? opts.url : url.toString(),
    max: poolSizeMax,
    options: sessionOptions,
    statement_timeout: opts.statementTimeoutMs ?? 30_000,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    application_name: opts.applicationName ?? 'isoclear',
    types: { getTypeParser: ((oid: number) => parserFor(oid)) as pg.CustomTypesConfig['getTypeParser'] },
  });
  pool.on('error', opts.onIdleError ?? (() => undefined));
  try {
    await ensureSchema(pool, schema);
  } catch (e) {
    await pool.end();
    throw e;
  }
  return new PgDb(pool, schema);
}

/**
 * Creates the schema when it does not exist. Existence is checked first so that a role without
 * CREATE on the database can still use a schema an administrator made; a concurrent creator
 * (42P06, or 23505 on pg_namespace) counts as success.
 */
async function ensureSchema(pool: pg.Pool, schema: string): Promise<void> {
  const found = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (found.rowCount) return;
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code !== '42P06' && code !== '23505') throw e;
  }
}

/**
 * One statement through the extended protocol, even without parameters, as on PGlite: a
 * query() is exactly one statement on both adapters (scripts go through exec()).
 */
function statement(sql: string, params: readonly unknown[] | undefined): pg.QueryConfig {
  const config: pg.QueryConfig & { queryMode: 'extended' } = {
    text: sql,
    values: toParams(params),
    queryMode: 'extended',
  };
  return config;
}

function result<R extends Row>(r: pg.QueryResult): QueryResult<R> {
  return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
}

class PgDb implements Db {
  readonly kind = 'pg' as const;
  #closed = false;

  constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
  ) {}

  async query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    refuseInsideTransaction(this);
    return result<R>(await this.pool.query(statement(sql, params)));
  }

  async exec(sql: string): Promise<void> {
    refuseInsideTransaction(this);
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    refuseInsideTransaction(this);
    const begin = `BEGIN ${isolationClause(opts.isolation)}`;
    return withRetry(() => this.#attempt(begin, fn), opts);
  }

  async #attempt<T>(begin: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const value = await runInScope(
        this,
        {
          query: async <R extends Row>(sql: string, params?: readonly unknown[]) =>
            result<R>(await client.query(statement(sql, params))),
          exec: async (sql: string) => {
            await client.query(sql);
          },
        },
        fn,
      );
      const commit = await client.query('COMMIT');
      // PostgreSQL answers COMMIT of an aborted transaction with the tag ROLLBACK, not an error.
      if (commit.command === 'ROLLBACK') throw new DbError('ISOCLR_ERR_DB_TX_ABORTED', TX_ABORTED_MESSAGE);
      return value;
    } catch (e) {
      // After a failed COMMIT there is no transaction left and ROLLBACK only warns; a ROLLBACK
      // that fails means the connection is unusable, so it is destroyed rather than reused.
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw e;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.pool.end();
  }
}
