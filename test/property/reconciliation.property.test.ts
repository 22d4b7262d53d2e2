/**
 * Acceptance (property): a statement made from the ledger reconciles completely — every ledger
 * line appears on the bank side with its references, in any order, spread over overlapping
 * statements, some of them inside batch bookings — and lines taken away or added are found as
 * exactly those breaks. Plus: the assignment solver is optimal against brute force.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hungarian,
  reconcile,
  type Direction,
  type LedgerLine,
  type Statement,
  type StatementEntry,
} from '../../src/reconciliation/index.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log('fast-check seed (reconciliation)', seed);

const DAYS = [
  '2026-03-02',
  '2026-03-03',
  '2026-03-04',
  '2026-03-05',
  '2026-03-06',
  '2026-03-09',
  '2026-03-10',
];
const OPENING = 5_000_000n;

interface Gen {
  amount: bigint;
  credit: boolean;
  day: number;
  refMask: number; // bit 0 UETR, bit 1 EndToEndId, bit 2 TxId
  cpty: string;
  svcr: boolean; // the bank gives an AcctSvcrRef (else entries are told apart by content)
  joinBatch: boolean; // join the previous entry's batch booking when direction and day agree
  onStatement: boolean;
}

const genArb: fc.Arbitrary<Gen> = fc.record({
  amount: fc.bigInt({ min: 1n, max: 10n ** 13n }),
  credit: fc.boolean(),
  day: fc.integer({ min: 0, max: DAYS.length - 1 }),
  refMask: fc.integer({ min: 1, max: 7 }),
  cpty: fc.constantFrom('BANKDEFF', 'BANKFRPPXXX', 'BANKITMM'),
  svcr: fc.boolean(),
  joinBatch: fc.boolean(),
  onStatement: fc.boolean(),
});

const scenarioArb = fc.array(genArb, { minLength: 1, maxLength: 50 }).chain((gens) => {
  const idx = gens.map((_, i) => i);
  return fc.record({
    gens: fc.constant(gens),
    statementOrder: fc.shuffledSubarray(idx, { minLength: idx.length, maxLength: idx.length }),
    ledgerOrder: fc.shuffledSubarray(idx, { minLength: idx.length, maxLength: idx.length }),
    statements: fc.integer({ min: 1, max: 4 }),
    overlap: fc.integer({ min: 0, max: 6 }),
    extras: fc.array(
      fc.record({
        amount: fc.bigInt({ min: 1n, max: 10n ** 9n }),
        credit: fc.boolean(),
        day: fc.integer({ min: 0, max: 6 }),
      }),
      {
        maxLength: 5,
      },
    ),
  });
});

function ledgerLine(g: Gen, i: number): LedgerLine {
  const refs: Record<string, string> = { cycleRef: `C-${DAYS[g.day]}` };
  if (g.refMask & 1) refs.uetr = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  if (g.refMask & 2) refs.endToEndId = `E2E-${i}`;
  if (g.refMask & 4) refs.txId = `TX-${i}`;
  return {
    id: `L${i}`,
    currency: 'EUR',
    amount: g.amount,
    direction: g.credit ? 'CRDT' : 'DBIT',
    bookingDate: DAYS[g.day]!,
    valueDate: DAYS[g.day]!,
    refs,
    counterparty: g.cpty,
  };
}

const signedOf = (e: { amount: bigint; direction: Direction }): bigint =>
  e.direction === 'CRDT' ? e.amount : -e.amount;

/** Statement entries from ledger lines (in the given order), batching where asked, then overlapping statements. */
function statementsFor(
  lines: Array<{ line: LedgerLine; gen: Gen }>,
  extras: StatementEntry[],
  count: number,
  overlap: number,
): Statement[] {
  const entries: StatementEntry[] = [];
  let batch: { dir: Direction; day: string; txs: LedgerLine[]; at: number } | null = null;
  const flush = (): void => {
    if (!batch) return;
    const b = batch;
    batch = null;
    if (b.txs.length === 1) {
      const l = b.txs[0]!;
      entries[b.at] = {
        amount: l.amount,
        direction: l.direction,
        status: 'BOOK',
        bookingDate: l.bookingDate,
        valueDate: l.valueDate,
        refs: l.refs,
        counterparty: l.counterparty,
      };
      return;
    }
    entries[b.at] = {
      amount: b.txs.reduce((s, l) => s + l.amount, 0n),
      direction: b.dir,
      status: 'BOOK',
      bookingDate: b.day,
      valueDate: b.day,
      refs: { acctSvcrRef: `SVB-${b.txs[0]!.id}` },
      batch: { msgId: `MSG-${b.txs[0]!.id}`, numberOfTransactions: b.txs.length },
      transactions: b.txs.map((l) => ({ amount: l.amount, refs: l.refs, counterparty: l.counterparty })),
    };
  };
  for (const { line, gen } of lines) {
    if (batch && gen.joinBatch && batch.dir === line.direction && batch.day === line.valueDate) {
      batch.txs.push(line);
      continue;
    }
    flush();
    if (gen.joinBatch) {
      batch = { dir: line.direction, day: line.valueDate, txs: [line], at: entries.length };
      entries.push(null as unknown as StatementEntry); // placeholder, filled by flush
      continue;
    }
    entries.push({
      amount: line.amount,
      direction: line.direction,
      status: 'BOOK',
      bookingDate: line.bookingDate,
      valueDate: line.valueDate,
      refs: gen.svcr ? { ...line.refs, acctSvcrRef: `SV-${line.id}` } : line.refs,
      counterparty: line.counterparty,
    });
  }
  flush();
  entries.push(...extras);
  const m = entries.length;
  const before: bigint[] = [OPENING];
  for (const e of entries) before.push(before[before.length - 1]! + signedOf(e));
  const statements: Statement[] = [];
  const k = Math.max(1, Math.min(count, m));
  for (let j = 0; j < k; j++) {
    const from = Math.floor((j * m) / k);
    const to = Math.floor(((j + 1) * m) / k);
    const start = Math.max(0, from - overlap);
    statements.push({
      id: `STMT-${j + 1}`,
      account: 'DE89370400440532013000',
      currency: 'EUR',
      sequence: j + 1,
      openingBalance: before[start]!,
      closingBalance: before[to]!,
      entries: entries.slice(start, to).reverse(), // order inside a statement does not matter
    });
  }
  return statements.reverse(); // nor does the order statements arrive in
}

