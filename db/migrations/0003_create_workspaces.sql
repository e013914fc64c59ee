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

ALTER TABLE public.workspaces ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.workspaces FORCE ROW LEVEL SECURITY;

CREATE POLICY workspaces_select ON public.workspaces FOR SELECT
  USING (id = (SELECT public.app_current_tenant()));
CREATE POLICY workspaces_insert ON public.workspaces FOR INSERT
  WITH CHECK (id = (SELECT public.app_current_tenant()));
CREATE POLICY workspaces_update ON public.workspaces FOR UPDATE
  USING (id = (SELECT public.app_current_tenant()))
  WITH CHECK (id = (SELECT public.app_current_tenant()));
CREATE POLICY workspaces_delete ON public.workspaces FOR DELETE
  USING (id = (SELECT public.app_current_tenant()));
