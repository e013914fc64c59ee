-- Export workers found work by visiting every workspace in turn (0013): one lookup per
-- workspace per poll and replica, which grows with the number of tenants even when no job
-- is waiting. Instead the owner gets a SELECT policy limited to claimable jobs (queued, or
-- running with a lapsed lease: the rows the partial index export_jobs_claimable_idx
-- holds), so the claim function sees at once which workspaces have work, then claims
-- inside each of those under its own tenant GUC exactly as before. Finished jobs, and
-- everything else of every tenant, stay invisible to it; causeloop_app gains nothing.
CREATE POLICY export_jobs_claim_select ON public.export_jobs
  FOR SELECT TO causeloop_owner USING (status IN ('queued', 'running'));

CREATE OR REPLACE FUNCTION public.governance_claim_export_job(worker text, lease interval, max_attempts integer)
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
