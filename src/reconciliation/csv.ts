/**
 * The reconciliation report as CSV (OUT/reconciliation.csv): one table, one row per matched pair,
 * open statement line, open ledger line, pending line, reversal pair and balance figure, with a
 * `section` column saying which.
 *
 * RFC 4180: CRLF line ends, a header row, a field quoted when it holds a comma, a double quote,
 * CR or LF, quotes doubled inside. Spreadsheet formula injection (OWASP "CSV Injection"): a
 * field starting with =, +, -, @, TAB or CR is prefixed with a single quote so no spreadsheet
 * runs it — except a plain decimal number such as "-12.50", which no spreadsheet reads as a
 * formula and which must stay a number.
 */
import { formatMinor } from '../domain/index.js';
import { linesById, matchesInStatementOrder, openRows } from './report.js';
import type { ReconciliationState } from './types.js';

export const CSV_COLUMNS = [
  'section',
  'id',
  'status',
  'rule_or_class',
  'entry_ref',
  'ledger_entry',
  'direction',
  'amount',
  'currency',
  'value_date',
  'age_business_days',
  'age_bucket',
  'detail',
] as const;

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: neutralised against formula injection, then quoted per RFC 4180 when needed. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(fields: ReadonlyArray<string | number | null | undefined>): string {
  return fields.map(csvField).join(',');
}

export function reportCsv(state: ReconciliationState): string {
  const ccy = state.currency;
  const fmt = (m: bigint): string => formatMinor(m, ccy);
  const sById = linesById(state.statementLines);
  const lById = linesById(state.ledgerLines);
  const rows: string[] = [csvRow(CSV_COLUMNS)];
  for (const m of matchesInStatementOrder(state)) {
    for (const sId of m.statementIds) {
      const line = sById.get(sId);
      for (const lId of m.ledgerIds) {
        rows.push(
          csvRow([
            'matched',
            m.id,
            m.status,
            m.rule,
            sId,
            lId,
            line?.direction,
            line ? fmt(line.amount) : '',
            ccy,
            line?.valueDate,
            '',
            '',
            m.difference !== 0n ? `difference ${fmt(m.difference)}` : '',
          ]),
        );
      }
    }
  }
  for (const { b, id } of openRows(state, 'statement')) {
    const line = sById.get(id);
    rows.push(
      csvRow([
        'unmatchedStatement',
        b.id,
        'open',
        b.class,
        id,
        b.ledgerIds.join(' '),
        line?.direction ?? b.direction,
        fmt(line ? line.amount : b.amount),
        ccy,
        line?.valueDate ?? b.valueDate,
        b.ageBusinessDays,
        b.ageBucket,
        b.reason,
      ]),
    );
  }
  for (const { b, id } of openRows(state, 'ledger')) {
    const line = lById.get(id);
    rows.push(
      csvRow([
        'unmatchedLedger',
        b.id,
        'open',
        b.class,
        b.statementIds.join(' '),
        id,
        line?.direction ?? b.direction,
        fmt(line ? line.amount : b.amount),
        ccy,
        line?.valueDate ?? b.valueDate,
        b.ageBusinessDays,
        b.ageBucket,
        b.reason,
      ]),
    );
  }
  for (const p of state.pending) {
    const line = sById.get(p.statementId);
    rows.push(
      csvRow([
        'pending',
        p.statementId,
        'pending',
        '',
        p.statementId,
        p.ledgerIds.join(' '),
        line?.direction,
        line ? fmt(line.amount) : '',
        ccy,
        line?.valueDate,
        '',
        '',
        'pending on the statement; never matched automatically',
      ]),
    );
  }
  for (const r of state.reversals) {
    rows.push(
      csvRow([
        'reversal',
        r.reversalId,
        'reversed',
        r.side,
        r.side === 'statement' ? `${r.originalId} ${r.reversalId}` : '',
        r.side === 'ledger' ? `${r.originalId} ${r.reversalId}` : '',
        '',
        '',
        ccy,
        '',
        '',
        '',
        `reversal ${r.reversalId} offsets ${r.originalId}`,
      ]),
    );
  }
  const bal = state.balance;
  const balanceRows: Array<[string, bigint | undefined]> = [
    ['openingBalance', bal.openingBalance],
    ['bookedMovement', bal.bookedMovement],
    ['expectedClosing', bal.expectedClosing],
    ['statedClosing', bal.statedClosing],
    ['difference', bal.difference],
    ['ledgerBalance', bal.ledgerBalance],
    ['ledgerDifference', bal.ledgerDifference],
  ];
  for (const [name, value] of balanceRows) {
    if (value === undefined) continue;
    rows.push(csvRow(['balance', name, '', '', '', '', '', fmt(value), ccy, '', '', '', '']));
  }
  return `${rows.join('\r\n')}\r\n`;
}
