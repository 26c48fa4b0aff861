-- Deployments: a prompt shipped as an endpoint (`POST /v1/execute/{slug}`), and the log of every
-- call made to one.
--
-- Editors manage deployments; an organization's members read them. Calls are made by editors and
-- by API keys with the `execute` scope: the API resolves a deployment for a call through
-- `private.deployment_to_execute`, which checks exactly that, and writes the call's log row as the
-- caller (the row names the key or the user that made it).

create type public.response_format as enum ('text', 'json');

create table public.deployment (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organization (id) on delete cascade,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  name text not null,
  slug text not null,
  prompt_id uuid not null,
  -- The version served; null follows the prompt's current version at every call.
  version integer,
  -- {provider, model, params}; then the ones tried in order when it fails.
  model jsonb not null,
  fallbacks jsonb not null default '[]',
  response_format public.response_format not null default 'text',
  json_schema jsonb,
  cache_ttl_seconds integer,
  requests_per_minute integer,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint deployment_slug_key unique (org_id, slug),
  constraint deployment_id_org_key unique (id, org_id),
  -- A prompt cannot be deleted while deployments serve it (the API answers 409).
  constraint deployment_prompt_fkey foreign key (prompt_id, org_id)
    references public.prompt (id, org_id),
  constraint deployment_name_length check (char_length(name) between 1 and 200 and name = btrim(name)),
  constraint deployment_slug_format check (char_length(slug) <= 64 and slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  constraint deployment_version_positive check (version >= 1),
  constraint deployment_model_object check (jsonb_typeof(model) = 'object'),
  constraint deployment_fallbacks_array check (
    jsonb_typeof(fallbacks) = 'array' and jsonb_array_length(fallbacks) <= 3),
  constraint deployment_schema_for_json check (json_schema is null or response_format = 'json'),
  constraint deployment_cache_ttl_range check (cache_ttl_seconds between 1 and 2592000),
  constraint deployment_rate_range check (requests_per_minute between 1 and 1000000)
);

create index deployment_org_created_idx on public.deployment (org_id, created_at desc, id desc);
create index deployment_prompt_idx on public.deployment (prompt_id);

create trigger deployment_set_updated_at
  before update on public.deployment
  for each row execute function public.set_updated_at();

create table public.deployment_call (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organization (id) on delete cascade,
  deployment_id uuid,
  -- Kept as it was at the call, whatever becomes of the deployment.
  deployment_slug text not null,
  prompt_version integer,
  -- Who called: an API key, or a user.
  api_key_id uuid references public.api_key (id) on delete set null,
  user_id uuid references auth.users (id) on delete set null,
  variables jsonb not null,
  metadata jsonb,
  rendered_prompt text not null,
  output text,
  -- `succeeded`; `failed` (no model answered); `invalid_output` (a json deployment's answer did
  -- not parse or match its schema).
  status text not null,
  error_kind text,
  error_message text,
  provider text,
  model text,
  tokens_in integer,
  tokens_out integer,
  cost_usd double precision,
  -- What a cached answer would have cost.
  saved_cost_usd double precision,
  latency_ms integer,
  cached boolean not null default false,
  fallback_used boolean not null default false,
  created_at timestamptz not null default now(),
  constraint deployment_call_deployment_fkey foreign key (deployment_id, org_id)
    references public.deployment (id, org_id) on delete set null (deployment_id),
  constraint deployment_call_status_known check (status in ('succeeded', 'failed', 'invalid_output'))
);

create index deployment_call_org_created_idx on public.deployment_call (org_id, created_at desc, id desc);
create index deployment_call_deployment_idx on public.deployment_call (deployment_id, created_at desc, id desc);
-- The retention sweep.
create index deployment_call_created_idx on public.deployment_call (created_at);

alter table public.deployment enable row level security;
alter table public.deployment_call enable row level security;

do $$
declare
  member_at_least constant text :=
    '(org_id = (select auth.uid()) or org_id = any ((select private.org_ids(%L))::uuid[]))';
  viewer constant text := format(member_at_least, 'viewer');
  editor constant text := format(member_at_least, 'editor');
begin
  execute format('create policy deployment_select on public.deployment for select to authenticated
                  using (%s)', viewer);
  execute format('create policy deployment_insert on public.deployment for insert to authenticated
                  with check (%s and created_by = (select auth.uid()))', editor);
  execute format('create policy deployment_update on public.deployment for update to authenticated
                  using (%s) with check (%s)', editor, editor);
  execute format('create policy deployment_delete on public.deployment for delete to authenticated
                  using (%s)', editor);
  execute format('create policy deployment_call_select on public.deployment_call
                  for select to authenticated using (%s)', viewer);
  -- A call is logged by whoever made it: an editor as themselves, a key as itself.
  execute format('create policy deployment_call_insert on public.deployment_call
                  for insert to authenticated
                  with check ((%s and user_id = (select auth.uid()) and api_key_id is null)
                              or (org_id = (select private.key_org(''execute''))
                                  and api_key_id = ((select auth.jwt()) ->> ''key_id'')::uuid
                                  and user_id is null))', editor);
end
$$;

revoke all on public.deployment, public.deployment_call from anon, authenticated;
grant select on public.deployment, public.deployment_call to authenticated;
grant insert, delete on public.deployment to promptrefine_api;
grant update (name, slug, version, model, fallbacks, response_format, json_schema,
  cache_ttl_seconds, requests_per_minute) on public.deployment to promptrefine_api;
grant insert on public.deployment_call to promptrefine_api;
grant all on public.deployment, public.deployment_call to service_role;

-- What a call of `slug` in `org` needs, if the caller may call it (an editor, or an API key of
-- the organization with the `execute` scope): the deployment, and the body of the version it
-- serves. Nothing when there is no such deployment or the caller may not call it.
create function private.deployment_to_execute(org uuid, deployment_slug text)
returns table (
  id uuid, slug text, prompt_id uuid, version integer, body text, model jsonb, fallbacks jsonb,
  response_format public.response_format, json_schema jsonb, cache_ttl_seconds integer,
  requests_per_minute integer)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- coalesce: for a user, key_org is null, and `not (null or false)` would not be true.
  if not coalesce(org = private.key_org('execute') or org = any (private.org_ids('editor')), false)
  then
    return;
  end if;
  return query
  select d.id, d.slug, d.prompt_id, v.version, v.body, d.model, d.fallbacks, d.response_format,
         d.json_schema, d.cache_ttl_seconds, d.requests_per_minute
  from public.deployment d
  join public.prompt p on p.id = d.prompt_id
  join public.prompt_version v
    on v.prompt_id = d.prompt_id
   and (v.version = d.version or (d.version is null and v.id = p.current_version_id))
  where d.org_id = org and d.slug = deployment_slug;
end
$$;

revoke execute on function private.deployment_to_execute(uuid, text) from public;
grant execute on function private.deployment_to_execute(uuid, text) to promptrefine_api;
