-- Printed-document codes, signatures, RAM notifications, informed consents and tariff rows are
-- evidence: once written they never change. Only patient_id may move (an ADMIN merge of
-- duplicate patients re-points the rows, audited by the patients module).
CREATE OR REPLACE FUNCTION hce_append_only() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF (to_jsonb(NEW) - 'patient_id') IS DISTINCT FROM (to_jsonb(OLD) - 'patient_id') THEN
      RAISE EXCEPTION '% rows are never edited', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER verification_codes_lock BEFORE UPDATE ON verification_codes FOR EACH ROW EXECUTE FUNCTION hce_append_only();
--> statement-breakpoint
CREATE TRIGGER verification_codes_no_delete BEFORE DELETE ON verification_codes FOR EACH ROW EXECUTE FUNCTION hce_forbid_delete();
--> statement-breakpoint
CREATE TRIGGER attention_signatures_lock BEFORE UPDATE ON attention_signatures FOR EACH ROW EXECUTE FUNCTION hce_append_only();
--> statement-breakpoint
CREATE TRIGGER attention_signatures_no_delete BEFORE DELETE ON attention_signatures FOR EACH ROW EXECUTE FUNCTION hce_forbid_delete();
--> statement-breakpoint
CREATE TRIGGER adverse_drug_reactions_lock BEFORE UPDATE ON adverse_drug_reactions FOR EACH ROW EXECUTE FUNCTION hce_append_only();
--> statement-breakpoint
CREATE TRIGGER adverse_drug_reactions_no_delete BEFORE DELETE ON adverse_drug_reactions FOR EACH ROW EXECUTE FUNCTION hce_forbid_delete();
--> statement-breakpoint
CREATE TRIGGER informed_consents_lock BEFORE UPDATE ON informed_consents FOR EACH ROW EXECUTE FUNCTION hce_append_only();
--> statement-breakpoint
CREATE TRIGGER informed_consents_no_delete BEFORE DELETE ON informed_consents FOR EACH ROW EXECUTE FUNCTION hce_forbid_delete();
--> statement-breakpoint
CREATE TRIGGER service_type_prices_lock BEFORE UPDATE ON service_type_prices FOR EACH ROW EXECUTE FUNCTION hce_append_only();
--> statement-breakpoint
CREATE TRIGGER service_type_prices_no_delete BEFORE DELETE ON service_type_prices FOR EACH ROW EXECUTE FUNCTION hce_forbid_delete();
--> statement-breakpoint
-- A data-processing consent is revoked once (or superseded by a new declaration); nothing else changes.
CREATE OR REPLACE FUNCTION hce_data_consent_lock() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF (to_jsonb(NEW) - ARRAY['patient_id', 'revocado_en', 'revocado_por', 'motivo_revocacion'])
        IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['patient_id', 'revocado_en', 'revocado_por', 'motivo_revocacion'])
      OR (OLD.revocado_en IS NOT NULL AND (NEW.revocado_en, NEW.revocado_por, NEW.motivo_revocacion)
          IS DISTINCT FROM (OLD.revocado_en, OLD.revocado_por, OLD.motivo_revocacion)) THEN
      RAISE EXCEPTION 'a data-processing consent is only ever revoked, once' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER patient_data_consents_lock BEFORE UPDATE ON patient_data_consents FOR EACH ROW EXECUTE FUNCTION hce_data_consent_lock();
--> statement-breakpoint
CREATE TRIGGER patient_data_consents_no_delete BEFORE DELETE ON patient_data_consents FOR EACH ROW EXECUTE FUNCTION hce_forbid_delete();
--> statement-breakpoint
-- At most one current declaration per patient; a new one supersedes (revokes) the previous.
CREATE UNIQUE INDEX patient_data_consents_one_current_key ON patient_data_consents (patient_id) WHERE revocado_en IS NULL;
--> statement-breakpoint
ALTER TABLE service_type_prices ADD CONSTRAINT service_type_prices_values_check
  CHECK (precio >= 0 AND moneda = 'PEN' AND codigo_afectacion_igv ~ '^[0-9]{2}$'
    AND (codigo_producto_sunat IS NULL OR codigo_producto_sunat ~ '^[0-9]{8}$'));
--> statement-breakpoint
ALTER TABLE adverse_drug_reactions ADD CONSTRAINT adverse_drug_reactions_values_check
  CHECK (severidad IN ('LEVE', 'MODERADA', 'GRAVE')
    AND desenlace IN ('RECUPERADO', 'EN_RECUPERACION', 'NO_RECUPERADO', 'SECUELAS', 'MORTAL', 'DESCONOCIDO')
    AND (fecha_fin IS NULL OR fecha_fin >= fecha_inicio));
--> statement-breakpoint
ALTER TABLE informed_consents ADD CONSTRAINT informed_consents_firmado_por_check CHECK (firmado_por IN ('PACIENTE', 'APODERADO'));
