/**
 * The reconciliation report as one self-contained HTML page (OUT/reconciliation.html): inline
 * CSS, inline SVG charts (matched / unmatched / pending value, open breaks by age), no script, no
 * external resource of any kind (a Content-Security-Policy of default-src 'none' makes sure), so it
 * reads the same offline and from an e-mail attachment. Every text from the data is HTML-escaped.
 * Long tables are cut at `rowsMax` rows with a note; the JSON and CSV reports hold every row.
 */
import { formatMinor } from '../domain/index.js';
import { AGE_BUCKETS } from './calendar.js';
import { BREAK_CLASSES, linesById, matchesInStatementOrder, summarize } from './report.js';
import type { ReconciliationState } from './types.js';

export interface HtmlOptions {
  /** Most rows per table. */
  readonly rowsMax?: number;
  readonly title?: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta{color:#57606a;margin-bottom:16px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:18px}
.ok{color:#1a7f37}.bad{color:#cf222e}
table{border-collapse:collapse;width:100%;margin-top:6px}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.note{color:#57606a;font-style:italic}
svg text{font:12px system-ui,sans-serif;fill:#1b1f24}
@media print{body{margin:0}}
`;

function table(
  headers: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<unknown>>,
  numeric: ReadonlySet<number>,
  total: number,
): string {
  const head = `<tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${numeric.has(i) ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const cut =
    total > rows.length
      ? `<p class="note">${rows.length} of ${total} rows shown; the JSON and CSV reports list all.</p>`
      : '';
  return rows.length === 0 ? '<p class="note">None.</p>' : `<table>${head}\n${body}</table>${cut}`;
}

function ratio(value: bigint, max: bigint): number {
  if (max <= 0n) return 0;
  return Number((value * 10_000n) / max) / 10_000;
}

function valueChart(
  bars: ReadonlyArray<{ label: string; value: bigint; text: string; color: string }>,
): string {
  const width = 720;
  const labelW = 190;
  const barMax = width - labelW - 150;
  const h = 30;
  const max = bars.reduce((m, b) => (b.value > m ? b.value : m), 0n);
  const items = bars
    .map((b, i) => {
      const y = 10 + i * h;
      const w = Math.max(b.value > 0n ? 2 : 0, Math.round(ratio(b.value, max) * barMax));
      return (
        `<text x="0" y="${y + 15}">${escapeHtml(b.label)}</text>` +
        `<rect x="${labelW}" y="${y}" width="${w}" height="20" fill="${b.color}"/>` +
        `<text x="${labelW + w + 6}" y="${y + 15}">${escapeHtml(b.text)}</text>`
      );
    })
    .join('');
  return `<svg role="img" aria-label="Matched and unmatched value" width="${width}" height="${20 + bars.length * h}" viewBox="0 0 ${width} ${20 + bars.length * h}">${items}</svg>`;
}

function ageingChart(buckets: ReadonlyArray<{ label: string; count: number; text: string }>): string {
  const width = 420;
  const height = 220;
  const base = 180;
  const maxCount = buckets.reduce((m, b) => Math.max(m, b.count), 0);
  const colW = 90;
  const items = buckets
    .map((b, i) => {
      const x = 40 + i * (colW + 40);
      const hgt = maxCount === 0 ? 0 : Math.max(b.count > 0 ? 2 : 0, Math.round((b.count / maxCount) * 140));
      const color = i === 0 ? '#8c959f' : i === 1 ? '#bf8700' : '#cf222e';
      return (
        `<rect x="${x}" y="${base - hgt}" width="${colW}" height="${hgt}" fill="${color}"/>` +
        `<text x="${x}" y="${base - hgt - 6}">${escapeHtml(b.text)}</text>` +
        `<text x="${x}" y="${base + 18}">${escapeHtml(b.label)}</text>`
      );
    })
    .join('');
  return `<svg role="img" aria-label="Open breaks by age" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><line x1="30" y1="${base}" x2="${width - 10}" y2="${base}" stroke="#57606a"/>${items}</svg>`;
}

export function reportHtml(state: ReconciliationState, options: HtmlOptions = {}): string {
  const rowsMax = options.rowsMax ?? 2000;
  const ccy = state.currency;
  const fmt = (m: bigint): string => formatMinor(m, ccy);
  const s = summarize(state);
  const bal = state.balance;
  const sById = linesById(state.statementLines);
  const title = options.title ?? `Reconciliation ${state.account} ${ccy} as of ${state.asOf}`;
  const okClass = (d: bigint): string => (d === 0n ? 'ok' : 'bad');

  const cards = [
    ['Statement lines', String(s.statementLines)],
    ['Ledger lines', String(s.ledgerLines)],
    ['Matches confirmed', String(s.confirmed)],
    ['Matches suggested', String(s.suggested)],
    ['Open breaks', String(s.breaks)],
    ['Pending on statement', String(s.pendingLines)],
    ['Reversal pairs', String(s.reversalPairs)],
  ]
    .map(([k, v]) => `<div class="card">${escapeHtml(k)}<b>${escapeHtml(v)}</b></div>`)
    .join('');

  const proofRows = state.proofs.map((p) => [
    p.statementId,
    p.entries,
    fmt(p.openingBalance),
    fmt(p.bookedMovement),
    fmt(p.expectedClosing),
    fmt(p.statedClosing),
    fmt(p.difference),
  ]);
  proofRows.push([
    'all statements (de-duplicated)',
    state.entryCount,
    fmt(bal.openingBalance),
    fmt(bal.bookedMovement),
    fmt(bal.expectedClosing),
    fmt(bal.statedClosing),
    fmt(bal.difference),
  ]);
  const ledgerCheck =
    bal.ledgerBalance !== undefined
      ? `<p>Ledger balance ${escapeHtml(fmt(bal.ledgerBalance))} ${escapeHtml(ccy)} against the stated closing balance: difference <b class="${okClass(bal.ledgerDifference ?? 0n)}">${escapeHtml(fmt(bal.ledgerDifference ?? 0n))}</b>.</p>`
      : '';

  const chart = valueChart([
    {
      label: 'Matched',
      value: s.matchedValue,
      text: `${fmt(s.matchedValue)} (${s.matchedStatementLines} lines)`,
      color: '#1a7f37',
    },
    {
      label: 'Unmatched on statement',
      value: s.unmatchedStatementValue,
      text: `${fmt(s.unmatchedStatementValue)} (${s.unmatchedStatementLines})`,
      color: '#cf222e',
    },
    {
      label: 'Unmatched in ledger',
      value: s.unmatchedLedgerValue,
      text: `${fmt(s.unmatchedLedgerValue)} (${s.unmatchedLedgerLines})`,
      color: '#bc4c00',
    },
    {
      label: 'Pending on statement',
      value: s.pendingValue,
      text: `${fmt(s.pendingValue)} (${s.pendingLines})`,
      color: '#8c959f',
    },
  ]);
  const ageing = ageingChart(
    AGE_BUCKETS.map((b) => ({
      label: `${b} business days`,
      count: s.ageing[b].count,
      text: `${s.ageing[b].count} · ${fmt(s.ageing[b].value)}`,
    })),
  );
  const classRows = BREAK_CLASSES.filter((c) => s.breaksByClass[c] > 0).map((c) => [c, s.breaksByClass[c]]);

  const breakRows = state.breaks
    .slice(0, rowsMax)
    .map((b) => [
      b.class,
      b.side,
      b.statementIds.join(' '),
      b.ledgerIds.join(' '),
      b.direction,
      fmt(b.amount),
      b.difference !== undefined ? fmt(b.difference) : '',
      b.valueDate,
      b.ageBusinessDays,
      b.ageBucket,
      b.reason,
    ]);
  const suggested = state.matches.filter((m) => m.status === 'suggested');
  const suggestedRows = suggested
    .slice(0, rowsMax)
    .map((m) => [
      m.id,
      m.rule,
      m.statementIds.join(' '),
      m.ledgerIds.join(' '),
      m.ambiguous ? 'yes' : 'no',
      fmt(m.difference),
    ]);
  const pendingRows = state.pending.slice(0, rowsMax).map((p) => {
    const line = sById.get(p.statementId);
    return [
      p.statementId,
      line?.direction ?? '',
      line ? fmt(line.amount) : '',
      line?.valueDate ?? '',
      p.ledgerIds.join(' '),
    ];
  });
  const reversalRows = state.reversals.slice(0, rowsMax).map((r) => [r.side, r.originalId, r.reversalId]);
  const matchedRows: unknown[][] = [];
  let matchedTotal = 0;
  for (const m of matchesInStatementOrder(state)) {
    matchedTotal++;
    if (matchedRows.length >= rowsMax) continue;
    matchedRows.push([
      m.id,
      m.rule,
      m.status,
      m.statementIds.join(' '),
      m.ledgerIds.join(' '),
      fmt(m.difference),
    ]);
  }
  const auditRows = state.audit
    .slice(0, rowsMax)
    .map((a) => [
      a.at,
      a.by,
      a.action,
      a.matchId,
      a.rule,
      a.statementIds.join(' '),
      a.ledgerIds.join(' '),
      a.note ?? '',
    ]);

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<div class="meta">Account ${escapeHtml(state.account)} · currency ${escapeHtml(ccy)} · statements ${escapeHtml(state.statementIds.join(', '))} · aged as of ${escapeHtml(state.asOf)} (TARGET2 business days)</div>
<div class="cards">${cards}</div>

<h2>Balance proof</h2>
<p>Opening balance + booked entries = expected closing; against the closing balance the bank states: difference <b class="${okClass(bal.difference)}">${escapeHtml(fmt(bal.difference))}</b>${bal.proven ? '' : ' (no statement carried balances)'}.</p>
${table(['Statement', 'Entries', 'Opening', 'Booked movement', 'Expected closing', 'Stated closing', 'Difference'], proofRows, new Set([1, 2, 3, 4, 5, 6]), proofRows.length)}
${ledgerCheck}

<h2>Value</h2>
${chart}

<h2>Open breaks by age</h2>
${ageing}
${table(['Class', 'Open breaks'], classRows, new Set([1]), classRows.length)}

<h2>Breaks</h2>
${table(['Class', 'Side', 'Statement entries', 'Ledger entries', 'Dir', 'Amount', 'Difference', 'Value date', 'Age (bd)', 'Bucket', 'Reason'], breakRows, new Set([5, 6, 8]), state.breaks.length)}

<h2>Suggested matches awaiting confirmation</h2>
${table(['Match', 'Rule', 'Statement entries', 'Ledger entries', 'Ambiguous', 'Difference'], suggestedRows, new Set([5]), suggested.length)}

<h2>Pending on the statement</h2>
${table(['Entry', 'Dir', 'Amount', 'Value date', 'Ledger entries waiting'], pendingRows, new Set([2]), state.pending.length)}

<h2>Reversal pairs</h2>
${table(['Side', 'Original', 'Reversal'], reversalRows, new Set(), state.reversals.length)}

<h2>Matched</h2>
${table(['Match', 'Rule', 'Status', 'Statement entries', 'Ledger entries', 'Difference'], matchedRows, new Set([5]), matchedTotal)}

<h2>Audit</h2>
${table(['At', 'By', 'Action', 'Match', 'Rule', 'Statement entries', 'Ledger entries', 'Note'], auditRows, new Set(), state.audit.length)}
</body>
</html>
`;
}
