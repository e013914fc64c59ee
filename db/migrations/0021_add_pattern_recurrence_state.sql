-- Insights, part 2 (issue 19): the recurrence model's state kept on the pattern, so the
-- predictor and a proof window read four columns instead of every issue time. Ingest moves
-- the state on in O(1) per issue (PatternStore.applyIngest); merges, splits and links rebuild
-- it from the pattern's issues (recount). docs/predictions.md has the model.
--
-- The state is services/insights/src/predictions/recurrence-model.ts's RecurrenceState:
-- model_at is when it is current (NULL: nothing observed yet, an empty state at first_seen),
-- model_count the decayed count of episodes n, model_exposure_days the decayed exposure e,
-- model_last_counted_at the latest event counted (the episode rule judges against it).
ALTER TABLE public.patterns
  ADD COLUMN model_at timestamptz,
  ADD COLUMN model_count double precision NOT NULL DEFAULT 0 CHECK (model_count >= 0),
  ADD COLUMN model_exposure_days double precision NOT NULL DEFAULT 0 CHECK (model_exposure_days >= 0),
  ADD COLUMN model_last_counted_at timestamptz;

-- Days from a to b as TypeScript computes them: the difference in milliseconds (exact in
-- numeric), then divided.
CREATE FUNCTION public.insights_days_between(a timestamptz, b timestamptz)
  RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN ((extract(epoch FROM b) - extract(epoch FROM a)) * 1000)::double precision / 86400000;

-- exp(−κ · days from a to b). PostgreSQL raises an underflow error where JavaScript gives 0,
-- so the exponent stops at −700 (a weight of 1e-304, 83 years at a 30-day half-life).
CREATE FUNCTION public.insights_decay(kappa double precision, a timestamptz, b timestamptz)
  RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN exp(greatest(-700, -kappa * public.insights_days_between(a, b)));

-- The SQL twin of recurrence-model.ts's `observe` (so a batch is applied in the statement
-- that writes the pattern, not read out and written back): the state after `events`, taken
-- in time order, starting from (state_at, state_count, state_last_counted_at), or from an
-- empty state at `since` when state_at is NULL. An event after the state advances it first;
-- an earlier one (a late record) adds its decayed weight; an event less than episode_minutes
-- from the latest counted event is in its episode and not counted. The exposure is the closed
-- form from `since` (stateFromEvents'), exact whatever order the events came in.
-- recurrence-state.test.ts checks it against stateFromEvents and observe to 1e-9.
CREATE FUNCTION public.insights_recurrence_observe(
  state_at timestamptz, state_count double precision, state_last_counted_at timestamptz, since timestamptz,
  events timestamptz[], half_life_days double precision, episode_minutes double precision,
  OUT at timestamptz, OUT count double precision, OUT exposure_days double precision, OUT last_counted_at timestamptz)
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
  -- Infinity (never forget) makes it 0, as in TypeScript.
  kappa double precision := ln(2::double precision) / half_life_days;
  episode_ms double precision := episode_minutes * 60000;
  event timestamptz;
BEGIN
  at := coalesce(state_at, since);
  count := coalesce(state_count, 0);
  last_counted_at := state_last_counted_at;
  FOREACH event IN ARRAY ARRAY(SELECT e FROM unnest(coalesce(events, '{}'::timestamptz[])) e ORDER BY e) LOOP
    IF event > at THEN
      count := count * public.insights_decay(kappa, at, event);
      at := event;
    END IF;
    CONTINUE WHEN last_counted_at IS NOT NULL
             AND abs(((extract(epoch FROM event) - extract(epoch FROM last_counted_at)) * 1000)::double precision) < episode_ms;
    count := count + public.insights_decay(kappa, event, at);
    last_counted_at := greatest(last_counted_at, event);
  END LOOP;
  exposure_days := CASE WHEN kappa = 0 THEN public.insights_days_between(since, at)
                        ELSE (1 - public.insights_decay(kappa, since, at)) / kappa END;
END
$$;

-- Backfill from the issues, with the defaults of recurrence-model.ts (half-life 30 days,
-- episodes of 60 minutes): done here, once, so the predictor has a single way to read a
-- state and never falls back to the issues. The owner is subject to row-level security on
-- these tables (FORCE), so it is lifted for this one statement, inside the migration's
-- transaction, and put back.
ALTER TABLE public.patterns NO FORCE ROW LEVEL SECURITY;
ALTER TABLE public.issues NO FORCE ROW LEVEL SECURITY;
UPDATE public.patterns p
   SET (model_at, model_count, model_exposure_days, model_last_counted_at) = (
         SELECT s.at, s.count, s.exposure_days, s.last_counted_at
           FROM (SELECT array_agg(i.occurred_at) AS times, min(i.occurred_at) AS first
                   FROM public.issues i
                  WHERE i.workspace_id = p.workspace_id AND i.pattern_id = p.id) e
          CROSS JOIN LATERAL public.insights_recurrence_observe(NULL, 0, NULL, least(p.first_seen, e.first), e.times, 30, 60) s)
 WHERE p.status <> 'merged';
ALTER TABLE public.patterns FORCE ROW LEVEL SECURITY;
ALTER TABLE public.issues FORCE ROW LEVEL SECURITY;
