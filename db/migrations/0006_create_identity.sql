-- Identity (DESIGN §6): global users, workspace memberships, service accounts, API tokens
-- (personal access and service-account) and refresh tokens. Secrets are never stored:
-- tokens are kept as SHA-256 hashes only.
--
-- Lookups that must happen before the workspace is known (a token by its hash, a user by
-- their identity-provider subject, a user's first active membership) go through the
-- narrow SECURITY DEFINER functions at the end of this file. They run as causeloop_owner,
-- whom FORCE ROW LEVEL SECURITY binds too, so each table such a function reads gets one
-- owner-only SELECT policy (`*_lookup_select`); causeloop_app is untouched by those, and
-- rls-coverage.test.ts accepts exactly these by name.

-- Global identity, not a tenant table: one person across workspaces. The app role cannot
-- read or write it at all; it reaches it only through the functions below, which return
-- ids (and a display name for members of the current workspace), never the whole row.
CREATE TABLE public.users (
  id uuid PRIMARY KEY,
  -- NULL until the first sign-in links an invited (pre-provisioned) user by verified email.
  idp_issuer text CHECK (char_length(idp_issuer) BETWEEN 1 AND 500),
  idp_subject text CHECK (char_length(idp_subject) BETWEEN 1 AND 500),
  email text CHECK (char_length(email) BETWEEN 3 AND 320),
  email_verified boolean NOT NULL DEFAULT false,
  display_name text CHECK (char_length(display_name) <= 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((idp_issuer IS NULL) = (idp_subject IS NULL)),
  UNIQUE (idp_issuer, idp_subject)
);
CREATE INDEX users_email_idx ON public.users (lower(email));

REVOKE ALL ON public.users FROM causeloop_app, PUBLIC;
-- Defence in depth: were a grant ever added by mistake, the app role would still see no
-- rows (no policy exists). The owner, not FORCEd here, reads it inside the functions.
ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;

-- Who belongs to a workspace, with which role. The tenancy service manages it; auth reads it.
CREATE TABLE public.workspace_members (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  user_id uuid NOT NULL REFERENCES public.users (id),
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'analyst', 'viewer')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'invited', 'removed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, user_id)
);

SELECT public.app_enable_tenant_rls('public.workspace_members');

-- Workspace principals for automation; they outlive whoever created them.
CREATE TABLE public.service_accounts (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  id uuid NOT NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'analyst', 'viewer')),
  -- A user id, deliberately without a membership foreign key: removing the creator must
  -- not touch the account.
  created_by uuid REFERENCES public.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, name)
);

SELECT public.app_enable_tenant_rls('public.service_accounts');

-- Personal access tokens (clp_pat_, owned by a member) and service-account tokens (clp_sa_).
CREATE TABLE public.api_tokens (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('personal_access', 'service_account')),
  user_id uuid,
  service_account_id uuid,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
  display_prefix text NOT NULL CHECK (char_length(display_prefix) <= 32),
  scopes text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  PRIMARY KEY (workspace_id, id),
  CHECK (
    (kind = 'personal_access' AND user_id IS NOT NULL AND service_account_id IS NULL)
    OR (kind = 'service_account' AND service_account_id IS NOT NULL AND user_id IS NULL)
  ),
  FOREIGN KEY (workspace_id, user_id) REFERENCES public.workspace_members (workspace_id, user_id),
  FOREIGN KEY (workspace_id, service_account_id) REFERENCES public.service_accounts (workspace_id, id)
);

-- A PAT's name is unique among its owner's live tokens in the workspace; likewise per SA.
CREATE UNIQUE INDEX api_tokens_pat_name_key ON public.api_tokens (workspace_id, user_id, name)
  WHERE kind = 'personal_access' AND revoked_at IS NULL;
CREATE UNIQUE INDEX api_tokens_sa_name_key ON public.api_tokens (workspace_id, service_account_id, name)
  WHERE kind = 'service_account' AND revoked_at IS NULL;

-- THE exception to "workspace_id leads every index" (with refresh_tokens_token_hash_key):
-- a bearer token arrives without its workspace, so the definer lookup must find it by hash
-- alone. It reveals nothing across tenants: the key is a SHA-256 of 180+ random bits, so a
-- conflict can never happen by chance, and the app role cannot read other tenants' rows.
CREATE UNIQUE INDEX api_tokens_token_hash_key ON public.api_tokens (token_hash);

SELECT public.app_enable_tenant_rls('public.api_tokens');

-- Rotating refresh tokens, one family per exchange; a spent one presented again after the
-- grace window revokes its family.
CREATE TABLE public.refresh_tokens (
  workspace_id uuid NOT NULL REFERENCES public.workspaces (id),
  id uuid NOT NULL,
  family_id uuid NOT NULL,
  user_id uuid NOT NULL,
  token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz,
  replaced_by uuid,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, user_id) REFERENCES public.workspace_members (workspace_id, user_id),
  FOREIGN KEY (workspace_id, replaced_by) REFERENCES public.refresh_tokens (workspace_id, id)
);

CREATE INDEX refresh_tokens_family_idx ON public.refresh_tokens (workspace_id, family_id);
-- The second hash-only index; same reasoning as api_tokens_token_hash_key.
CREATE UNIQUE INDEX refresh_tokens_token_hash_key ON public.refresh_tokens (token_hash);

