-- Extensions used across modules: trigram search, accent folding, cryptographic digests
-- and GiST exclusion constraints over scalar columns (double-booking guard).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pgcrypto;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
-- unaccent() is only STABLE (it depends on the search_path dictionary); index expressions
-- need an IMMUTABLE function, so pin the dictionary explicitly.
CREATE OR REPLACE FUNCTION hce_fold(input text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, input)) $$;
