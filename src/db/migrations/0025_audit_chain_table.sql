-- The audit chain's links (sequence, previous hash, hash) move out of audit_events into an
-- insert-only table of their own, and the rows still to seal are listed in audit_pending,
-- filled by a trigger inside the inserting statement (so a row whose transaction commits late
-- is found all the same, as the partial index on `hash IS NULL` found it). Sealing was an
-- UPDATE of every audit row: a new version of a row with seven indexes, never HOT, and a dead
-- one left behind, which cost PostgreSQL more than inserting the row (bench/README.md). It is
-- now one INSERT into audit_chain and one DELETE from audit_pending per batch, and audit_events
-- is never updated at all. Digests are unchanged: sealed rows keep their hashes and verify.
CREATE TABLE audit_chain (
	"chain_seq" bigint PRIMARY KEY,
	"event_id" bigint NOT NULL UNIQUE REFERENCES audit_events(id),
	"prev_hash" text,
	"hash" text NOT NULL,
	"sealed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE audit_pending (
	"event_id" bigint PRIMARY KEY
);
--> statement-breakpoint
INSERT INTO audit_chain (chain_seq, event_id, prev_hash, hash, sealed_at)
  SELECT chain_seq, id, prev_hash, hash, coalesce(sealed_at, now()) FROM audit_events WHERE chain_seq IS NOT NULL;
--> statement-breakpoint
INSERT INTO audit_pending (event_id) SELECT id FROM audit_events WHERE chain_seq IS NULL;
--> statement-breakpoint
DROP FUNCTION hce_audit_seal(integer);
--> statement-breakpoint
DROP FUNCTION hce_audit_verify();
--> statement-breakpoint
DROP FUNCTION hce_audit_digest(audit_events);
--> statement-breakpoint
-- Their indexes (chain_seq, and the partial one on unsealed rows) go with them.
ALTER TABLE audit_events DROP COLUMN chain_seq, DROP COLUMN prev_hash, DROP COLUMN hash, DROP COLUMN sealed_at;
--> statement-breakpoint
-- audit_events: INSERT only (nothing left for a writer to forge at insert time).
CREATE OR REPLACE FUNCTION hce_audit_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
  END
  $$;
--> statement-breakpoint
DROP TRIGGER audit_events_guard ON audit_events;
--> statement-breakpoint
CREATE TRIGGER audit_events_guard BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION hce_audit_guard();
--> statement-breakpoint
-- Every new audit row waits in audit_pending until the sealer links it (one statement per
-- inserting statement, not one call per row).
CREATE OR REPLACE FUNCTION hce_audit_enqueue() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    INSERT INTO audit_pending (event_id) SELECT id FROM new_rows;
    RETURN NULL;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER audit_events_enqueue AFTER INSERT ON audit_events
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hce_audit_enqueue();
--> statement-breakpoint
-- audit_chain: only the sealer inserts, nobody updates, deletes or truncates; audit_pending:
-- anyone inserts (the trigger above), only the sealer deletes. Statement-level: one check per
-- sealing batch, not one per row.
CREATE OR REPLACE FUNCTION hce_audit_chain_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF coalesce(current_setting('hce.audit_sealer', true), '') = 'on'
       AND ((TG_TABLE_NAME = 'audit_chain' AND TG_OP = 'INSERT') OR (TG_TABLE_NAME = 'audit_pending' AND TG_OP = 'DELETE')) THEN
      RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is written only by the audit sealer', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER audit_chain_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION hce_audit_chain_guard();
--> statement-breakpoint
CREATE TRIGGER audit_pending_guard BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_pending
  FOR EACH STATEMENT EXECUTE FUNCTION hce_audit_chain_guard();
