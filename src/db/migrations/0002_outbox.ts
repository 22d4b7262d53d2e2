/**
 * Outbox and inbox (src/pipeline): the transactional outbox a stage writes its events to in the
 * same transaction as its state, and the inbox of message ids each consumer has applied.
 *
 * outbox: `seq` gives insertion order; it is NOT commit order (identity values are taken at
 * insert time), so the relay never keeps a high-water mark on it: it selects rows with
 * `sent_at IS NULL AND parked_at IS NULL ORDER BY seq … FOR UPDATE SKIP LOCKED` through the
 * partial index below and marks exactly the rows the broker confirmed (see
 * src/pipeline/outbox.ts). `message_id` is fixed at insert time, so a re-publish after a relay
 * crash carries the same id and consumers can de-duplicate. A row that cannot be published
 * (unroutable, not encodable) is parked after the relay's attempts, never silently dropped.
 *
 * inbox: PRIMARY KEY (consumer, message_id) is what makes a redelivery a no-op; the row is
 * inserted in the same transaction as the consumer's effect (src/pipeline/inbox.ts).
 *
 * occurred_at is the business instant, from the caller's clock. created_at, sent_at, parked_at
 * and processed_at are infrastructure timestamps of the database's own clock (statement time):
 * they order operations on the server and feed retention, never business decisions.
 */
import type { Migration } from './index.js';

const up = /* sql */ `
CREATE TABLE outbox (
  seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id   text NOT NULL CHECK (message_id <> '' AND length(message_id) <= 255),
  routing_key  text NOT NULL CHECK (routing_key <> '' AND length(routing_key) <= 255),
  payload      jsonb NOT NULL,
  headers      jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(headers) = 'object'),
  occurred_at  timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  sent_at      timestamptz,
  attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error   text,
  parked_at    timestamptz,
  CONSTRAINT outbox_message_id_key UNIQUE (message_id),
  CONSTRAINT outbox_sent_or_parked CHECK (sent_at IS NULL OR parked_at IS NULL)
);
COMMENT ON TABLE outbox IS
  'Events written in the same transaction as the state they report; published by the relay with '
  'publisher confirms, then marked sent. seq is insertion order, not commit order.';
CREATE INDEX outbox_pending_idx ON outbox (seq) WHERE sent_at IS NULL AND parked_at IS NULL;
CREATE INDEX outbox_sent_at_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX outbox_parked_idx ON outbox (parked_at) WHERE parked_at IS NOT NULL;

CREATE TABLE inbox (
  consumer     text NOT NULL CHECK (consumer <> ''),
  message_id   text NOT NULL CHECK (message_id <> ''),
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, message_id)
);
COMMENT ON TABLE inbox IS
  'Message ids each consumer has applied, inserted in the same transaction as the effect: a '
  'redelivered message finds its row and has no second effect.';
CREATE INDEX inbox_processed_at_idx ON inbox (processed_at);
`;

export default { name: '0002_outbox', up } satisfies Migration;
