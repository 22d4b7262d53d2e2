/**
 * Transaction machinery shared by both adapters: the bounded, jittered retry on
 * serialization failure and deadlock, the guard that keeps a transaction callback on its `tx`
 * handle, and the FIFO mutex that serialises the single PGlite connection.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRetryable } from './errors.js';
import {
  DbError,
  type IsolationLevel,
  type QueryResult,
  type Row,
  type TransactionOptions,
  type Tx,
} from './port.js';

export const RETRY_COUNT_MAX_DEFAULT = 3;
export const RETRY_BACKOFF_MS_MAX_DEFAULT = 100;
const RETRY_BACKOFF_MS_BASE = 5;

const ISOLATION_SQL: Readonly<Record<IsolationLevel, string>> = {
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
};

/** "ISOLATION LEVEL …" for BEGIN / SET TRANSACTION; refuses anything but the three levels. */
export function isolationClause(level: IsolationLevel = 'read committed'): string {
  const sql = Object.hasOwn(ISOLATION_SQL, level) ? ISOLATION_SQL[level] : undefined;
  if (!sql) throw new DbError('ISOCLR_ERR_DB_CONFIG', `unknown isolation level "${String(level)}"`);
  return `ISOLATION LEVEL ${sql}`;
}

/**
 * Runs `attempt` and runs it again, up to retryCountMax more times, when it fails with SQLSTATE
 * 40001 or 40P01 — PostgreSQL's documented answer to a serialization failure is to retry the
 * whole transaction (PostgreSQL manual §13.4). The wait before retry n is uniformly random in
 * [0, min(max, 5 ms · 2^n)] ("full jitter"), so conflicting clients do not collide again in step.
 */
export async function withRetry<T>(attempt: () => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
  const retryCountMax = opts.retryCountMax ?? RETRY_COUNT_MAX_DEFAULT;
  const backoffMsMax = opts.retryBackoffMsMax ?? RETRY_BACKOFF_MS_MAX_DEFAULT;
  if (!Number.isInteger(retryCountMax) || retryCountMax < 0)
    throw new DbError('ISOCLR_ERR_DB_CONFIG', `retryCountMax must be an integer >= 0, got ${retryCountMax}`);
  for (let n = 0; ; n += 1) {
    try {
      return await attempt();
    } catch (e) {
      if (n >= retryCountMax || !isRetryable(e)) throw e;
      await sleep(Math.random() * Math.min(backoffMsMax, RETRY_BACKOFF_MS_BASE * 2 ** n));
    }
  }
}

interface Scope {
  readonly owner: object;
  open: boolean;
  readonly parent: Scope | undefined;
}

const scopes = new AsyncLocalStorage<Scope>();

/** Throws when called (directly or through awaited code) from inside `owner`'s open transaction. */
export function refuseInsideTransaction(owner: object): void {
  for (let s = scopes.getStore(); s; s = s.parent)
    if (s.owner === owner && s.open)
      throw new DbError(
        'ISOCLR_ERR_DB_NESTED',
        'the Db was used inside its own transaction callback: use the tx handle (on PGlite this would deadlock)',
      );
}

/**
 * Runs fn(tx) in a scope of `owner`; `tx` forwards to the given connection functions until fn
 * settles and refuses afterwards (a late query would otherwise run outside the transaction).
 */
export async function runInScope<T>(
  owner: object,
  conn: {
    query<R extends Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
    exec(sql: string): Promise<void>;
  },
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  const scope: Scope = { owner, open: true, parent: scopes.getStore() };
  const check = (): void => {
    if (!scope.open)
      throw new DbError(
        'ISOCLR_ERR_DB_TX_CLOSED',
        'query on a transaction handle after its transaction ended',
      );
  };
  const tx: Tx = {
    query: async <R extends Row = Row>(sql: string, params?: readonly unknown[]) => {
      check();
      return conn.query<R>(sql, params);
    },
    exec: async (sql: string) => {
      check();
      return conn.exec(sql);
    },
  };
  try {
    return await scopes.run(scope, () => fn(tx));
  } finally {
    scope.open = false;
  }
}

/** First come, first served: each run starts after every earlier run has settled. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    return previous.then(fn).finally(release);
  }
}

export const TX_ABORTED_MESSAGE =
  'COMMIT became ROLLBACK: a statement failed inside the transaction and its error was caught; nothing was written';
