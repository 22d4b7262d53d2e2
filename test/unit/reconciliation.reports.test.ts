import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { amount } from '../../src/domain/index.js';
import {
  csvField,
  escapeHtml,
  reconcile,
  reportCsv,
  reportHtml,
  reportJson,
  type LedgerLine,
  type ReconciliationState,
  type References,
  type Statement,
  type StatementEntry,
} from '../../src/reconciliation/index.js';

// ---- the fixture: one settlement day (fixtures/reconciliation/settlement-day.json) ----------------

interface Fixture {
  asOf: string;
  config: { amountToleranceMinor: string; dateWindowBusinessDays: number };
  ledgerBalance: string;
  statements: Array<
    Omit<Statement, 'openingBalance' | 'closingBalance' | 'entries'> & {
      openingBalance: string;
      closingBalance: string;
      entries: Array<
        Omit<StatementEntry, 'amount' | 'transactions'> & {
          amount: string;
          transactions?: Array<{ amount: string; refs: References; counterparty?: string }>;
        }
      >;
    }
  >;
  ledger: Array<Omit<LedgerLine, 'amount' | 'currency'> & { amount: string }>;
  expected: {
    matched: string[][];
    unmatchedStatementEntries: string[][];
    unmatchedLedgerEntries: string[][];
    pending: string[];
    reversals: string[][];
    balanceCheck: { expectedClosing: string; statedClosing: string; difference: string };
    ledgerDifference: string;
  };
}

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/reconciliation/settlement-day.json', import.meta.url), 'utf8'),
) as Fixture;
const eur = (s: string): bigint => amount(s, 'EUR').minor;

function fixtureState(): ReconciliationState {
  return reconcile({
    statements: fixture.statements.map((s) => ({
      ...s,
      openingBalance: eur(s.openingBalance),
      closingBalance: eur(s.closingBalance),
      entries: s.entries.map(({ amount: a, transactions, ...rest }) => ({
        ...rest,
        amount: eur(a),
        ...(transactions ? { transactions: transactions.map((t) => ({ ...t, amount: eur(t.amount) })) } : {}),
      })),
    })),
    ledger: fixture.ledger.map((l) => ({ ...l, currency: 'EUR', amount: eur(l.amount) })),
    asOf: fixture.asOf,
    ledgerBalance: eur(fixture.ledgerBalance),
    config: {
      amountToleranceMinor: BigInt(fixture.config.amountToleranceMinor),
      dateWindowBusinessDays: fixture.config.dateWindowBusinessDays,
    },
  });
}

type Row = Record<string, unknown>;
interface Report {
  statement: Row;
  matched: Row[];
  unmatchedStatementEntries: Row[];
  unmatchedLedgerEntries: Row[];
  balanceCheck: Row;
  pendingStatementEntries: Row[];
  reversals: Row[];
  breaks: Row[];
  summary: { breaksByClass: Row };
}

describe('JSON report (cli.md field names)', () => {
  const state = fixtureState();
  const json = JSON.parse(reportJson(state)) as Report;

  it('has the contract fields, in order, with amounts as decimal strings', () => {
    expect(Object.keys(json).slice(0, 5)).toEqual([
      'statement',
      'matched',
      'unmatchedStatementEntries',
      'unmatchedLedgerEntries',
      'balanceCheck',
    ]);
    expect(json.statement).toMatchObject({
      account: 'DE44500105175407324931',
      entries: 10,
      openingBalance: '1000000.00',
      closingBalance: fixture.expected.balanceCheck.statedClosing,
    });
    for (const row of json.matched)
      expect(Object.keys(row).slice(0, 3)).toEqual(['entryRef', 'ledgerEntry', 'rule']);
    for (const row of json.unmatchedStatementEntries)
      expect(Object.keys(row).filter((k) => ['entryRef', 'amount', 'reason'].includes(k))).toEqual([
        'entryRef',
        'amount',
        'reason',
      ]);
    for (const row of json.unmatchedLedgerEntries)
      expect(Object.keys(row).filter((k) => ['ledgerEntry', 'amount', 'reason'].includes(k))).toEqual([
        'ledgerEntry',
        'amount',
        'reason',
      ]);
    expect(json.balanceCheck).toMatchObject(fixture.expected.balanceCheck);
    expect(json.balanceCheck.ledgerDifference).toBe(fixture.expected.ledgerDifference);
    const text = reportJson(state);
    expect(text).not.toMatch(
      /"(amount|openingBalance|closingBalance|expectedClosing|statedClosing|difference)":\s*-?\d/,
    );
  });

  it('reports the fixture day as expected', () => {
    expect(json.matched.map((m: Row) => [m.entryRef, m.ledgerEntry, m.rule, m.status])).toEqual(
      fixture.expected.matched,
    );
    expect(json.unmatchedStatementEntries.map((m: Row) => [m.entryRef, m.amount, m.reason])).toEqual(
      fixture.expected.unmatchedStatementEntries,
    );
    expect(json.unmatchedLedgerEntries.map((m: Row) => [m.ledgerEntry, m.amount, m.reason])).toEqual(
      fixture.expected.unmatchedLedgerEntries,
    );
    expect(json.pendingStatementEntries.map((p: Row) => p.entryRef)).toEqual(fixture.expected.pending);
    expect(json.reversals.map((r: Row) => [r.original, r.reversal])).toEqual(fixture.expected.reversals);
    expect(json.breaks.every((b: Row) => ['0-1', '2-5', '>5'].includes(String(b.ageBucket)))).toBe(true);
    expect(json.summary.breaksByClass).toMatchObject({
      missingInLedger: 1,
      missingOnStatement: 1,
      amountMismatch: 1,
      timing: 1,
    });
  });
});

