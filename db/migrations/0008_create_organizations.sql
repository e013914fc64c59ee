-- Organizations (the customer: plan, seats, status) own workspaces. Global, not a tenant
-- table: an organization spans workspaces, and it has no workspace_id. The app role can
-- neither read nor write it directly (like `users`); provisioning reaches it only through
-- tenancy_claim_organization below, which answers what one provisioning request needs.
CREATE TABLE public.organizations (
  id uuid PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])$' AND slug !~ '--'),
  name text NOT NULL CHECK (char_length(name) BETWEEN 2 AND 100),
  plan text NOT NULL CHECK (plan IN ('free', 'starter', 'growth', 'enterprise')),
  seats integer NOT NULL CHECK (seats BETWEEN 1 AND 100000),
  status text NOT NULL CHECK (status IN ('active', 'suspended')),
  -- The workspace provisioning created with it, so a repeated request can answer it.
  first_workspace_id uuid NOT NULL,
  -- SHA-256 of the provisioning request: the same request again is a replay, another
  -- request for the same slug a conflict.
  request_fingerprint bytea NOT NULL CHECK (octet_length(request_fingerprint) = 32),
  created_at timestamptz NOT NULL DEFAULT now()
);

REVOKE ALL ON public.organizations FROM causeloop_app, PUBLIC;
-- Defence in depth, as for users: a grant added by mistake would still show no rows.
ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;

-- Claims `claim_slug` for a new organization, or reports who holds it. Inserts the row when
-- the slug is free; either way returns the organization now holding the slug with its
-- first workspace and request fingerprint, so the caller tells "created", "replay" and
-- "conflict" apart. A concurrent identical request waits on the unique index and then
-- sees the winner's row. The caller is the tenancy service's provisioning handler, which
-- only runs for a verified operator token.
CREATE FUNCTION public.tenancy_claim_organization(
  new_id uuid, claim_slug text, new_name text, new_plan text, new_seats integer, new_status text,
  new_first_workspace_id uuid, fingerprint bytea
) RETURNS TABLE (organization_id uuid, first_workspace_id uuid, request_fingerprint bytea,
                 slug text, name text, plan text, seats integer, status text, created_at timestamptz)
  LANGUAGE plpgsql
  VOLATILE
  SECURITY DEFINER
  SET search_path = pg_catalog, public
AS $$
BEGIN
  INSERT INTO public.organizations AS o (id, slug, name, plan, seats, status, first_workspace_id, request_fingerprint)
  VALUES (new_id, claim_slug, new_name, new_plan, new_seats, new_status, new_first_workspace_id, fingerprint)
  ON CONFLICT ON CONSTRAINT organizations_slug_key DO NOTHING;
  RETURN QUERY
    SELECT o.id, o.first_workspace_id, o.request_fingerprint, o.slug, o.name, o.plan, o.seats, o.status, o.created_at
      FROM public.organizations o WHERE o.slug = claim_slug;
END
$$;

REVOKE EXECUTE ON FUNCTION public.tenancy_claim_organization(uuid, text, text, text, integer, text, uuid, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.tenancy_claim_organization(uuid, text, text, text, integer, text, uuid, bytea) TO causeloop_app;
