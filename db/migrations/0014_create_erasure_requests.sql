-- Right-to-be-forgotten (issue 6, governance): a request to pseudonymise one user's
-- personal data, made by one admin and approved by another, then executed by the narrow
-- owner-side function below, which returns per-table counts for the signed certificate.
CREATE TABLE public.erasure_requests (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  id uuid NOT NULL,
  subject_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'rejected', 'completed')),
  requested_by uuid NOT NULL,
  decided_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz,
  counts jsonb,
  certificate_payload text,
  certificate_signature text CHECK (char_length(certificate_signature) <= 200),
  certificate_key_id text CHECK (char_length(certificate_key_id) <= 100),
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, subject_id) REFERENCES public.workspace_members (workspace_id, user_id),
  -- The four-eyes rule, held by the schema too: nobody approves their own request.
  CHECK (status <> 'completed' OR (decided_by IS NOT NULL AND decided_by <> requested_by)),
  CHECK ((status = 'pending') = (decided_by IS NULL))
);

-- One open request per subject.
CREATE UNIQUE INDEX erasure_requests_pending_subject_key ON public.erasure_requests (workspace_id, subject_id)
  WHERE status = 'pending';

SELECT public.app_enable_tenant_rls('public.erasure_requests');

-- audit_log stays append-only, with one more way through beside audit_log_purge: the
-- erasure function below may rewrite the personal fields (actor_name, target_id, before,
-- after, ip_address) of existing entries, never what happened, when or to what kind of
-- target. As with the purge, a transaction-local flag counts only while the statement runs
-- as the table's owner, which the app role can reach only through that SECURITY DEFINER
-- function.
CREATE OR REPLACE FUNCTION public.audit_log_reject_change() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, public
AS $$
DECLARE
  as_owner boolean := current_user = (
    SELECT r.rolname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE c.oid = TG_RELID
  );
