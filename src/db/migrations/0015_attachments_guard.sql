ALTER TABLE attachments ADD CONSTRAINT attachments_driver_check CHECK (storage_driver IN ('local', 's3'));
--> statement-breakpoint
ALTER TABLE attachments ADD CONSTRAINT attachments_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$');
--> statement-breakpoint
ALTER TABLE attachments ADD CONSTRAINT attachments_size_check CHECK (size >= 0);
--> statement-breakpoint
-- Attachments are part of the clinical record: soft delete only (hce_forbid_delete from 0011).
CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments FOR EACH ROW EXECUTE FUNCTION hce_forbid_delete();
--> statement-breakpoint
-- What was uploaded, by whom and when, and its place in the addenda chain never change; a
-- soft delete is set once. Only the storage location and the wrapped data key may move
-- (migrating between stores, rotating the master key).
CREATE OR REPLACE FUNCTION hce_attachment_lock() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF (NEW.id, NEW.attention_id, NEW.file_name, NEW.file_type, NEW.description, NEW.size, NEW.sha256, NEW.url_path,
        NEW.uploaded_by, NEW.uploaded_at, NEW.addendum_seq, NEW.prev_hash, NEW.hash)
      IS DISTINCT FROM
       (OLD.id, OLD.attention_id, OLD.file_name, OLD.file_type, OLD.description, OLD.size, OLD.sha256, OLD.url_path,
        OLD.uploaded_by, OLD.uploaded_at, OLD.addendum_seq, OLD.prev_hash, OLD.hash) THEN
      RAISE EXCEPTION 'attachments are never edited' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.deleted_at IS NOT NULL AND (NEW.deleted_at, NEW.deleted_by, NEW.motivo_eliminacion)
      IS DISTINCT FROM (OLD.deleted_at, OLD.deleted_by, OLD.motivo_eliminacion) THEN
      RAISE EXCEPTION 'a deleted attachment stays deleted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER attachments_lock BEFORE UPDATE ON attachments FOR EACH ROW EXECUTE FUNCTION hce_attachment_lock();