describe('reconciliation properties', () => {
  it('a statement generated from the ledger reconciles 100%: all matched, no breaks, balances proven', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const ledger = sc.gens.map((g, i) => ledgerLine(g, i));
        const onStatement = sc.statementOrder.map((i) => ({ line: ledger[i]!, gen: sc.gens[i]! }));
        const statements = statementsFor(onStatement, [], sc.statements, sc.overlap);
        const ledgerBalance = ledger.reduce((s, l) => s + signedOf(l), OPENING);
        const state = reconcile({
          statements,
          ledger: sc.ledgerOrder.map((i) => ledger[i]!),
          asOf: '2026-03-10',
          ledgerBalance,
        });
        expect(state.breaks).toEqual([]);
        expect(state.pending).toEqual([]);
        expect(state.reversals).toEqual([]);
        expect(state.statementLines).toHaveLength(ledger.length);
        expect(state.matches).toHaveLength(ledger.length);
        for (const m of state.matches) {
          expect(m).toMatchObject({ rule: 'ref.exact', status: 'confirmed', difference: 0n });
          expect(m.statementIds).toHaveLength(1);
          expect(m.ledgerIds).toHaveLength(1);
        }
        expect(new Set(state.matches.map((m) => m.ledgerIds[0])).size).toBe(ledger.length);
        expect(state.balance.difference).toBe(0n);
        expect(state.balance.ledgerDifference).toBe(0n);
        for (const p of state.proofs) expect(p.difference).toBe(0n);
      }),
      { seed, numRuns: 150 },
    );
  });

  it('lines missing from the statement, and bank-only lines, are exactly the breaks, on the right side', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const ledger = sc.gens.map((g, i) => ledgerLine(g, i));
        const present = sc.statementOrder.filter((i) => sc.gens[i]!.onStatement);
        const extras: StatementEntry[] = sc.extras.map((x, j) => ({
          entryRef: `BANK-${j}`,
          amount: x.amount,
          direction: x.credit ? 'CRDT' : 'DBIT',
          status: 'BOOK',
          bookingDate: DAYS[x.day]!,
          refs: { endToEndId: `BANK-ONLY-${j}` },
          counterparty: 'OTHRDEFF', // no ledger line has it: nothing for tiers 2-3 to pair
        }));
        const statements = statementsFor(
          present.map((i) => ({ line: ledger[i]!, gen: sc.gens[i]! })),
          extras,
          sc.statements,
          sc.overlap,
        );
        const state = reconcile({
          statements,
          ledger: sc.ledgerOrder.map((i) => ledger[i]!),
          asOf: '2026-03-10',
        });
        const missingOnStatement = state.breaks.filter((b) => b.class === 'missingOnStatement');
        const missingInLedger = state.breaks.filter((b) => b.class === 'missingInLedger');
        expect(missingOnStatement.every((b) => b.side === 'ledger' && b.statementIds.length === 0)).toBe(
          true,
        );
        expect(missingInLedger.every((b) => b.side === 'statement' && b.ledgerIds.length === 0)).toBe(true);
        expect(missingOnStatement.map((b) => b.ledgerIds[0]).sort()).toEqual(
          sc.gens
            .map((g, i) => (g.onStatement ? null : `L${i}`))
            .filter((x) => x !== null)
            .sort(),
        );
        expect(missingInLedger.map((b) => b.statementIds[0]).sort()).toEqual(
          extras.map((e) => e.entryRef).sort(),
        );
        expect(state.breaks).toHaveLength(missingOnStatement.length + missingInLedger.length);
        expect(state.matches).toHaveLength(present.length);
        expect(state.matches.every((m) => m.rule === 'ref.exact' && m.status === 'confirmed')).toBe(true);
        expect(state.balance.difference).toBe(0n);
      }),
      { seed, numRuns: 150 },
    );
  });

  it('hungarian finds the assignment with the most pairs and then the least cost (brute force)', () => {
    const matrixArb = fc
      .record({ rows: fc.integer({ min: 1, max: 5 }), extra: fc.integer({ min: 0, max: 2 }) })
      .chain(({ rows, extra }) =>
        fc.record({
          rows: fc.constant(rows),
          cols: fc.constant(rows + extra),
          cells: fc.array(fc.option(fc.integer({ min: 0, max: 20 }), { freq: 3 }), {
            minLength: rows * (rows + extra),
            maxLength: rows * (rows + extra),
          }),
        }),
      );
    fc.assert(
      fc.property(matrixArb, ({ rows, cols, cells }) => {
        const m = Float64Array.from(cells.map((c) => (c === null ? Infinity : c)));
        const got = hungarian(m, rows, cols);
        const used = new Set<number>();
        let pairs = 0;
        let cost = 0;
        got.forEach((c, r) => {
          if (c < 0) return;
          expect(used.has(c)).toBe(false);
          used.add(c);
          expect(m[r * cols + c]).not.toBe(Infinity);
          pairs++;
          cost += m[r * cols + c]!;
        });
        // Brute force over every partial injection rows -> cols.
        let best = { pairs: -1, cost: Infinity };
        const walk = (r: number, taken: Set<number>, p: number, c: number): void => {
          if (r === rows) {
            if (p > best.pairs || (p === best.pairs && c < best.cost)) best = { pairs: p, cost: c };
            return;
          }
          walk(r + 1, taken, p, c);
          for (let j = 0; j < cols; j++) {
            const v = m[r * cols + j]!;
            if (taken.has(j) || v === Infinity) continue;
            taken.add(j);
            walk(r + 1, taken, p + 1, c + v);
            taken.delete(j);
          }
        };
        walk(0, new Set(), 0, 0);
        expect({ pairs, cost }).toEqual(best);
      }),
      { seed, numRuns: 400 },
    );
  });
});
