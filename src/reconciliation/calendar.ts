/**
 * Business-day calendar for ageing breaks and for date tolerances.
 *
 * The default is the TARGET2 / T2 calendar: the system is closed on Saturdays and Sundays and on
 * New Year's Day, Good Friday, Easter Monday, 1 May (Labour Day), 25 December and 26 December
 * (ECB, "TARGET2 closing days", confirmed for T2 since the 2023 consolidation). Extra closing
 * dates (a settlement bank's own holidays) are a parameter.
 *
 * Dates are ISO 8601 calendar dates ("2026-03-02") and are turned into epoch days (days since
 * 1970-01-01, UTC) once; `Date.UTC` is a pure conversion and reads no clock. Business-day
 * arithmetic runs on a per-year cumulative table, so counting the business days between two
 * dates costs two table look-ups, whatever the distance.
 */
import { assert } from '../domain/index.js';

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const dayCache = new Map<string, number>();

/** Days since 1970-01-01 of an ISO date (YYYY-MM-DD); asserts the date exists. */
export function epochDay(iso: string): number {
  const cached = dayCache.get(iso);
  if (cached !== undefined) return cached;
  const m = ISO_DATE.exec(iso);
  assert(m, () => `not an ISO date (YYYY-MM-DD): ${JSON.stringify(iso)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  assert(
    back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d,
    () => `not a calendar date: ${iso}`,
  );
  const day = ms / MS_PER_DAY;
  if (dayCache.size < 100_000) dayCache.set(iso, day);
  return day;
}

/** The ISO date of an epoch day. */
export function isoOfEpochDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** ISO weekday of an epoch day: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/**
 * Easter Sunday of a Gregorian year, by the "Anonymous Gregorian algorithm" (Meeus/Jones/
 * Butcher, 1876). Returns month (1–12) and day of month.
 */
export function easterSunday(year: number): { month: number; day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { month, day };
}

/** The TARGET2 holiday closing dates of a year (weekends excluded), as ISO dates, ascending. */
export function target2Holidays(year: number): string[] {
  const { month, day } = easterSunday(year);
  const easter = Date.UTC(year, month - 1, day) / MS_PER_DAY;
  return [
    `${year}-01-01`,
    isoOfEpochDay(easter - 2), // Good Friday
    isoOfEpochDay(easter + 1), // Easter Monday
    `${year}-05-01`,
    `${year}-12-25`,
    `${year}-12-26`,
  ].sort();
}

/** Business-day arithmetic over a closing calendar. */
export interface BusinessCalendar {
  isBusinessDay(isoDate: string): boolean;
  /**
   * A monotone index: the number of business days from a fixed origin up to and including the
   * day. `index(b) - index(a)` is the number of business days in (a, b].
   */
  businessIndex(epochDay: number): number;
  /** Business days in (from, to]; negative when `to` is before `from`. */
  businessDaysBetween(fromIso: string, toIso: string): number;
}

const ORIGIN_YEAR = 1970;

/**
 * The TARGET2 calendar plus optional extra closing dates. Years from 1970 on are supported (the
 * gateway reconciles statements of the present, and an assert guards the table).
 */
export function target2Calendar(extraClosingDates: readonly string[] = []): BusinessCalendar {
  const extra = new Set<number>(extraClosingDates.map(epochDay));
  /** year -> { first epoch day of the year, cumulative business days before the year, per-day cumulative } */
  const years = new Map<number, { start: number; before: number; cum: Int32Array }>();

  function yearTable(year: number): { start: number; before: number; cum: Int32Array } {
    const hit = years.get(year);
    if (hit) return hit;
    assert(year >= ORIGIN_YEAR && year <= 9999, () => `year out of calendar range: ${year}`);
    const before = year === ORIGIN_YEAR ? 0 : yearTotal(year - 1);
    const start = Date.UTC(year, 0, 1) / MS_PER_DAY;
    const end = Date.UTC(year + 1, 0, 1) / MS_PER_DAY;
    const holidays = new Set(target2Holidays(year).map(epochDay));
    const cum = new Int32Array(end - start);
    let n = 0;
    for (let d = start; d < end; d++) {
      const wd = isoWeekday(d);
      if (wd <= 5 && !holidays.has(d) && !extra.has(d)) n++;
      cum[d - start] = n;
    }
    const table = { start, before, cum };
    years.set(year, table);
    return table;
  }

  function yearTotal(year: number): number {
    // Iterative from the nearest cached year so that a far-away first query does not recurse deeply.
    let y = year;
    while (y > ORIGIN_YEAR && !years.has(y - 1)) y--;
    for (; y <= year; y++) yearTable(y);
    const t = years.get(year)!;
    return t.before + t.cum[t.cum.length - 1]!;
  }

  function businessIndex(day: number): number {
    const year = new Date(day * MS_PER_DAY).getUTCFullYear();
    const t = yearTable(year);
    return t.before + t.cum[day - t.start]!;
  }

  function isBusinessDay(iso: string): boolean {
    const d = epochDay(iso);
    const t = yearTable(new Date(d * MS_PER_DAY).getUTCFullYear());
    const i = d - t.start;
    return t.cum[i]! - (i === 0 ? 0 : t.cum[i - 1]!) === 1;
  }

  return {
    isBusinessDay,
    businessIndex,
    businessDaysBetween: (fromIso, toIso) =>
      businessIndex(epochDay(toIso)) - businessIndex(epochDay(fromIso)),
  };
}

export type AgeBucket = '0-1' | '2-5' | '>5';

export const AGE_BUCKETS: readonly AgeBucket[] = ['0-1', '2-5', '>5'];

/** Ageing bucket of an open item aged `days` business days. */
export function ageBucket(days: number): AgeBucket {
  return days <= 1 ? '0-1' : days <= 5 ? '2-5' : '>5';
}
