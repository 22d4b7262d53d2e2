/**
 * A side (statement or ledger) prepared for matching: the lines' fields the engine compares,
 * decoded once into flat arrays (direction, day numbers, business-day indices, normalised
 * references and counterparties), so the hot loops over a million lines touch typed arrays and
 * interned strings rather than parse dates or re-normalise references.
 */
import { assert } from '../domain/index.js';
import { epochDay, type BusinessCalendar } from './calendar.js';
import { REF_KINDS, normalizeCounterparty, normalizeRef, RefIndex } from './references.js';
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
  readonly cpty: Array<string | undefined>;
  readonly reversal: Uint8Array;
  /** id -> index. */
  readonly byId: Map<string, number>;
}

export function dirCode(d: Direction): number {
  return d === 'CRDT' ? 1 : 0;
}

export function signed(amount: bigint, direction: Direction): bigint {
  return direction === 'CRDT' ? amount : -amount;
}

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
  const refs = REF_KINDS.map(() => new Array<string | undefined>(n));
  const cpty = new Array<string | undefined>(n);
  const byId = new Map<string, number>();
  const bizOfDate = new Map<string, number>();
  const biz = (iso: string): number => {
    let b = bizOfDate.get(iso);
    if (b === undefined) {
      b = calendar.businessIndex(epochDay(iso));
      bizOfDate.set(iso, b);
    }
    return b;
  };
  for (let i = 0; i < n; i++) {
    const line = lines[i]!;
    // Plain checks rather than assert(…, () => message): no closure per line on the hot path.
    if (line.currency !== currency) assert(false, `${what} line ${line.id} is in ${line.currency}, account in ${currency}`);
    if (!(line.amount > 0n)) assert(false, `${what} line ${line.id} has a non-positive amount`);
    const before = byId.size;
    byId.set(line.id, i);
    if (byId.size === before) assert(false, `${what} line id ${line.id} is not unique`);
    dir[i] = line.direction === 'CRDT' ? 1 : 0;
    valueDay[i] = epochDay(line.valueDate);
    valueBiz[i] = biz(line.valueDate);
    bookBiz[i] = biz(line.bookingDate);
    reversal[i] = line.reversal ? 1 : 0;
    const r = line.refs;
    for (let k = 0; k < REF_KINDS.length; k++) {
      const kind = REF_KINDS[k]!;
      const v = r[kind];
      refs[k]![i] = v === undefined ? undefined : normalizeRef(kind, v);
    }
    cpty[i] = normalizeCounterparty(line.counterparty);
  }
  return { n, lines, dir, valueDay, valueBiz, bookBiz, refs, cpty, reversal, byId };
}

/** Indexes the given kinds of the side's lines for which `include(i)` holds (all when omitted). */
export function indexRefs(
  side: Side<StatementLine | LedgerLine>,
  kinds: readonly number[],
  include?: Uint8Array,
): RefIndex {
  const index = new RefIndex();
  for (const k of kinds) {
    const col = side.refs[k]!;
    for (let i = 0; i < side.n; i++) {
      if (include && include[i] === 0) continue;
      const v = col[i];
      if (v !== undefined) index.add(k, v, i);
    }
  }
  return index;
}
