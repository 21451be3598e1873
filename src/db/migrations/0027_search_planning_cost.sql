-- Planning cost of the searches (pg_stat_statements with track_planning, benchmark load).
--
-- 1. pg_trgm's word-similarity operator (<%) estimates its selectivity by running
--    word_similarity over the column's most common values and histogram (~120 texts): planning a
--    CIE-10 search took 1.1-1.7 ms, more than running it (~1.3 ms). These folded texts are
--    unique phrases, so the histogram says nothing a default selectivity does not; with a
--    statistics target of 1 the planner uses the defaults, the plan is the same (the trigram
--    index, bitmap OR with the code index) and planning takes ~0.1 ms. The catalogs' searches
--    cannot be prepared statements: their generic plan is a sequential scan. The same for the
--    patients' folded name (the name search's fallback steps use <% and LIKE on it).
ALTER TABLE diagnoses ALTER COLUMN texto_busqueda SET STATISTICS 1;
--> statement-breakpoint
ALTER TABLE medications ALTER COLUMN texto_busqueda SET STATISTICS 1;
--> statement-breakpoint
ALTER TABLE procedures ALTER COLUMN texto_busqueda SET STATISTICS 1;
--> statement-breakpoint
ALTER TABLE patients ALTER COLUMN nombre_busqueda SET STATISTICS 1;
--> statement-breakpoint
-- A smaller target does not drop the statistics already gathered: gather them again now.
ANALYZE diagnoses (texto_busqueda);
--> statement-breakpoint
ANALYZE medications (texto_busqueda);
--> statement-breakpoint
ANALYZE procedures (texto_busqueda);
--> statement-breakpoint
ANALYZE patients (nombre_busqueda);
--> statement-breakpoint
-- 2. hce_name_words was STRICT, and PostgreSQL never inlines a STRICT set-returning SQL function:
--    the word trigger planned and ran it as a function on every patient insert (0.04 ms of
--    planning each, pg_stat_statements). Without STRICT the trigger's INSERT … SELECT inlines it
--    (its plan is kept by PL/pgSQL). A NULL name still gives no words (regexp_split_to_table of
--    NULL returns no rows), and the trigger skips NULL names anyway.
CREATE OR REPLACE FUNCTION hce_name_words(folded text) RETURNS SETOF text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT w FROM regexp_split_to_table(folded, '\s+') AS w WHERE w <> ''
    UNION
    SELECT w FROM regexp_split_to_table(folded, '[\s''-]+') AS w WHERE w <> ''
  $$;
