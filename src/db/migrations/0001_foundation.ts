/**
 * Foundation: the generic append-only guard, the audit log and the idempotency keys.
 *
 * forbid_mutation() is the trigger function every append-only table reuses (the audit log here,
 * the ledger journal later): BEFORE UPDATE OR DELETE … FOR EACH ROW and BEFORE TRUNCATE … FOR
 * EACH STATEMENT. A correction is a new row, never an edit. It raises SQLSTATE IC001
 * (errors.ts SQLSTATE.appendOnly). Triggers guard the application's own role; privileges
 * (REVOKE UPDATE, DELETE, TRUNCATE) should guard everyone else in production.
 *
 * Timestamps are written by the caller from its injected clock: no column defaults to now(),
 * so tests under a ManualClock see the instants they set.
 */
import type { Migration } from './index.js';

const up = /* sql */ `
CREATE FUNCTION forbid_mutation() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION USING
    ERRCODE = 'IC001',
    MESSAGE = format('%s on %I.%I is forbidden: the table is append-only', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME),
    HINT = 'Record a correction as a new row.';
END
$fn$;

CREATE TABLE audit_log (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at      timestamptz NOT NULL,
  actor   text NOT NULL CHECK (actor <> ''),
  action  text NOT NULL CHECK (action <> ''),
  subject text NOT NULL,
  detail  jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(detail) = 'object')
);
COMMENT ON TABLE audit_log IS 'Append-only record of operator and system actions; never updated or deleted.';
CREATE INDEX audit_log_subject_idx ON audit_log (subject, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION forbid_mutation();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_mutation();

CREATE TABLE idempotency_keys (
  scope        text NOT NULL CHECK (scope <> ''),
  key          text NOT NULL CHECK (key <> ''),
  request_hash text NOT NULL,
  response     jsonb,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);
COMMENT ON TABLE idempotency_keys IS
  'First outcome of each (scope, key): a replay with the same request_hash gets response back; '
  'a different request_hash under the same key is a conflict. response is null while the first request is in flight.';
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
`;

export default { name: '0001_foundation', up } satisfies Migration;
