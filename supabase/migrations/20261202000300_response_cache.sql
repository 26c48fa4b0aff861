-- Answers of identical model requests, reused: a deployment with `cache_ttl_seconds`, and a run
-- created with `cache: true`. The key is the SHA-256 of the request (provider, model, parameters,
-- messages), and entries belong to an organization: they are never shared between organizations.
-- Callers read and write them as themselves (editors, and `execute` keys for their deployments);
-- workers as `service_role`, for the run's organization.

create table public.response_cache (
  org_id uuid not null references public.organization (id) on delete cascade,
  key_sha256 text not null,
  provider text not null,
  model text not null,
  output text not null,
  finish_reason text,
  tokens_in integer not null,
  tokens_out integer not null,
  -- What the answer cost when it was made: what a reuse saves.
  cost_usd double precision not null,
  created_at timestamptz not null default now(),
  primary key (org_id, key_sha256),
  constraint response_cache_key_format check (key_sha256 ~ '^[0-9a-f]{64}$')
);

-- The housekeeping's sweep of old entries.
create index response_cache_created_idx on public.response_cache (created_at);

alter table public.response_cache enable row level security;

do $$
declare
  caller constant text := '((org_id = (select auth.uid())
      or org_id = any ((select private.org_ids(''editor''))::uuid[]))
    or org_id = (select private.key_org(''execute'')))';
begin
  execute format('create policy response_cache_select on public.response_cache
                  for select to authenticated using (%s)', caller);
  execute format('create policy response_cache_insert on public.response_cache
                  for insert to authenticated with check (%s)', caller);
  execute format('create policy response_cache_update on public.response_cache
                  for update to authenticated using (%s) with check (%s)', caller, caller);
end
$$;

revoke all on public.response_cache from anon, authenticated;
grant select, insert on public.response_cache to promptrefine_api;
grant update (provider, model, output, finish_reason, tokens_in, tokens_out, cost_usd, created_at)
  on public.response_cache to promptrefine_api;
grant all on public.response_cache to service_role;

-- Runs that reuse (and keep) answers; cells answered from the cache, which cost nothing, and
-- what their answer cost when it was made.
alter table public.run add column use_cache boolean not null default false;
alter table public.run_cell
  add column cached boolean not null default false,
  add column saved_cost_usd double precision;
