-- The tenant root. Its own id is the tenant key, so its policies compare `id` (every
-- other tenant table compares `workspace_id`). Ids are UUIDv7 made by the application;
-- no default, so a forgotten id fails instead of producing a random v4.
CREATE TABLE public.workspaces (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  slug text CHECK (slug IS NULL OR slug ~ '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- No unique index on slug: a global one would lead with something other than the tenant
-- key and would tell one tenant which slugs others use.

SELECT public.app_enable_tenant_rls('public.workspaces', 'id');
