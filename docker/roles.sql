-- Run by the supabase/postgres image at first start: gives the service roles the password of
-- this deployment (from Supabase's own docker/volumes/db/roles.sql).
\set pgpass `echo "$POSTGRES_PASSWORD"`

alter user authenticator with password :'pgpass';
alter user supabase_auth_admin with password :'pgpass';
alter user supabase_storage_admin with password :'pgpass';