SELECT public.app_enable_tenant_rls('public.refresh_tokens');

-- Owner-only reads for the definer functions below (FORCE RLS binds the owner). Nothing
-- else: the owner still cannot write these tables unscoped, and causeloop_app gains nothing.
CREATE POLICY api_tokens_lookup_select ON public.api_tokens
  FOR SELECT TO causeloop_owner USING (true);
CREATE POLICY refresh_tokens_lookup_select ON public.refresh_tokens
  FOR SELECT TO causeloop_owner USING (true);
CREATE POLICY workspace_members_lookup_select ON public.workspace_members
  FOR SELECT TO causeloop_owner USING (true);

-- The workspace and id of the API token with this SHA-256 hash, if any. Never the row:
-- validity (revoked, expired, owner still a member) is checked by the service afterwards,
-- inside withTenant of the returned workspace.
CREATE FUNCTION public.auth_find_api_token(lookup_hash bytea)
  RETURNS TABLE (workspace_id uuid, token_id uuid)
  LANGUAGE sql
  STABLE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
  SELECT t.workspace_id, t.id FROM public.api_tokens t WHERE t.token_hash = $1
$$;

-- The same for refresh tokens.
CREATE FUNCTION public.auth_find_refresh_token(lookup_hash bytea)
  RETURNS TABLE (workspace_id uuid, token_id uuid)
  LANGUAGE sql
  STABLE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
  SELECT t.workspace_id, t.id FROM public.refresh_tokens t WHERE t.token_hash = $1
$$;

-- Resolves a verified identity-provider identity to a user id: by (issuer, subject); else,
-- when the provider vouches for the email, links a pre-provisioned user with that email
-- and no identity yet (an invitation), recording the subject. A user already linked to
-- another identity is never taken over. NULL when nobody matches: users are created by
-- tenancy (invitations) or seeding, not by signing in.
CREATE FUNCTION public.auth_resolve_user(
  issuer text, subject text, verified_email text, name text
) RETURNS uuid
  LANGUAGE plpgsql
  VOLATILE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
DECLARE
  found uuid;
  matches bigint;
BEGIN
  IF issuer IS NULL OR subject IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT u.id INTO found FROM public.users u WHERE u.idp_issuer = issuer AND u.idp_subject = subject;
  IF found IS NOT NULL OR verified_email IS NULL THEN
    RETURN found;
  END IF;
  -- Exactly one unlinked user with this email, or nobody (never guess between two).
  SELECT count(*), min(u.id::text)::uuid INTO matches, found FROM public.users u
   WHERE lower(u.email) = lower(verified_email) AND u.idp_subject IS NULL;
  IF matches <> 1 THEN
    RETURN NULL;
  END IF;
  UPDATE public.users u
     SET idp_issuer = issuer, idp_subject = subject, email_verified = true,
         display_name = coalesce(u.display_name, left(name, 200))
   WHERE u.id = found;
  RETURN found;
END
$$;

-- Development-only local mode (`dev:<email>` subject tokens): the one user with this
-- email, or NULL. The auth service calls it only when NODE_ENV=development and no identity
-- provider is configured; it answers nothing an app-role caller could not learn by
-- exchanging, and only an id.
CREATE FUNCTION public.auth_find_user_by_email(lookup_email text) RETURNS uuid
  LANGUAGE sql
  STABLE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
  SELECT CASE WHEN count(*) = 1 THEN min(u.id::text)::uuid END
    FROM public.users u WHERE lower(u.email) = lower($1)
$$;

-- The user's first active membership (oldest), for an exchange that names no workspace.
-- Membership in a named workspace is checked inside withTenant instead.
CREATE FUNCTION public.auth_first_active_membership(member uuid) RETURNS uuid
  LANGUAGE sql
  STABLE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
  SELECT m.workspace_id FROM public.workspace_members m
   WHERE m.user_id = $1 AND m.status = 'active'
   ORDER BY m.created_at, m.workspace_id
   LIMIT 1
$$;

-- A member's display name, for principals and audit entries; only for users who are
-- members of the current tenant (the caller's withTenant workspace), NULL otherwise.
CREATE FUNCTION public.auth_member_display_name(member uuid) RETURNS text
  LANGUAGE sql
  STABLE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
  SELECT coalesce(u.display_name, u.email) FROM public.users u
   WHERE u.id = $1
     AND EXISTS (SELECT 1 FROM public.workspace_members m
                  WHERE m.user_id = u.id AND m.workspace_id = (SELECT public.app_current_tenant()))
$$;

REVOKE EXECUTE ON FUNCTION
  public.auth_find_api_token(bytea),
  public.auth_find_refresh_token(bytea),
  public.auth_resolve_user(text, text, text, text),
  public.auth_find_user_by_email(text),
  public.auth_first_active_membership(uuid),
  public.auth_member_display_name(uuid)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  public.auth_find_api_token(bytea),
  public.auth_find_refresh_token(bytea),
  public.auth_resolve_user(text, text, text, text),
  public.auth_find_user_by_email(text),
  public.auth_first_active_membership(uuid),
  public.auth_member_display_name(uuid)
TO causeloop_app;
