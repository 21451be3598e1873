-- The word index's key becomes (word, sort_key, patient_id): still one row per word and
-- patient (sort_key is a function of the patient), still a prefix range scan on word, and now
-- the patients with one exact word come out already in list order, so the first page of a very
-- common surname is read from the index's start instead of sorting all its namesakes.
ALTER TABLE patient_search_words DROP CONSTRAINT patient_search_words_pkey;
--> statement-breakpoint
ALTER TABLE patient_search_words ADD CONSTRAINT patient_search_words_pkey PRIMARY KEY ("word", "sort_key", "patient_id") INCLUDE ("tipo_documento");
