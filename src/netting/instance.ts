/**
 * The `isoclear net` JSON contract (shared/spec/cli.md): parsing and validating an instance,
 * and printing a selection.
 *
 * Input amounts and limits are decimal strings in the instance currency, parsed exactly by
 * `parseAmount` (more decimals than ISO 4217 allows is an error, never a rounding). Every
 * problem is reported with the JSON path of the offending value. Unknown fields are refused so
 * that a misspelt flag ("urgnet") cannot silently change a selection. A participant that only
 * appears in payments is accepted with limit 0 (it may receive, not end in net debit), as in
 * the contract's example.
 */
import { err, formatMinor, ok, parseAmount, type Result } from '../domain/index.js';
import type { SettlementInstance, SettlementParticipant, SettlementPayment } from './problem.js';
import type { SettlementSelection } from './selection.js';

export interface InstanceLimits {
  readonly paymentsMax: number;
  readonly participantsMax: number;
  readonly idLengthMax: number;
}

export const INSTANCE_LIMITS_DEFAULT: InstanceLimits = {
  paymentsMax: 2_000_000,
  participantsMax: 100_000,
  idLengthMax: 256,
};

export interface InstanceError {
  /** JSON path of the offending value, e.g. "payments[3].amount" ("" for the document). */
  readonly path: string;
  readonly message: string;
}

export function parseInstanceText(
  text: string,
  limits: InstanceLimits = INSTANCE_LIMITS_DEFAULT,
): Result<SettlementInstance, InstanceError> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return err({ path: '', message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` });
  }
  return parseInstance(doc, limits);
}

type Obj = Record<string, unknown>;

function isObject(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

class Invalid extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

function fail(path: string, message: string): never {
  throw new Invalid(path, message);
}

function onlyKeys(o: Obj, path: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k))
      fail(path === '' ? k : `${path}.${k}`, `unknown field "${k}" (allowed: ${allowed.join(', ')})`);
}

function id(o: Obj, key: string, path: string, limits: InstanceLimits): string {
  const v = o[key];
  const at = `${path}.${key}`;
  if (v === undefined) fail(at, 'is missing');
  if (typeof v !== 'string') fail(at, 'must be a string');
  if (v.length === 0) fail(at, 'must not be empty');
  if (v.length > limits.idLengthMax) fail(at, `is longer than ${limits.idLengthMax} characters`);
  return v;
}

function amountOf(o: Obj, key: string, path: string, currency: string, positive: boolean): bigint {
  const v = o[key];
  const at = `${path}.${key}`;
  if (v === undefined) fail(at, 'is missing');
  if (typeof v !== 'string') fail(at, `must be a decimal string such as "1200.50", not ${typeof v}`);
  const parsed = parseAmount(v, currency);
  if (!parsed.ok) fail(at, parsed.error.message);
  if (positive && parsed.value.minor === 0n) fail(at, 'must be greater than zero');
  return parsed.value.minor;
}

export function parseInstance(
  doc: unknown,
  limits: InstanceLimits = INSTANCE_LIMITS_DEFAULT,
): Result<SettlementInstance, InstanceError> {
  try {
    return ok(parseOrThrow(doc, limits));
  } catch (e) {
    if (e instanceof Invalid) return err({ path: e.path, message: e.message });
    throw e;
  }
}

function parseOrThrow(doc: unknown, limits: InstanceLimits): SettlementInstance {
  if (!isObject(doc)) fail('', 'the instance must be a JSON object');
  onlyKeys(doc, '', ['currency', 'participants', 'payments']);
  const currency = doc.currency;
  if (typeof currency !== 'string') fail('currency', 'must be an ISO 4217 code string');
  const probe = parseAmount('0', currency);
  if (!probe.ok) fail('currency', probe.error.message);

  const rawParticipants = doc.participants;
  if (rawParticipants === undefined) fail('participants', 'is missing');
  if (!Array.isArray(rawParticipants)) fail('participants', 'must be an array');
  if (rawParticipants.length > limits.participantsMax)
    fail('participants', `more than ${limits.participantsMax} participants`);
  const participants: SettlementParticipant[] = [];
  const participantIds = new Set<string>();
  rawParticipants.forEach((raw: unknown, i) => {
    const path = `participants[${i}]`;
    if (!isObject(raw)) fail(path, 'must be an object');
    onlyKeys(raw, path, ['id', 'limit']);
    const pid = id(raw, 'id', path, limits);
    if (participantIds.has(pid)) fail(`${path}.id`, `participant "${pid}" is listed twice`);
    participantIds.add(pid);
    participants.push({ id: pid, limit: amountOf(raw, 'limit', path, currency, false) });
  });

  const rawPayments = doc.payments;
  if (rawPayments === undefined) fail('payments', 'is missing');
  if (!Array.isArray(rawPayments)) fail('payments', 'must be an array');
  if (rawPayments.length > limits.paymentsMax) fail('payments', `more than ${limits.paymentsMax} payments`);
  const payments: SettlementPayment[] = [];
  const paymentIds = new Set<string>();
  rawPayments.forEach((raw: unknown, j) => {
    const path = `payments[${j}]`;
    if (!isObject(raw)) fail(path, 'must be an object');
    onlyKeys(raw, path, ['id', 'from', 'to', 'amount', 'urgent']);
    const pid = id(raw, 'id', path, limits);
    if (paymentIds.has(pid)) fail(`${path}.id`, `payment "${pid}" appears twice`);
    paymentIds.add(pid);
    const from = id(raw, 'from', path, limits);
    const to = id(raw, 'to', path, limits);
    if (from === to) fail(`${path}.to`, `payment to its own sender "${from}"`);
    const urgent = raw.urgent;
    if (urgent !== undefined && typeof urgent !== 'boolean') fail(`${path}.urgent`, 'must be true or false');
    payments.push({
      id: pid,
      from,
      to,
      amount: amountOf(raw, 'amount', path, currency, true),
      ...(urgent ? { urgent: true } : {}),
    });
  });
  return { currency, participants, payments };
}

/**
 * The contract's output object as one line of JSON. Amounts are decimal strings with the
 * currency's exponent; keys of `positions` keep the selection's order (listed participants
 * first), written directly so that no id is ever treated as an object property name.
 */
export function formatSelection(s: SettlementSelection): string {
  const ccy = s.currency;
  const money = (minor: bigint): string => JSON.stringify(formatMinor(minor, ccy));
  const positions = [...s.positions].map(([k, v]) => `${JSON.stringify(k)}:${money(v)}`).join(',');
  return (
    `{"settled":${JSON.stringify(s.settled)},"deferred":${JSON.stringify(s.deferred)},` +
    `"settledValue":${money(s.settledValue)},"positions":{${positions}},` +
    `"upperBound":${money(s.upperBound)},"gap":${JSON.stringify(s.gap)},` +
    `"method":${JSON.stringify(s.method)},"optimal":${s.optimal}}`
  );
}
