-- Usage analytics: hourly and daily rollups of deployments' calls (`source = execute`) and runs'
-- cells (`source = run`), by organization, model, deployment, prompt and API key, kept up to
-- date by a background job with no lock on the hot path (see `private.roll_up_usage`). Queries by
-- the hour read `usage_hourly`, by the day `usage_daily`: 30 days by day is 30 rows per group.
--
-- Why a job and not a trigger: a trigger would update the same rollup row (an organization's
-- current hour) in every call's transaction, lining up that organization's calls behind one row
-- lock until each commits. The job instead marks the rows it has counted (`rolled_up`): a row is
-- counted exactly once whenever its transaction commits, late or not, which a timestamp
-- watermark cannot promise. Queries read the rollups only, so their cost grows with hours and
-- groups, not with calls.
--
-- Latencies are kept as sparse histograms (bucket ids and counts) whose buckets are exact below
-- 64 ms and 1/32 of a power of two wide above (at most 3.1% wide): percentiles over any set of
-- rollups are exact to the bucket, and bucket histograms merge by addition.

alter table public.deployment_call
  add column prompt_id uuid,
  add column rolled_up boolean not null default false;
create index deployment_call_to_roll_up_idx on public.deployment_call (id) where not rolled_up;

alter table public.run_cell add column rolled_up boolean not null default false;
create index run_cell_to_roll_up_idx on public.run_cell (id)
  where not rolled_up and status in ('succeeded', 'failed');

create table public.usage_hourly (
  org_id uuid not null references public.organization (id) on delete cascade,
  -- The hour (or, in usage_daily, the UTC day) counted.
  start timestamptz not null,
  source text not null,
  provider text not null,
  model text not null,
  deployment_id uuid,
  prompt_id uuid,
  api_key_id uuid,
  requests bigint not null,
  errors bigint not null,
  tokens_in bigint not null,
  tokens_out bigint not null,
  cost_usd double precision not null,
  cache_hits bigint not null,
  saved_usd double precision not null,
  -- Latency histogram: bucket ids (`private.latency_bucket`) and their counts.
  latency_buckets integer[] not null,
  latency_counts integer[] not null,
  constraint usage_hourly_source_known check (source in ('run', 'execute'))
);

create table public.usage_daily (like public.usage_hourly including constraints);

-- A period and group may hold several rows (one per job run) until the job merges them.
create index usage_hourly_org_start_idx on public.usage_hourly (org_id, start);
create index usage_daily_org_start_idx on public.usage_daily (org_id, start);

alter table public.usage_hourly enable row level security;
alter table public.usage_daily enable row level security;

create policy usage_hourly_select on public.usage_hourly for select to authenticated
  using (org_id = (select auth.uid()) or org_id = any ((select private.org_ids('viewer'))::uuid[]));
create policy usage_daily_select on public.usage_daily for select to authenticated
  using (org_id = (select auth.uid()) or org_id = any ((select private.org_ids('viewer'))::uuid[]));

alter table public.usage_daily
  add constraint usage_daily_org_fkey foreign key (org_id)
  references public.organization (id) on delete cascade;

revoke all on public.usage_hourly, public.usage_daily from anon, authenticated;
grant select on public.usage_hourly, public.usage_daily to authenticated;
grant all on public.usage_hourly, public.usage_daily to service_role;

-- The histogram bucket of a latency: the latency itself below 64 ms; above, 32 buckets per
-- power of two.
create function private.latency_bucket(ms integer)
returns integer
language sql
immutable
parallel safe
set search_path = ''
as $$
  -- p = floor(log2(ms)), from the position of the highest set bit (exact, unlike log()).
  select case
    when ms is null or ms < 0 then 0
    when ms < 64 then ms
    else (p - 6) * 32 + 64 + ((ms >> (p - 5)) - 32)
  end
  from (select 32 - position('1' in greatest(ms, 1)::bit(32)::text) as p) as highest
$$;

-- The largest latency of a bucket: what a percentile falling in it reports.
create function private.latency_bucket_upper(bucket integer)
returns integer
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case
    when bucket < 64 then bucket
    else ((32 + (bucket - 64) % 32 + 1) << ((bucket - 64) / 32 + 1)) - 1
  end
