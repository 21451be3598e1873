-- Name search by several words: each typed word is expanded to the name words that start with
-- it (a few probes of the word index), and a GIN index over each live patient's name words
-- intersects those sets, exact words only. It replaces the trigram intersection for this step,
-- which at 200,000 patients cost 1.5-7 ms a query (a prefix inside a trigram set matches far
-- more rows than the words it stands for); the array intersection costs 0.5-1 ms.
--
-- The words of hce_name_words (whole words, and the parts of hyphenated or apostrophe names), as
-- one array; duplicates and a leading empty string are harmless in a GIN key set (searches look
-- up only words the word index holds). Built-in functions only: PostgreSQL inlines it, so each
-- patient write evaluates two splits, not a SQL function (the first version, calling
-- hce_name_words, added 0.2 ms of PostgreSQL time per inserted patient), and index maintenance
-- (PostgreSQL 17, PGlite: pg_catalog alone on the search path) still resolves it.
-- Not STRICT: || is not strict, and a STRICT function is inlined only when its body is (NULL
-- gives NULL all the same).
CREATE OR REPLACE FUNCTION hce_name_words_array(folded text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT regexp_split_to_array(folded, '\s+') || regexp_split_to_array(folded, '[\s''-]+') $$;
--> statement-breakpoint
-- GIN's pending list (fastupdate) batches inserts, but every search reads the whole list: at
-- the default 4 MB limit a busy registration day made trigram searches three times slower until
-- the next vacuum. 64 kB keeps the batching and bounds what a search reads; both GIN indexes.
CREATE INDEX patients_name_words_gin ON patients USING gin (hce_name_words_array(nombre_busqueda))
  WITH (gin_pending_list_limit = 64) WHERE merged_into IS NULL;
--> statement-breakpoint
ALTER INDEX patients_nombre_busqueda_trgm SET (gin_pending_list_limit = 64);
