ALTER TABLE epi_notifications ADD CONSTRAINT epi_notifications_estado_check CHECK (estado IN ('PENDIENTE', 'NOTIFICADA', 'DESCARTADA'));
--> statement-breakpoint
ALTER TABLE epi_notifications ADD CONSTRAINT epi_notifications_periodicidad_check CHECK (periodicidad IN ('INMEDIATA', 'SEMANAL'));
--> statement-breakpoint
ALTER TABLE epi_notifications ADD CONSTRAINT epi_notifications_tipo_check CHECK (tipo_diagnostico IN ('PRESUNTIVO', 'DEFINITIVO'));
--> statement-breakpoint
ALTER TABLE epi_notifications ADD CONSTRAINT epi_notifications_semana_check CHECK (semana_numero BETWEEN 1 AND 53);
--> statement-breakpoint
ALTER TABLE epi_notifications ADD CONSTRAINT epi_notifications_notificada_check CHECK (estado <> 'NOTIFICADA' OR notificada_at IS NOT NULL);
--> statement-breakpoint
ALTER TABLE renhice_exports ADD CONSTRAINT renhice_exports_estado_check CHECK (estado IN ('PENDIENTE', 'ENVIADO', 'ERROR'));
--> statement-breakpoint
ALTER TABLE renhice_exports ADD CONSTRAINT renhice_exports_intentos_check CHECK (intentos >= 0);
--> statement-breakpoint
-- Surveillance cases and the RENHICE queue are part of the record's trail: never deleted.
CREATE TRIGGER epi_notifications_no_delete BEFORE DELETE ON epi_notifications FOR EACH ROW EXECUTE FUNCTION hce_forbid_delete();
--> statement-breakpoint
CREATE TRIGGER renhice_exports_no_delete BEFORE DELETE ON renhice_exports FOR EACH ROW EXECUTE FUNCTION hce_forbid_delete();
