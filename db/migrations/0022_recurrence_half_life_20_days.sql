-- Insights (issue 19): the recurrence model's default half-life goes from 30 to 20 days
-- (services/insights/src/predictions/recurrence-model.ts says why: forecasts now follow a
-- fix within its proof window). The state kept on patterns (0021) is a decayed count and
-- exposure for one half-life, so every state is rebuilt from the pattern's issues, exactly
-- as 0021's backfill did, with the new default (episodes of 60 minutes, unchanged).
-- Predictions already in the ledger keep the parameters they were made with (their
-- features record them).
ALTER TABLE public.patterns NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.issues NO FORCE ROW LEVEL SECURITY;
UPDATE public.patterns p
   SET (model_at, model_count, model_exposure_days, model_last_counted_at) = (
         SELECT s.at, s.count, s.exposure_days, s.last_counted_at
           FROM (SELECT array_agg(i.occurred_at) AS times, min(i.occurred_at) AS first
                   FROM public.issues i
                  WHERE i.workspace_id = p.workspace_id AND i.pattern_id = p.id) e
          CROSS JOIN LATERAL public.insights_recurrence_observe(NULL, 0, NULL, least(p.first_seen, e.first), e.times, 20, 60) s)
 WHERE p.status <> 'merged';
ALTER TABLE public.patterns FORCE ROW LEVEL SECURITY;
ALTER TABLE public.issues FORCE ROW LEVEL SECURITY;
