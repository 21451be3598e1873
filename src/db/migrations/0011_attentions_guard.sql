ALTER TABLE medical_attentions ADD CONSTRAINT medical_attentions_estado_check CHECK (estado IN ('ABIERTA', 'FINALIZADA'));
--> statement-breakpoint
ALTER TABLE medical_attentions ADD CONSTRAINT medical_attentions_tipo_check CHECK (tipo_atencion IN ('CONSULTA', 'EMERGENCIA', 'CONTROL'));
--> statement-breakpoint
ALTER TABLE attention_diagnoses ADD CONSTRAINT attention_diagnoses_type_check CHECK (type IN ('PRESUNTIVO', 'DEFINITIVO', 'DESCARTADO'));
--> statement-breakpoint
ALTER TABLE medical_orders ADD CONSTRAINT medical_orders_tipo_check CHECK (tipo IN ('LABORATORIO', 'IMAGEN', 'INTERCONSULTA', 'PROCEDIMIENTO'));
--> statement-breakpoint
CREATE SEQUENCE IF NOT EXISTS medical_orders_numero_seq START 1;
--> statement-breakpoint
-- Clinical records are never hard-deleted (NTS 139, Ley 30024): soft delete only.
CREATE OR REPLACE FUNCTION hce_forbid_delete() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    RAISE EXCEPTION 'clinical records are never deleted (%)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER medical_attentions_no_delete BEFORE DELETE ON medical_attentions FOR EACH ROW EXECUTE FUNCTION hce_forbid_delete();
--> statement-breakpoint
CREATE TRIGGER vital_signs_no_delete BEFORE DELETE ON vital_signs FOR EACH ROW EXECUTE FUNCTION hce_forbid_delete();
--> statement-breakpoint
CREATE TRIGGER attention_diagnoses_no_delete BEFORE DELETE ON attention_diagnoses FOR EACH ROW EXECUTE FUNCTION hce_forbid_delete();
--> statement-breakpoint
CREATE TRIGGER prescriptions_no_delete BEFORE DELETE ON prescriptions FOR EACH ROW EXECUTE FUNCTION hce_forbid_delete();
--> statement-breakpoint
CREATE TRIGGER medical_orders_no_delete BEFORE DELETE ON medical_orders FOR EACH ROW EXECUTE FUNCTION hce_forbid_delete();
--> statement-breakpoint
CREATE TRIGGER evolutions_no_delete BEFORE DELETE ON evolutions FOR EACH ROW EXECUTE FUNCTION hce_forbid_delete();
--> statement-breakpoint
-- A finalized attention keeps its content; only the addenda chain head and bookkeeping move
-- (and patient_id, when an ADMIN merges a duplicate patient).
CREATE OR REPLACE FUNCTION hce_attention_lock() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF OLD.estado = 'FINALIZADA' AND (
      (NEW.doctor_id, NEW.appointment_id, NEW.fecha_atencion, NEW.tipo_atencion, NEW.motivo_consulta, NEW.anamnesis,
       NEW.antecedentes::text, NEW.examen_fisico, NEW.tiempo_enfermedad, NEW.forma_inicio, NEW.curso,
       NEW.funciones_biologicas::text, NEW.plan_trabajo, NEW.proxima_cita, NEW.estado, NEW.finalized_at,
       NEW.firmante::text, NEW.seal_hash, NEW.motivo_sin_cita)
      IS DISTINCT FROM
      (OLD.doctor_id, OLD.appointment_id, OLD.fecha_atencion, OLD.tipo_atencion, OLD.motivo_consulta, OLD.anamnesis,
       OLD.antecedentes::text, OLD.examen_fisico, OLD.tiempo_enfermedad, OLD.forma_inicio, OLD.curso,
       OLD.funciones_biologicas::text, OLD.plan_trabajo, OLD.proxima_cita, OLD.estado, OLD.finalized_at,
       OLD.firmante::text, OLD.seal_hash, OLD.motivo_sin_cita)) THEN
      RAISE EXCEPTION 'a finalized medical attention cannot change' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER medical_attentions_lock BEFORE UPDATE ON medical_attentions FOR EACH ROW EXECUTE FUNCTION hce_attention_lock();
--> statement-breakpoint
-- Evolutions are signed notes: their content and author never change once written.
CREATE OR REPLACE FUNCTION hce_evolution_lock() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF (NEW.notas, NEW.user_id, NEW.fecha_hora, NEW.hash) IS DISTINCT FROM (OLD.notas, OLD.user_id, OLD.fecha_hora, OLD.hash) THEN
      RAISE EXCEPTION 'evolutions are never edited' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER evolutions_lock BEFORE UPDATE ON evolutions FOR EACH ROW EXECUTE FUNCTION hce_evolution_lock();
