-- Catalog search indexes that drizzle-kit cannot express. Front ends query the catalogs on
-- every keystroke: trigram GIN indexes over accent-folded text serve both LIKE '%…%' and the
-- typo-tolerant word_similarity operator (<%); text_pattern_ops btrees serve code prefixes
-- (LIKE 'J06%') under any collation. hce_fold() is the IMMUTABLE lower(unaccent()) wrapper.
CREATE INDEX diagnoses_descripcion_trgm ON diagnoses USING gin (hce_fold(descripcion) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX diagnoses_codigo_prefix_idx ON diagnoses (sistema, codigo text_pattern_ops);
--> statement-breakpoint
CREATE INDEX medications_busqueda_trgm ON medications
  USING gin (hce_fold(dci || ' ' || coalesce(nombre_comercial, '') || ' ' || coalesce(grupo_terapeutico, '')) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX medications_codigo_atc_prefix_idx ON medications (codigo_atc text_pattern_ops);
--> statement-breakpoint
-- Without a DIGEMID code a medicine is identified by what it is: DCI, strength and form.
CREATE UNIQUE INDEX medications_natural_key ON medications (hce_fold(dci), hce_fold(concentracion), hce_fold(forma_farmaceutica))
  WHERE codigo_digemid IS NULL;
--> statement-breakpoint
CREATE INDEX procedures_busqueda_trgm ON procedures
  USING gin (hce_fold(nombre || ' ' || coalesce(especialidad, '')) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX procedures_codigo_prefix_idx ON procedures (codigo text_pattern_ops);
--> statement-breakpoint
-- Procedures without a CPMS code are identified by type and name.
CREATE UNIQUE INDEX procedures_natural_key ON procedures (tipo, hce_fold(nombre)) WHERE codigo IS NULL;
--> statement-breakpoint
-- One active template of a given name per type; retired (activo = false) ones may repeat.
CREATE UNIQUE INDEX templates_tipo_nombre_key ON templates (tipo, hce_fold(nombre)) WHERE activo;
