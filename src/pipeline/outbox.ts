/**
 * The transactional outbox. A stage writes the events it emits with `enqueue(tx, msgs)` in the
 * SAME transaction as the state they report, so a rolled-back transaction emits nothing and a
 * committed one cannot lose its events; the relay (`relay.ts`) publishes them afterwards.
 *
 * Commit order, and why there is no high-water mark. `seq` is an identity column: its value is
 * taken when the row is inserted, not when its transaction commits, so a transaction holding
 * seq 100 can commit after one holding seq 101. A relay that remembered "last published seq" and
 * read `seq > last` would skip 100 for ever (the gap-skipping bug seen in kamu-cli#1398,
 * marten#4977). Instead every row carries its own state: the relay selects
 * `WHERE sent_at IS NULL AND parked_at IS NULL ORDER BY seq LIMIT n FOR UPDATE SKIP LOCKED`
 * (a partial index keeps that cheap), publishes, and marks exactly the rows it published as
 * sent, in the same transaction that locked them. A late-committing row is simply found by the
 * next poll; concurrent relays skip each other's locked rows instead of double-publishing them.
 * The price is that publication order is "seq order among the rows visible at each poll", not
 * strict commit order; consumers never rely on global order (see bus.ts).
 *
 * A row that can never be published (unroutable, or refused by encoding) is retried up to the
 * relay's `attemptsMax`, then parked (`parked_at`, `last_error`) for an operator, so one poison
 * row never blocks the rows behind it.
 *
 * Shell code over the database port only (no driver import): works on pg and PGlite alike.
 */
import type { Queryable, Row } from '../db/port.js';
import { BusError, type BusMessage, type JsonValue } from './bus.js';
import { encodeBody } from './envelope.js';

export interface EnqueueOptions {
  /** Largest JSON body accepted; same limit as the publisher's. Default 1 MiB. */
  messageBytesMax?: number;
}

/**
 * Inserts the messages in the caller's transaction, in array order (seq ascending). Throws
 * BusError ISOCLR_ERR_BUS_ENCODE for a message that could never be published (bigint in the
 * payload, bad id, oversized body), which rolls the caller's transaction back; a duplicate
 * message id violates the unique constraint and fails the transaction the same way.
 */
export async function enqueue(
  tx: Queryable,
  msgs: readonly BusMessage[],
  opts: EnqueueOptions = {},
): Promise<void> {
  if (msgs.length === 0) return;
  const rows: Array<{
    id: string;
    rk: string;
    payload: JsonValue;
    headers: Record<string, string>;
    at: string;
  }> = [];
  for (const m of msgs) {
    const body = encodeBody(m, opts.messageBytesMax ?? 1024 * 1024);
    if (!body.ok) throw new BusError('ISOCLR_ERR_BUS_ENCODE', body.error, [String(m.id)]);
    rows.push({
      id: m.id,
      rk: m.routingKey,
      payload: m.payload,
      headers: { ...m.headers },
      at: m.occurredAt,
    });
  }
  // One parameter, one round trip, same SQL on pg and PGlite (no driver-specific array binding).
  await tx.query(
    `INSERT INTO outbox (message_id, routing_key, payload, headers, occurred_at)
     SELECT e.m->>'id', e.m->>'rk', e.m->'payload', e.m->'headers', (e.m->>'at')::timestamptz
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(m, n)
      ORDER BY e.n`,
    [JSON.stringify(rows)],
  );
}

/** An outbox row as the relay reads it. */
export interface OutboxRow {
  /** int8 as a decimal string (pg returns int8 as string; never Number()). */
  seq: string;
  message: BusMessage;
  attempts: number;
}

export function outboxRowFromDb(r: Row): OutboxRow {
  return {
    seq: String(r.seq),
    attempts: Number(r.attempts),
    message: {
      id: String(r.message_id),
      routingKey: String(r.routing_key),
      payload: parseJson(r.payload) as JsonValue,
      headers: parseJson(r.headers) as Record<string, string>,
      occurredAt: toIso(r.occurred_at),
    },
  };
}

/** Rows neither sent nor parked. */
export async function pendingCount(db: Queryable): Promise<number> {
  const r = await db.query<{ n: string }>(
    'SELECT count(*)::text AS n FROM outbox WHERE sent_at IS NULL AND parked_at IS NULL',
  );
  return Number(r.rows[0]?.n ?? 0);
}

/** Deletes up to `limit` rows sent before `before` (retention; run from a scheduled job). */
export async function pruneSent(db: Queryable, before: Date, limit: number): Promise<number> {
  const r = await db.query(
    `DELETE FROM outbox WHERE seq IN (
       SELECT seq FROM outbox WHERE sent_at IS NOT NULL AND sent_at < $1 ORDER BY seq LIMIT $2)`,
    [before.toISOString(), limit],
  );
  return r.rowCount;
}

function parseJson(v: unknown): unknown {
  return typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
}

function toIso(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  const d = new Date(String(v));
  if (Number.isNaN(d.getTime())) throw new Error(`outbox occurred_at is not a timestamp: ${String(v)}`);
  return d.toISOString();
}
