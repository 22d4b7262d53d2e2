import { describe, expect, it } from 'vitest';
import {
  hungarian,
  reconcile,
  subsetSum,
  target2Calendar,
  type Direction,
  type LedgerLine,
  type ReconcileConfig,
  type ReconciliationState,
  type References,
  type Statement,
  type StatementEntry,
} from '../../src/reconciliation/index.js';

const D = '2026-03-02'; // a Monday

function led(
  id: string,
  amount: bigint,
  direction: Direction,
  refs: References = {},
  over: Partial<LedgerLine> = {},
): LedgerLine {
  return {
    id,
    currency: 'EUR',
    amount,
    direction,
    bookingDate: over.valueDate ?? D,
    valueDate: D,
    refs,
    ...over,
  };
}

function ent(
  amount: bigint,
  direction: Direction,
  refs: References = {},
  over: Partial<StatementEntry> = {},
): StatementEntry {
  return { amount, direction, status: 'BOOK', bookingDate: D, refs, ...over };
}

function stmt(entries: StatementEntry[], over: Partial<Statement> = {}): Statement {
  let closing = 0n;
  for (const e of entries) if (e.status === 'BOOK') closing += e.direction === 'CRDT' ? e.amount : -e.amount;
  return {
    id: 'S1',
    account: 'DE89370400440532013000',
    currency: 'EUR',
    openingBalance: 0n,
    closingBalance: closing,
    entries,
    ...over,
  };
}

function run(
  entries: StatementEntry[],
  ledger: LedgerLine[],
  config: Partial<ReconcileConfig> = {},
  asOf = D,
): ReconciliationState {
  return reconcile({ statements: [stmt(entries)], ledger, asOf, config });
}

function pairs(state: ReconciliationState): string[] {
  return state.matches
    .map((m) => `${m.statementIds.join('+')}=${m.ledgerIds.join('+')}:${m.rule}:${m.status}`)
    .sort();
}

describe('tier 1: exact references', () => {
  it('matches on each reference kind with equal amount, direction and value date, and confirms unique pairs', () => {
    const state = run(
      [
        ent(100n, 'CRDT', { uetr: 'EB6305C9-1F7F-49DE-AED0-16487C27B42D' }, { entryRef: 'N1' }),
        ent(200n, 'DBIT', { endToEndId: 'E2' }, { entryRef: 'N2' }),
        ent(300n, 'CRDT', { txId: 'T3' }, { entryRef: 'N3' }),
        ent(400n, 'CRDT', { instrId: 'I4' }, { entryRef: 'N4' }),
        ent(500n, 'DBIT', { acctSvcrRef: 'A5' }, { entryRef: 'N5' }),
        ent(600n, 'DBIT', { cycleRef: 'C6' }, { entryRef: 'N6' }),
      ],
      [
        led('L1', 100n, 'CRDT', { uetr: 'eb6305c9-1f7f-49de-aed0-16487c27b42d' }),
        led('L2', 200n, 'DBIT', { endToEndId: 'E2' }),
        led('L3', 300n, 'CRDT', { txId: 'T3' }),
        led('L4', 400n, 'CRDT', { instrId: 'I4' }),
        led('L5', 500n, 'DBIT', { acctSvcrRef: 'A5' }),
        led('L6', 600n, 'DBIT', { cycleRef: 'C6' }),
        led('L7', 601n, 'DBIT', { cycleRef: 'C6' }), // same cycle, other amount: not a candidate
      ],
    );
    expect(pairs(state)).toEqual([
      'A5=L5:ref.exact:confirmed', // a line is named by its AcctSvcrRef when it has one
      'N1=L1:ref.exact:confirmed',
      'N2=L2:ref.exact:confirmed',
      'N3=L3:ref.exact:confirmed',
      'N4=L4:ref.exact:confirmed',
      'N6=L6:ref.exact:confirmed',
    ]);
    expect(state.breaks.map((b) => `${b.class}:${b.ledgerIds.join()}`)).toEqual(['missingOnStatement:L7']);
  });

  it('never pairs lines whose end-to-end references differ, even if another reference agrees', () => {
    const state = run(
      [ent(100n, 'CRDT', { endToEndId: 'E1', txId: 'T' }, { entryRef: 'N1' })],
      [led('L1', 100n, 'CRDT', { endToEndId: 'E2', txId: 'T' })],
    );
    expect(state.matches).toEqual([]);
    expect(state.breaks.map((b) => b.class).sort()).toEqual(['missingInLedger', 'missingOnStatement']);
  });

  it('ignores the NOTPROVIDED placeholder as a reference', () => {
    const state = run(
      [ent(100n, 'CRDT', { endToEndId: 'NOTPROVIDED' }, { entryRef: 'N1' })],
      [led('L1', 100n, 'CRDT', { endToEndId: 'NOTPROVIDED' })],
    );
    expect(state.matches.filter((m) => m.rule === 'ref.exact')).toEqual([]);
  });

  it('marks an ambiguous component as suggested, not confirmed', () => {
    // Two ledger lines of one cycle with equal amounts: either could be the statement's.
    const state = run(
      [ent(100n, 'CRDT', { cycleRef: 'C1' }, { entryRef: 'N1' })],
      [led('L1', 100n, 'CRDT', { cycleRef: 'C1' }), led('L2', 100n, 'CRDT', { cycleRef: 'C1' })],
    );
    expect(pairs(state)).toEqual(['N1=L1:ref.exact:suggested']);
    expect(state.matches[0]!.ambiguous).toBe(true);
  });

  it('prefers the candidate sharing more references within an ambiguous component', () => {
    const state = run(
      [ent(100n, 'CRDT', { cycleRef: 'C1', txId: 'T2' }, { entryRef: 'N1' })],
      [led('L1', 100n, 'CRDT', { cycleRef: 'C1' }), led('L2', 100n, 'CRDT', { cycleRef: 'C1', txId: 'T2' })],
    );
    expect(pairs(state)).toEqual(['N1=L2:ref.exact:confirmed']);
  });
});