$$;

-- Counts up to `batch` calls and `batch` cells not counted yet into both tables, then merges the
-- rows of the periods it touched into one per group. Runs as `service_role` (a background loop
-- of every working process; several at once are safe: `for update skip locked` hands each row to
-- one of them, and a merge only ever deletes rows it read). Called again while it counts
-- anything. How many calls and cells it counted.
create function private.roll_up_usage(batch integer default 20000)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  counted bigint;
  touched_orgs uuid[];
  touched_hours timestamptz[];
begin
  with taken_calls as (
    select c.id from public.deployment_call c where not c.rolled_up
    limit batch
    for update skip locked
  ), calls as (
    update public.deployment_call c set rolled_up = true
    from taken_calls t where c.id = t.id
    returning c.org_id, c.created_at as at, 'execute'::text as source,
              coalesce(c.provider, '') as provider, coalesce(c.model, '') as model,
              c.deployment_id, c.prompt_id, c.api_key_id, c.latency_ms,
              c.status <> 'succeeded' as failed, coalesce(c.tokens_in, 0) as tokens_in,
              coalesce(c.tokens_out, 0) as tokens_out, coalesce(c.cost_usd, 0) as cost_usd,
              c.cached, coalesce(c.saved_cost_usd, 0) as saved_usd
  ), taken_cells as (
    select c.id from public.run_cell c
    where not c.rolled_up and c.status in ('succeeded', 'failed')
    limit batch
    for update skip locked
  ), cells as (
    update public.run_cell c set rolled_up = true
    from taken_cells t where c.id = t.id
    returning c.org_id, coalesce(c.finished_at, c.updated_at) as at, c.run_id, c.run_model_id,
              c.latency_ms, c.status = 'failed' as failed, coalesce(c.tokens_in, 0) as tokens_in,
              coalesce(c.tokens_out, 0) as tokens_out,
              coalesce(c.cost_usd, 0) + coalesce(c.judge_cost_usd, 0) as cost_usd, c.cached,
              coalesce(c.saved_cost_usd, 0) as saved_usd
  ), counted_rows as (
    select org_id, at, source, provider, model, deployment_id, prompt_id, api_key_id, latency_ms,
           failed, tokens_in, tokens_out, cost_usd, cached, saved_usd
    from calls
    union all
    select c.org_id, c.at, 'run', rm.provider, rm.model, null, r.prompt_id, null, c.latency_ms,
           c.failed, c.tokens_in, c.tokens_out, c.cost_usd, c.cached, c.saved_usd
    from cells c
    join public.run_model rm on rm.id = c.run_model_id
    join public.run r on r.id = c.run_id
  ), by_bucket as (
    -- Each period of each level, per latency bucket.
    select level, org_id, start, source, provider, model, deployment_id, prompt_id, api_key_id,
           private.latency_bucket(latency_ms) as bucket, count(*) as n,
           count(*) filter (where failed) as errors, sum(tokens_in) as tokens_in,
           sum(tokens_out) as tokens_out, sum(cost_usd) as cost_usd,
           count(*) filter (where cached) as cache_hits, sum(saved_usd) as saved_usd
    from counted_rows,
         lateral (values ('hour', date_trunc('hour', at, 'UTC')),
                         ('day', date_trunc('day', at, 'UTC'))) as periods(level, start)
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  ), by_group as (
    select level, org_id, start, source, provider, model, deployment_id, prompt_id, api_key_id,
           sum(n) as requests, sum(errors) as errors, sum(tokens_in) as tokens_in,
           sum(tokens_out) as tokens_out, sum(cost_usd) as cost_usd, sum(cache_hits) as cache_hits,
           sum(saved_usd) as saved_usd, array_agg(bucket order by bucket) as latency_buckets,
           array_agg(n::integer order by bucket) as latency_counts
    from by_bucket
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9
  ), hourly as (
    insert into public.usage_hourly
    select org_id, start, source, provider, model, deployment_id, prompt_id, api_key_id, requests,
           errors, tokens_in, tokens_out, cost_usd, cache_hits, saved_usd, latency_buckets,
           latency_counts
    from by_group where level = 'hour'
    returning org_id, start, requests
  ), daily as (
    insert into public.usage_daily
    select org_id, start, source, provider, model, deployment_id, prompt_id, api_key_id, requests,
           errors, tokens_in, tokens_out, cost_usd, cache_hits, saved_usd, latency_buckets,
           latency_counts
    from by_group where level = 'day'
  )
  select coalesce(sum(requests), 0), array_agg(org_id), array_agg(start)
  into counted, touched_orgs, touched_hours
  from hourly;

  if counted > 0 then
    perform private.merge_usage('public.usage_hourly', touched_orgs, touched_hours);
    perform private.merge_usage('public.usage_daily', touched_orgs,
      array(select date_trunc('day', h, 'UTC') from unnest(touched_hours) as h));
  end if;
  return counted;
