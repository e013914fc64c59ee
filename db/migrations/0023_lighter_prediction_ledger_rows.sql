-- Insights (issue 19): a predictor run writes a ledger row per pattern and window (30,000 for
-- 10,000 patterns); two changes make each row cheaper to write (npm run bench --
-- insights-predictions measured about a third off the insert together).
--
-- 1. The foreign key to workspaces adds nothing to the one to patterns (workspace_id, id):
--    that pattern row exists, and its own key to workspaces holds its workspace_id, which is
--    this row's. Each key is checked row by row, so it goes.
-- 2. features becomes json, not jsonb: the text is kept as written, so a row now stores the
--    very canonical JSON its features_hash was taken of (sha256 of features::text checks it),
--    and the database no longer converts every row to its binary form. Rows written before
--    this migration hold jsonb's rendering instead (keys in jsonb's order, spaces after ':'
--    and ','): hash the canonical JSON of their parsed value, which holds for every row.
--    The column is rewritten here without any UPDATE, so the append-only trigger is not
--    involved and no prediction changes.
ALTER TABLE public.predictions DROP CONSTRAINT predictions_workspace_id_fkey;
ALTER TABLE public.predictions ALTER COLUMN features TYPE json USING features::json;