describe('tiers 2 and 3', () => {
  it('tier 2 pairs equal amount, value date and counterparty (BIC11 XXX = BIC8), as a suggestion', () => {
    const state = run(
      [ent(100n, 'CRDT', {}, { entryRef: 'N1', counterparty: 'BANKDEFFXXX' })],
      [led('L1', 100n, 'CRDT', {}, { counterparty: 'bankdeff' })],
    );
    expect(pairs(state)).toEqual(['N1=L1:amount.date.counterparty:suggested']);
  });

  it('tier 3 accepts an amount within tolerance (smaller of absolute and relative) and records the difference', () => {
    const cfg = { amountToleranceMinor: 500n, amountToleranceBp: 10 }; // 5.00 or 0.1%
    const ok = run(
      [ent(100_000n, 'CRDT', { endToEndId: 'E1' }, { entryRef: 'N1' })],
      [led('L1', 100_090n, 'CRDT', { endToEndId: 'E1' })],
      cfg,
    );
    expect(pairs(ok)).toEqual(['N1=L1:tolerance.ref:suggested']);
    expect(ok.matches[0]!.difference).toBe(-90n);
    // 0.1% of 1000.00 is 1.00 < 5.00, so 1.10 is outside.
    const out = run(
      [ent(100_000n, 'CRDT', { endToEndId: 'E1' }, { entryRef: 'N1' })],
      [led('L1', 100_110n, 'CRDT', { endToEndId: 'E1' })],
      cfg,
    );
    expect(out.matches).toEqual([]);
    expect(out.breaks.map((b) => b.class)).toEqual(['amountMismatch']);
  });

  it('tier 3 pairs by counterparty within the business-day window', () => {
    const state = run(
      [ent(700n, 'DBIT', {}, { entryRef: 'N1', counterparty: 'BANKFRPP', valueDate: '2026-03-04' })],
      [led('L1', 700n, 'DBIT', {}, { counterparty: 'BANKFRPP', valueDate: '2026-03-02' })],
      { dateWindowBusinessDays: 2 },
      '2026-03-04',
    );
    expect(pairs(state)).toEqual(['N1=L1:tolerance.counterparty:suggested']);
  });
});

