-- API keys: long-lived credentials of an organization for its servers (`pr_live_...`), made by its
-- admins. A key acts for its organization only, with its scopes only: `read` reads what a viewer
-- reads; `execute` calls deployments (a later migration). Only the key's SHA-256 and a display
-- prefix are stored.
--
-- A request with a key runs like a user's, as `promptrefine_api`, with claims that name the key
-- instead of a user: `{"role": "authenticated", "key_id": ...}` (no `sub`, so `auth.uid()` is
-- null and nothing can be written in a user's name). The policies reach the key through
-- `private.org_ids` and `private.role_in`, which check it again at every statement: a revoked or
-- expired key stops at once.

create type public.api_key_scope as enum ('execute', 'read');

create table public.api_key (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organization (id) on delete cascade,
  name text not null,
  -- The key's first characters, to recognise it in a list (`pr_live_AbCd`).
  prefix text not null,
  key_sha256 text not null,
  scopes public.api_key_scope[] not null,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  -- Updated at most once a minute, so that a busy key does not write at every call.
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  constraint api_key_sha256_key unique (key_sha256),
  constraint api_key_name_length check (char_length(name) between 1 and 200 and name = btrim(name)),
  constraint api_key_sha256_format check (key_sha256 ~ '^[0-9a-f]{64}$'),
  constraint api_key_scopes_known check (cardinality(scopes) between 1 and 2)
);

create index api_key_org_idx on public.api_key (org_id, created_at desc, id desc);

alter table public.api_key enable row level security;

create policy api_key_select on public.api_key
  for select to authenticated
  using (org_id = any ((select private.org_ids('admin'))::uuid[]));
create policy api_key_insert on public.api_key
  for insert to authenticated
  with check (org_id = any ((select private.org_ids('admin'))::uuid[])
              and created_by = (select auth.uid()));
create policy api_key_update on public.api_key
  for update to authenticated
  using (org_id = any ((select private.org_ids('admin'))::uuid[]))
  with check (org_id = any ((select private.org_ids('admin'))::uuid[]));

revoke all on public.api_key from anon, authenticated;
grant select on public.api_key to authenticated;
grant insert on public.api_key to promptrefine_api;
grant update (revoked_at) on public.api_key to promptrefine_api;
grant all on public.api_key to service_role;

-- The key a request presents, if it may be used now: its id, organization and scopes. Marks it
-- used (at most once a minute). Called by the API before it knows whom the request is for.
create function private.api_key_grant(key_sha256 text)
returns table (key_id uuid, org_id uuid, scopes public.api_key_scope[])
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
begin
  update public.api_key k set last_used_at = now()
  where k.key_sha256 = api_key_grant.key_sha256
    and k.revoked_at is null and (k.expires_at is null or k.expires_at > now())
    and (k.last_used_at is null or k.last_used_at < now() - interval '1 minute');
  return query
  select k.id, k.org_id, k.scopes from public.api_key k
  where k.key_sha256 = api_key_grant.key_sha256
    and k.revoked_at is null and (k.expires_at is null or k.expires_at > now());
end
$$;

revoke execute on function private.api_key_grant(text) from public;
grant execute on function private.api_key_grant(text) to promptrefine_api;

-- The organization of the key named by the request's claims, if the key is usable now and has
-- `scope`; null otherwise (and for requests of users).
create function private.key_org(scope public.api_key_scope)
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return (select k.org_id from public.api_key k
          where k.id = nullif(auth.jwt() ->> 'key_id', '')::uuid
            and scope = any(k.scopes)
            and k.revoked_at is null and (k.expires_at is null or k.expires_at > now()));
end
$$;

revoke execute on function private.key_org(public.api_key_scope) from public;
grant execute on function private.key_org(public.api_key_scope) to authenticated, service_role;

-- `org_ids` and `role_in` learn about keys: a `read` key is a viewer of its organization, and
-- nothing more.
create or replace function private.org_ids(at_least public.org_role)
returns uuid[]
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if auth.jwt() ? 'key_id' then
    return (select coalesce(array_agg(o), '{}')
            from (select private.key_org('read') as o) key
            where o is not null and at_least = 'viewer');
  end if;
  return (select coalesce(array_agg(m.org_id), '{}')
          from public.membership m
          where m.user_id = (select auth.uid()) and m.role >= at_least);
end
$$;

create or replace function private.role_in(org uuid)
returns public.org_role
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if auth.jwt() ? 'key_id' then
    return case when private.key_org('read') = org then 'viewer'::public.org_role end;
  end if;
  return (select m.role from public.membership m
          where m.org_id = org and m.user_id = (select auth.uid()));
end
$$;
