-- Insights, part 2 (issue 19): the prediction ledger. Every forecast the predictor issues is
-- a row here, recorded with what it was computed from (the model version, its features and
-- their hash), before its window opens; after the window closes the outcome is written once.
-- Nothing else about a row can change and no row can be deleted, so the accuracy figures of
-- GET /v1/predictions/accuracy can be audited against the rows after the fact
-- (docs/predictions.md).
CREATE TABLE public.predictions (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  -- uuidv7: ordered by issue time.
  id uuid NOT NULL,
  pattern_id uuid NOT NULL,
  window_days smallint NOT NULL CHECK (window_days IN (7, 14, 30)),
  issued_at timestamptz NOT NULL,
  window_start timestamptz NOT NULL,
  window_end timestamptz NOT NULL,
  -- P(at least one recurrence in [window_start, window_end)).
  probability double precision NOT NULL CHECK (probability >= 0 AND probability <= 1),
  expected_count double precision NOT NULL CHECK (expected_count >= 0),
  -- Expected p4-equivalent recurrences in the window (severity weight × expected count).
  impact double precision NOT NULL CHECK (impact >= 0),
  model_version text NOT NULL CHECK (char_length(model_version) BETWEEN 1 AND 100),
  features jsonb NOT NULL,
  -- sha256 hex of the canonical JSON of features.
  features_hash text NOT NULL CHECK (features_hash ~ '^[0-9a-f]{64}$'),
  -- NULL while open; hit: an issue of the pattern occurred in the window; miss: none did;
  -- void: the pattern was merged away or split, so the question no longer has one answer.
  outcome text CHECK (outcome IN ('hit', 'miss', 'void')),
  outcome_at timestamptz,
  -- Issues of the pattern in the window (hit ≥ 1, miss 0); NULL while open and for void.
  observed_count integer CHECK (observed_count >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, pattern_id) REFERENCES public.patterns (workspace_id, id),
  CHECK (issued_at <= window_start AND window_start < window_end),
  CHECK ((outcome IS NULL) = (outcome_at IS NULL)),
  CHECK (CASE outcome
           WHEN 'hit' THEN observed_count >= 1
           WHEN 'miss' THEN observed_count = 0
           ELSE observed_count IS NULL
         END)
);

-- One forecast per pattern, window length and window start: the predictor may run twice
-- (two replicas, a retried run) and still issue each prediction once.
CREATE UNIQUE INDEX predictions_window_key ON public.predictions (workspace_id, pattern_id, window_days, window_start);
-- Predictions to score, by when their window closes.
CREATE INDEX predictions_open_idx ON public.predictions (workspace_id, window_end) WHERE outcome IS NULL;
SELECT public.app_enable_tenant_rls('public.predictions');

-- The ledger is append-only: an UPDATE may only write the outcome of an open row (outcome,
-- outcome_at and observed_count, each from NULL), once; every other column is refused, as
-- are DELETE and TRUNCATE. Retention of the ledger is not built yet: when it is, it gets
-- its own narrow path (as audit_log_purge does for the audit log), not a weaker trigger.
CREATE FUNCTION public.predictions_reject_change() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, public
AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.outcome IS NOT NULL OR OLD.outcome_at IS NOT NULL OR OLD.observed_count IS NOT NULL THEN
      RAISE EXCEPTION 'the outcome of prediction % is already written', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.outcome IS NULL THEN
      RAISE EXCEPTION 'an update of prediction % must write its outcome', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (to_jsonb(NEW) - 'outcome' - 'outcome_at' - 'observed_count')
       IS DISTINCT FROM (to_jsonb(OLD) - 'outcome' - 'outcome_at' - 'observed_count') THEN
      RAISE EXCEPTION 'prediction % is immutable: only its outcome can be written', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'predictions are an append-only ledger: % is not allowed', TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END
$$;

CREATE TRIGGER predictions_append_only
  BEFORE UPDATE OR DELETE ON public.predictions
  FOR EACH ROW EXECUTE FUNCTION public.predictions_reject_change();
CREATE TRIGGER predictions_no_truncate
  BEFORE TRUNCATE ON public.predictions
  FOR EACH STATEMENT EXECUTE FUNCTION public.predictions_reject_change();

-- Finding work must not cost one tenant transaction per workspace per run, so the owner gets
-- SELECT policies limited to what the predictor looks for: patterns it forecasts (emerging or
-- active) and open predictions. The function below returns workspace ids only; the work in
-- each workspace is done under its own tenant GUC through the ordinary policies. Everything
-- else stays invisible to the owner; causeloop_app gains nothing.
CREATE POLICY patterns_predictor_select ON public.patterns
  FOR SELECT TO causeloop_owner USING (status IN ('emerging', 'active'));
CREATE POLICY predictions_scorer_select ON public.predictions
  FOR SELECT TO causeloop_owner USING (outcome IS NULL);

-- The workspaces with patterns to forecast or predictions to score, a page at a time (ids
-- after `after_id`).
CREATE FUNCTION public.insights_prediction_workspace_ids(after_id uuid, page_size integer)
  RETURNS TABLE (workspace_id uuid)
  LANGUAGE sql
  STABLE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
  SELECT w.workspace_id FROM (
    SELECT p.workspace_id FROM public.patterns p WHERE p.status IN ('emerging', 'active')
    UNION
    SELECT r.workspace_id FROM public.predictions r WHERE r.outcome IS NULL
  ) w
   WHERE after_id IS NULL OR w.workspace_id > after_id
   ORDER BY w.workspace_id
   LIMIT least(greatest(page_size, 1), 1000)
$$;

REVOKE EXECUTE ON FUNCTION public.insights_prediction_workspace_ids(uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.insights_prediction_workspace_ids(uuid, integer) TO causeloop_app;
