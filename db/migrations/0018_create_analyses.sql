-- Insights, part 3 (issue 19): analyses of issues and patterns by a language model (or the
-- deterministic offline provider), and the workspace's log of every prompt sent and answer
-- received, kept for `workspaces.retention_prompt_logs_days` (docs/insights.md#analysis).

-- One row per analysis asked for, whatever came of it: `ok` rows carry the analysis, the
-- others say why there is none (never a half-valid one). The subject is an issue or a
-- pattern, each through its own composite foreign key, so an analysis can never point at
-- another workspace's row.
CREATE TABLE public.analyses (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  -- uuidv7: ordered by creation, so the latest of a subject is the greatest id.
  id uuid NOT NULL,
  subject_kind text NOT NULL CHECK (subject_kind IN ('issue', 'pattern')),
  issue_id uuid,
  pattern_id uuid,
  tier text NOT NULL CHECK (tier IN ('fast', 'balanced', 'deep')),
  status text NOT NULL CHECK (status IN ('ok', 'failed', 'refused', 'truncated')),
  -- failed only: timeout, rate_limited, server_error, connection, request_rejected, aborted,
  -- invalid_output or no_output.
  failure_reason text CHECK (char_length(failure_reason) <= 40),
  root_cause text,
  -- Most important first: a JSON array of strings.
  contributing_factors jsonb CHECK (jsonb_typeof(contributing_factors) = 'array'),
  why_it_recurs text,
  confidence double precision CHECK (confidence >= 0 AND confidence <= 1),
  -- The issues given to the model as context (ids only: they may be deleted later).
  similar_issue_ids uuid[] NOT NULL DEFAULT '{}',
  provider text NOT NULL CHECK (provider IN ('openai', 'anthropic', 'offline')),
  -- The model the tier asked for, and the version that answered (the provider's own name).
  model text NOT NULL CHECK (char_length(model) BETWEEN 1 AND 200),
  model_version text NOT NULL DEFAULT '' CHECK (char_length(model_version) <= 200),
  input_tokens integer NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
  output_tokens integer NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
  latency_ms integer NOT NULL DEFAULT 0 CHECK (latency_ms >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, issue_id) REFERENCES public.issues (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, pattern_id) REFERENCES public.patterns (workspace_id, id) ON DELETE CASCADE,
  CHECK (CASE subject_kind WHEN 'issue' THEN issue_id IS NOT NULL AND pattern_id IS NULL
                           ELSE pattern_id IS NOT NULL AND issue_id IS NULL END),
  CHECK ((status = 'ok') = (root_cause IS NOT NULL AND contributing_factors IS NOT NULL
                            AND why_it_recurs IS NOT NULL AND confidence IS NOT NULL)),
  CHECK ((status = 'failed') = (failure_reason IS NOT NULL))
);

-- GET …/analysis: the latest analysis of one subject.
CREATE INDEX analyses_issue_idx ON public.analyses (workspace_id, issue_id, id DESC) WHERE issue_id IS NOT NULL;
CREATE INDEX analyses_pattern_idx ON public.analyses (workspace_id, pattern_id, id DESC) WHERE pattern_id IS NOT NULL;
SELECT public.app_enable_tenant_rls('public.analyses');

-- Every attempt sent to a provider: the prompt after redaction (emails, IP addresses and
-- tokens replaced before it left the process) and the raw answer, for review and debugging.
-- A schema retry is a second row of the same analysis. Deleted after the workspace's
-- retention_prompt_logs_days (0 keeps them) by the retention purge.
CREATE TABLE public.llm_prompt_logs (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  id uuid NOT NULL,
  -- The analysis it was made for; NULL for recommendations proposed outside an analysis.
  analysis_id uuid,
  purpose text NOT NULL CHECK (purpose IN ('analysis', 'recommendations')),
  attempt smallint NOT NULL CHECK (attempt >= 1),
  provider text NOT NULL CHECK (provider IN ('openai', 'anthropic', 'offline')),
  model text NOT NULL CHECK (char_length(model) <= 200),
  prompt text NOT NULL,
  response text NOT NULL DEFAULT '',
  -- invalid: answered, but not to the schema (retried once).
  outcome text NOT NULL CHECK (outcome IN ('ok', 'invalid', 'refused', 'truncated', 'failed')),
  failure_reason text CHECK (char_length(failure_reason) <= 40),
  input_tokens integer NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
  output_tokens integer NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
  latency_ms integer NOT NULL DEFAULT 0 CHECK (latency_ms >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, analysis_id) REFERENCES public.analyses (workspace_id, id) ON DELETE CASCADE
);

CREATE INDEX llm_prompt_logs_created_idx ON public.llm_prompt_logs (workspace_id, created_at);
CREATE INDEX llm_prompt_logs_analysis_idx ON public.llm_prompt_logs (workspace_id, analysis_id) WHERE analysis_id IS NOT NULL;
SELECT public.app_enable_tenant_rls('public.llm_prompt_logs');

-- The retention purge's step for prompt logs, run by tenancy's purge leader inside each
-- workspace's tenant transaction. SECURITY INVOKER: it sees and deletes only the current
-- tenant's rows, through the ordinary policies, and takes no cut-off from its caller: the
-- workspace's own retention_prompt_logs_days decides (0 keeps everything). Returns rows removed.
CREATE FUNCTION public.tenancy_purge_prompt_logs() RETURNS bigint
  LANGUAGE plpgsql
  VOLATILE
  SET search_path = pg_catalog, public
AS $$
DECLARE
  tenant uuid := (SELECT public.app_current_tenant());
  keep_days integer;
  removed bigint;
BEGIN
  IF tenant IS NULL THEN
    RAISE EXCEPTION 'tenancy_purge_prompt_logs runs inside a tenant transaction' USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT w.retention_prompt_logs_days INTO keep_days FROM public.workspaces w WHERE w.id = tenant;
  IF keep_days IS NULL OR keep_days = 0 THEN
    RETURN 0;
  END IF;
  DELETE FROM public.llm_prompt_logs l WHERE l.created_at < now() - make_interval(days => keep_days);
  GET DIAGNOSTICS removed = ROW_COUNT;
  RETURN removed;
END
$$;

REVOKE EXECUTE ON FUNCTION public.tenancy_purge_prompt_logs() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.tenancy_purge_prompt_logs() TO causeloop_app;
