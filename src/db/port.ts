/**
 * The database port: the one small interface every shell uses to reach PostgreSQL, whether the
 * real server (pg adapter, production) or the embedded PGlite (the default for `isoclear run`
 * and local use). Both adapters return rows in the same shape: int8/numeric columns come back
 * as strings and are converted explicitly by row converters (never Number()).
 */
export type Row = Record<string, unknown>;

export interface QueryResult<R extends Row = Row> {
  rows: R[];
  rowCount: number;
}

/**
 * One parameterised statement. Parameters travel the same way on both adapters: bigint as its
 * decimal text, a JS array as a PostgreSQL array, a Date as an instant, a Buffer/Uint8Array as
 * bytea, a plain object as JSON text (bigint inside it as a JSON string). A string bound to a
 * json/jsonb parameter is taken as JSON text; pass a JSON array as JSON.stringify(array).
 * Rows: int8/numeric as strings, timestamptz as Date, date and timestamp (without time zone)
 * as their ISO text, bytea as Buffer, json/jsonb parsed.
 */
export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

/** A Queryable that can also run a multi-statement SQL script without parameters (migrations). */
export interface Tx extends Queryable {
  exec(sql: string): Promise<void>;
}

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

export interface TransactionOptions {
  isolation?: IsolationLevel;
  /** Retries on serialization failure / deadlock (SQLSTATE 40001, 40P01); default 3. */
  retryCountMax?: number;
  /** Ceiling of the jittered exponential backoff between retries; default 100 ms. */
  retryBackoffMsMax?: number;
}

export interface Db extends Tx {
  readonly kind: 'pg' | 'pglite';
  /** The schema all unqualified names resolve to (search_path), e.g. "public" or a test schema. */
  readonly schema: string;
  /**
   * Runs fn in one transaction: commit when it resolves, roll back when it throws. On SQLSTATE
   * 40001/40P01 fn is run again (so it must have no effect outside the database). Inside fn use
   * only `tx`: the Db itself refuses queries from inside its own transaction callback (on the
   * single-connection PGlite they would deadlock), and `tx` refuses queries once fn has settled.
   * A commit that PostgreSQL turns into a rollback (an error was caught inside fn) throws
   * DbError ISOCLR_ERR_DB_TX_ABORTED rather than reporting success.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** Infrastructure failure with a stable code, handled only in shells. */
export class DbError extends Error {
  constructor(
    readonly code: string,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'DbError';
  }
}
