-- Each workspace's data-encryption keys (DESIGN §5), wrapped by the crypto service's KEK.
-- A DEK version never changes once written; KEK rotation rewraps `wrapped_key` in place
-- (the DEK inside stays the same, so values sealed under it still open) and records when.
-- No key material is stored in clear: only the crypto service can unwrap these.
CREATE TABLE public.workspace_keys (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  dek_version integer NOT NULL CHECK (dek_version > 0),
  wrapped_key bytea NOT NULL,
  kek_version integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  rewrapped_at timestamptz,
  PRIMARY KEY (workspace_id, dek_version)
);

SELECT public.app_enable_tenant_rls('public.workspace_keys');

-- Operator jobs (KEK rotation now, retention purges later) connect as the owner and must
-- first list the workspaces to visit; FORCE RLS binds the owner too, so without this the
-- list is empty. It is the only exception: SELECT on the tenant root, to the owner alone.
-- The work inside each workspace still runs under its tenant GUC, and causeloop_app is
-- untouched (the catalog check in rls-coverage.test.ts accepts exactly this shape).
CREATE POLICY workspaces_operator_select ON public.workspaces
  FOR SELECT TO causeloop_owner USING (true);
