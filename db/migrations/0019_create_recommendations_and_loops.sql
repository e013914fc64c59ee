-- Recommendations, loops and the outbox (issue 19, docs/loop.md).
--
-- A loop is one turn of a pattern's life: it opens when the pattern becomes active
-- (emerging → active, a regression, a reopening), starts proving when a recommendation is
-- implemented (the pattern goes to mitigating for the workspace's proof window), and
-- closes held (no recurrence in the window: the pattern is resolved) or not held (an issue
-- of the pattern occurred in the window: the pattern is active again and a new loop opens).
CREATE TABLE public.recommendations (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  id uuid NOT NULL,
  pattern_id uuid NOT NULL,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 300),
  type text NOT NULL CHECK (type IN ('code_fix', 'config_change', 'process', 'monitoring')),
  impact text NOT NULL CHECK (impact IN ('high', 'medium', 'quick_win')),
  effort text NOT NULL CHECK (effort IN ('low', 'med', 'high')),
  -- [{"text": ..., "done": false}], in order.
  steps jsonb NOT NULL CHECK (jsonb_typeof(steps) = 'array'),
  expected_loops_prevented double precision NOT NULL CHECK (expected_loops_prevented >= 0),
  -- expected_loops_prevented × severity weight (p1 8 … p4 1) ÷ effort weight (low 1, med 2,
  -- high 4), with the pattern's severity when proposed: the default order.
  rank_score double precision NOT NULL CHECK (rank_score >= 0),
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'in_progress', 'implemented', 'dismissed')),
  -- Set when the loop it started closes: held (no recurrence in the proof window) or not_held.
  outcome text CHECK (outcome IN ('held', 'not_held')),
  -- Who proposed it: the provider and model of the analysis (offline included).
  provider text NOT NULL CHECK (char_length(provider) BETWEEN 1 AND 40),
  model text NOT NULL CHECK (char_length(model) BETWEEN 1 AND 200),
  implemented_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, pattern_id) REFERENCES public.patterns (workspace_id, id),
  CHECK (outcome IS NULL OR status = 'implemented'),
  CHECK ((status = 'implemented') = (implemented_at IS NOT NULL))
);

CREATE INDEX recommendations_rank_idx ON public.recommendations (workspace_id, rank_score DESC, id DESC);
CREATE INDEX recommendations_created_idx ON public.recommendations (workspace_id, created_at DESC, id DESC);
CREATE INDEX recommendations_pattern_idx ON public.recommendations (workspace_id, pattern_id);
SELECT public.app_enable_tenant_rls('public.recommendations');

CREATE TABLE public.loops (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  id uuid NOT NULL,
  pattern_id uuid NOT NULL,
  -- 1 for the pattern's first loop, then one more for each reopening.
  number integer NOT NULL CHECK (number >= 1),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'proving', 'held', 'not_held')),
  -- Why it opened: the pattern became active, regressed inside a proof window, or came
  -- back after it was resolved.
  opened_by text NOT NULL CHECK (opened_by IN ('detected', 'regressed', 'reopened')),
  opened_at timestamptz NOT NULL,
  recommendation_id uuid,
  proof_started_at timestamptz,
  proof_ends_at timestamptz,
  -- The proof-window prediction recorded in the ledger when proving started.
  prediction_id uuid,
  closed_at timestamptz,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, pattern_id, number),
  FOREIGN KEY (workspace_id, pattern_id) REFERENCES public.patterns (workspace_id, id),
  FOREIGN KEY (workspace_id, recommendation_id) REFERENCES public.recommendations (workspace_id, id),
  CHECK ((status IN ('proving', 'held', 'not_held')) = (proof_started_at IS NOT NULL AND proof_ends_at IS NOT NULL AND recommendation_id IS NOT NULL)),
  CHECK ((status IN ('held', 'not_held')) = (closed_at IS NOT NULL))
);

-- At most one unfinished loop per pattern.
CREATE UNIQUE INDEX loops_current_idx ON public.loops (workspace_id, pattern_id) WHERE status IN ('open', 'proving');
CREATE INDEX loops_proving_idx ON public.loops (workspace_id, proof_ends_at) WHERE status = 'proving';
SELECT public.app_enable_tenant_rls('public.loops');

-- Events for the webhooks issue to deliver, written in the same transaction as what they
-- report. `dedupe_key` makes each event exist once however often the code path runs.
CREATE TABLE public.outbox (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  id uuid NOT NULL,
  event_type text NOT NULL
    CHECK (event_type IN ('pattern.detected', 'prediction.raised', 'recommendation.held', 'recommendation.not_held', 'loop.reopened')),
  dedupe_key text NOT NULL CHECK (char_length(dedupe_key) <= 200),
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, dedupe_key)
);

CREATE INDEX outbox_undelivered_idx ON public.outbox (workspace_id, id) WHERE delivered_at IS NULL;
SELECT public.app_enable_tenant_rls('public.outbox');

-- The ledger gains proof-window predictions: asked when a fix is implemented, over the
-- workspace's proof window (7-365 days), scored like any other.
ALTER TABLE public.predictions
  ADD COLUMN kind text NOT NULL DEFAULT 'forecast' CHECK (kind IN ('forecast', 'proof_window'));
ALTER TABLE public.predictions DROP CONSTRAINT predictions_window_days_check;
ALTER TABLE public.predictions ADD CONSTRAINT predictions_window_days_check
  CHECK (CASE kind WHEN 'forecast' THEN window_days IN (7, 14, 30) ELSE window_days BETWEEN 7 AND 365 END);

-- The loop watcher finds proving loops whose window ended, across workspaces, as the
-- predictor finds its work (0016): the owner sees proving loops and nothing else.
CREATE POLICY loops_watcher_select ON public.loops
  FOR SELECT TO causeloop_owner USING (status = 'proving');

CREATE FUNCTION public.insights_due_loop_workspace_ids(due_at timestamptz, after_id uuid, page_size integer)
  RETURNS TABLE (workspace_id uuid)
  LANGUAGE sql
  STABLE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
  SELECT DISTINCT l.workspace_id FROM public.loops l
   WHERE l.status = 'proving' AND l.proof_ends_at <= due_at
     AND (after_id IS NULL OR l.workspace_id > after_id)
   ORDER BY l.workspace_id
   LIMIT least(greatest(page_size, 1), 1000)
$$;

REVOKE EXECUTE ON FUNCTION public.insights_due_loop_workspace_ids(timestamptz, uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.insights_due_loop_workspace_ids(timestamptz, uuid, integer) TO causeloop_app;
