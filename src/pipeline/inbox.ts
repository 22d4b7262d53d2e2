/**
 * The inbox: a consumer's record of the message ids it has applied, written in the same
 * transaction as the effect. Delivery is at least once (relay re-publish, broker redelivery), so
 * `handleOnce` makes the effect exactly once: the primary key (consumer, message_id) — a database
 * constraint, not an in-memory check — lets only the first transaction in. A concurrent duplicate
 * blocks on the first one's uncommitted key and then sees the conflict (if it committed) or
 * proceeds (if it rolled back).
 *
 * Shell code over the database port only: works on pg and PGlite alike.
 */
import type { Db, Queryable, TransactionOptions, Tx } from '../db/port.js';
import type { BusMessage } from './bus.js';

/**
 * In one transaction: record (consumer, msg.id) in the inbox; if it was already there, skip `fn`
 * and commit; otherwise run `fn(tx)` and commit. Returns true when `fn` ran (the effect is new).
 * If `fn` throws, the inbox row rolls back with the effect, so a retry runs `fn` again.
 */
export async function handleOnce(
  db: Db,
  consumer: string,
  msg: Pick<BusMessage, 'id'>,
  fn: (tx: Tx) => Promise<void>,
  opts?: TransactionOptions,
): Promise<boolean> {
  if (consumer.length === 0) throw new RangeError('inbox consumer name must not be empty');
  return db.transaction(async (tx) => {
    const r = await tx.query(
      'INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT (consumer, message_id) DO NOTHING',
      [consumer, msg.id],
    );
    if (r.rowCount === 0) return false;
    await fn(tx);
    return true;
  }, opts);
}

/**
 * Deletes up to `limit` inbox rows processed before `before`. Keep them far longer than any
 * redelivery or resend window (banks resend days later): pruning a key re-opens its duplicate.
 */
export async function pruneInbox(db: Queryable, before: Date, limit: number): Promise<number> {
  const r = await db.query(
    `DELETE FROM inbox WHERE (consumer, message_id) IN (
       SELECT consumer, message_id FROM inbox WHERE processed_at < $1 ORDER BY processed_at LIMIT $2)`,
    [before.toISOString(), limit],
  );
  return r.rowCount;
}
