-- The role every service connects as. It must be subject to Row-Level Security, so it is
-- never a superuser, never BYPASSRLS, and owns nothing (owners skip RLS unless FORCE).
-- Roles are cluster-wide: an operator may have created it already (then nothing is
-- created here), and several databases on one server share it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'causeloop_app') THEN
    BEGIN
      -- Needs CREATEROLE on the migrating owner; no password here, the operator sets it.
      CREATE ROLE causeloop_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    EXCEPTION WHEN duplicate_object THEN
      -- Another database's migration created it between our check and CREATE.
      NULL;
    END;
  END IF;
END
$$;

-- Fail closed: a pre-created role with these attributes would silently see every tenant.
DO $$
DECLARE
  app pg_catalog.pg_roles%ROWTYPE;
BEGIN
  SELECT * INTO app FROM pg_catalog.pg_roles WHERE rolname = 'causeloop_app';
  IF app.rolsuper THEN
    RAISE EXCEPTION 'role causeloop_app is a superuser; it must be NOSUPERUSER so Row-Level Security applies to services';
  END IF;
  IF app.rolbypassrls THEN
    RAISE EXCEPTION 'role causeloop_app has BYPASSRLS; it must be NOBYPASSRLS so Row-Level Security applies to services';
  END IF;
END
$$;

-- Nobody but the owner creates objects in public (already the default since PostgreSQL 15;
-- stated so an older or hand-made database ends up the same).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO causeloop_app;

-- Everything later migrations create is usable, never owned, by the app role.
ALTER DEFAULT PRIVILEGES FOR ROLE causeloop_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO causeloop_app;
ALTER DEFAULT PRIVILEGES FOR ROLE causeloop_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO causeloop_app;
ALTER DEFAULT PRIVILEGES FOR ROLE causeloop_owner IN SCHEMA public
  GRANT EXECUTE ON FUNCTIONS TO causeloop_app;
