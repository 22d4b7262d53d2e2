/**
 * The double-entry ledger (src/ledger, docs/ledger.md): accounts with their balances and
 * limits, the journal (entries and their postings) and the resolution log of reservations.
 *
 * What the database itself guarantees, whatever code writes to it:
 *   - the journal (ledger_entry, ledger_posting, ledger_resolution) is append-only: UPDATE,
 *     DELETE and TRUNCATE are refused by forbid_mutation() (0001), statement-level so that even
 *     an UPDATE matching no row is refused;
 *   - every entry has posting_count >= 2 postings, numbered 1..posting_count, all inserted by
 *     the statement that inserts the entry (so no posting can be added to an entry later), and
 *     they sum to zero per currency; each posting's account exists and is kept in the posting's
 *     currency; a post entry repeats its reservation's legs exactly (full amount only);
 *   - an idempotency key names at most one entry (unique), a reservation is resolved (posted
 *     or voided) at most once (primary key of ledger_resolution), and a post entry exists only
 *     together with the resolution row that consumes its reservation;
 *   - an account's identity (id, kind, participant, currency) never changes and accounts are
 *     never deleted; no clearing account's exposure (posted + pending debits) exceeds its net
 *     debit cap plus prefunded liquidity (CHECK, on every balance update).
 *
 * ledger_currency holds one version per currency: every transaction that changes balances of a
 * currency increments it first, which serialises writers per currency (the row stays locked
 * until commit) and tells a writer whether balances it cached are still current.
 *
 * Why statement-level AFTER triggers with transition tables rather than deferred per-row
 * constraint triggers: the ledger writer inserts a whole batch (1,000 entries, 2,000 postings)
 * in one statement; one set-based check per statement costs a fraction of 2,000 trigger calls,
 * and foreign keys (which cost 4x on insert, stack-measurements §4c) are replaced by the same
 * set-based checks. Rows referenced by postings can never disappear (no DELETE on accounts or
 * entries), so the checks at insert time keep referential integrity for ever. The price: an
 * entry and its postings (and a post's resolution row) must be inserted by ONE statement, as
 * the writer does with data-modifying CTEs; AFTER statement triggers fire when the whole
 * statement, all its CTEs included, has run.
 */
import type { Migration } from './index.js';

