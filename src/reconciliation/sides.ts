/**
 * A side (statement or ledger) prepared for matching: the lines' fields the engine compares,
 * decoded once into flat arrays (direction, day numbers, business-day indices, normalised
 * references and counterparties), so the hot loops over a million lines touch typed arrays and
 * interned strings rather than parse dates or re-normalise references.
 */
import { assert } from '../domain/index.js';
import { epochDay, type BusinessCalendar } from './calendar.js';
import { REF_KINDS, normalizeCounterparty, normalizeRef } from './references.js';
import type { Direction, LedgerLine, StatementLine } from './types.js';

export interface Side<T extends StatementLine | LedgerLine> {
  readonly n: number;
  readonly lines: readonly T[];
  /** 1 = CRDT, 0 = DBIT. */
  readonly dir: Uint8Array;
  readonly valueDay: Int32Array;
  readonly valueBiz: Int32Array;
  readonly bookBiz: Int32Array;
  /** refs[kind][line], kinds ordered as REF_KINDS. */
  readonly refs: ReadonlyArray<Array<string | undefined>>;
  /** Per kind: every line carries a reference of that kind. */
  readonly allHave: readonly boolean[];
  readonly cpty: Array<string | undefined>;
  readonly reversal: Uint8Array;
}

export function signed(amount: bigint, direction: Direction): bigint {
  return direction === 'CRDT' ? amount : -amount;
}

const idIndexes = new WeakMap<object, Map<string, number>>();

/** id -> line index of a side, built on first use (manual operations, re-classification). */
export function idIndex(side: Side<StatementLine | LedgerLine>): Map<string, number> {
  let m = idIndexes.get(side);
  if (!m) {
    m = new Map();
    for (let i = 0; i < side.n; i++) {
      const id = side.lines[i]!.id;
      if (m.has(id)) assert(false, `line id ${id} is not unique`);
      m.set(id, i);
    }
    idIndexes.set(side, m);
  }
  return m;
}

const CPTY_CACHE_MAX = 100_000;

/** Reference kind name -> position in REF_KINDS. */
const KIND_INDEX: Readonly<Record<string, number | undefined>> = Object.freeze(
  Object.assign(
    Object.create(null) as Record<string, number>,
    Object.fromEntries(REF_KINDS.map((k, i) => [k, i])),
  ),
);

/** Shared stand-in for a kind no line of a side carries: reads past its end give undefined. Never written. */
const NONE: Array<string | undefined> = [];

/** Stores a normalised reference, allocating the kind's column on its first value. */
function put(
  refs: Array<Array<string | undefined>>,
  k: number,
  n: number,
  i: number,
  v: string | undefined,
): number {
  if (v === undefined) return 0;
  let col = refs[k]!;
  if (col === NONE) {
    col = new Array<string | undefined>(n);
    refs[k] = col;
  }
  col[i] = v;
  return 1;
}

/**
 * Decodes a side. Line ids are not checked here (a set of a million ids costs as much as the
 * matching it would guard); they are asserted unique where an id index is built (idIndex, and
 * the reports' linesById), which every report and manual operation does.
 */
export function prepareSide<T extends StatementLine | LedgerLine>(
  lines: readonly T[],
  currency: string,
  calendar: BusinessCalendar,
  what: string,
): Side<T> {
  const n = lines.length;
  const dir = new Uint8Array(n);
  const valueDay = new Int32Array(n);
  const valueBiz = new Int32Array(n);
  const bookBiz = new Int32Array(n);
  const reversal = new Uint8Array(n);
  const refs: Array<Array<string | undefined>> = REF_KINDS.map(() => NONE);
  const have = new Int32Array(REF_KINDS.length);
  const cpty = new Array<string | undefined>(n);
  const bizOfDate = new Map<string, number>();
  const cptyNorm = new Map<string, string | undefined>();
  // Consecutive lines mostly share their dates: remember the last one (a pointer compare).
  let lastIso = '';
  let lastBiz = 0;
  let lastDay = 0;
  for (let i = 0; i < n; i++) {
    const line = lines[i]!;
    // Plain checks rather than assert(…, () => message): no closure per line on the hot path.
    if (line.currency !== currency)
      assert(false, `${what} line ${line.id} is in ${line.currency}, account in ${currency}`);
    if (!(line.amount > 0n)) assert(false, `${what} line ${line.id} has a non-positive amount`);
    dir[i] = line.direction === 'CRDT' ? 1 : 0;
    const vd = line.valueDate;
    if (vd !== lastIso) {
      lastIso = vd;
      lastDay = epochDay(vd);
      let b = bizOfDate.get(vd);
      if (b === undefined) {
        b = calendar.businessIndex(lastDay);
        bizOfDate.set(vd, b);
      }
      lastBiz = b;
    }
    valueDay[i] = lastDay;
    valueBiz[i] = lastBiz;
    const bd = line.bookingDate;
    if (bd === vd) bookBiz[i] = lastBiz;
    else {
      let b = bizOfDate.get(bd);
      if (b === undefined) {
        b = calendar.businessIndex(epochDay(bd));
        bizOfDate.set(bd, b);
      }
      bookBiz[i] = b;
    }
    reversal[i] = line.reversal ? 1 : 0;
    // for…in over the few keys a refs object has (V8 reads these by field index) rather than
    // probing all seven names: a missing property on objects of many shapes is a slow lookup.
    const r = line.refs as Record<string, string | undefined>;
    for (const key in r) {
      const v = r[key];
      if (v === undefined) continue;
      const k = KIND_INDEX[key];
      if (k === undefined) continue;
      have[k]! += put(refs, k, n, i, normalizeRef(REF_KINDS[k]!, v));
    }
    const c = line.counterparty;
    if (c !== undefined) {
      let nc = cptyNorm.get(c);
      if (nc === undefined && !cptyNorm.has(c)) {
        nc = normalizeCounterparty(c);
        if (cptyNorm.size < CPTY_CACHE_MAX) cptyNorm.set(c, nc);
      }
      cpty[i] = nc;
    }
  }
  const allHave = Array.from(have, (h) => h === n);
  return { n, lines, dir, valueDay, valueBiz, bookBiz, refs, allHave, cpty, reversal };
}
