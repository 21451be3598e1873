-- Ranked name searches break ties by the folded surname-first key, the same key the word index
-- stores. Computed in the ORDER BY it folded every match again (unaccent, ~5 µs a row: ~2 ms of
-- a two-common-word search at 200,000 patients); stored, it is read with the row. COLLATE "C"
-- as patient_search_words.sort_key, so every step of the search orders names alike.
--
-- A generated column is recomputed by pg_restore under an empty search_path, so the function
-- it calls must name hce_fold with its schema (as hce_fold names unaccent).
CREATE OR REPLACE FUNCTION hce_name_sort_key(nombres text, paterno text, materno text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT public.hce_fold(paterno || ' ' || coalesce(materno || ' ', '') || nombres) COLLATE "C" $$;
--> statement-breakpoint
ALTER TABLE patients ADD COLUMN sort_key text COLLATE "C" GENERATED ALWAYS AS (hce_name_sort_key(nombres, apellido_paterno, apellido_materno)) STORED;
