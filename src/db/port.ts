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

export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

export interface TransactionOptions {
  isolation?: IsolationLevel;
  /** Retries on serialization failure / deadlock (SQLSTATE 40001, 40P01); default 3. */
  retryCountMax?: number;
}

export interface Db extends Queryable {
  readonly kind: 'pg' | 'pglite';
  /** The schema all unqualified names resolve to (search_path), e.g. "public" or a test schema. */
  readonly schema: string;
  /** Runs fn in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T>;
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
