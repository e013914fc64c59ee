-- Insights, part 1 (issue 18): issues made from failure records, the patterns they group
-- into, the fingerprint routes that keep merges and splits done, and the template miner's
-- clusters so any replica can rebuild a workspace's miner after a restart.
-- pg_trgm (similar issues) and btree_gin (workspace_id leading GIN indexes, DESIGN §4) are
-- trusted extensions: the database owner may create them without a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;

CREATE TABLE public.patterns (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  id uuid NOT NULL,
  -- The latest template of the fingerprints that made it (the representative message).
  template text NOT NULL CHECK (char_length(template) <= 2000),
  service text NOT NULL DEFAULT '' CHECK (char_length(service) <= 200),
  component text NOT NULL DEFAULT '' CHECK (char_length(component) <= 200),
  status text NOT NULL DEFAULT 'emerging'
    CHECK (status IN ('emerging', 'active', 'mitigating', 'resolved', 'merged')),
  merged_into uuid,
  issue_count integer NOT NULL DEFAULT 0 CHECK (issue_count >= 0),
  -- 1 (p1, most severe) to 4 (p4): the most severe among its issues.
  severity smallint NOT NULL DEFAULT 3 CHECK (severity BETWEEN 1 AND 4),
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  -- Derived when the pattern last changed (docs/insights.md): new, frequent or rare, and 0-100.
  recurrence text NOT NULL DEFAULT 'new' CHECK (recurrence IN ('new', 'frequent', 'rare')),
  risk_score smallint NOT NULL DEFAULT 0 CHECK (risk_score BETWEEN 0 AND 100),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, merged_into) REFERENCES public.patterns (workspace_id, id),
  CHECK ((status = 'merged') = (merged_into IS NOT NULL))
);

-- Keyset pagination of ListPatterns' sorts: every sort ends in id so the order is total.
CREATE INDEX patterns_risk_score_idx ON public.patterns (workspace_id, risk_score DESC, id DESC);
CREATE INDEX patterns_last_seen_idx ON public.patterns (workspace_id, last_seen DESC, id DESC);
CREATE INDEX patterns_issue_count_idx ON public.patterns (workspace_id, issue_count DESC, id DESC);
CREATE INDEX patterns_merged_into_idx ON public.patterns (workspace_id, merged_into) WHERE merged_into IS NOT NULL;
SELECT public.app_enable_tenant_rls('public.patterns');

-- Where new issues with a fingerprint go. A fingerprint routes to one pattern; merging
-- re-points the source patterns' routes at the target, splitting points one route at a
-- new pattern, so both stay done for every later ingest on any replica. The template,
-- service and component the fingerprint was made from are kept, so a route can follow its
-- template when the miner generalises it into another.
CREATE TABLE public.pattern_routes (
  workspace_id uuid NOT NULL,
  fingerprint text NOT NULL CHECK (char_length(fingerprint) <= 100),
  pattern_id uuid NOT NULL,
  -- template: made by grouping; merged / split: re-pointed by a merge or a split.
  rule text NOT NULL DEFAULT 'template' CHECK (rule IN ('template', 'merged', 'split')),
  template text NOT NULL CHECK (char_length(template) <= 2000),
  service text NOT NULL DEFAULT '' CHECK (char_length(service) <= 200),
  component text NOT NULL DEFAULT '' CHECK (char_length(component) <= 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, fingerprint),
  FOREIGN KEY (workspace_id, pattern_id) REFERENCES public.patterns (workspace_id, id)
);

CREATE INDEX pattern_routes_pattern_idx ON public.pattern_routes (workspace_id, pattern_id);
-- Templates can be longer than a btree entry allows: look them up by their hash.
CREATE INDEX pattern_routes_template_idx ON public.pattern_routes (workspace_id, md5(template));
SELECT public.app_enable_tenant_rls('public.pattern_routes');

