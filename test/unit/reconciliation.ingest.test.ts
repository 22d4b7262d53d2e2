import { describe, expect, it } from 'vitest';
import { ingestStatements, type Statement, type StatementEntry } from '../../src/reconciliation/index.js';

const base = { account: 'DE89370400440532013000', currency: 'EUR' };

function e(amount: bigint, over: Partial<StatementEntry> = {}): StatementEntry {
  return { amount, direction: 'CRDT', status: 'BOOK', bookingDate: '2026-03-02', refs: {}, ...over };
}

const opts = { dedupeByEntryRef: true };

describe('statement ingestion', () => {
  it('keeps an entry seen in two overlapping statements once (by AcctSvcrRef), and proves the chain', () => {
    const a = e(100n, { refs: { acctSvcrRef: 'A1' } });
    const b = e(50n, { direction: 'DBIT', refs: { acctSvcrRef: 'A2' } });
    const c = e(30n, { refs: { acctSvcrRef: 'A3' } });
    const s1: Statement = {
      ...base,
      id: 'S1',
      sequence: 1,
      openingBalance: 0n,
      closingBalance: 50n,
      entries: [a, b],
    };
    const s2: Statement = {
      ...base,
      id: 'S2',
      sequence: 2,
      openingBalance: 100n,
      closingBalance: 80n,
      entries: [{ ...b }, c],
    };
    const r = ingestStatements([s2, s1], opts);
    expect(r.statementIds).toEqual(['S1', 'S2']);
    expect(r.lines.map((l) => l.id)).toEqual(['A1', 'A2', 'A3']);
    expect(r.duplicateEntriesDropped).toBe(1);
    expect(r.proofs.map((p) => p.difference)).toEqual([0n, 0n]);
    expect(r.balance).toMatchObject({
      openingBalance: 0n,
      bookedMovement: 80n,
      expectedClosing: 80n,
      statedClosing: 80n,
      difference: 0n,
    });
  });

  it('de-duplicates by NtryRef, or by content when neither reference is given; keeps repeats inside one statement', () => {
    const byRef = ingestStatements(
      [
        { ...base, id: 'S1', sequence: 1, entries: [e(1n, { entryRef: 'N1' })] },
        { ...base, id: 'S2', sequence: 2, entries: [e(1n, { entryRef: 'N1' })] },
      ],
      opts,
    );
    expect(byRef.lines).toHaveLength(1);
    // The same when NtryRef is a per-statement counter and de-duplication by it is turned off: content decides.
    const counters = ingestStatements(
      [
        { ...base, id: 'S1', sequence: 1, entries: [e(1n, { entryRef: '1' }), e(2n, { entryRef: '2' })] },
        { ...base, id: 'S2', sequence: 2, entries: [e(3n, { entryRef: '1' })] },
      ],
      { dedupeByEntryRef: false },
    );
    expect(counters.lines.map((l) => [l.id, l.amount])).toEqual([
      ['1', 1n],
      ['2', 2n],
      ['S2:1', 3n],
    ]);
    // Two identical fees inside one statement are two fees; the overlap repeating both is not.
    const fee = e(150n, { direction: 'DBIT' });
    const fees = ingestStatements(
      [
        { ...base, id: 'S1', sequence: 1, entries: [fee, { ...fee }] },
        { ...base, id: 'S2', sequence: 2, entries: [{ ...fee }, { ...fee }, e(7n)] },
      ],
      opts,
    );
    expect(fees.lines.map((l) => l.id)).toEqual(['S1#1', 'S1#2', 'S2#3']);
    expect(fees.duplicateEntriesDropped).toBe(2);
  });

  it('replaces a pending entry by its booked sighting', () => {
    const r = ingestStatements(
      [
        { ...base, id: 'R1', sequence: 1, entries: [e(9n, { status: 'PDNG', refs: { acctSvcrRef: 'P1' } })] },
        {
          ...base,
          id: 'R2',
          sequence: 2,
          entries: [e(9n, { status: 'BOOK', bookingDate: '2026-03-03', refs: { acctSvcrRef: 'P1' } })],
        },
      ],
      opts,
    );
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({ status: 'BOOK', bookingDate: '2026-03-03' });
    expect(r.pendingSuperseded).toBe(1);
  });

  it('keeps both when one AcctSvcrRef arrives with two different amounts', () => {
    const r = ingestStatements(
      [
        {
          ...base,
          id: 'S1',
          sequence: 1,
          openingBalance: 0n,
          closingBalance: 10n,
          entries: [e(10n, { refs: { acctSvcrRef: 'X' } })],
        },
        {
          ...base,
          id: 'S2',
          sequence: 2,
          openingBalance: 0n,
          closingBalance: 11n,
          entries: [e(11n, { refs: { acctSvcrRef: 'X' } })],
        },
      ],
      opts,
    );
    expect(r.lines.map((l) => [l.id, l.amount])).toEqual([
      ['X', 10n],
      ['S2:X', 11n],
    ]);
    expect(r.balance.difference).toBe(10n); // 0 + 10 + 11 against 11: the proof catches it
  });

  it('expands batch entries and checks their totals and counts', () => {
    const ok = e(300n, {
      entryRef: 'B1',
      refs: { acctSvcrRef: 'SV-B1' },
      batch: { msgId: 'M1', numberOfTransactions: 2 },
      transactions: [
        { amount: 100n, refs: { endToEndId: 'E1' }, counterparty: 'BANKDEFF' },
        { amount: 200n, refs: { endToEndId: 'E2' } },
      ],
    });
    const bad = e(300n, {
      entryRef: 'B2',
      transactions: [
        { amount: 100n, refs: { endToEndId: 'E3' } },
        { amount: 150n, refs: { endToEndId: 'E4' } },
      ],
    });
    const count = e(300n, {
      entryRef: 'B3',
      batch: { numberOfTransactions: 3 },
      transactions: [
        { amount: 100n, refs: { endToEndId: 'E5' } },
        { amount: 200n, refs: { endToEndId: 'E6' } },
      ],
    });
    const noAmounts = e(300n, {
      entryRef: 'B4',
      batch: { msgId: 'M4' },
      transactions: [{ refs: { endToEndId: 'E7' } }, { refs: { endToEndId: 'E8' } }],
    });
    const r = ingestStatements([{ ...base, id: 'S1', entries: [ok, bad, count, noAmounts] }], opts);
    expect(
      r.lines.map((l) => [
        l.id,
        l.amount,
        l.batchOf ?? null,
        l.refs.endToEndId ?? null,
        l.refs.msgId ?? null,
      ]),
    ).toEqual([
      ['SV-B1/1', 100n, 'SV-B1', 'E1', 'M1'],
      ['SV-B1/2', 200n, 'SV-B1', 'E2', 'M1'],
      ['B2/1', 100n, 'B2', 'E3', null],
      ['B2/2', 150n, 'B2', 'E4', null],
      ['B3/1', 100n, 'B3', 'E5', null],
      ['B3/2', 200n, 'B3', 'E6', null],
      ['B4', 300n, null, null, 'M4'],
    ]);
    expect(r.lines[0]!.counterparty).toBe('BANKDEFF');
    expect(r.batchMismatches.map((m) => [m.entryId, m.difference])).toEqual([
      ['B2', 50n],
      ['B3', 0n],
    ]);
    // The batch's entry-level AcctSvcrRef stays on the entry: its details do not all share it.
    expect(r.lines[0]!.refs.acctSvcrRef).toBeUndefined();
  });

  it('a single-transaction entry merges its references into one line', () => {
    const r = ingestStatements(
      [
        {
          ...base,
          id: 'S1',
          entries: [
            e(5n, {
              entryRef: 'N',
              refs: { acctSvcrRef: 'A' },
              transactions: [{ refs: { endToEndId: 'E', uetr: 'U' } }],
            }),
          ],
        },
      ],
      opts,
    );
    expect(r.lines[0]!.refs).toEqual({ acctSvcrRef: 'A', endToEndId: 'E', uetr: 'U' });
    expect(r.batchMismatches).toEqual([]);
  });

  it('leaves pending entries out of the booked balance proof', () => {
    const r = ingestStatements(
      [
        {
          ...base,
          id: 'S1',
          openingBalance: 10n,
          closingBalance: 15n,
          entries: [e(5n), e(99n, { status: 'PDNG' })],
        },
      ],
      opts,
    );
    expect(r.proofs[0]!.difference).toBe(0n);
    expect(r.lines.map((l) => l.status)).toEqual(['BOOK', 'PDNG']);
  });

  it('counts entries seen only in notifications (no balances) outside the proof', () => {
    const r = ingestStatements(
      [
        {
          ...base,
          id: 'S1',
          sequence: 1,
          openingBalance: 0n,
          closingBalance: 5n,
          entries: [e(5n, { refs: { acctSvcrRef: 'A' } })],
        },
        {
          ...base,
          id: 'N1',
          sequence: 2,
          entries: [e(5n, { refs: { acctSvcrRef: 'A' } }), e(7n, { refs: { acctSvcrRef: 'B' } })],
        },
      ],
      opts,
    );
    expect(r.balance).toMatchObject({ proven: true, difference: 0n, entriesOutsideProof: 1 });
  });

  it('refuses statements of different accounts or currencies', () => {
    expect(() =>
      ingestStatements(
        [
          { ...base, id: 'S1', entries: [] },
          { ...base, account: 'OTHER', id: 'S2', entries: [] },
        ],
        opts,
      ),
    ).toThrow(/is for OTHER/);
  });
});