end
$$;

-- Merges the rows of `rollups` (usage_hourly or usage_daily) in the given periods of the given
-- organizations into one per group. Only the rows it deletes are merged back: rows another job
-- adds meanwhile stay, for a later merge.
create function private.merge_usage(rollups regclass, orgs uuid[], starts timestamptz[])
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  execute format($sql$
    with periods as (
      select distinct o as org_id, s as start from unnest($1, $2) as p(o, s)
    ), removed as (
      delete from %1$s u using periods p
      where u.org_id = p.org_id and u.start = p.start
        and exists (
          select from %1$s other
          where other.org_id = u.org_id and other.start = u.start and other.source = u.source
            and other.provider = u.provider and other.model = u.model
            and other.deployment_id is not distinct from u.deployment_id
            and other.prompt_id is not distinct from u.prompt_id
            and other.api_key_id is not distinct from u.api_key_id
            and other.ctid <> u.ctid)
      returning u.*
    ), by_bucket as (
      select r.org_id, r.start, r.source, r.provider, r.model, r.deployment_id, r.prompt_id,
             r.api_key_id, h.bucket, sum(h.n)::integer as n
      from removed r, unnest(r.latency_buckets, r.latency_counts) as h(bucket, n)
      group by 1, 2, 3, 4, 5, 6, 7, 8, 9
    ), histograms as (
      select org_id, start, source, provider, model, deployment_id, prompt_id, api_key_id,
             array_agg(bucket order by bucket) as buckets, array_agg(n order by bucket) as counts
      from by_bucket
      group by 1, 2, 3, 4, 5, 6, 7, 8
    ), totals as (
      select org_id, start, source, provider, model, deployment_id, prompt_id, api_key_id,
             sum(requests) as requests, sum(errors) as errors, sum(tokens_in) as tokens_in,
             sum(tokens_out) as tokens_out, sum(cost_usd) as cost_usd,
             sum(cache_hits) as cache_hits, sum(saved_usd) as saved_usd
      from removed
      group by 1, 2, 3, 4, 5, 6, 7, 8
    )
    insert into %1$s
    select t.org_id, t.start, t.source, t.provider, t.model, t.deployment_id, t.prompt_id,
           t.api_key_id, t.requests, t.errors, t.tokens_in, t.tokens_out, t.cost_usd,
           t.cache_hits, t.saved_usd, h.buckets, h.counts
    from totals t
    join histograms h
      on h.org_id = t.org_id and h.start = t.start and h.source = t.source
     and h.provider = t.provider and h.model = t.model
     and h.deployment_id is not distinct from t.deployment_id
     and h.prompt_id is not distinct from t.prompt_id
     and h.api_key_id is not distinct from t.api_key_id
  $sql$, rollups) using orgs, starts;
end
$$;

revoke execute on function private.roll_up_usage(integer) from public;
revoke execute on function private.merge_usage(regclass, uuid[], timestamptz[]) from public;
grant execute on function private.roll_up_usage(integer) to service_role;
grant execute on function private.latency_bucket(integer), private.latency_bucket_upper(integer)
  to authenticated, service_role;
