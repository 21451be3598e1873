-- Word index for the patient name search: one row per distinct folded word of each live
-- (not merged) patient's name, kept in step by a trigger. A typed word is looked up as a prefix
-- of these words (a byte-order range scan, hence COLLATE "C"), and the index carries what the
-- search needs to rank, filter and count without touching the wide patients rows.
CREATE TABLE patient_search_words (
	"word" text COLLATE "C" NOT NULL,
	"patient_id" uuid NOT NULL REFERENCES patients(id),
	"sort_key" text COLLATE "C" NOT NULL,
	"tipo_documento" text NOT NULL,
	CONSTRAINT patient_search_words_pkey PRIMARY KEY ("word", "patient_id") INCLUDE ("sort_key", "tipo_documento")
);
--> statement-breakpoint
CREATE INDEX patient_search_words_patient_idx ON patient_search_words ("patient_id");
--> statement-breakpoint
-- Words of a folded name: whitespace-separated words, and also the parts of hyphenated or
-- apostrophe names ("garcia-perez" → garcia-perez, garcia, perez), so either part is found.
CREATE OR REPLACE FUNCTION hce_name_words(folded text) RETURNS SETOF text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$
    SELECT w FROM regexp_split_to_table(folded, '\s+') AS w WHERE w <> ''
    UNION
    SELECT w FROM regexp_split_to_table(folded, '[\s''-]+') AS w WHERE w <> ''
  $$;
--> statement-breakpoint
-- Surname-first sort key, folded (the order of the plain list: paterno, materno, nombres).
CREATE OR REPLACE FUNCTION hce_name_sort_key(nombres text, paterno text, materno text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT hce_fold(paterno || ' ' || coalesce(materno || ' ', '') || nombres) COLLATE "C" $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION hce_patient_search_words_sync() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.nombre_busqueda IS NOT DISTINCT FROM OLD.nombre_busqueda
       AND NEW.apellido_paterno IS NOT DISTINCT FROM OLD.apellido_paterno
       AND NEW.apellido_materno IS NOT DISTINCT FROM OLD.apellido_materno
       AND NEW.nombres IS NOT DISTINCT FROM OLD.nombres
       AND NEW.merged_into IS NOT DISTINCT FROM OLD.merged_into
       AND NEW.tipo_documento IS NOT DISTINCT FROM OLD.tipo_documento THEN
      RETURN NULL;
    END IF;
    DELETE FROM patient_search_words WHERE patient_id = NEW.id;
  END IF;
  IF NEW.merged_into IS NULL AND NEW.nombre_busqueda IS NOT NULL THEN
    INSERT INTO patient_search_words (word, patient_id, sort_key, tipo_documento)
    SELECT w, NEW.id, hce_name_sort_key(NEW.nombres, NEW.apellido_paterno, NEW.apellido_materno), NEW.tipo_documento
    FROM hce_name_words(NEW.nombre_busqueda) AS w;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER patients_search_words_sync
  AFTER INSERT OR UPDATE ON patients
  FOR EACH ROW EXECUTE FUNCTION hce_patient_search_words_sync();
--> statement-breakpoint
INSERT INTO patient_search_words (word, patient_id, sort_key, tipo_documento)
SELECT w, p.id, hce_name_sort_key(p.nombres, p.apellido_paterno, p.apellido_materno), p.tipo_documento
FROM patients p, hce_name_words(p.nombre_busqueda) AS w
WHERE p.merged_into IS NULL AND p.nombre_busqueda IS NOT NULL;
