-- The job queue (issue 19): background work of any service, kept in PostgreSQL so a job is
-- enqueued in the same tenant transaction as the change that asks for it, and its effect
-- and its completion commit together (@causeloop/platform/job-queue). pg-boss and
-- graphile-worker were not used: they need a schema owned by the runtime role (DESIGN §4
-- forbids it) and cannot commit a job's effect and its completion in one withTenant call.
--
-- States: queued (waiting, possibly until run_after: a retry's backoff) → running (leased
-- by one worker until lease_expires_at) → succeeded, failed (the handler gave up for good)
-- or dead (max_attempts used up, by errors or by workers that died holding it). A running
-- job whose lease ran out is claimable again: its worker crashed or lost the database.
CREATE TABLE public.jobs (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  id uuid NOT NULL,
  -- A handler name registered in code (e.g. pattern_analysis), never caller input.
  kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.-]{0,62}$'),
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'dead')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 100),
  -- When the job may next be claimed: for a queued job the end of its backoff, for a
  -- running one its lease expiry (kept equal to lease_expires_at), so one index finds both.
  run_after timestamptz NOT NULL DEFAULT now(),
  leased_by text CHECK (char_length(leased_by) <= 200),
  lease_expires_at timestamptz,
  -- Shown to API callers, so only generic reasons ("attempt 2 failed"); details go to logs.
  last_error text CHECK (char_length(last_error) <= 500),
  result jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (workspace_id, id),
  CHECK ((status = 'running') = (leased_by IS NOT NULL AND lease_expires_at IS NOT NULL)),
  CHECK ((status IN ('succeeded', 'failed', 'dead')) = (finished_at IS NOT NULL))
);

-- The only rows a claim looks at: unfinished jobs, by when they may run. Finished jobs,
-- the bulk of the table over time, stay out of it.
CREATE INDEX jobs_claimable_idx ON public.jobs (workspace_id, run_after)
  WHERE status IN ('queued', 'running');

SELECT public.app_enable_tenant_rls('public.jobs');

-- As for export_jobs (0013): finding work must not cost one lookup per workspace per poll
-- and replica, so the owner, whom the functions below run as, may read unfinished jobs and
-- nothing else. Every write still happens under the job's own tenant GUC and passes the
-- ordinary tenant policies; causeloop_app gains nothing.
CREATE POLICY jobs_claim_select ON public.jobs
  FOR SELECT TO causeloop_owner USING (status IN ('queued', 'running'));

-- Claims up to `batch` jobs of the given kinds for `worker` until now() + `lease`, across
-- workspaces, the workspace whose oldest job has waited longest first. In each workspace
-- it claims its oldest claimable jobs (queued and due, or running with a lapsed lease),
-- FOR UPDATE SKIP LOCKED so concurrent claimers never take the same job, counting one
-- attempt each, and never more than `workspace_cap` running at once (NULL: no cap). A
-- running job whose lease lapsed after its last attempt is made dead instead, and returned
-- with status 'dead' so the worker can count it. Only what the worker needs leaves.
CREATE FUNCTION public.job_queue_claim(worker text, kinds text[], lease interval, batch integer, workspace_cap integer)
  RETURNS TABLE (workspace_id uuid, job_id uuid, kind text, payload jsonb, attempt integer, status text)
  LANGUAGE plpgsql
  VOLATILE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
  -- The skip through the index below must walk it in order and stop at the first row; a
  -- bitmap scan (what stale statistics after a burst of enqueues pick) reads and sorts
  -- every waiting job instead, once per workspace.
  SET enable_bitmapscan = off
AS $$
DECLARE
  previous_tenant text := current_setting('app.current_workspace', true);
  candidate uuid;
  wanted integer;
  running integer;
  claimed integer := 0;
  taken integer;
