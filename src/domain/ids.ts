/**
 * Typed identifiers of ISO 20022 payments and the gateway's own time-ordered ids.
 * Every check here is a pure format check; the reason code for a failure is chosen by the
 * caller (mapping rules), which knows which element it came from.
 */
import { isValidIBAN, electronicFormatIBAN } from 'ibantools';
import type { Clock } from './clock.js';

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type Bic = Brand<string, 'Bic'>;
export type Iban = Brand<string, 'Iban'>;
export type Uetr = Brand<string, 'Uetr'>;
export type MsgId = Brand<string, 'MsgId'>;
export type EndToEndId = Brand<string, 'EndToEndId'>;
export type TxId = Brand<string, 'TxId'>;
export type InternalId = Brand<string, 'InternalId'>;

/** ISO 9362:2014 BIC, as ISO 20022 BICFIDec2014Identifier: 4 party, 2 country, 2 location, optional 3 branch. */
export const BIC_PATTERN = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
/** RFC 4122 version 4 UUID in lower case, as SWIFT gpi / CBPR+ require for the UETR. */
export const UETR_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** ISO 20022 Max35Text. */
export const MAX35 = 35;

export function isBic(s: string): s is Bic {
  return BIC_PATTERN.test(s);
}

/** The 11-character form of a BIC (8-character BICs address the head office, XXX). */
export function bic11(b: string): string {
  return b.length === 8 ? `${b}XXX` : b;
}

/** True when the IBAN is in electronic format (no spaces) and its ISO 13616 MOD-97 check holds. */
export function isIban(s: string): s is Iban {
  return electronicFormatIBAN(s) === s && isValidIBAN(s);
}

export function isUetr(s: string): s is Uetr {
  return UETR_PATTERN.test(s);
}

export function isMax35(s: string): boolean {
  return s.length >= 1 && s.length <= MAX35;
}

/**
 * A source of time-ordered internal ids: UUIDv7 layout (RFC 9562 §5.7) whose 48-bit prefix is
 * the injected clock's milliseconds and whose remaining bits are a node number and a counter
 * (RFC 9562 §6.2 method 1, "fixed bit-length dedicated counter"), so ids are unique within a
 * node, sort by creation time, and are reproducible under a simulated clock.
 */
export interface IdSource {
  next(): InternalId;
}

export function timeOrderedIds(clock: Clock, node = 0): IdSource {
  let lastMs = -1;
  let counter = 0n;
  const nodeBits = BigInt(node & 0xffff);
  return {
    next(): InternalId {
      let ms = clock.now();
      if (ms <= lastMs) {
        ms = lastMs;
        counter += 1n;
      } else {
        lastMs = ms;
        counter = 0n;
      }
      // 12 bits rand_a = high counter bits, 62 bits rand_b = node(16) + low counter(46)
      const hi = (counter >> 46n) & 0xfffn;
      const lo = (nodeBits << 46n) | (counter & 0x3fffffffffffn);
      const tsHex = BigInt(ms).toString(16).padStart(12, '0');
      const a = (0x7000n | hi).toString(16).padStart(4, '0');
      const b = ((0b10n << 62n) | lo).toString(16).padStart(16, '0');
      return `${tsHex.slice(0, 8)}-${tsHex.slice(8, 12)}-${a}-${b.slice(0, 4)}-${b.slice(4)}` as InternalId;
    },
  };
}
