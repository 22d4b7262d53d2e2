/**
 * Payment references as matching keys: which kinds exist, which identify one transaction, which
 * are shared by a group, how they are normalised, and an index from reference to lines.
 *
 * - UETR and EndToEndId are end-to-end: ISO 20022 says the EndToEndId "is passed on, unchanged,
 *   throughout the entire end-to-end chain", and SWIFT gpi the same of the UETR. Two lines whose
 *   end-to-end references differ are different payments, whatever else they share.
 * - TxId, InstrId and AcctSvcrRef identify one transaction or entry but may be re-assigned per
 *   leg, so a difference in them is no proof of a different payment.
 * - MsgId and the cycle reference are shared by every line of a message or settlement cycle.
 * - "NOTPROVIDED" is the placeholder ISO 20022 usage rules prescribe when a party has no
 *   end-to-end reference; it is no reference at all.
 */
import type { RefKind, References } from './types.js';

/** Every reference kind, in a fixed order: arrays indexed by kind use these positions. */
export const REF_KINDS: readonly RefKind[] = [
  'uetr',
  'endToEndId',
  'txId',
  'instrId',
  'acctSvcrRef',
  'msgId',
  'cycleRef',
];

export const K_UETR = 0;
export const K_E2E = 1;
export const K_TXID = 2;
export const K_INSTR = 3;
export const K_SVCR = 4;
export const K_MSGID = 5;
export const K_CYCLE = 6;

/** Kinds a tier-1 one-to-one match may rest on. */
export const MATCH_KINDS: readonly number[] = [K_UETR, K_E2E, K_TXID, K_INSTR, K_SVCR, K_CYCLE];
/** Kinds that identify a single transaction (duplicates, reversal originals, pair breaks). */
export const STRONG_KINDS: readonly number[] = [K_UETR, K_E2E, K_TXID, K_INSTR, K_SVCR];
/** Kinds that must not differ between two lines of the same payment. */
export const END_TO_END_KINDS: readonly number[] = [K_UETR, K_E2E];
/** Kinds shared by a group of lines (one-to-many by reference). */
export const GROUP_KINDS: readonly number[] = [K_MSGID, K_CYCLE];

const PLACEHOLDERS = new Set(['NOTPROVIDED', 'NONREF', 'NONE']);

/** A reference as a key: trimmed; UETR lower-cased (a UUID); empty and placeholders dropped. */
export function normalizeRef(kind: RefKind, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const len = value.length;
  // Trim only when an end is blank (trim would allocate a copy).
  const v = len > 0 && value.charCodeAt(0) > 32 && value.charCodeAt(len - 1) > 32 ? value : value.trim();
  if (v === '' || (v.length <= 11 && PLACEHOLDERS.has(v.toUpperCase()))) return undefined;
  return kind === 'uetr' ? v.toLowerCase() : v;
}

const BIC11_PRIMARY = /^([A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2})XXX$/;

/** A counterparty as a key: upper-cased, spaces collapsed, a BIC11 with branch "XXX" shortened to its BIC8. */
export function normalizeCounterparty(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().replace(/\s+/g, ' ').toUpperCase();
  if (v === '') return undefined;
  const m = BIC11_PRIMARY.exec(v);
  return m ? m[1] : v;
}

/** The normalised references of one line, as an array indexed like REF_KINDS. */
export function refArray(refs: References): Array<string | undefined> {
  return REF_KINDS.map((k) => normalizeRef(k, refs[k]));
}

/**
 * Reference -> line indices, one map per kind. A value seen once is stored as the bare index; a
 * value seen again moves to a shared list (code ≤ -2), so the common unique case costs one map
 * entry and no array.
 */
export class RefIndex {
  private readonly maps: Array<Map<string, number>>;
  private readonly multi: number[][] = [];

  constructor() {
    this.maps = REF_KINDS.map(() => new Map<string, number>());
  }

  add(kind: number, value: string, index: number): void {
    const m = this.maps[kind]!;
    const code = m.get(value);
    if (code === undefined) m.set(value, index);
    else if (code >= 0) {
      this.multi.push([code, index]);
      m.set(value, -this.multi.length - 1);
    } else this.multi[-code - 2]!.push(index);
  }

  /** -1 when absent; ≥ 0 a single line; ≤ -2 a list (read it with `list`). */
  code(kind: number, value: string): number {
    return this.maps[kind]!.get(value) ?? -1;
  }

  list(code: number): readonly number[] {
    return this.multi[-code - 2]!;
  }

  /** All line indices carrying `value` of `kind` (allocates; for cold paths). */
  all(kind: number, value: string): readonly number[] {
    const c = this.code(kind, value);
    return c === -1 ? [] : c >= 0 ? [c] : this.list(c);
  }
}
