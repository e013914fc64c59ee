-- Invitations to join a workspace. The token itself is never stored, only its SHA-256;
-- the token carries its workspace id in clear (clp_inv_<workspace hex><secret>), so the
-- accepting request is looked up inside that workspace under RLS, without any
-- cross-tenant lookup or hash-only index.
CREATE TABLE public.invitations (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  id uuid NOT NULL,
  email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 320),
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'analyst', 'viewer')),
  token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
  -- NULL when an operator provisioned it.
  invited_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_user_id uuid,
  -- Set when a newer invitation for the same email replaces it.
  revoked_at timestamptz,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, token_hash),
  FOREIGN KEY (workspace_id, accepted_user_id) REFERENCES public.workspace_members (workspace_id, user_id)
);

-- At most one pending invitation per email in a workspace.
CREATE UNIQUE INDEX invitations_pending_email_key ON public.invitations (workspace_id, lower(email))
  WHERE accepted_at IS NULL AND revoked_at IS NULL;

SELECT public.app_enable_tenant_rls('public.invitations');

-- The user an accepted invitation makes a member: the one user with this email, or a new
-- pre-provisioned one with the caller's UUIDv7 `new_id` (no identity yet; auth_resolve_user links it when the identity
-- provider vouches for the email at first sign-in). Only callable inside a tenant
-- transaction, and refuses when two users share the email (never guesses).
CREATE FUNCTION public.tenancy_ensure_user(lookup_email text, new_id uuid) RETURNS uuid
  LANGUAGE plpgsql
  VOLATILE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  found uuid;
  matches bigint;
BEGIN
  IF (SELECT public.app_current_tenant()) IS NULL THEN
    RAISE EXCEPTION 'tenancy_ensure_user runs inside a tenant transaction' USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- One invitation at a time per email, so two acceptances cannot both create the user.
  PERFORM pg_advisory_xact_lock(hashtextextended('tenancy_ensure_user:' || lower(lookup_email), 0));
  SELECT count(*), min(u.id::text)::uuid INTO matches, found FROM public.users u WHERE lower(u.email) = lower(lookup_email);
  IF matches > 1 THEN
    RAISE EXCEPTION 'more than one user has this email' USING ERRCODE = 'unique_violation';
  END IF;
  IF found IS NULL THEN
    found := new_id;
    INSERT INTO public.users (id, email, email_verified) VALUES (found, lookup_email, false);
  END IF;
  RETURN found;
END
$$;

-- Email and display name of the current tenant's members, for member listings. Nothing
-- about users outside the caller's workspace.
CREATE FUNCTION public.tenancy_member_profiles()
  RETURNS TABLE (user_id uuid, email text, display_name text)
  LANGUAGE sql
  STABLE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
  SELECT u.id, u.email, u.display_name FROM public.users u
   WHERE EXISTS (SELECT 1 FROM public.workspace_members m
                  WHERE m.user_id = u.id AND m.workspace_id = (SELECT public.app_current_tenant()))
$$;

REVOKE EXECUTE ON FUNCTION public.tenancy_ensure_user(text, uuid), public.tenancy_member_profiles() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.tenancy_ensure_user(text, uuid), public.tenancy_member_profiles() TO causeloop_app;
