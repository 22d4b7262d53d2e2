import { describe, expect, it } from 'vitest';
import {
  confirmMatch,
  manualMatch,
  reconcile,
  unmatch,
  type LedgerLine,
  type ReconciliationState,
  type StatementEntry,
} from '../../src/reconciliation/index.js';

const D = '2026-03-02';
const led = (id: string, amount: bigint, refs = {}, over: Partial<LedgerLine> = {}): LedgerLine => ({
  id,
  currency: 'EUR',
  amount,
  direction: 'CRDT',
  bookingDate: D,
  valueDate: D,
  refs,
  ...over,
});
const ent = (
  entryRef: string,
  amount: bigint,
  refs = {},
  over: Partial<StatementEntry> = {},
): StatementEntry => ({
  entryRef,
  amount,
  direction: 'CRDT',
  status: 'BOOK',
  bookingDate: D,
  refs,
  ...over,
});

function start(): ReconciliationState {
  return reconcile({
    statements: [
      {
        id: 'S1',
        account: 'DE89370400440532013000',
        currency: 'EUR',
        openingBalance: 0n,
        closingBalance: 1_700n,
        entries: [
          ent('N1', 1_000n, { endToEndId: 'E1' }),
          ent('N2', 300n, {}, { counterparty: 'BANKDEFF' }),
          ent('N3', 400n), // the bank lost the references
          ent('N4', 99n, {}, { status: 'PDNG' }),
        ],
      },
    ],
    ledger: [
      led('L1', 1_000n, { endToEndId: 'E1' }),
      led('L2', 300n, {}, { counterparty: 'BANKDEFF' }),
      led('L3', 250n),
      led('L4', 150n),
    ],
    asOf: D,
  });
}

const who = { by: 'ops.alice', at: '2026-03-02T16:05:00.000Z' };

describe('manual operations', () => {
  it('matches N:M by hand when the sums agree, records who did it, and clears the breaks', () => {
    const s0 = start();
    expect(s0.breaks.map((b) => b.class).sort()).toEqual([
      'missingInLedger',
      'missingOnStatement',
      'missingOnStatement',
    ]);
    const r = manualMatch(s0, {
      ...who,
      matchId: 'MAN-1',
      statementIds: ['N3'],
      ledgerIds: ['L3', 'L4'],
      note: 'bank dropped refs',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.breaks).toEqual([]);
    expect(r.value.matches.find((m) => m.id === 'MAN-1')).toMatchObject({
      rule: 'manual',
      status: 'confirmed',
      by: 'ops.alice',
      tier: 0,
    });
    expect(r.value.audit).toEqual([
      {
        action: 'match',
        matchId: 'MAN-1',
        statementIds: ['N3'],
        ledgerIds: ['L3', 'L4'],
        by: 'ops.alice',
        at: who.at,
        rule: 'manual',
        note: 'bank dropped refs',
      },
    ]);
    // The state it came from is untouched.
    expect(s0.audit).toEqual([]);
    expect(s0.breaks).toHaveLength(3);
  });

  it('refuses inconsistent manual matches', () => {
    const s0 = start();
    const code = (r: ReturnType<typeof manualMatch>): string => (r.ok ? 'ok' : r.error.code);
    expect(code(manualMatch(s0, { ...who, matchId: 'X', statementIds: ['N3'], ledgerIds: ['L3'] }))).toBe(
      'amountsDiffer',
    );
    expect(
      code(manualMatch(s0, { ...who, matchId: 'X', statementIds: ['N1'], ledgerIds: ['L3', 'L4'] })),
    ).toBe('lineNotOpen');
    expect(code(manualMatch(s0, { ...who, matchId: 'X', statementIds: ['N4'], ledgerIds: ['L3'] }))).toBe(
      'lineNotBooked',
    );
    expect(code(manualMatch(s0, { ...who, matchId: 'X', statementIds: ['NOPE'], ledgerIds: ['L3'] }))).toBe(
      'unknownLine',
    );
    expect(code(manualMatch(s0, { ...who, matchId: 'X', statementIds: [], ledgerIds: ['L3'] }))).toBe(
      'emptySide',
    );
    expect(
      code(
        manualMatch(s0, {
          ...who,
          matchId: s0.matches[0]!.id,
          statementIds: ['N3'],
          ledgerIds: ['L3', 'L4'],
        }),
      ),
    ).toBe('matchIdTaken');
  });

  it('unmatches: the lines are open again and re-classed', () => {
    const s0 = start();
    const id = s0.matches.find((m) => m.statementIds.includes('N1'))!.id;
    const r = unmatch(s0, {
      by: 'ops.bob',
      at: '2026-03-02T17:00:00.000Z',
      matchId: id,
      reason: 'wrong pair',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.matches.some((m) => m.id === id)).toBe(false);
    // Same reference and amount, now both open: still found, here as a pair nobody confirmed.
    expect(
      r.value.breaks.filter((b) => b.statementIds.includes('N1') || b.ledgerIds.includes('L1')),
    ).toHaveLength(2);
    expect(r.value.audit[0]).toMatchObject({
      action: 'unmatch',
      matchId: id,
      by: 'ops.bob',
      note: 'wrong pair',
      rule: 'ref.exact',
    });
    const again = unmatch(r.value, {
      by: 'ops.bob',
      at: '2026-03-02T17:01:00.000Z',
      matchId: id,
      reason: 'twice',
    });
    expect(again.ok ? 'ok' : again.error.code).toBe('unknownMatch');
  });

  it('confirms a suggestion once', () => {
    const s0 = start();
    const sug = s0.matches.find((m) => m.status === 'suggested')!;
    expect(sug.statementIds).toEqual(['N2']);
    const r = confirmMatch(s0, { by: 'ops.carol', at: '2026-03-02T18:00:00.000Z', matchId: sug.id });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.matches.find((m) => m.id === sug.id)).toMatchObject({
      status: 'confirmed',
      confirmedBy: 'ops.carol',
    });
    expect(r.value.audit).toHaveLength(1);
    const twice = confirmMatch(r.value, { by: 'ops.carol', at: '2026-03-02T18:01:00.000Z', matchId: sug.id });
    expect(twice.ok ? 'ok' : twice.error.code).toBe('alreadyConfirmed');
  });
});
