/**
 * Acceptance: breaks of every class, injected into an otherwise clean day, are found — each on
 * the right side with the right class — and nothing correct is flagged.
 */
import { describe, expect, it } from 'vitest';
import {
  reconcile,
  type Direction,
  type LedgerLine,
  type References,
  type Statement,
  type StatementEntry,
} from '../../src/reconciliation/index.js';

const D = '2026-03-09'; // Monday

function led(
  id: string,
  amount: bigint,
  direction: Direction,
  refs: References,
  over: Partial<LedgerLine> = {},
): LedgerLine {
  return {
    id,
    currency: 'EUR',
    amount,
    direction,
    bookingDate: D,
    valueDate: D,
    refs,
    counterparty: 'BANKDEFF',
    ...over,
  };
}

function ent(
  entryRef: string,
  amount: bigint,
  direction: Direction,
  refs: References,
  over: Partial<StatementEntry> = {},
): StatementEntry {
  return {
    entryRef,
    amount,
    direction,
    status: 'BOOK',
    bookingDate: D,
    refs,
    counterparty: 'BANKDEFF',
    ...over,
  };
}

function statement(entries: StatementEntry[]): Statement {
  let closing = 1_000_000n;
  for (const e of entries) if (e.status === 'BOOK') closing += e.direction === 'CRDT' ? e.amount : -e.amount;
  return {
    id: 'STMT-1',
    account: 'DE89370400440532013000',
    currency: 'EUR',
    openingBalance: 1_000_000n,
    closingBalance: closing,
    entries,
  };
}

/** A clean day: ten settlement movements, each on both sides with the same EndToEndId. */
function clean(): { entries: StatementEntry[]; ledger: LedgerLine[] } {
  const entries: StatementEntry[] = [];
  const ledger: LedgerLine[] = [];
  for (let i = 1; i <= 10; i++) {
    const dir: Direction = i % 2 ? 'CRDT' : 'DBIT';
    const amount = BigInt(10_000 * i + i);
    ledger.push(led(`OK-L${i}`, amount, dir, { endToEndId: `OK-${i}` }));
    entries.push(ent(`OK-S${i}`, amount, dir, { endToEndId: `OK-${i}` }));
  }
  return { entries, ledger };
}