const up = /* sql */ `
CREATE TABLE ledger_account (
  id              text PRIMARY KEY,
  kind            text NOT NULL,
  participant     text,
  currency        text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  posted          bigint NOT NULL DEFAULT 0,
  pending_debits  bigint NOT NULL DEFAULT 0,
  pending_credits bigint NOT NULL DEFAULT 0,
  net_debit_cap   bigint,
  prefunded       bigint,
  opened_at       timestamptz NOT NULL,
  CONSTRAINT ledger_account_id_form CHECK (
       (kind IN ('clearing', 'settlement') AND participant ~ '^[A-Z0-9]{11}$'
         AND id = kind || ':' || participant || ':' || currency)
    OR (kind IN ('technical', 'suspense', 'returns') AND participant IS NULL AND id = kind || ':' || currency)),
  CONSTRAINT ledger_account_pending_nonnegative CHECK (pending_debits >= 0 AND pending_credits >= 0),
  CONSTRAINT ledger_account_limit_kind CHECK ((kind = 'clearing') = (net_debit_cap IS NOT NULL AND prefunded IS NOT NULL)),
  CONSTRAINT ledger_account_limit_nonnegative CHECK (net_debit_cap >= 0 AND prefunded >= 0),
  CONSTRAINT ledger_account_within_limit CHECK (net_debit_cap IS NULL OR posted + pending_debits <= net_debit_cap + prefunded)
);
COMMENT ON TABLE ledger_account IS
  'Ledger accounts (chart in docs/ledger.md). posted = sum of posted postings (debit > 0); pending_* = legs of open reservations. Balances change only through the ledger writer.';

CREATE FUNCTION ledger_account_fixed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION USING
    ERRCODE = 'IC001',
    MESSAGE = format('%s of a ledger account''s identity is forbidden', TG_OP),
    HINT = 'Accounts are never deleted or renamed; open a new account instead.';
END
$fn$;
CREATE TRIGGER ledger_account_identity_fixed BEFORE UPDATE OF id, kind, participant, currency, opened_at
  ON ledger_account FOR EACH STATEMENT EXECUTE FUNCTION ledger_account_fixed();
CREATE TRIGGER ledger_account_no_delete BEFORE DELETE OR TRUNCATE
  ON ledger_account FOR EACH STATEMENT EXECUTE FUNCTION ledger_account_fixed();

CREATE TABLE ledger_currency (
  currency text PRIMARY KEY CHECK (currency ~ '^[A-Z]{3}$'),
  version  bigint NOT NULL CHECK (version >= 0)
);
COMMENT ON TABLE ledger_currency IS
  'One row per currency: every transaction that changes balances of the currency first increments its version (which locks the row until commit). Writers serialise on it and tell from it whether their cached balances are still current.';

CREATE TABLE ledger_entry (
  id              uuid PRIMARY KEY,
  idempotency_key text NOT NULL CHECK (idempotency_key <> ''),
  kind            text NOT NULL CHECK (kind IN ('transfer', 'reserve', 'post')),
  posting_count   smallint NOT NULL CHECK (posting_count >= 2),
  pending_id      uuid,
  corrects_id     uuid,
  payment_id      text,
  cycle_id        text,
  return_id       text,
  statement_ref   text,
  uetr            text,
  end_to_end_id   text,
  tx_id           text,
  instr_id        text,
  msg_id          text,
  value_date      date,
  description     text,
  booked_at       timestamptz NOT NULL,
  CONSTRAINT ledger_entry_key_unique UNIQUE (idempotency_key),
  CONSTRAINT ledger_entry_post_names_reservation CHECK ((kind = 'post') = (pending_id IS NOT NULL))
);
COMMENT ON TABLE ledger_entry IS
  'Journal entries: append-only; a correction is a new entry with corrects_id. A reserve entry holds pending postings; a post entry repeats them as posted.';
CREATE INDEX ledger_entry_payment_idx ON ledger_entry (payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX ledger_entry_cycle_idx ON ledger_entry (cycle_id) WHERE cycle_id IS NOT NULL;

CREATE TABLE ledger_posting (
  entry_id   uuid NOT NULL,
  leg        smallint NOT NULL CHECK (leg >= 1),
  account_id text NOT NULL,
  currency   text NOT NULL,
  amount     bigint NOT NULL CHECK (amount <> 0),
  pending    boolean NOT NULL,
  booked_at  timestamptz NOT NULL,
  PRIMARY KEY (entry_id, leg)
);
COMMENT ON TABLE ledger_posting IS
  'Postings (lines) of journal entries: amount > 0 debits, < 0 credits; pending = leg of a reservation (moves no posted balance). Append-only.';
CREATE INDEX ledger_posting_account_time_idx ON ledger_posting (account_id, booked_at);

CREATE TABLE ledger_resolution (
  pending_id      uuid PRIMARY KEY,
  outcome         text NOT NULL CHECK (outcome IN ('posted', 'voided')),
  entry_id        uuid UNIQUE,
  idempotency_key text NOT NULL CHECK (idempotency_key <> ''),
  reason          text,
  payment_id      text,
  cycle_id        text,
  return_id       text,
  statement_ref   text,
  resolved_at     timestamptz NOT NULL,
  CONSTRAINT ledger_resolution_key_unique UNIQUE (idempotency_key),
  CONSTRAINT ledger_resolution_post_has_entry CHECK ((outcome = 'posted') = (entry_id IS NOT NULL))
);
COMMENT ON TABLE ledger_resolution IS
  'Resolution log of reservations: one immutable row when a reservation is posted (entry_id = the post entry) or voided.';

CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_entry
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_mutation();
CREATE TRIGGER ledger_posting_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_posting
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_mutation();
CREATE TRIGGER ledger_resolution_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_resolution
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_mutation();

CREATE FUNCTION ledger_refuse(what text, detail text) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = 'ledger: ' || what, DETAIL = detail;
END
$fn$;

-- Postings of one statement: complete entries, balanced, on existing accounts of their currency.
-- Lookups are LATERAL (… OFFSET 0): one index probe per entry or account whatever the table
-- statistics say (the cached plan of a trigger must not turn into a scan of the whole journal).
CREATE FUNCTION ledger_posting_check() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  bad text;
BEGIN
  SELECT g.entry_id::text INTO bad
    FROM (SELECT entry_id, count(*) AS n, min(leg) AS lo, max(leg) AS hi,
                 bool_and(pending) AS all_pending, bool_or(pending) AS any_pending,
                 min(booked_at) AS first_at, max(booked_at) AS last_at
            FROM new_postings GROUP BY entry_id) g
    LEFT JOIN LATERAL (SELECT e.posting_count, e.kind, e.booked_at FROM ledger_entry e
                        WHERE e.id = g.entry_id OFFSET 0) e ON true
   WHERE e.posting_count IS NULL OR g.n <> e.posting_count OR g.lo <> 1 OR g.hi <> e.posting_count
      OR g.all_pending <> (e.kind = 'reserve') OR g.any_pending <> (e.kind = 'reserve')
      OR g.first_at <> e.booked_at OR g.last_at <> e.booked_at
   LIMIT 1;
  IF FOUND THEN
    PERFORM ledger_refuse('postings must complete their entry in one statement',
      format('entry %s: unknown entry, legs not 1..posting_count, pending flag or booking time differ', bad));
  END IF;
  SELECT entry_id::text || ' ' || currency INTO bad
    FROM new_postings GROUP BY entry_id, currency HAVING sum(amount) <> 0 LIMIT 1;
  IF FOUND THEN
    PERFORM ledger_refuse('an entry does not balance', format('entry and currency %s: postings do not sum to zero', bad));
  END IF;
  SELECT n.account_id INTO bad
    FROM (SELECT DISTINCT account_id, currency FROM new_postings) n
    LEFT JOIN LATERAL (SELECT a.currency FROM ledger_account a WHERE a.id = n.account_id OFFSET 0) a ON true
   WHERE a.currency IS DISTINCT FROM n.currency LIMIT 1;
  IF FOUND THEN
    PERFORM ledger_refuse('a posting names an unknown account or another currency', format('account %s', bad));
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER ledger_posting_checked AFTER INSERT ON ledger_posting
  REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT EXECUTE FUNCTION ledger_posting_check();

-- Entries of one statement: they have their postings; a post repeats its reservation and
-- consumes it; a correction names an existing entry.
CREATE FUNCTION ledger_entry_check() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  bad text;
BEGIN
  SELECT e.idempotency_key INTO bad FROM new_entries e
   WHERE e.posting_count <> (SELECT count(*) FROM ledger_posting p WHERE p.entry_id = e.id) LIMIT 1;
  IF FOUND THEN
    PERFORM ledger_refuse('an entry was inserted without all its postings', format('entry key %s', bad));
  END IF;
  SELECT e.idempotency_key INTO bad FROM (SELECT * FROM new_entries WHERE kind = 'post') e
    LEFT JOIN LATERAL (SELECT r.kind, r.posting_count FROM ledger_entry r WHERE r.id = e.pending_id OFFSET 0) r ON true
    LEFT JOIN LATERAL (SELECT x.pending_id FROM ledger_resolution x WHERE x.entry_id = e.id OFFSET 0) x ON true
   WHERE r.kind IS DISTINCT FROM 'reserve' OR r.posting_count <> e.posting_count
      OR x.pending_id IS DISTINCT FROM e.pending_id
   LIMIT 1;
  IF FOUND THEN
    PERFORM ledger_refuse('a post must name a reservation and consume it', format('entry key %s', bad));
  END IF;
  SELECT e.idempotency_key INTO bad FROM (SELECT * FROM new_entries WHERE kind = 'post') e
    CROSS JOIN LATERAL (SELECT pp.leg, pp.account_id, pp.amount FROM ledger_posting pp
                         WHERE pp.entry_id = e.id OFFSET 0) pp
    LEFT JOIN LATERAL (SELECT rp.account_id, rp.amount FROM ledger_posting rp
                        WHERE rp.entry_id = e.pending_id AND rp.leg = pp.leg OFFSET 0) rp ON true
   WHERE rp.account_id IS DISTINCT FROM pp.account_id OR rp.amount IS DISTINCT FROM pp.amount
   LIMIT 1;
  IF FOUND THEN
    PERFORM ledger_refuse('a post must repeat its reservation''s legs in full', format('entry key %s', bad));
  END IF;
  SELECT e.idempotency_key INTO bad FROM (SELECT * FROM new_entries WHERE corrects_id IS NOT NULL) e
   WHERE NOT EXISTS (SELECT 1 FROM ledger_entry c WHERE c.id = e.corrects_id) LIMIT 1;
  IF FOUND THEN
    PERFORM ledger_refuse('a correction must name an existing entry', format('entry key %s', bad));
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER ledger_entry_checked AFTER INSERT ON ledger_entry
  REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_check();

-- Resolutions of one statement: each resolves a reservation; a posted one names its post entry.
CREATE FUNCTION ledger_resolution_check() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  bad text;
BEGIN
  SELECT x.idempotency_key INTO bad FROM new_resolutions x
    LEFT JOIN LATERAL (SELECT r.kind FROM ledger_entry r WHERE r.id = x.pending_id OFFSET 0) r ON true
    LEFT JOIN LATERAL (SELECT p.kind, p.pending_id FROM ledger_entry p WHERE p.id = x.entry_id OFFSET 0) p ON true
   WHERE r.kind IS DISTINCT FROM 'reserve'
      OR (x.outcome = 'posted' AND (p.kind IS DISTINCT FROM 'post' OR p.pending_id IS DISTINCT FROM x.pending_id))
   LIMIT 1;
  IF FOUND THEN
    PERFORM ledger_refuse('a resolution must resolve a reservation (and a posted one name its post entry)',
      format('resolution key %s', bad));
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER ledger_resolution_checked AFTER INSERT ON ledger_resolution
  REFERENCING NEW TABLE AS new_resolutions FOR EACH STATEMENT EXECUTE FUNCTION ledger_resolution_check();
`;

export default { name: '0003_ledger', up } satisfies Migration;
