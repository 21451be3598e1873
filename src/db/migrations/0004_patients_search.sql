-- Accent-insensitive, typo-tolerant patient name search (LIKE and word_similarity use it).
CREATE INDEX patients_nombre_busqueda_trgm ON patients USING gin (nombre_busqueda gin_trgm_ops);
--> statement-breakpoint
-- Clinical-record numbers assigned by the HCE (HC-000001, …).
CREATE SEQUENCE IF NOT EXISTS patients_hc_seq START 1;
