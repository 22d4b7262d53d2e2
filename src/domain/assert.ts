/**
 * Invariant checks. A broken invariant is a bug, not a business outcome: it throws an
 * InvariantError that stops the worker before it acknowledges anything, so the message is
 * redelivered or parked rather than half-applied.
 */
export class InvariantError extends Error {
  readonly code = 'ISOCLR_ERR_INVARIANT';
  constructor(message: string) {
    super(message);
    this.name = 'InvariantError';
  }
}

export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new InvariantError(typeof message === 'function' ? message() : message);
}

export function assertNever(value: never, what = 'value'): never {
  throw new InvariantError(`unexpected ${what}: ${JSON.stringify(value)}`);
}

export function assertDefined<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new InvariantError(`${what} is missing`);
  return value;
}
