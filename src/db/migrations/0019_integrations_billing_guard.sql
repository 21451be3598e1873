-- Closed value sets of the integration tables, enforced where every process sees them.
ALTER TABLE integration_outbox ADD CONSTRAINT integration_outbox_estado_check
  CHECK (estado IN ('PENDIENTE', 'ENVIADO', 'FALLIDO'));
--> statement-breakpoint
ALTER TABLE integration_outbox ADD CONSTRAINT integration_outbox_attempts_check CHECK (attempts >= 0);
--> statement-breakpoint
ALTER TABLE billing_transactions ADD CONSTRAINT billing_transactions_info_pago_check
  CHECK (info_pago IN ('PAGADO', 'PENDIENTE', 'ANULADO', 'SEGURO'));
--> statement-breakpoint
ALTER TABLE billing_transactions ADD CONSTRAINT billing_transactions_reconciliacion_check
  CHECK (reconciliacion IS NULL OR reconciliacion IN ('REFERENCIA_HCE', 'CODIGO_EXTERNO', 'COINCIDENCIA', 'NUEVA'));
--> statement-breakpoint
ALTER TABLE integration_clients ADD CONSTRAINT integration_clients_origen_check CHECK (origen IN ('ADMIN', 'ENV'));
--> statement-breakpoint
-- The hash is the only way to match a key; a short or empty one would mean a bug storing keys.
ALTER TABLE integration_client_keys ADD CONSTRAINT integration_client_keys_hash_check CHECK (length(key_hash) = 64);
