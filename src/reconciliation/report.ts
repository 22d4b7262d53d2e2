/**
 * The reconciliation report as data and as JSON (`isoclear reconcile` writes it to
 * OUT/reconciliation.json). The fields the CLI contract names (cli.md) come first and keep their
 * names exactly: statement, matched, unmatchedStatementEntries, unmatchedLedgerEntries,
 * balanceCheck. Everything after them is additional: breaks with class and age, pending lines,
 * reversal pairs, the per-statement proofs, a summary, the audit trail. Amounts are decimal
 * strings with the currency's exponent, never numbers.
 */
import { assert, formatMinor } from '../domain/index.js';
import { AGE_BUCKETS, type AgeBucket } from './calendar.js';
import type { BreakClass, LedgerLine, ReconciliationState, StatementLine } from './types.js';

export const BREAK_CLASSES: readonly BreakClass[] = [
  'missingInLedger',
  'missingOnStatement',
  'amountMismatch',
  'valueDateMismatch',
  'duplicate',
  'batchTotalMismatch',
  'timing',
  'reversal',
];

export interface Summary {
  readonly statementLines: number;
  readonly ledgerLines: number;
  readonly matches: number;
  readonly confirmed: number;
  readonly suggested: number;
  readonly matchesByRule: Record<string, number>;
  readonly matchedStatementLines: number;
  readonly matchedLedgerLines: number;
  /** Gross amounts (minor units). */
  readonly matchedValue: bigint;
  readonly unmatchedStatementLines: number;
  readonly unmatchedStatementValue: bigint;
  readonly unmatchedLedgerLines: number;
  readonly unmatchedLedgerValue: bigint;
  readonly pendingLines: number;
  readonly pendingValue: bigint;
  readonly reversalPairs: number;
  readonly breaks: number;
  readonly breaksByClass: Record<BreakClass, number>;
  readonly ageing: Record<AgeBucket, { count: number; value: bigint }>;
}

const byIdCache = new WeakMap<object, Map<string, StatementLine | LedgerLine>>();

/** id -> line, memoised per (immutable) line array. */
export function linesById<T extends StatementLine | LedgerLine>(lines: readonly T[]): Map<string, T> {
  let m = byIdCache.get(lines);
  if (!m) {
    m = new Map();
    for (const l of lines) {
      if (m.has(l.id)) assert(false, `line id ${l.id} is not unique`);
      m.set(l.id, l);
    }
    byIdCache.set(lines, m);
  }
  return m as Map<string, T>;
}

const positionCache = new WeakMap<object, Map<string, number>>();

/** id -> position in the array, memoised per (immutable) line array. */
export function positions(lines: readonly (StatementLine | LedgerLine)[]): Map<string, number> {
  let m = positionCache.get(lines);
  if (!m) {
    m = new Map();
    for (let i = 0; i < lines.length; i++) m.set(lines[i]!.id, i);
    positionCache.set(lines, m);
  }
  return m;
}

/** Matches in statement order (by their first statement line). */
export function matchesInStatementOrder(state: ReconciliationState): ReconciliationState['matches'] {
  const pos = positions(state.statementLines);
  const keyed = state.matches.map((m) => ({ m, k: pos.get(m.statementIds[0]!) ?? Number.MAX_SAFE_INTEGER }));
  keyed.sort((a, b) => a.k - b.k);
  return keyed.map((x) => x.m);
}

/** Open rows of one side, in that side's line order: [break, line id] pairs. */
export function openRows(
  state: ReconciliationState,
  side: 'statement' | 'ledger',
): Array<{ b: ReconciliationState['breaks'][number]; id: string }> {
  const pos = positions(side === 'statement' ? state.statementLines : state.ledgerLines);
  const rows: Array<{ b: ReconciliationState['breaks'][number]; id: string; k: number }> = [];
  for (const b of state.breaks) {
    if (b.side === (side === 'statement' ? 'ledger' : 'statement')) continue;
    for (const id of side === 'statement' ? b.statementIds : b.ledgerIds)
      rows.push({ b, id, k: pos.get(id) ?? Number.MAX_SAFE_INTEGER });
  }
  rows.sort((x, y) => x.k - y.k);
  return rows;
}