BEGIN
  IF worker IS NULL OR kinds IS NULL OR cardinality(kinds) = 0 OR lease IS NULL OR lease <= interval '0'
     OR batch IS NULL OR batch NOT BETWEEN 1 AND 1000 OR (workspace_cap IS NOT NULL AND workspace_cap < 1) THEN
    RAISE EXCEPTION 'job_queue_claim needs a worker, kinds, a positive lease, a batch of 1 to 1000 and a cap of at least 1 (or NULL)'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- With the GUC cleared only jobs_claim_select applies: unfinished jobs, nothing else.
  PERFORM set_config('app.current_workspace', '', true);
  FOR candidate IN
    -- Each workspace with unfinished jobs, found by skipping through the partial index (one
    -- probe per workspace instead of reading every waiting job), then ordered by its oldest
    -- due job of these kinds.
    WITH RECURSIVE pending (workspace_id) AS (
      (SELECT j.workspace_id FROM public.jobs j WHERE j.status IN ('queued', 'running') ORDER BY j.workspace_id LIMIT 1)
      UNION ALL
      SELECT (SELECT j.workspace_id FROM public.jobs j
               WHERE j.status IN ('queued', 'running') AND j.workspace_id > p.workspace_id
               ORDER BY j.workspace_id LIMIT 1)
        FROM pending p WHERE p.workspace_id IS NOT NULL
    )
    SELECT p.workspace_id FROM pending p
      CROSS JOIN LATERAL (
        SELECT min(j.run_after) AS oldest FROM public.jobs j
         WHERE j.workspace_id = p.workspace_id AND j.status IN ('queued', 'running')
           AND j.run_after <= now() AND j.kind = ANY (kinds)
      ) due
     WHERE p.workspace_id IS NOT NULL AND due.oldest IS NOT NULL
     ORDER BY due.oldest
  LOOP
    EXIT WHEN claimed >= batch;
    -- One claimer per workspace at a time, so two replicas cannot both fill the last slot
    -- under the cap; a busy workspace is skipped, as SKIP LOCKED skips a busy job.
    CONTINUE WHEN NOT pg_try_advisory_xact_lock(hashtext('job_queue_claim'), hashtext(candidate::text));
    PERFORM set_config('app.current_workspace', candidate::text, true);
    RETURN QUERY
      UPDATE public.jobs j
         SET status = 'dead', last_error = 'gave up after ' || j.attempts || ' attempts', finished_at = now(),
             updated_at = now(), leased_by = NULL, lease_expires_at = NULL
       WHERE j.workspace_id = candidate AND j.status = 'running' AND j.run_after <= now()
         AND j.attempts >= j.max_attempts AND j.kind = ANY (kinds)
      RETURNING j.workspace_id, j.id, j.kind, j.payload, j.attempts, j.status;
    SELECT count(*) INTO running FROM public.jobs j
     WHERE j.workspace_id = candidate AND j.status = 'running' AND j.run_after > now();
    wanted := least(batch - claimed, coalesce(workspace_cap - running, batch));
    IF wanted > 0 THEN
      RETURN QUERY
        WITH picked AS (
          SELECT j.id FROM public.jobs j
           WHERE j.workspace_id = candidate AND j.status IN ('queued', 'running')
             AND j.run_after <= now() AND j.kind = ANY (kinds)
           ORDER BY j.run_after, j.id
           LIMIT wanted
           FOR UPDATE SKIP LOCKED
        )
        UPDATE public.jobs j
           SET status = 'running', attempts = j.attempts + 1, leased_by = worker,
               lease_expires_at = now() + lease, run_after = now() + lease, updated_at = now()
          FROM picked
         WHERE j.workspace_id = candidate AND j.id = picked.id
        RETURNING j.workspace_id, j.id, j.kind, j.payload, j.attempts, j.status;
      GET DIAGNOSTICS taken = ROW_COUNT;
      claimed := claimed + taken;
    END IF;
    PERFORM set_config('app.current_workspace', '', true);
  END LOOP;
  PERFORM set_config('app.current_workspace', coalesce(previous_tenant, ''), true);
END
$$;

REVOKE EXECUTE ON FUNCTION public.job_queue_claim(text, text[], interval, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.job_queue_claim(text, text[], interval, integer, integer) TO causeloop_app;

-- The queue depth gauge: unfinished jobs of the given kinds across workspaces, counted by
-- state (ready: due now; delayed: backing off; running: leased). Counts only, no ids.
CREATE FUNCTION public.job_queue_depth(kinds text[])
  RETURNS TABLE (kind text, state text, jobs bigint)
  LANGUAGE plpgsql
  VOLATILE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  previous_tenant text := current_setting('app.current_workspace', true);
BEGIN
  PERFORM set_config('app.current_workspace', '', true);
  RETURN QUERY
    SELECT j.kind,
           CASE WHEN j.status = 'running' AND j.run_after > now() THEN 'running'
                WHEN j.run_after <= now() THEN 'ready'
                ELSE 'delayed' END,
           count(*)
      FROM public.jobs j
     WHERE j.status IN ('queued', 'running') AND j.kind = ANY (kinds)
     GROUP BY 1, 2;
  PERFORM set_config('app.current_workspace', coalesce(previous_tenant, ''), true);
END
$$;

REVOKE EXECUTE ON FUNCTION public.job_queue_depth(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.job_queue_depth(text[]) TO causeloop_app;