describe('injected breaks', () => {
  const { entries, ledger } = clean();
  // missing on the bank side
  ledger.push(led('MISS-BANK', 12_345n, 'CRDT', { endToEndId: 'MB-1' }));
  // missing on the ledger side
  entries.push(ent('MISS-LEDGER', 23_456n, 'DBIT', { endToEndId: 'ML-1' }));
  // amount mismatch beyond tolerance
  ledger.push(led('AMT-L', 50_000n, 'CRDT', { endToEndId: 'AM-1' }));
  entries.push(ent('AMT-S', 55_000n, 'CRDT', { endToEndId: 'AM-1' }));
  // duplicate on the statement (same EndToEndId twice, one ledger line)
  ledger.push(led('DUP-L', 7_000n, 'DBIT', { endToEndId: 'DU-1' }));
  entries.push(ent('DUP-S1', 7_000n, 'DBIT', { endToEndId: 'DU-1' }));
  entries.push(ent('DUP-S2', 7_000n, 'DBIT', { endToEndId: 'DU-1' }));
  // duplicate in the ledger
  ledger.push(led('LDUP-1', 8_000n, 'CRDT', { endToEndId: 'LD-1' }));
  ledger.push(led('LDUP-2', 8_000n, 'CRDT', { endToEndId: 'LD-1' }));
  entries.push(ent('LDUP-S', 8_000n, 'CRDT', { endToEndId: 'LD-1' }));
  // value date one business day off: within the window, a suggested match, no break
  ledger.push(led('VDIN-L', 9_100n, 'DBIT', { endToEndId: 'VI-1' }));
  entries.push(ent('VDIN-S', 9_100n, 'DBIT', { endToEndId: 'VI-1' }, { valueDate: '2026-03-10' }));
  // value date five business days off: outside the window
  ledger.push(led('VDOUT-L', 9_200n, 'DBIT', { endToEndId: 'VO-1' }));
  entries.push(ent('VDOUT-S', 9_200n, 'DBIT', { endToEndId: 'VO-1' }, { valueDate: '2026-03-16' }));
  // pending on the statement, booked in the ledger
  ledger.push(led('PEND-L', 4_400n, 'CRDT', { endToEndId: 'PE-1' }));
  entries.push(ent('PEND-S', 4_400n, 'CRDT', { endToEndId: 'PE-1' }, { status: 'PDNG' }));
  // a reversal pair on the statement, unknown to the ledger
  entries.push(ent('REV-O', 3_300n, 'CRDT', { endToEndId: 'RV-1' }));
  entries.push(ent('REV-R', 3_300n, 'DBIT', { endToEndId: 'RV-1' }, { reversal: true }));
  // a reversal of an entry the ledger has (and matched): the ledger must book the reversal
  ledger.push(led('REVM-L', 2_200n, 'DBIT', { endToEndId: 'RM-1' }));
  entries.push(ent('REVM-O', 2_200n, 'DBIT', { endToEndId: 'RM-1' }));
  entries.push(ent('REVM-R', 2_200n, 'CRDT', { endToEndId: 'RM-1' }, { reversal: true }));
  // a batch whose details do not add up (the 1.00 difference is unexplained)
  ledger.push(
    led('BAT-L1', 1_000n, 'DBIT', { endToEndId: 'BA-1' }),
    led('BAT-L2', 2_000n, 'DBIT', { endToEndId: 'BA-2' }),
  );
  entries.push(
    ent(
      'BAT',
      3_100n,
      'DBIT',
      {},
      {
        batch: { msgId: 'MSG-BATCH', numberOfTransactions: 2 },
        transactions: [
          { amount: 1_000n, refs: { endToEndId: 'BA-1' } },
          { amount: 2_000n, refs: { endToEndId: 'BA-2' } },
        ],
      },
    ),
  );

  const state = reconcile({
    statements: [statement(entries)],
    ledger,
    asOf: '2026-03-17',
    config: { amountToleranceMinor: 500n, dateWindowBusinessDays: 2 },
  });
  const byClass = (cls: string) =>
    state.breaks
      .filter((b) => b.class === cls)
      .map((b) => `${b.side}|${b.statementIds.join('+')}|${b.ledgerIds.join('+')}`)
      .sort();

  it('finds a line missing on the bank side on the ledger side', () => {
    expect(byClass('missingOnStatement')).toEqual(['ledger||MISS-BANK']);
  });
  it('finds a line missing in the ledger on the statement side', () => {
    expect(byClass('missingInLedger')).toEqual(['statement|MISS-LEDGER|']);
  });
  it('finds an amount mismatch as a pair, with the signed difference', () => {
    expect(byClass('amountMismatch')).toEqual(['both|AMT-S|AMT-L']);
    expect(state.breaks.find((b) => b.class === 'amountMismatch')!.difference).toBe(5_000n);
  });
  it('finds duplicates on the side that has them', () => {
    expect(byClass('duplicate')).toEqual(['ledger||LDUP-2', 'statement|DUP-S2|']);
    expect(state.breaks.find((b) => b.id === 'B:duplicate:DUP-S2')!.relatedIds).toEqual(['DUP-S1']);
  });
  it('matches a value date within the window as a suggestion and breaks one outside it', () => {
    const m = state.matches.find((x) => x.statementIds.includes('VDIN-S'))!;
    expect(m).toMatchObject({ ledgerIds: ['VDIN-L'], rule: 'tolerance.ref', status: 'suggested' });
    expect(byClass('valueDateMismatch')).toEqual(['both|VDOUT-S|VDOUT-L']);
  });
  it('reports a pending line apart and the ledger line waiting for it as timing', () => {
    expect(state.pending).toEqual([{ statementId: 'PEND-S', ledgerIds: ['PEND-L'] }]);
    expect(byClass('timing')).toEqual(['ledger||PEND-L']);
    expect(state.matches.some((m) => m.statementIds.includes('PEND-S'))).toBe(false);
  });
  it('pairs a reversal with its original (no break), and flags a reversal of a matched entry', () => {
    expect(state.reversals).toEqual([{ side: 'statement', originalId: 'REV-O', reversalId: 'REV-R' }]);
    expect(byClass('reversal')).toEqual(['statement|REVM-R|']);
    expect(state.matches.find((m) => m.statementIds.includes('REVM-O'))!.ledgerIds).toEqual(['REVM-L']);
  });
  it('expands the batch, matches its details and breaks on the total', () => {
    expect(state.statementLines.filter((l) => l.batchOf === 'BAT').map((l) => l.id)).toEqual([
      'BAT/1',
      'BAT/2',
    ]);
    expect(byClass('batchTotalMismatch')).toEqual(['statement|BAT|']);
    expect(state.breaks.find((b) => b.class === 'batchTotalMismatch')!.difference).toBe(-100n);
    for (const id of ['BAT/1', 'BAT/2'])
      expect(state.matches.find((m) => m.statementIds.includes(id))!.status).toBe('confirmed');
  });
  it('flags nothing that is correct', () => {
    const flagged = new Set(state.breaks.flatMap((b) => [...b.statementIds, ...b.ledgerIds]));
    for (let i = 1; i <= 10; i++) {
      expect(flagged.has(`OK-S${i}`)).toBe(false);
      expect(flagged.has(`OK-L${i}`)).toBe(false);
      const m = state.matches.find((x) => x.statementIds.includes(`OK-S${i}`))!;
      expect(m).toMatchObject({ ledgerIds: [`OK-L${i}`], rule: 'ref.exact', status: 'confirmed' });
    }
    expect(state.breaks).toHaveLength(9);
  });
  it('ages every break in TARGET2 business days', () => {
    // Booked Monday 9 March, aged on Tuesday 17 March: 6 business days.
    for (const b of state.breaks) expect([b.ageBusinessDays, b.ageBucket]).toEqual([6, '>5']);
    const young = reconcile({
      statements: [statement([ent('Y', 100n, 'CRDT', {})])],
      ledger: [],
      asOf: '2026-03-10',
    });
    expect([young.breaks[0]!.ageBusinessDays, young.breaks[0]!.ageBucket]).toEqual([1, '0-1']);
    const mid = reconcile({
      statements: [statement([ent('Y', 100n, 'CRDT', {})])],
      ledger: [],
      asOf: '2026-03-13',
    });
    expect([mid.breaks[0]!.ageBusinessDays, mid.breaks[0]!.ageBucket]).toEqual([4, '2-5']);
  });
  it('still proves the statement balance', () => {
    expect(state.balance.difference).toBe(0n);
  });
});