export function summarize(state: ReconciliationState): Summary {
  const sById = linesById(state.statementLines);
  const lById = linesById(state.ledgerLines);
  const sAmount = { get: (id: string): bigint | undefined => sById.get(id)?.amount };
  const lAmount = { get: (id: string): bigint | undefined => lById.get(id)?.amount };
  let confirmed = 0;
  let matchedS = 0;
  let matchedL = 0;
  let matchedValue = 0n;
  const byRule: Record<string, number> = {};
  for (const m of state.matches) {
    if (m.status === 'confirmed') confirmed++;
    byRule[m.rule] = (byRule[m.rule] ?? 0) + 1;
    matchedS += m.statementIds.length;
    matchedL += m.ledgerIds.length;
    for (const id of m.statementIds) matchedValue += sAmount.get(id) ?? 0n;
  }
  const byClass = Object.fromEntries(BREAK_CLASSES.map((c) => [c, 0])) as Record<BreakClass, number>;
  const ageing = Object.fromEntries(AGE_BUCKETS.map((b) => [b, { count: 0, value: 0n }])) as Record<
    AgeBucket,
    { count: number; value: bigint }
  >;
  let uS = 0;
  let uSv = 0n;
  let uL = 0;
  let uLv = 0n;
  for (const b of state.breaks) {
    byClass[b.class]++;
    const bucket = ageing[b.ageBucket];
    bucket.count++;
    bucket.value += b.amount;
    if (b.class === 'batchTotalMismatch') continue;
    for (const id of b.statementIds) {
      uS++;
      uSv += sAmount.get(id) ?? 0n;
    }
    for (const id of b.ledgerIds) {
      uL++;
      uLv += lAmount.get(id) ?? 0n;
    }
  }
  let pendingValue = 0n;
  for (const p of state.pending) pendingValue += sAmount.get(p.statementId) ?? 0n;
  return {
    statementLines: state.statementLines.length,
    ledgerLines: state.ledgerLines.length,
    matches: state.matches.length,
    confirmed,
    suggested: state.matches.length - confirmed,
    matchesByRule: byRule,
    matchedStatementLines: matchedS,
    matchedLedgerLines: matchedL,
    matchedValue,
    unmatchedStatementLines: uS,
    unmatchedStatementValue: uSv,
    unmatchedLedgerLines: uL,
    unmatchedLedgerValue: uLv,
    pendingLines: state.pending.length,
    pendingValue,
    reversalPairs: state.reversals.length,
    breaks: state.breaks.length,
    breaksByClass: byClass,
    ageing,
  };
}

/** A long list of the report, produced row by row (streamed by reportJson, collected by reportModel). */
class Rows {
  constructor(readonly produce: () => Iterable<unknown>) {}
}

function* matchedRows(
  state: ReconciliationState,
  fmt: (m: bigint) => string,
): Generator<Record<string, unknown>> {
  const sById = linesById(state.statementLines);
  for (const m of matchesInStatementOrder(state)) {
    for (const sId of m.statementIds) {
      for (const lId of m.ledgerIds) {
        const row: Record<string, unknown> = {
          entryRef: sId,
          ledgerEntry: lId,
          rule: m.rule,
          status: m.status,
          matchId: m.id,
          amount: fmt(sById.get(sId)?.amount ?? 0n),
        };
        if (m.difference !== 0n) row.difference = fmt(m.difference);
        if (m.ambiguous) row.ambiguous = true;
        if (!m.optimal) row.optimal = false;
        if (m.by !== undefined) {
          row.by = m.by;
          row.at = m.at;
        }
        if (m.confirmedBy !== undefined) {
          row.confirmedBy = m.confirmedBy;
          row.confirmedAt = m.confirmedAt;
        }
        yield row;
      }
    }
  }
}