CREATE TABLE public.issues (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  id uuid NOT NULL,
  source text NOT NULL CHECK (char_length(source) BETWEEN 1 AND 40),
  external_id text NOT NULL CHECK (char_length(external_id) BETWEEN 1 AND 200),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 500),
  body text NOT NULL DEFAULT '' CHECK (char_length(body) <= 20000),
  severity smallint NOT NULL DEFAULT 3 CHECK (severity BETWEEN 1 AND 4),
  service text NOT NULL DEFAULT '' CHECK (char_length(service) <= 200),
  component text NOT NULL DEFAULT '' CHECK (char_length(component) <= 200),
  url text NOT NULL DEFAULT '' CHECK (char_length(url) <= 2000),
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'new'
    CHECK (status IN ('new', 'analyzing', 'analyzed', 'in_loop', 'pattern_found', 'resolved', 'wont_fix')),
  assignee text NOT NULL DEFAULT '' CHECK (char_length(assignee) <= 200),
  team text NOT NULL DEFAULT '' CHECK (char_length(team) <= 200),
  pattern_id uuid,
  fingerprint text NOT NULL CHECK (char_length(fingerprint) <= 100),
  template text NOT NULL CHECK (char_length(template) <= 2000),
  -- The values grouping replaced in the template: [{"kind": ..., "value": ...}].
  slots jsonb NOT NULL DEFAULT '[]'::jsonb,
  grouping_rule text NOT NULL DEFAULT 'template'
    CHECK (grouping_rule IN ('template', 'exact', 'merged', 'split', 'manual', 'unlinked')),
  risk_score smallint NOT NULL DEFAULT 0 CHECK (risk_score BETWEEN 0 AND 100),
  occurrences integer NOT NULL DEFAULT 1 CHECK (occurrences >= 1),
  occurred_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', title || ' ' || left(body, 4000))
  ) STORED,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, source, external_id),
  FOREIGN KEY (workspace_id, pattern_id) REFERENCES public.patterns (workspace_id, id),
  -- Out of a pattern exactly when unlinked by hand.
  CHECK ((grouping_rule = 'unlinked') = (pattern_id IS NULL))
);

-- Keyset pagination: every sort ends in id so the order is total; a backward scan serves
-- the opposite direction.
CREATE INDEX issues_occurred_at_idx ON public.issues (workspace_id, occurred_at DESC, id DESC);
CREATE INDEX issues_updated_at_idx ON public.issues (workspace_id, updated_at DESC, id DESC);
CREATE INDEX issues_risk_score_idx ON public.issues (workspace_id, risk_score DESC, id DESC);
CREATE INDEX issues_severity_idx ON public.issues (workspace_id, severity, id DESC);
CREATE INDEX issues_pattern_idx ON public.issues (workspace_id, pattern_id, occurred_at DESC);
CREATE INDEX issues_search_idx ON public.issues USING gin (workspace_id, search);
CREATE INDEX issues_trigram_idx ON public.issues USING gin (workspace_id, title gin_trgm_ops);
SELECT public.app_enable_tenant_rls('public.issues');

-- The template miner's clusters per workspace (a snapshot the service rebuilds its miner
-- from) and a version that tells a replica its in-memory miner is stale.
CREATE TABLE public.template_clusters (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  id integer NOT NULL CHECK (id >= 0),
  tokens text[] NOT NULL,
  size bigint NOT NULL DEFAULT 1 CHECK (size >= 1),
  -- The miner's logical clock when the cluster last matched.
  last_seen bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (workspace_id, id)
);

SELECT public.app_enable_tenant_rls('public.template_clusters');

CREATE TABLE public.template_miner_state (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  -- Bumped by every ingest that changed the clusters; a replica whose miner was built at
  -- another version rebuilds it from template_clusters.
  version bigint NOT NULL DEFAULT 0 CHECK (version >= 0),
  next_cluster_id integer NOT NULL DEFAULT 1 CHECK (next_cluster_id >= 0),
  PRIMARY KEY (workspace_id)
);

SELECT public.app_enable_tenant_rls('public.template_miner_state');

-- The derived figures of docs/insights.md, written once so every statement that stores them
-- (ingest, merge, split, link) computes them alike. `recent` is the pattern's issues of the
-- last 14 days, counted up to 28; `at` is the statement's now().
-- Risk, 0-100: 40 × frequency (recent / 28, so two issues a day is the most) + 35 × recency
-- (e^(−days since last seen / 7)) + 25 × severity (p1 1, p2 0.75, p3 0.5, p4 0.25).
CREATE FUNCTION public.insights_risk_score(recent integer, last_seen timestamptz, severity smallint, at timestamptz)
  RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN least(100, greatest(0, round(
    40 * least(greatest(recent, 0), 28) / 28.0
    + 35 * exp(-greatest(0, extract(epoch FROM at - last_seen)) / 86400.0 / 7)
    + 25 * (5 - severity) / 4.0
  )))::smallint;

-- new: first seen less than 7 days ago; frequent: at least one issue a day on average over
-- the last 14 days; rare: anything else.
CREATE FUNCTION public.insights_recurrence(first_seen timestamptz, recent integer, at timestamptz)
  RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE
    WHEN first_seen > at - interval '7 days' THEN 'new'
    WHEN recent >= 14 THEN 'frequent'
    ELSE 'rare'
  END;