BEGIN
  IF TG_OP = 'DELETE' AND as_owner AND current_setting('causeloop.audit_log_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND as_owner AND current_setting('causeloop.audit_log_pseudonymise', true) = 'on'
     AND NEW.id = OLD.id AND NEW.workspace_id = OLD.workspace_id
     AND NEW.action = OLD.action AND NEW.action_category = OLD.action_category
     AND NEW.created_at = OLD.created_at
     AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
     AND NEW.actor_kind IS NOT DISTINCT FROM OLD.actor_kind
     AND NEW.target_type IS NOT DISTINCT FROM OLD.target_type
     AND NEW.trace_id IS NOT DISTINCT FROM OLD.trace_id THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed (retention runs through audit_log_purge)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
REVOKE EXECUTE ON FUNCTION public.audit_log_reject_change() FROM PUBLIC, causeloop_app;

-- Applies each (pattern, replacement) pair in turn, case-insensitively, to `value`.
CREATE FUNCTION public.governance_pseudonymise_text(value text, patterns text[], replacements text[]) RETURNS text
  LANGUAGE plpgsql
  IMMUTABLE
  SET search_path = pg_catalog, public
AS $$
DECLARE
  result text := value;
BEGIN
  FOR i IN 1 .. coalesce(array_length(patterns, 1), 0) LOOP
    result := regexp_replace(result, patterns[i], replacements[i], 'gi');
  END LOOP;
  RETURN result;
END
$$;
REVOKE EXECUTE ON FUNCTION public.governance_pseudonymise_text(text, text[], text[]) FROM PUBLIC, causeloop_app;

-- Executes the current tenant's pending erasure request `request`, approved by `approver`:
--   * checks the four-eyes rule (approver is another active owner or admin), that the
--     subject belongs to no other workspace (users are global: pseudonymising the person
--     must not leave their name in a workspace this tenant cannot touch) and is not the
--     last owner;
--   * pseudonymises the subject's users row (email, name, identity-provider link);
--   * replaces every occurrence of their email, name and identity-provider subject in
--     every text and JSON column of every tenant table of this workspace (audit_log:
--     only its personal fields), and drops the IP address of their own audit entries;
--   * ends their membership and revokes their tokens here;
--   * marks the request completed.
-- Returns {"<table>.<column>": rows changed, ...}. Names shorter than 3 characters are
-- only replaced in the columns that name the subject outright (never as free text, where
-- "Al" would rewrite every "al"). The work is discovered from the catalog, so tables added
-- later are covered without touching this function.
CREATE FUNCTION public.governance_erase_subject(request uuid, approver uuid) RETURNS jsonb
  LANGUAGE plpgsql
  VOLATILE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  tenant uuid := public.app_current_tenant();
  req public.erasure_requests;
  subject public.users;
  tag text;
  email_pseudonym text;
  name_pseudonym text;
  patterns text[] := ARRAY[]::text[];
  replacements text[] := ARRAY[]::text[];
  tally jsonb := '{}'::jsonb;
  col record;
  changed bigint;
BEGIN
  IF tenant IS NULL THEN
    RAISE EXCEPTION 'governance_erase_subject runs inside a tenant' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT * INTO req FROM public.erasure_requests r WHERE r.workspace_id = tenant AND r.id = request FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'erasure request not found' USING ERRCODE = 'no_data_found';
  END IF;
  IF req.status <> 'pending' THEN
    RAISE EXCEPTION 'erasure request is %', req.status USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF approver IS NULL OR approver = req.requested_by THEN
    RAISE EXCEPTION 'an erasure request needs a second approver' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM public.workspace_members m WHERE m.workspace_id = tenant AND m.user_id = approver
                   AND m.status = 'active' AND m.role IN ('owner', 'admin')) THEN
    RAISE EXCEPTION 'the approver is not an active owner or admin' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF EXISTS (SELECT 1 FROM public.workspace_members m WHERE m.user_id = req.subject_id AND m.workspace_id <> tenant) THEN
    RAISE EXCEPTION 'the subject belongs to other workspaces' USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF EXISTS (SELECT 1 FROM public.workspace_members m WHERE m.workspace_id = tenant AND m.user_id = req.subject_id
               AND m.role = 'owner' AND m.status = 'active')
     AND NOT EXISTS (SELECT 1 FROM public.workspace_members m WHERE m.workspace_id = tenant
                       AND m.user_id <> req.subject_id AND m.role = 'owner' AND m.status = 'active') THEN
    RAISE EXCEPTION 'the subject is the last owner' USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;

  SELECT * INTO subject FROM public.users u WHERE u.id = req.subject_id FOR UPDATE;
  tag := left(md5(req.subject_id::text || ':' || req.id::text), 12);
  email_pseudonym := 'erased-' || tag || '@erased.invalid';
  name_pseudonym := 'Erased user ' || tag;
  -- The email first, so a name inside the address cannot break the address's match.
  IF subject.email IS NOT NULL THEN
    patterns := patterns || regexp_replace(subject.email, '([.^$*+?()\[\]{}|\\-])', '\\\1', 'g');
    replacements := replacements || email_pseudonym;
  END IF;
  IF subject.idp_subject IS NOT NULL AND char_length(subject.idp_subject) >= 3 THEN
    patterns := patterns || regexp_replace(subject.idp_subject, '([.^$*+?()\[\]{}|\\-])', '\\\1', 'g');
    replacements := replacements || name_pseudonym;
  END IF;
  IF subject.display_name IS NOT NULL AND char_length(subject.display_name) >= 3 THEN
    patterns := patterns || ('\m' || regexp_replace(subject.display_name, '([.^$*+?()\[\]{}|\\-])', '\\\1', 'g') || '\M');
    replacements := replacements || name_pseudonym;
  END IF;

  PERFORM set_config('causeloop.audit_log_pseudonymise', 'on', true);
  -- The subject's own entries: name and IP address go whatever they held.
  UPDATE public.audit_log a SET actor_name = name_pseudonym, ip_address = NULL
   WHERE a.workspace_id = tenant AND a.actor_id = req.subject_id;
  GET DIAGNOSTICS changed = ROW_COUNT;
  tally := tally || jsonb_build_object('audit_log.actor', changed);

  IF array_length(patterns, 1) IS NOT NULL THEN
    FOR col IN
      SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS column_type,
             CASE WHEN c.relname = 'workspaces' THEN 'id' ELSE 'workspace_id' END AS tenant_column
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
         AND (c.relname = 'workspaces' OR EXISTS (
               SELECT 1 FROM pg_attribute w WHERE w.attrelid = c.oid AND w.attname = 'workspace_id' AND NOT w.attisdropped))
         AND a.atttypid IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype, 'json'::regtype, 'jsonb'::regtype)
         AND (c.relname <> 'audit_log' OR a.attname IN ('actor_name', 'target_id', 'before', 'after'))
         AND NOT (c.relname = 'erasure_requests' AND a.attname LIKE 'certificate\_%')
       ORDER BY 1, 2
    LOOP
      EXECUTE format(
        'UPDATE public.%I SET %I = public.governance_pseudonymise_text(%I::text, $1, $2)::%s WHERE %I = $3 AND %I::text ~* ANY ($1)',
        col.table_name, col.column_name, col.column_name, col.column_type, col.tenant_column, col.column_name)
        USING patterns, replacements, tenant;
      GET DIAGNOSTICS changed = ROW_COUNT;
      IF changed > 0 THEN
        tally := tally || jsonb_build_object(col.table_name || '.' || col.column_name, changed);
      END IF;
    END LOOP;
  END IF;
  PERFORM set_config('causeloop.audit_log_pseudonymise', '', true);

  UPDATE public.users u
     SET email = email_pseudonym, display_name = name_pseudonym, email_verified = false,
         idp_issuer = NULL, idp_subject = NULL
   WHERE u.id = req.subject_id;
  GET DIAGNOSTICS changed = ROW_COUNT;
  tally := tally || jsonb_build_object('users', changed);

  UPDATE public.api_tokens t SET revoked_at = now()
   WHERE t.workspace_id = tenant AND t.user_id = req.subject_id AND t.revoked_at IS NULL;
  GET DIAGNOSTICS changed = ROW_COUNT;
  tally := tally || jsonb_build_object('api_tokens.revoked', changed);
  UPDATE public.refresh_tokens t SET revoked_at = now()
   WHERE t.workspace_id = tenant AND t.user_id = req.subject_id AND t.revoked_at IS NULL;
  GET DIAGNOSTICS changed = ROW_COUNT;
  tally := tally || jsonb_build_object('refresh_tokens.revoked', changed);
  UPDATE public.workspace_members m SET status = 'removed'
   WHERE m.workspace_id = tenant AND m.user_id = req.subject_id AND m.status <> 'removed';
  GET DIAGNOSTICS changed = ROW_COUNT;
  tally := tally || jsonb_build_object('workspace_members.removed', changed);

  UPDATE public.erasure_requests r
     SET status = 'completed', decided_by = approver, decided_at = now(), counts = tally
   WHERE r.workspace_id = tenant AND r.id = request;
  RETURN tally;
END
$$;

REVOKE EXECUTE ON FUNCTION public.governance_erase_subject(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.governance_erase_subject(uuid, uuid) TO causeloop_app;