describe('optimality', () => {
  const cal = target2Calendar();
  /** Total |business-day distance| over the matched pairs. */
  function totalDays(state: ReconciliationState): number {
    const sv = new Map(state.statementLines.map((l) => [l.id, l.valueDate]));
    const lv = new Map(state.ledgerLines.map((l) => [l.id, l.valueDate]));
    return state.matches.reduce(
      (t, m) => t + Math.abs(cal.businessDaysBetween(sv.get(m.statementIds[0]!)!, lv.get(m.ledgerIds[0]!)!)),
      0,
    );
  }
  /** First-fit as Blnk does: each statement line in order takes the first free ledger line the rule admits. */
  function firstFit(
    s: Array<{ id: string; date: string }>,
    l: Array<{ id: string; date: string }>,
    window: number,
  ): { pairs: number; days: number } {
    const used = new Set<string>();
    let pairs = 0;
    let days = 0;
    for (const a of s) {
      const b = l.find((x) => !used.has(x.id) && Math.abs(cal.businessDaysBetween(a.date, x.date)) <= window);
      if (!b) continue;
      used.add(b.id);
      pairs++;
      days += Math.abs(cal.businessDaysBetween(a.date, b.date));
    }
    return { pairs, days };
  }

  const S = [
    { id: 'N1', date: '2026-03-03' },
    { id: 'N2', date: '2026-03-05' },
  ];
  const L = [
    { id: 'L1', date: '2026-03-04' },
    { id: 'L2', date: '2026-03-02' },
  ];
  const build = (window: number): ReconciliationState =>
    run(
      S.map((x) => ent(100n, 'CRDT', {}, { entryRef: x.id, counterparty: 'BANKFRPP', valueDate: x.date })),
      L.map((x) =>
        led(x.id, 100n, 'CRDT', {}, { counterparty: 'BANKFRPP', valueDate: x.date, bookingDate: x.date }),
      ),
      { dateWindowBusinessDays: window },
      '2026-03-05',
    );

  it('matches more pairs than first-fit when first-fit strands a line', () => {
    // Window 2: N1 fits L1 and L2, N2 only L1. First-fit gives N1 L1 and strands N2.
    expect(firstFit(S, L, 2)).toEqual({ pairs: 1, days: 1 });
    const state = build(2);
    expect(pairs(state)).toEqual([
      'N1=L2:tolerance.counterparty:suggested',
      'N2=L1:tolerance.counterparty:suggested',
    ]);
    expect(state.matches.every((m) => m.ambiguous && m.optimal)).toBe(true);
    expect(state.breaks).toEqual([]);
  });

  it('finds the least total date distance where first-fit does not', () => {
    // Window 3: first-fit N1 L1 (1) + N2 L2 (3) = 4 days; the optimum N1 L2 (1) + N2 L1 (1) = 2.
    expect(firstFit(S, L, 3)).toEqual({ pairs: 2, days: 4 });
    const state = build(3);
    expect(state.matches).toHaveLength(2);
    expect(totalDays(state)).toBe(2);
  });

  it('does not depend on input order', () => {
    const a = build(3);
    const b = reconcile({
      statements: [
        stmt(
          [...a.statementLines]
            .reverse()
            .map((l) =>
              ent(
                l.amount,
                l.direction,
                {},
                { entryRef: l.id, counterparty: l.counterparty, valueDate: l.valueDate },
              ),
            ),
        ),
      ],
      ledger: [...a.ledgerLines].reverse(),
      asOf: '2026-03-05',
      config: { dateWindowBusinessDays: 3 },
    });
    expect(pairs(b)).toEqual(pairs(a));
  });

  it('hungarian: exact on a hand case and prefers more pairs over cheaper ones', () => {
    // 3x3 classic: optimum 1+2+3? rows: [4,1,3],[2,0,5],[3,2,2] -> optimum 5 (1 + 2 + 2).
    const m = Float64Array.from([4, 1, 3, 2, 0, 5, 3, 2, 2]);
    const a = hungarian(m, 3, 3);
    expect([...a]).toEqual([1, 0, 2]);
    // Row 0 can take col 0 (cost 1) or col 1 (cost 100); row 1 only col 0. Two pairs beat one cheap pair.
    const n = Float64Array.from([1, 100, 5, Infinity]);
    expect([...hungarian(n, 2, 2)]).toEqual([1, 0]);
    // Rectangular, a row with no allowed column stays unassigned.
    const r = Float64Array.from([Infinity, Infinity, Infinity, 3, 1, 2]);
    expect([...hungarian(r, 2, 3)]).toEqual([-1, 1]);
  });
});

