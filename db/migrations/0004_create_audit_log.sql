-- Append-only record of who did what in a workspace. Rows are written by services inside
-- withTenant; nothing updates or deletes them except the retention purge below.
CREATE TABLE public.audit_log (
  id uuid NOT NULL,
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  actor_id uuid,
  actor_name text CHECK (char_length(actor_name) <= 200),
  action text NOT NULL CHECK (char_length(action) BETWEEN 1 AND 100),
  action_category text NOT NULL CHECK (char_length(action_category) BETWEEN 1 AND 50),
  target_type text CHECK (char_length(target_type) <= 100),
  target_id text CHECK (char_length(target_id) <= 200),
  before jsonb,
  after jsonb,
  ip_address inet,
  trace_id text CHECK (char_length(trace_id) <= 64),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

CREATE INDEX audit_log_workspace_created_idx
  ON public.audit_log (workspace_id, created_at DESC, id);

SELECT public.app_enable_tenant_rls('public.audit_log');

-- Rejects UPDATE, DELETE and TRUNCATE. The one way through is audit_log_purge: it sets a
-- transaction-local flag, and the flag only counts while the statement runs as the
-- table's owner, because any role can set a custom GUC but only the SECURITY DEFINER
-- function runs as the owner on behalf of the app role.
CREATE FUNCTION public.audit_log_reject_change() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, public
AS $$
BEGIN
  IF TG_OP = 'DELETE'
     AND current_setting('causeloop.audit_log_purge', true) = 'on'
     AND current_user = (
       SELECT r.rolname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
       WHERE c.oid = TG_RELID
     ) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed (retention runs through audit_log_purge)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON public.audit_log
  FOR EACH ROW EXECUTE FUNCTION public.audit_log_reject_change();
CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON public.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION public.audit_log_reject_change();

-- Retention purge for one workspace; returns how many rows it removed. It scopes itself
-- with the tenant GUC (FORCE RLS applies to the owner too) and puts the caller's value
-- back afterwards, so calling it inside withTenant leaves that transaction unchanged.
CREATE FUNCTION public.audit_log_purge(workspace uuid, older_than timestamptz) RETURNS bigint
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  previous_tenant text := current_setting('app.current_workspace', true);
  removed bigint;
BEGIN
  IF workspace IS NULL OR older_than IS NULL THEN
    RAISE EXCEPTION 'audit_log_purge needs a workspace and a cut-off time'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM set_config('app.current_workspace', workspace::text, true);
  PERFORM set_config('causeloop.audit_log_purge', 'on', true);
  DELETE FROM public.audit_log WHERE workspace_id = workspace AND created_at < older_than;
  GET DIAGNOSTICS removed = ROW_COUNT;
  PERFORM set_config('causeloop.audit_log_purge', '', true);
  PERFORM set_config('app.current_workspace', coalesce(previous_tenant, ''), true);
  RETURN removed;
END
$$;

-- Default privileges granted EXECUTE to the app role; who may purge is decided later.
REVOKE EXECUTE ON FUNCTION public.audit_log_purge(uuid, timestamptz) FROM PUBLIC, causeloop_app;
-- The trigger function is only ever called by the trigger.
REVOKE EXECUTE ON FUNCTION public.audit_log_reject_change() FROM PUBLIC, causeloop_app;
