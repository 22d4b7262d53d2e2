/**
 * Time and identity are inputs. Pure code never reads the wall clock or a random source: the
 * shell passes a Clock and an IdSource, tests pass fixed ones, and `isoclear run` passes a
 * simulated business-day clock so the same inputs always give the same outputs.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** A clock that returns a fixed instant, advanced only by `advance` (tests, simulated days). */
export class ManualClock implements Clock {
  constructor(private instantMs: number) {}
  now(): number {
    return this.instantMs;
  }
  advance(ms: number): void {
    this.instantMs += ms;
  }
  set(ms: number): void {
    this.instantMs = ms;
  }
}

/** ISO 8601 date (YYYY-MM-DD, UTC) of an instant. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** ISO 8601 date-time in UTC with milliseconds, as ISO 20022 ISODateTime admits. */
export function isoDateTime(ms: number): string {
  return new Date(ms).toISOString();
}
