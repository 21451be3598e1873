-- Roles of the requirements document (RF1.3).
INSERT INTO roles (name, description) VALUES
  ('ADMIN', 'Administrador: usuarios, roles, catálogos, integraciones, auditoría y reportes'),
  ('MEDICO', 'Médico: historia clínica, agenda propia, resultados de PACS/LIS'),
  ('ASISTENTE', 'Asistente/recepción: pacientes y citas')
ON CONFLICT (name) DO NOTHING;
--> statement-breakpoint
CREATE INDEX audit_events_unsealed_idx ON audit_events (id) WHERE hash IS NULL;
--> statement-breakpoint
-- Canonical digest of one audit row, chained through prev_hash and chain_seq.
CREATE OR REPLACE FUNCTION hce_audit_digest(e audit_events) RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT encode(digest(concat_ws('|',
      coalesce(e.prev_hash, ''), e.chain_seq::text, e.id::text,
      to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      coalesce(e.actor_id::text, ''), coalesce(e.actor_role, ''), coalesce(e.actor_kind, ''),
      e.action, coalesce(e.entity, ''), coalesce(e.entity_id, ''), coalesce(e.patient_id::text, ''),
      coalesce(e.ip, ''), coalesce(e.user_agent, ''), coalesce(e.request_id, ''), e.outcome,
      coalesce(e.details::text, '')), 'sha256'), 'hex')
  $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION hce_audit_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
      RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'INSERT' THEN
      IF NEW.hash IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.chain_seq IS NOT NULL OR NEW.sealed_at IS NOT NULL THEN
        RAISE EXCEPTION 'audit events are sealed only by the sealer' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END IF;
    IF coalesce(current_setting('hce.audit_sealer', true), '') <> 'on' THEN
      RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.hash IS NOT NULL OR NEW.hash IS NULL OR NEW.chain_seq IS NULL THEN
      RAISE EXCEPTION 'an audit event is sealed once' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.id, NEW.occurred_at, NEW.actor_id, NEW.actor_role, NEW.actor_kind, NEW.action, NEW.entity, NEW.entity_id,
        NEW.patient_id, NEW.ip, NEW.user_agent, NEW.request_id, NEW.outcome, NEW.details::text)
       IS DISTINCT FROM
       (OLD.id, OLD.occurred_at, OLD.actor_id, OLD.actor_role, OLD.actor_kind, OLD.action, OLD.entity, OLD.entity_id,
        OLD.patient_id, OLD.ip, OLD.user_agent, OLD.request_id, OLD.outcome, OLD.details::text) THEN
      RAISE EXCEPTION 'audit event content cannot change' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER audit_events_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION hce_audit_guard();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION hce_audit_guard();
--> statement-breakpoint
-- Links unsealed rows, in id order, after the last sealed one. Only one sealer runs at a
-- time across all API processes (transaction-scoped advisory lock); others return 0.
CREATE OR REPLACE FUNCTION hce_audit_seal(max_rows integer) RETURNS integer
  LANGUAGE plpgsql
  AS $$
  DECLARE
    last_hash text;
    last_seq bigint;
    r audit_events;
    n integer := 0;
  BEGIN
    IF NOT pg_try_advisory_xact_lock(7263514002) THEN
      RETURN 0;
    END IF;
    PERFORM set_config('hce.audit_sealer', 'on', true);
    SELECT hash, chain_seq INTO last_hash, last_seq
      FROM audit_events WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0);
    FOR r IN SELECT * FROM audit_events WHERE hash IS NULL ORDER BY id LIMIT max_rows FOR UPDATE LOOP
      last_seq := last_seq + 1;
      r.chain_seq := last_seq;
      r.prev_hash := last_hash;
      last_hash := hce_audit_digest(r);
      UPDATE audit_events SET chain_seq = r.chain_seq, prev_hash = r.prev_hash, hash = last_hash, sealed_at = now()
        WHERE id = r.id;
      n := n + 1;
    END LOOP;
    PERFORM set_config('hce.audit_sealer', 'off', true);
    RETURN n;
  END
  $$;
--> statement-breakpoint
-- Recomputes the chain; returns the first broken link, or broken_id NULL when intact.
CREATE OR REPLACE FUNCTION hce_audit_verify()
  RETURNS TABLE (checked bigint, broken_id bigint, broken_seq bigint, reason text)
  LANGUAGE plpgsql
  AS $$
  DECLARE
    r audit_events;
    prev text := NULL;
    expected bigint := 0;
  BEGIN
    FOR r IN SELECT * FROM audit_events WHERE chain_seq IS NOT NULL ORDER BY chain_seq LOOP
      expected := expected + 1;
      IF r.chain_seq <> expected THEN
        RETURN QUERY SELECT expected, r.id, r.chain_seq, 'missing_link'::text;
        RETURN;
      END IF;
      IF r.prev_hash IS DISTINCT FROM prev THEN
        RETURN QUERY SELECT expected, r.id, r.chain_seq, 'prev_hash_mismatch'::text;
        RETURN;
      END IF;
      IF r.hash IS DISTINCT FROM hce_audit_digest(r) THEN
        RETURN QUERY SELECT expected, r.id, r.chain_seq, 'content_altered'::text;
        RETURN;
      END IF;
      prev := r.hash;
    END LOOP;
    RETURN QUERY SELECT expected, NULL::bigint, NULL::bigint, NULL::text;
  END
  $$;
