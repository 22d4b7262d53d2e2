import { describe, expect, it } from 'vitest';
import { ManualClock, bic11, isBic, isIban, isUetr, timeOrderedIds } from '../../../src/domain/index.js';

describe('identifiers', () => {
  it('checks BIC format (ISO 9362)', () => {
    expect(isBic('DEUTDEFF')).toBe(true);
    expect(isBic('DEUTDEFF500')).toBe(true);
    expect(isBic('deutdeff')).toBe(false);
    expect(isBic('DEUT1EFF')).toBe(false); // country must be letters
    expect(isBic('DEUTDEFF50')).toBe(false);
    expect(bic11('DEUTDEFF')).toBe('DEUTDEFFXXX');
  });

  it('checks IBAN MOD-97 (ISO 13616) in electronic format', () => {
    expect(isIban('DE89370400440532013000')).toBe(true);
    expect(isIban('DE89370400440532013001')).toBe(false);
    expect(isIban('DE89 3704 0044 0532 0130 00')).toBe(false);
    expect(isIban('GB29NWBK60161331926819')).toBe(true);
  });

  it('checks UETR is a lower-case UUIDv4', () => {
    expect(isUetr('eb6305c9-1f7f-49de-aed0-16487c27b42d')).toBe(true);
    expect(isUetr('EB6305C9-1F7F-49DE-AED0-16487C27B42D')).toBe(false);
    expect(isUetr('eb6305c9-1f7f-19de-aed0-16487c27b42d')).toBe(false);
  });

  it('makes time-ordered, unique ids from the injected clock', () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 9, 0, 0));
    const ids = timeOrderedIds(clock, 7);
    const seen: string[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i % 100 === 0) clock.advance(1);
      seen.push(ids.next());
    }
    expect(new Set(seen).size).toBe(1000);
    expect([...seen].sort()).toEqual(seen);
    expect(seen[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // same clock, same node → same ids (reproducible runs); another node → other ids
    const replay = (node: number) => {
      const c = new ManualClock(Date.UTC(2026, 10, 25, 9, 0, 0));
      const g = timeOrderedIds(c, node);
      return Array.from({ length: 1000 }, (_, i) => {
        if (i % 100 === 0) c.advance(1);
        return g.next();
      });
    };
    expect(replay(7)).toEqual(seen);
    expect(replay(8).some((id) => seen.includes(id))).toBe(false);
  });
});