// ---- CSV ------------------------------------------------------------------------------------------

/** A strict RFC 4180 reader for the test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      expect(c).not.toBe('\n'); // bare LF outside quotes is not RFC 4180
      field += c;
      i++;
    }
  }
  expect(field).toBe('');
  return rows;
}

describe('CSV report', () => {
  it('quotes per RFC 4180 and neutralises formulas but not plain numbers', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-cmd|calc')).toBe("'-cmd|calc");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('-1234.50')).toBe('-1234.50');
    expect(csvField(null)).toBe('');
  });

  it('every row has every column, and hostile ids survive as text', () => {
    const evil = '=cmd|" /C calc"!A0';
    const state = reconcile({
      statements: [
        {
          id: 'S1',
          account: 'DE',
          currency: 'EUR',
          openingBalance: 0n,
          closingBalance: 100n,
          entries: [
            {
              entryRef: evil,
              amount: 100n,
              direction: 'CRDT',
              status: 'BOOK',
              bookingDate: '2026-03-02',
              refs: {},
            },
          ],
        },
      ],
      ledger: [
        {
          id: '@ledger,1',
          currency: 'EUR',
          amount: 5n,
          direction: 'DBIT',
          bookingDate: '2026-03-02',
          valueDate: '2026-03-02',
          refs: {},
        },
      ],
      asOf: '2026-03-02',
    });
    const rows = parseCsv(reportCsv(state));
    expect(rows[0]).toHaveLength(13);
    for (const r of rows) expect(r).toHaveLength(13);
    const stmtRow = rows.find((r) => r[0] === 'unmatchedStatement')!;
    expect(stmtRow[4]).toBe(`'${evil}`);
    const ledRow = rows.find((r) => r[0] === 'unmatchedLedger')!;
    expect(ledRow[5]).toBe("'@ledger,1");
    expect(rows.find((r) => r[0] === 'balance' && r[1] === 'difference')![7]).toBe('0.00');
  });

  it('the fixture day: one row per matched pair and per open line', () => {
    const rows = parseCsv(reportCsv(fixtureState()));
    expect(rows.filter((r) => r[0] === 'matched')).toHaveLength(fixture.expected.matched.length);
    expect(rows.filter((r) => r[0] === 'unmatchedStatement').map((r) => r[4])).toEqual([
      'SETB-0004',
      'SETB-0008',
    ]);
    expect(rows.filter((r) => r[0] === 'unmatchedLedger').map((r) => r[5])).toEqual([
      'LE-C2-002',
      'LE-C2-003',
      'LE-C2-004',
    ]);
  });
});

// ---- HTML -----------------------------------------------------------------------------------------

describe('HTML report', () => {
  it('is self-contained: inline CSS and SVG, no script, no external reference', () => {
    const html = reportHtml(fixtureState());
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<style>');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import|https?:/i);
    expect(html).toContain('missingInLedger');
    expect(html).toContain('SETB-0008');
  });

  it('escapes everything that comes from the data', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const evil = '<img src=x onerror=alert(1)>';
    const state = reconcile({
      statements: [
        {
          id: '<b>S1</b>',
          account: '"><script>alert(2)</script>',
          currency: 'EUR',
          openingBalance: 0n,
          closingBalance: 100n,
          entries: [
            {
              entryRef: evil,
              amount: 100n,
              direction: 'CRDT',
              status: 'BOOK',
              bookingDate: '2026-03-02',
              refs: {},
            },
          ],
        },
      ],
      ledger: [],
      asOf: '2026-03-02',
    });
    const html = reportHtml(state);
    expect(html).not.toContain(evil);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>S1</b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('cuts long tables and says so', () => {
    const html = reportHtml(fixtureState(), { rowsMax: 2 });
    expect(html).toContain('2 of 6 rows shown');
  });
});
