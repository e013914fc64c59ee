-- Similar issues are found by the trigram similarity of their templates (the normalised
-- message grouping made), not of their raw titles: ids, durations and hosts in a title
-- only add noise to trigrams, and a template is stored once per fingerprint in
-- pattern_routes instead of once per issue. The trigram index on issues cost every
-- ingested row about a quarter of its insert time (npm run bench -- insights-ingest).
DROP INDEX public.issues_trigram_idx;
CREATE INDEX pattern_routes_trigram_idx ON public.pattern_routes USING gin (workspace_id, template gin_trgm_ops);
