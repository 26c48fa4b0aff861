-- Run by the supabase/postgres image at first start: gives the service roles the password of
-- this deployment (from Supabase's own docker/volumes/db/roles.sql), and creates the API's role.
\set pgpass `echo "$POSTGRES_PASSWORD"`

alter user authenticator with password :'pgpass';
alter user supabase_auth_admin with password :'pgpass';
alter user supabase_storage_admin with password :'pgpass';

-- The API's own login role: owns nothing, may only switch to `service_role` (workers) and, once
-- the migrations have created it, `promptrefine_api` (requests; the migration grants it).
create role promptrefine_gateway login noinherit password :'pgpass';
grant service_role to promptrefine_gateway;
