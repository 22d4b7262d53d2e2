import { describe, expect, it } from 'vitest';
import {
  ageBucket,
  easterSunday,
  epochDay,
  isoOfEpochDay,
  target2Calendar,
  target2Holidays,
} from '../../src/reconciliation/index.js';

describe('Easter (Anonymous Gregorian algorithm)', () => {
  it.each([
    [1818, '03-22'], // earliest possible
    [1943, '04-25'], // latest possible
    [2000, '04-23'],
    [2008, '03-23'],
    [2011, '04-24'],
    [2019, '04-21'],
    [2024, '03-31'],
    [2025, '04-20'],
    [2026, '04-05'],
    [2038, '04-25'],
  ])('Easter Sunday %i is %s', (year, mmdd) => {
    const { month, day } = easterSunday(year);
    expect(`${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`).toBe(mmdd);
  });
});

describe('TARGET2 calendar', () => {
  const cal = target2Calendar();

  it('lists the six holiday closing days', () => {
    expect(target2Holidays(2026)).toEqual([
      '2026-01-01',
      '2026-04-03', // Good Friday
      '2026-04-06', // Easter Monday
      '2026-05-01',
      '2026-12-25',
      '2026-12-26',
    ]);
  });

  it('closes on weekends and holidays only', () => {
    expect(cal.isBusinessDay('2026-03-02')).toBe(true); // Monday
    expect(cal.isBusinessDay('2026-03-07')).toBe(false); // Saturday
    expect(cal.isBusinessDay('2026-03-08')).toBe(false); // Sunday
    expect(cal.isBusinessDay('2026-04-03')).toBe(false);
    expect(cal.isBusinessDay('2026-04-06')).toBe(false);
    expect(cal.isBusinessDay('2026-04-07')).toBe(true);
    expect(cal.isBusinessDay('2026-05-01')).toBe(false);
    expect(cal.isBusinessDay('2026-12-24')).toBe(true); // TARGET2 is open on 24 December
    expect(cal.isBusinessDay('2026-12-31')).toBe(true);
    expect(cal.isBusinessDay('2027-01-01')).toBe(false);
  });

  it('counts business days in (from, to]', () => {
    expect(cal.businessDaysBetween('2026-03-02', '2026-03-02')).toBe(0);
    expect(cal.businessDaysBetween('2026-03-02', '2026-03-09')).toBe(5);
    expect(cal.businessDaysBetween('2026-03-09', '2026-03-02')).toBe(-5);
    expect(cal.businessDaysBetween('2026-04-02', '2026-04-07')).toBe(1); // over Easter
    expect(cal.businessDaysBetween('2025-12-24', '2026-01-02')).toBe(4); // 29, 30, 31 Dec, 2 Jan
    expect(cal.businessDaysBetween('2026-03-06', '2026-03-08')).toBe(0); // Friday to Sunday
    // A long span: 2024 has 256 TARGET2 business days (366 days, 104 weekend days, 6 holidays
    // of which none on a weekend).
    expect(cal.businessDaysBetween('2023-12-31', '2024-12-31')).toBe(256);
  });

  it('takes extra closing days', () => {
    const bank = target2Calendar(['2026-03-04']);
    expect(bank.isBusinessDay('2026-03-04')).toBe(false);
    expect(bank.businessDaysBetween('2026-03-02', '2026-03-09')).toBe(4);
    expect(cal.businessDaysBetween('2026-03-02', '2026-03-09')).toBe(5);
  });

  it('converts dates and rejects impossible ones', () => {
    expect(epochDay('1970-01-01')).toBe(0);
    expect(isoOfEpochDay(epochDay('2028-02-29'))).toBe('2028-02-29');
    expect(() => epochDay('2026-02-30')).toThrow(/not a calendar date/);
    expect(() => epochDay('2026-3-1')).toThrow(/not an ISO date/);
  });

  it('buckets ages', () => {
    expect([0, 1, 2, 5, 6, 40].map(ageBucket)).toEqual(['0-1', '0-1', '2-5', '2-5', '>5', '>5']);
  });
});