--> statement-breakpoint
-- Canonical digest of one audit row at its place in the chain (the same text as before).
CREATE OR REPLACE FUNCTION hce_audit_digest(e audit_events, seq bigint, prev text) RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT encode(digest(concat_ws('|',
      coalesce(prev, ''), seq::text, e.id::text,
      to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      coalesce(e.actor_id::text, ''), coalesce(e.actor_role, ''), coalesce(e.actor_kind, ''),
      e.action, coalesce(e.entity, ''), coalesce(e.entity_id, ''), coalesce(e.patient_id::text, ''),
      coalesce(e.ip, ''), coalesce(e.user_agent, ''), coalesce(e.request_id, ''), e.outcome,
      coalesce(e.details::text, '')), 'sha256'), 'hex')
  $$;
--> statement-breakpoint
-- Links pending rows, in id order, after the last link. Only one sealer runs at a time across
-- all API processes (transaction-scoped advisory lock); others return 0.
CREATE OR REPLACE FUNCTION hce_audit_seal(max_rows integer) RETURNS integer
  LANGUAGE plpgsql
  AS $$
  DECLARE
    last_hash text;
    last_seq bigint;
    r audit_events;
    seqs bigint[] := '{}';
    ids bigint[] := '{}';
    prevs text[] := '{}';
    hashes text[] := '{}';
  BEGIN
    IF NOT pg_try_advisory_xact_lock(7263514002) THEN
      RETURN 0;
    END IF;
    SELECT hash, chain_seq INTO last_hash, last_seq FROM audit_chain ORDER BY chain_seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0);
    FOR r IN SELECT e.* FROM audit_pending p JOIN audit_events e ON e.id = p.event_id ORDER BY p.event_id LIMIT max_rows LOOP
      last_seq := last_seq + 1;
      seqs := seqs || last_seq;
      ids := ids || r.id;
      prevs := prevs || last_hash;
      last_hash := hce_audit_digest(r, last_seq, last_hash);
      hashes := hashes || last_hash;
    END LOOP;
    IF cardinality(ids) = 0 THEN
      RETURN 0;
    END IF;
    PERFORM set_config('hce.audit_sealer', 'on', true);
    INSERT INTO audit_chain (chain_seq, event_id, prev_hash, hash) SELECT * FROM unnest(seqs, ids, prevs, hashes);
    DELETE FROM audit_pending WHERE event_id = ANY(ids);
    PERFORM set_config('hce.audit_sealer', 'off', true);
    RETURN cardinality(ids);
  END
  $$;
--> statement-breakpoint
-- Recomputes the chain; returns the first broken link, or broken_id NULL when intact.
CREATE OR REPLACE FUNCTION hce_audit_verify()
  RETURNS TABLE (checked bigint, broken_id bigint, broken_seq bigint, reason text)
  LANGUAGE plpgsql
  AS $$
  DECLARE
    link record;
    prev text := NULL;
    expected bigint := 0;
  BEGIN
    FOR link IN SELECT c.chain_seq, c.event_id, c.prev_hash, c.hash, e AS event
      FROM audit_chain c LEFT JOIN audit_events e ON e.id = c.event_id ORDER BY c.chain_seq LOOP
      expected := expected + 1;
      IF link.chain_seq <> expected THEN
        RETURN QUERY SELECT expected, link.event_id, link.chain_seq, 'missing_link'::text;
        RETURN;
      END IF;
      IF link.prev_hash IS DISTINCT FROM prev THEN
        RETURN QUERY SELECT expected, link.event_id, link.chain_seq, 'prev_hash_mismatch'::text;
        RETURN;
      END IF;
      IF (link.event).id IS NULL OR link.hash IS DISTINCT FROM hce_audit_digest(link.event, link.chain_seq, link.prev_hash) THEN
        RETURN QUERY SELECT expected, link.event_id, link.chain_seq, 'content_altered'::text;
        RETURN;
      END IF;
      prev := link.hash;
    END LOOP;
    RETURN QUERY SELECT expected, NULL::bigint, NULL::bigint, NULL::text;
  END
  $$;
