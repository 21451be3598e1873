-- Catalog word searches matched and ranked hce_fold(…) expressions: the trigram index found the
-- candidates, but every recheck, filter and ranking term folded the text again (unaccent costs
-- ~5 µs a call, several calls per candidate row). The folded text is now a stored generated
-- column, indexed instead of the expressions of migration 0006, so a search reads it as it is.
ALTER TABLE diagnoses ADD COLUMN texto_busqueda text GENERATED ALWAYS AS (hce_fold(descripcion)) STORED;
--> statement-breakpoint
DROP INDEX diagnoses_descripcion_trgm;
--> statement-breakpoint
CREATE INDEX diagnoses_texto_busqueda_trgm ON diagnoses USING gin (texto_busqueda gin_trgm_ops);
--> statement-breakpoint
ALTER TABLE medications ADD COLUMN texto_busqueda text
  GENERATED ALWAYS AS (hce_fold(dci || ' ' || coalesce(nombre_comercial, '') || ' ' || coalesce(grupo_terapeutico, ''))) STORED;
--> statement-breakpoint
DROP INDEX medications_busqueda_trgm;
--> statement-breakpoint
CREATE INDEX medications_texto_busqueda_trgm ON medications USING gin (texto_busqueda gin_trgm_ops);
--> statement-breakpoint
ALTER TABLE procedures ADD COLUMN texto_busqueda text
  GENERATED ALWAYS AS (hce_fold(nombre || ' ' || coalesce(especialidad, ''))) STORED;
--> statement-breakpoint
DROP INDEX procedures_busqueda_trgm;
--> statement-breakpoint
CREATE INDEX procedures_texto_busqueda_trgm ON procedures USING gin (texto_busqueda gin_trgm_ops);