describe('groups', () => {
  it('one statement line equal to the sum of several ledger lines (same counterparty and value date)', () => {
    const state = run(
      [ent(1_000n, 'CRDT', {}, { entryRef: 'N1', counterparty: 'BANKDEFF' })],
      [
        led('L1', 300n, 'CRDT', {}, { counterparty: 'BANKDEFF' }),
        led('L2', 450n, 'CRDT', {}, { counterparty: 'BANKDEFF' }),
        led('L3', 250n, 'CRDT', {}, { counterparty: 'BANKDEFF' }),
        led('L4', 999n, 'CRDT', {}, { counterparty: 'BANKDEFF' }),
      ],
    );
    expect(pairs(state)).toEqual(['N1=L1+L2+L3:group.sum:suggested']);
    expect(state.breaks.map((b) => b.ledgerIds.join())).toEqual(['L4']);
  });

  it('several statement lines equal to one ledger line', () => {
    const state = run(
      [
        ent(300n, 'DBIT', {}, { entryRef: 'N1', counterparty: 'BANKDEFF' }),
        ent(700n, 'DBIT', {}, { entryRef: 'N2', counterparty: 'BANKDEFF' }),
      ],
      [led('L1', 1_000n, 'DBIT', {}, { counterparty: 'BANKDEFF' })],
    );
    expect(pairs(state)).toEqual(['N1+N2=L1:group.sum:suggested']);
  });

  it('one statement line equal to all ledger lines of its message or cycle reference (confirmed)', () => {
    const state = run(
      [ent(600n, 'CRDT', { cycleRef: 'C9' }, { entryRef: 'N1' })],
      [
        led('L1', 100n, 'CRDT', { cycleRef: 'C9' }),
        led('L2', 500n, 'CRDT', { cycleRef: 'C9' }),
        led('L3', 500n, 'DBIT', { cycleRef: 'C9' }),
      ],
    );
    expect(pairs(state)).toEqual(['N1=L1+L2:group.ref:confirmed']);
  });

  it('subsetSum: smallest group first, ambiguity and the step bound', () => {
    // {8,2} and {5,3,2} both sum to 10: the pair is found first (size 2), and no other pair does.
    expect(subsetSum([5n, 3n, 2n, 8n], 10n, 4, 1000).found).toEqual({ indices: [2, 3], unique: true });
    expect(subsetSum([5n, 3n, 2n, 8n], 10n, 4, 1000).found).toEqual({ indices: [2, 3], unique: true });
    expect(subsetSum([5n, 3n, 2n, 9n], 10n, 4, 1000).found).toEqual({ indices: [0, 1, 2], unique: true });
    expect(subsetSum([8n, 2n, 5n, 3n], 10n, 2, 1000).found).toEqual({ indices: [0, 1], unique: true });
    expect(subsetSum([4n, 4n, 4n], 8n, 3, 1000).found).toEqual({ indices: [0, 1], unique: false });
    expect(subsetSum([1n, 2n], 10n, 3, 1000).found).toBeNull();
    const many = Array.from({ length: 30 }, (_, i) => BigInt(1000 + i * 7));
    expect(subsetSum(many, 1n, 6, 50).cut).toBe(false); // pruned at once: every member exceeds the target
    expect(subsetSum(many, 6_200n, 6, 50).cut).toBe(true);
  });
});

describe('reversals', () => {
  it('a reversal and its original on the statement offset each other: no break', () => {
    const state = run(
      [
        ent(500n, 'CRDT', { endToEndId: 'E1' }, { entryRef: 'N1' }),
        ent(500n, 'DBIT', { endToEndId: 'E1' }, { entryRef: 'N2', reversal: true }),
      ],
      [],
    );
    expect(state.reversals).toEqual([{ side: 'statement', originalId: 'N1', reversalId: 'N2' }]);
    expect(state.breaks).toEqual([]);
  });

  it('the same in the ledger', () => {
    const state = run(
      [],
      [
        led('L1', 500n, 'CRDT', { endToEndId: 'E1' }),
        led('L2', 500n, 'DBIT', { endToEndId: 'E1' }, { reversal: true }),
      ],
    );
    expect(state.reversals).toEqual([{ side: 'ledger', originalId: 'L1', reversalId: 'L2' }]);
    expect(state.breaks).toEqual([]);
  });
});
