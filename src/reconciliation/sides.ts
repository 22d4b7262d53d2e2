/**
 * A side (statement or ledger) prepared for matching: the lines' fields the engine compares,
 * decoded once into flat arrays (direction, day numbers, business-day indices, normalised
 * references and counterparties), so the hot loops over a million lines touch typed arrays and
 * interned strings rather than parse dates or re-normalise references.
 */
import { assert } from '../domain/index.js';
import { epochDay, type BusinessCalendar } from './calendar.js';
import {
  K_CYCLE,
  K_E2E,
  K_INSTR,
  K_MSGID,
  K_SVCR,
  K_TXID,
  K_UETR,
  REF_KINDS,
  normalizeCounterparty,
  normalizeRef,
} from './references.js';
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
    for (let i = 0; i < side.n; i++) m.set(side.lines[i]!.id, i);
    idIndexes.set(side, m);
  }
  return m;
}

const CPTY_CACHE_MAX = 100_000;

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
 * Decodes a side. `checkUniqueIds` asserts that line ids are unique (the ledger side; statement
 * line ids are made unique by ingestion).
 */
export function prepareSide<T extends StatementLine | LedgerLine>(
  lines: readonly T[],
  currency: string,
  calendar: BusinessCalendar,
  what: string,
  checkUniqueIds: boolean,
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
  const ids = checkUniqueIds ? new Set<string>() : null;
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
    if (ids) {
      const before = ids.size;
      ids.add(line.id);
      if (ids.size === before) assert(false, `${what} line id ${line.id} is not unique`);
    }
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
    // Named reads (not refs[kind]): the refs objects come in many shapes, and a named
    // megamorphic load is far cheaper than a keyed one.
    const r = line.refs;
    if (r.uetr !== undefined) have[K_UETR]! += put(refs, K_UETR, n, i, normalizeRef('uetr', r.uetr));
    if (r.endToEndId !== undefined)
      have[K_E2E]! += put(refs, K_E2E, n, i, normalizeRef('endToEndId', r.endToEndId));
    if (r.txId !== undefined) have[K_TXID]! += put(refs, K_TXID, n, i, normalizeRef('txId', r.txId));
    if (r.instrId !== undefined)
      have[K_INSTR]! += put(refs, K_INSTR, n, i, normalizeRef('instrId', r.instrId));
    if (r.acctSvcrRef !== undefined)
      have[K_SVCR]! += put(refs, K_SVCR, n, i, normalizeRef('acctSvcrRef', r.acctSvcrRef));
    if (r.msgId !== undefined) have[K_MSGID]! += put(refs, K_MSGID, n, i, normalizeRef('msgId', r.msgId));
    if (r.cycleRef !== undefined)
      have[K_CYCLE]! += put(refs, K_CYCLE, n, i, normalizeRef('cycleRef', r.cycleRef));
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
