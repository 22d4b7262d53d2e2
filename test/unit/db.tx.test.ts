import { describe, expect, it } from 'vitest';
import { DbError } from '../../src/db/port.js';
import { isolationClause, Mutex, withRetry } from '../../src/db/tx.js';
import { isRetryable, isUniqueViolation, sqlState } from '../../src/db/errors.js';
import type { IsolationLevel } from '../../src/db/port.js';

const sqlError = (code: string, constraint?: string): Error =>
  Object.assign(new Error(code), { code, constraint });

describe('Mutex', () => {
  it('runs tasks one at a time in arrival order, even when a later one is quicker', async () => {
    const m = new Mutex();
    const log: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const a = m.run(async () => {
      log.push('a start');
      await gate;
      log.push('a end');
      return 'a';
    });
    const b = m.run(async () => {
      log.push('b');
      return 'b';
    });
    const c = m.run(async () => {
      log.push('c');
      return 'c';
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(['a start']);
    open();
    expect(await Promise.all([a, b, c])).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a start', 'a end', 'b', 'c']);
  });

  it('a failing task rejects its own caller only and does not block the queue', async () => {
    const m = new Mutex();
    const failed = m.run(async () => {
      throw new Error('x');
    });
    const next = m.run(async () => 'ran');
    await expect(failed).rejects.toThrow('x');
    await expect(next).resolves.toBe('ran');
  });
});

describe('withRetry', () => {
  it('retries 40001 and 40P01 up to retryCountMax, then gives up with the last error', async () => {
    let calls = 0;
    const ok = await withRetry(
      async () => {
        calls += 1;
        if (calls === 1) throw sqlError('40001');
        if (calls === 2) throw sqlError('40P01');
        return 'committed';
      },
      { retryCountMax: 2, retryBackoffMsMax: 1 },
    );
    expect([ok, calls]).toEqual(['committed', 3]);

    calls = 0;
    const last = sqlError('40001');
    await expect(
      withRetry(
        async () => {
          calls += 1;
          throw last;
        },
        { retryCountMax: 2, retryBackoffMsMax: 1 },
      ),
    ).rejects.toBe(last);
    expect(calls).toBe(3);
  });

  it('never retries other errors', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls += 1;
        throw sqlError('23505');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(calls).toBe(1);
  });

  it('refuses a negative or fractional retryCountMax', async () => {
    await expect(withRetry(async () => 1, { retryCountMax: -1 })).rejects.toBeInstanceOf(DbError);
    await expect(withRetry(async () => 1, { retryCountMax: 1.5 })).rejects.toBeInstanceOf(DbError);
  });
});

describe('isolationClause', () => {
  it('maps the three levels and refuses anything else (no SQL injection through options)', () => {
    expect(isolationClause()).toBe('ISOLATION LEVEL READ COMMITTED');
    expect(isolationClause('repeatable read')).toBe('ISOLATION LEVEL REPEATABLE READ');
    expect(isolationClause('serializable')).toBe('ISOLATION LEVEL SERIALIZABLE');
    for (const bad of ['SERIALIZABLE; DROP TABLE x', 'read uncommitted', 'toString'])
      expect(() => isolationClause(bad as IsolationLevel), bad).toThrow(DbError);
  });
});

describe('SQLSTATE helpers', () => {
  it('read the driver error code and nothing else', () => {
    expect(sqlState(sqlError('23505'))).toBe('23505');
    expect(sqlState(new DbError('ISOCLR_ERR_DB_NESTED', 'x'))).toBeUndefined();
    expect(sqlState('23505')).toBeUndefined();
    expect(isUniqueViolation(sqlError('23505', 'kv_pkey'), 'kv_pkey')).toBe(true);
    expect(isUniqueViolation(sqlError('23505', 'other'), 'kv_pkey')).toBe(false);
    expect(isRetryable(sqlError('40P01'))).toBe(true);
    expect(isRetryable(sqlError('25P02'))).toBe(false);
  });
});
