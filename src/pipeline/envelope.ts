/**
 * How a BusMessage travels on AMQP 0-9-1 and how it is checked before it leaves: the payload is
 * the JSON body, the id is the `message-id` property, the routing key is the topic key, headers
 * are string headers, and `occurredAt` rides in the `occurred-at` header (the AMQP `timestamp`
 * property has only second precision). Pure: no I/O, no clock.
 */
import { err, ok, type Result } from '../domain/index.js';
import type { BusMessage, JsonValue } from './bus.js';

export const OCCURRED_AT_HEADER = 'occurred-at';
export const CONTENT_TYPE = 'application/json';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const MESSAGE_ID_CHARS_MAX = 255;

/** Checks a message and returns its JSON body; throws nothing, returns why it cannot be sent. */
export function encodeBody(msg: BusMessage, messageBytesMax: number): Result<string, string> {
  if (typeof msg.id !== 'string' || msg.id.length === 0 || msg.id.length > MESSAGE_ID_CHARS_MAX)
    return err(`message id must be 1..${MESSAGE_ID_CHARS_MAX} characters`);
  if (typeof msg.routingKey !== 'string' || msg.routingKey.length === 0 || msg.routingKey.length > 255)
    return err(`message ${msg.id}: routing key must be 1..255 characters`);
  if (typeof msg.occurredAt !== 'string' || !ISO_INSTANT.test(msg.occurredAt))
    return err(`message ${msg.id}: occurredAt must be an ISO 8601 instant with offset`);
  for (const [k, v] of Object.entries(msg.headers)) {
    if (typeof v !== 'string') return err(`message ${msg.id}: header ${k} must be a string`);
  }
  let body: string;
  try {
    body = JSON.stringify(msg.payload);
  } catch (e) {
    // JSON.stringify throws on bigint and on cycles: bigint must travel as a string.
    return err(`message ${msg.id}: payload is not JSON-serialisable (${(e as Error).message})`);
  }
  if (body === undefined) return err(`message ${msg.id}: payload is not JSON-serialisable`);
  if (utf8Length(body) > messageBytesMax)
    return err(`message ${msg.id}: body exceeds messageBytesMax ${messageBytesMax}`);
  return ok(body);
}

/** Rebuilds a BusMessage from what the broker delivered. */
export function decodeMessage(input: {
  messageId: unknown;
  routingKey: string;
  headers: Record<string, unknown> | undefined;
  body: string;
}): Result<BusMessage, string> {
  const { messageId } = input;
  if (typeof messageId !== 'string' || messageId.length === 0) return err('delivery has no message-id');
  let payload: JsonValue;
  try {
    payload = JSON.parse(input.body) as JsonValue;
  } catch {
    return err(`message ${messageId}: body is not JSON`);
  }
  const headers: Record<string, string> = {};
  let occurredAt: string | null = null;
  for (const [k, v] of Object.entries(input.headers ?? {})) {
    if (k === OCCURRED_AT_HEADER) {
      if (typeof v === 'string') occurredAt = v;
      continue;
    }
    // RabbitMQ adds x-* headers (x-delivery-count, x-death, x-first-death-*): not ours.
    if (k.startsWith('x-')) continue;
    if (typeof v === 'string') headers[k] = v;
  }
  if (occurredAt === null || !ISO_INSTANT.test(occurredAt))
    return err(`message ${messageId}: ${OCCURRED_AT_HEADER} header missing or not an ISO instant`);
  return ok({ id: messageId, routingKey: input.routingKey, payload, headers, occurredAt });
}

/** Exponential backoff without jitter: base·2^(attempt-1), capped. attempt starts at 1. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const exp = Math.min(30, Math.max(0, attempt - 1));
  return Math.min(maxMs, baseMs * 2 ** exp);
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
