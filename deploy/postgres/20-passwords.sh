#!/bin/sh
# PostgreSQL image init script (runs once, on an empty data directory, after 10-roles.sql):
# gives the two roles `maestro-hive db roles` created their passwords from the environment.
# psql variables quote the values, so a password may hold any character.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_password="$MAESTRO_OWNER_PASSWORD" -v app_password="$MAESTRO_APP_PASSWORD" <<'SQL'
ALTER ROLE maestro_owner PASSWORD :'owner_password';
ALTER ROLE maestro_app PASSWORD :'app_password';
SQL
