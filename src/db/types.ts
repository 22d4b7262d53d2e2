/**
 * Value conversion shared by both adapters, so that a row read through pg and the same row read
 * through PGlite are deep-equal: one table of text-format parsers (by type OID) and one
 * parameter normaliser. Money-bearing types (int8, numeric) stay strings; a row converter
 * (rows.ts) turns them into bigint explicitly. Both adapters run their sessions with
 * TimeZone=UTC, DateStyle=ISO and bytea_output=hex, which is the text these parsers expect.
 */
import { Buffer } from 'node:buffer';
import { DbError } from './port.js';

export type TextParser = (text: string) => unknown;

/** PostgreSQL type OIDs (pg_type.oid, fixed for built-in types). */
export const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

const identity: TextParser = (s) => s;
const toNumber: TextParser = (s) => Number(s);

/** Parsers of the scalar types whose JS form is not simply their text. Others stay text. */
export const SCALAR_PARSERS: Readonly<Record<number, TextParser>> = {
  [OID.bool]: (s) => s === 't',
  [OID.bytea]: parseByteaHex,
  [OID.int8]: identity, // money: never Number()
  [OID.numeric]: identity, // money: never Number()
  [OID.int2]: toNumber,
  [OID.int4]: toNumber,
  [OID.oid]: toNumber,
  [OID.float4]: toNumber,
  [OID.float8]: toNumber,
  [OID.json]: (s) => JSON.parse(s) as unknown,
  [OID.jsonb]: (s) => JSON.parse(s) as unknown,
  [OID.date]: identity, // 'YYYY-MM-DD': a business date has no time zone
  [OID.timestamp]: identity, // without time zone: no instant, so no Date
  [OID.timestamptz]: parseTimestamptz,
  [OID.time]: identity,
  [OID.timetz]: identity,
  [OID.interval]: identity,
  [OID.text]: identity,
  [OID.uuid]: identity,
};

/** Array type OID → element type OID, for the built-in types the gateway may select. */
export const ARRAY_ELEMENT: Readonly<Record<number, number>> = {
  1000: OID.bool,
  1001: OID.bytea,
  1002: 18, // "char"
  1003: 19, // name
  1005: OID.int2,
  1007: OID.int4,
  1009: OID.text,
  1014: 1042, // bpchar
  1015: 1043, // varchar
  1016: OID.int8,
  1021: OID.float4,
  1022: OID.float8,
  1028: OID.oid,
  1115: OID.timestamp,
  1182: OID.date,
  1183: OID.time,
  1185: OID.timestamptz,
  1187: OID.interval,
  1231: OID.numeric,
  1270: OID.timetz,
  199: OID.json,
  2951: OID.uuid,
  3807: OID.jsonb,
};

/** The parser of a type OID: scalar table, then arrays of known elements, else the text itself. */
export function parserFor(oid: number): TextParser {
  const scalar = SCALAR_PARSERS[oid];
  if (scalar) return scalar;
  const element = ARRAY_ELEMENT[oid];
  if (element !== undefined) {
    const parseElement = SCALAR_PARSERS[element] ?? identity;
    return (s) => parseArray(s, parseElement);
  }
  return identity;
}

const TIMESTAMPTZ =
  /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?|Z)( BC)?$/;

/**
 * timestamptz text (ISO DateStyle, any UTC offset) → Date. Date keeps milliseconds, so the
 * fourth to sixth fraction digits are dropped (truncated, as PostgreSQL's own date_trunc would).
 * ±infinity has no Date: it is refused rather than mapped to an Invalid Date.
 */
export function parseTimestamptz(text: string): Date {
  const m = TIMESTAMPTZ.exec(text);
  if (!m) throw new DbError('ISOCLR_ERR_DB_VALUE', `unsupported timestamptz text "${text.slice(0, 40)}"`);
  const [, y, mo, d, h, mi, s, frac = '', sign, oh = '0', om = '0', os = '0', bc] = m;
  const year = bc ? 1 - Number(y) : Number(y);
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(year, Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), ms);
  const offsetSeconds = sign
    ? (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os))
    : 0;
  return new Date(date.getTime() - offsetSeconds * 1000);
}

const HEX = /^[0-9a-fA-F]*$/;

/** bytea in hex output format ("\x0aff") → Buffer. */
export function parseByteaHex(text: string): Buffer {
  const hex = text.slice(2);
  if (!text.startsWith('\\x') || hex.length % 2 !== 0 || !HEX.test(hex))
    throw new DbError('ISOCLR_ERR_DB_VALUE', 'bytea is not in hex output format (set bytea_output = hex)');
  return Buffer.from(hex, 'hex');
}

export type PgArray = Array<unknown>;

/**
 * PostgreSQL array text ("{1,NULL,\"a b\",{2,3}}", optionally "[0:1]={…}") → nested JS arrays.
 * NULL elements become null; every other element goes through `element`.
 */
export function parseArray(text: string, element: TextParser): PgArray {
  let i = 0;
  const fail = (): never => {
    throw new DbError('ISOCLR_ERR_DB_VALUE', `malformed array text at ${i}: "${text.slice(0, 40)}"`);
  };
  if (text.startsWith('[')) {
    const eq = text.indexOf('=');
    if (eq < 0) fail();
    i = eq + 1;
  }
  const level = (): PgArray => {
    if (text[i] !== '{') fail();
    i += 1;
    const out: PgArray = [];
    if (text[i] === '}') {
      i += 1;
      return out;
    }
    for (;;) {
      const c = text[i];
      if (c === undefined) fail();
      if (c === '{') out.push(level());
      else if (c === '"') {
        i += 1;
        let s = '';
        for (;;) {
          const q = text[i];
          if (q === undefined) fail();
          if (q === '"') break;
          if (q === '\\') i += 1;
          const e = text[i];
          if (e === undefined) fail();
          s += e;
          i += 1;
        }
        i += 1;
        out.push(element(s));
      } else {
        const start = i;
        while (i < text.length && text[i] !== ',' && text[i] !== '}') i += 1;
        const raw = text.slice(start, i);
        out.push(raw === 'NULL' ? null : element(raw));
      }
      if (text[i] === ',') i += 1;
      else if (text[i] === '}') {
        i += 1;
        return out;
      } else fail();
    }
  };
  const result = level();
  if (i !== text.length) fail();
  return result;
}

/**
 * Normalises one query parameter so both drivers receive the same thing: bigint → decimal
 * text; arrays element-wise; plain objects → JSON text with bigint as JSON strings; Date,
 * Buffer/Uint8Array, strings, numbers, booleans and null pass through; undefined → null.
 */
export function toParam(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toParam);
  if (value instanceof Date || value instanceof Uint8Array) return value;
  if (typeof value === 'object') return JSON.stringify(value, jsonBigint);
  return value;
}

function jsonBigint(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

export function toParams(params: readonly unknown[] | undefined): unknown[] {
  return params ? params.map(toParam) : [];
}

/** Schema names the gateway accepts: the same lower-case identifier rule as config DB_SCHEMA. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema))
    throw new DbError('ISOCLR_ERR_DB_CONFIG', `schema "${schema.slice(0, 70)}" must match ${SCHEMA_NAME}`);
  return schema;
}