function common(b: ReconciliationState['breaks'][number]): Record<string, unknown> {
  return {
    reason: b.class,
    detail: b.reason,
    breakId: b.id,
    ageBusinessDays: b.ageBusinessDays,
    ageBucket: b.ageBucket,
  };
}

function* unmatchedStatementRows(
  state: ReconciliationState,
  fmt: (m: bigint) => string,
): Generator<Record<string, unknown>> {
  const sById = linesById(state.statementLines);
  for (const { b, id } of openRows(state, 'statement')) {
    const line = sById.get(id);
    const row: Record<string, unknown> = {
      entryRef: id,
      amount: fmt(line ? line.amount : b.amount),
      direction: line ? line.direction : b.direction,
      valueDate: line ? line.valueDate : b.valueDate,
      ...common(b),
    };
    if (b.ledgerIds.length > 0) row.ledgerEntries = b.ledgerIds;
    if (b.difference !== undefined) row.difference = fmt(b.difference);
    if (b.relatedIds) row.relatedEntries = b.relatedIds;
    yield row;
  }
}

function* unmatchedLedgerRows(
  state: ReconciliationState,
  fmt: (m: bigint) => string,
): Generator<Record<string, unknown>> {
  const lById = linesById(state.ledgerLines);
  for (const { b, id } of openRows(state, 'ledger')) {
    const line = lById.get(id);
    const row: Record<string, unknown> = {
      ledgerEntry: id,
      amount: fmt(line ? line.amount : b.amount),
      direction: line ? line.direction : b.direction,
      valueDate: line ? line.valueDate : b.valueDate,
      ...common(b),
    };
    if (b.statementIds.length > 0) row.statementEntries = b.statementIds;
    if (b.difference !== undefined) row.difference = fmt(b.difference);
    if (b.relatedIds) row.relatedEntries = b.relatedIds;
    yield row;
  }
}

