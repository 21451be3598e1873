-- The word-index trigger folded the surname-first key again for every inserted or renamed
-- patient, although migration 0023 stores that same key in patients.sort_key (computed before
-- AFTER triggers run): it now copies the stored column.
CREATE OR REPLACE FUNCTION hce_patient_search_words_sync() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.nombre_busqueda IS NOT DISTINCT FROM OLD.nombre_busqueda
       AND NEW.sort_key IS NOT DISTINCT FROM OLD.sort_key
       AND NEW.merged_into IS NOT DISTINCT FROM OLD.merged_into
       AND NEW.tipo_documento IS NOT DISTINCT FROM OLD.tipo_documento THEN
      RETURN NULL;
    END IF;
    DELETE FROM patient_search_words WHERE patient_id = NEW.id;
  END IF;
  IF NEW.merged_into IS NULL AND NEW.nombre_busqueda IS NOT NULL THEN
    INSERT INTO patient_search_words (word, patient_id, sort_key, tipo_documento)
    SELECT w, NEW.id, NEW.sort_key, NEW.tipo_documento
    FROM hce_name_words(NEW.nombre_busqueda) AS w;
  END IF;
  RETURN NULL;
END $$;
