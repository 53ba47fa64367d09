-- Maestro Hive database roles. Run once as a superuser, before the first migration:
--   maestro-hive db roles | psql -v ON_ERROR_STOP=1 "$SUPERUSER_DATABASE_URL"
-- then set both passwords (\password maestro_owner, \password maestro_app), then as the owner:
--   DATABASE_URL=postgres://maestro_owner:…@host/db maestro-hive db migrate --app-role maestro_app
-- and run the app with DATABASE_URL=postgres://maestro_app:…@host/db.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'maestro_owner') THEN
    CREATE ROLE maestro_owner LOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'maestro_app') THEN
    CREATE ROLE maestro_app LOGIN;
  END IF;
END
$$;
-- The app role may never act as the owner or bypass privileges.
ALTER ROLE maestro_app NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION;
DO $$
BEGIN
  IF pg_has_role('maestro_app', 'maestro_owner', 'MEMBER') THEN
    RAISE EXCEPTION 'role maestro_app is a member of maestro_owner: it could alter the audit table';
  END IF;
END
$$;
-- The owner creates and alters our tables; the app may use them but create nothing there.
GRANT USAGE, CREATE ON SCHEMA public TO maestro_owner;
GRANT USAGE ON SCHEMA public TO maestro_app;
REVOKE CREATE ON SCHEMA public FROM maestro_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
-- The job queue: pg-boss creates and migrates its own tables, in a schema the app owns.
CREATE SCHEMA IF NOT EXISTS pgboss AUTHORIZATION maestro_app;