/** The report's sections in order; long lists as lazy Rows. */
function sections(state: ReconciliationState): Record<string, unknown> {
  const ccy = state.currency;
  const fmt = (m: bigint): string => formatMinor(m, ccy);
  const sById = linesById(state.statementLines);
  const summary = summarize(state);
  const bal = state.balance;
  return {
    statement: {
      account: state.account,
      entries: state.entryCount,
      openingBalance: fmt(bal.openingBalance),
      closingBalance: fmt(bal.statedClosing),
      currency: ccy,
      lines: state.statementLines.length,
      statements: state.statementIds,
    },
    matched: new Rows(() => matchedRows(state, fmt)),
    unmatchedStatementEntries: new Rows(() => unmatchedStatementRows(state, fmt)),
    unmatchedLedgerEntries: new Rows(() => unmatchedLedgerRows(state, fmt)),
    balanceCheck: {
      expectedClosing: fmt(bal.expectedClosing),
      statedClosing: fmt(bal.statedClosing),
      difference: fmt(bal.difference),
      proven: bal.proven,
      openingBalance: fmt(bal.openingBalance),
      bookedMovement: fmt(bal.bookedMovement),
      ...(bal.entriesOutsideProof > 0 ? { entriesOutsideProof: bal.entriesOutsideProof } : {}),
      ...(bal.ledgerBalance !== undefined
        ? { ledgerBalance: fmt(bal.ledgerBalance), ledgerDifference: fmt(bal.ledgerDifference ?? 0n) }
        : {}),
      statements: state.proofs.map((p) => ({
        statement: p.statementId,
        entries: p.entries,
        openingBalance: fmt(p.openingBalance),
        bookedMovement: fmt(p.bookedMovement),
        expectedClosing: fmt(p.expectedClosing),
        statedClosing: fmt(p.statedClosing),
        difference: fmt(p.difference),
      })),
    },
    currency: ccy,
    asOf: state.asOf,
    summary: {
      statementLines: summary.statementLines,
      ledgerLines: summary.ledgerLines,
      matches: summary.matches,
      confirmed: summary.confirmed,
      suggested: summary.suggested,
      matchesByRule: summary.matchesByRule,
      matchedValue: fmt(summary.matchedValue),
      unmatchedStatementLines: summary.unmatchedStatementLines,
      unmatchedStatementValue: fmt(summary.unmatchedStatementValue),
      unmatchedLedgerLines: summary.unmatchedLedgerLines,
      unmatchedLedgerValue: fmt(summary.unmatchedLedgerValue),
      pendingLines: summary.pendingLines,
      pendingValue: fmt(summary.pendingValue),
      reversalPairs: summary.reversalPairs,
      breaks: summary.breaks,
      breaksByClass: summary.breaksByClass,
      ageing: Object.fromEntries(
        AGE_BUCKETS.map((b) => [b, { count: summary.ageing[b].count, value: fmt(summary.ageing[b].value) }]),
      ),
    },
    breaks: new Rows(() =>
      state.breaks.map((b) => ({
        id: b.id,
        class: b.class,
        side: b.side,
        statementEntries: b.statementIds,
        ledgerEntries: b.ledgerIds,
        direction: b.direction,
        amount: fmt(b.amount),
        ...(b.difference !== undefined ? { difference: fmt(b.difference) } : {}),
        valueDate: b.valueDate,
        ageBusinessDays: b.ageBusinessDays,
        ageBucket: b.ageBucket,
        ...(b.relatedIds ? { relatedEntries: b.relatedIds } : {}),
        reason: b.reason,
      })),
    ),
    suggested: new Rows(() =>
      state.matches
        .filter((m) => m.status === 'suggested')
        .map((m) => ({
          matchId: m.id,
          rule: m.rule,
          statementEntries: m.statementIds,
          ledgerEntries: m.ledgerIds,
          ambiguous: m.ambiguous,
          difference: fmt(m.difference),
        })),
    ),
    pendingStatementEntries: state.pending.map((p) => {
      const line = sById.get(p.statementId);
      return {
        entryRef: p.statementId,
        amount: fmt(line?.amount ?? 0n),
        direction: line?.direction,
        valueDate: line?.valueDate,
        ledgerEntries: p.ledgerIds,
      };
    }),
    reversals: state.reversals.map((r) => ({ side: r.side, original: r.originalId, reversal: r.reversalId })),
    audit: state.audit,
    stats: state.stats,
  };
}

/** The report as a plain JSON-ready object (amounts already decimal strings). */
export function reportModel(state: ReconciliationState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(sections(state)))
    out[key] = value instanceof Rows ? [...value.produce()] : value;
  return out;
}

/**
 * The JSON text: the top level indented, each element of a list on one line, so that a report
 * with a million matched rows stays readable with line tools. Lists are written as they are
 * produced, never held as a million objects.
 */
export function reportJson(state: ReconciliationState): string {
  const model = sections(state);
  const parts: string[] = ['{'];
  const keys = Object.keys(model);
  keys.forEach((key, i) => {
    const value = model[key];
    const comma = i < keys.length - 1 ? ',' : '';
    if (value instanceof Rows || Array.isArray(value)) {
      const rows = value instanceof Rows ? value.produce() : (value as unknown[]);
      const start = parts.length;
      parts.push(`  ${JSON.stringify(key)}: [`);
      for (const row of rows) parts.push(`    ${JSON.stringify(row)},`);
      if (parts.length === start + 1) parts[start] = `  ${JSON.stringify(key)}: []${comma}`;
      else {
        const last = parts.length - 1;
        parts[last] = parts[last]!.slice(0, -1);
        parts.push(`  ]${comma}`);
      }
    } else {
      const text = JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
      parts.push(`  ${JSON.stringify(key)}: ${text}${comma}`);
    }
  });
  parts.push('}');
  return `${parts.join('\n')}\n`;
}
