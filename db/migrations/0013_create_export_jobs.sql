-- Workspace exports (issue 6, governance): an asynchronous job per request, worked by any
-- tenancy replica, with its result kept here as numbered parts of JSON lines. The service
-- is stateless: PostgreSQL holds the queue, the progress and the result.
CREATE TABLE public.export_jobs (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  id uuid NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  requested_by uuid NOT NULL,
  rows_done bigint NOT NULL DEFAULT 0 CHECK (rows_done >= 0),
  rows_total bigint NOT NULL DEFAULT 0 CHECK (rows_total >= 0),
  parts integer NOT NULL DEFAULT 0 CHECK (parts >= 0),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- The worker holding the job and until when; a worker that stops renewing loses it.
  leased_by text CHECK (char_length(leased_by) <= 200),
  lease_expires_at timestamptz,
  error text CHECK (char_length(error) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, id)
);

-- What a worker looks for inside each workspace: queued jobs and running ones whose lease ran out.
CREATE INDEX export_jobs_claimable_idx ON public.export_jobs (workspace_id, status, lease_expires_at)
  WHERE status IN ('queued', 'running');

SELECT public.app_enable_tenant_rls('public.export_jobs');

CREATE TABLE public.export_job_parts (
  workspace_id uuid NOT NULL,
  job_id uuid NOT NULL,
  part integer NOT NULL CHECK (part >= 0),
  row_count integer NOT NULL CHECK (row_count >= 0),
  content text NOT NULL,
  PRIMARY KEY (workspace_id, job_id, part),
  FOREIGN KEY (workspace_id, job_id) REFERENCES public.export_jobs (workspace_id, id) ON DELETE CASCADE
);

SELECT public.app_enable_tenant_rls('public.export_job_parts');

-- Finding work must not cost one lookup per workspace per poll and replica, so the owner
-- gets a SELECT policy limited to claimable jobs (queued, or running: the rows the partial
-- index export_jobs_claimable_idx holds). The claim function below sees at once which
-- workspaces have work, then claims inside each of those under its own tenant GUC, so
-- every write still passes the ordinary tenant policies. Finished jobs, and everything
-- else of every tenant, stay invisible to the owner; causeloop_app gains nothing.
CREATE POLICY export_jobs_claim_select ON public.export_jobs
  FOR SELECT TO causeloop_owner USING (status IN ('queued', 'running'));

-- Claims one export job for `worker` until now() + `lease`: a queued job, or a running one
-- whose worker stopped renewing its lease (crashed, partitioned). Jobs that already used
-- `max_attempts` are failed instead of retried forever. Returns nothing when there is no
-- work. FOR UPDATE SKIP LOCKED lets several replicas claim at once without taking the same job.
CREATE FUNCTION public.governance_claim_export_job(worker text, lease interval, max_attempts integer)
  RETURNS TABLE (workspace_id uuid, job_id uuid, attempt integer)
  LANGUAGE plpgsql
  VOLATILE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  previous_tenant text := current_setting('app.current_workspace', true);
  candidate uuid;
  job record;
BEGIN
  IF worker IS NULL OR lease IS NULL OR lease <= interval '0' OR max_attempts IS NULL OR max_attempts < 1 THEN
    RAISE EXCEPTION 'governance_claim_export_job needs a worker, a positive lease and max_attempts'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- Workspaces with claimable work, oldest waiting first; with the GUC cleared only the
  -- claim policy above applies, so this reads claimable rows and nothing else.
  PERFORM set_config('app.current_workspace', '', true);
  FOR candidate IN
    SELECT j.workspace_id FROM public.export_jobs j
     WHERE j.status = 'queued' OR (j.status = 'running' AND j.lease_expires_at < now())
     GROUP BY j.workspace_id
     ORDER BY min(j.created_at)
     LIMIT 100
  LOOP
    PERFORM set_config('app.current_workspace', candidate::text, true);
    UPDATE public.export_jobs j
       SET status = 'failed', error = 'gave up after ' || j.attempts || ' attempts', finished_at = now(),
           leased_by = NULL, lease_expires_at = NULL
     WHERE j.workspace_id = candidate AND j.status = 'running' AND j.lease_expires_at < now()
       AND j.attempts >= max_attempts;
    SELECT j.id, j.attempts INTO job FROM public.export_jobs j
     WHERE j.workspace_id = candidate
       AND (j.status = 'queued' OR (j.status = 'running' AND j.lease_expires_at < now()))
     ORDER BY j.created_at, j.id
     LIMIT 1
     FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
      UPDATE public.export_jobs j
         SET status = 'running', leased_by = worker, lease_expires_at = now() + lease,
             attempts = j.attempts + 1, started_at = coalesce(j.started_at, now()),
             rows_done = 0, parts = 0
       WHERE j.workspace_id = candidate AND j.id = job.id;
      -- A retried job starts over: parts of the lost attempt are dropped.
      DELETE FROM public.export_job_parts p WHERE p.workspace_id = candidate AND p.job_id = job.id;
      PERFORM set_config('app.current_workspace', coalesce(previous_tenant, ''), true);
      workspace_id := candidate;
      job_id := job.id;
      attempt := job.attempts + 1;
      RETURN NEXT;
      RETURN;
    END IF;
    PERFORM set_config('app.current_workspace', '', true);
  END LOOP;
  PERFORM set_config('app.current_workspace', coalesce(previous_tenant, ''), true);
END
$$;

REVOKE EXECUTE ON FUNCTION public.governance_claim_export_job(text, interval, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.governance_claim_export_job(text, interval, integer) TO causeloop_app;
