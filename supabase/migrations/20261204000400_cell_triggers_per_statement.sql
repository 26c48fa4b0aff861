-- Every cell is written at least twice (claimed, then its result), and the workers write them
-- dozens per statement. Row triggers ran three plpgsql calls per written cell, one of them a
-- NOTIFY of its own; and the usage roll-up counted a finished cell by marking it (`rolled_up`):
-- a third full write of every cell (its wide row again, an entry in each of its indexes, its
-- triggers), 173 ms per 10,000 cells, a quarter of PostgreSQL's time per cell at 64 in flight
-- (bench/runs.py, timed with log_min_duration_statement).
--
-- Status changes are now handled once per statement, from its transition tables: announced, a
-- notification per run and per 100 changed cells (a payload must stay under 8,000 bytes), and
-- the cells that finished put in a narrow queue of cells to count, in the transaction that
-- finished them. The roll-up takes cells from that queue: each finish is counted exactly once
-- whenever its transaction commits, as before (cells are only ever created queued). The two
-- stamps every version of a cell carries (`updated_at`, `changed_xid`) are set by one row
-- trigger instead of two. Measured on a copy of the table's shape (pgbench, updates of 64 rows,
-- before the queue): 1.33 ms with the three row triggers, 1.22 ms with these two, 0.9 ms with
-- none.

create table private.cell_to_count (cell_id uuid primary key);
insert into private.cell_to_count
select id from public.run_cell where not rolled_up and status in ('succeeded', 'failed');
drop index public.run_cell_to_roll_up_idx;
alter table public.run_cell drop column rolled_up;

drop trigger run_cell_notify on public.run_cell;
drop function public.notify_run_cell();

create function private.on_cell_status_changes() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  payload text;
begin
  for payload in
    with changed as (
      select n.run_id, n.id, n.status
      from changed_cells n join previous_cells o on o.id = n.id
      where o.status is distinct from n.status
    ), finished as (
      -- Finished cells wait to be counted by the usage roll-up.
      insert into private.cell_to_count (cell_id)
      select id from changed where status in ('succeeded', 'failed')
      on conflict do nothing
    )
    -- Cancelled cells are announced once, by their run's status change, not one by one.
    select json_build_object('kind', 'cells', 'run_id', run_id,
                             'cells', json_agg(json_build_array(id, status)))::text
    from (
      select run_id, id, status,
             (row_number() over (partition by run_id order by id) - 1) / 100 as chunk
      from changed
      where status <> 'cancelled'
    ) announced
    group by run_id, chunk
  loop
    perform pg_notify('run_events', payload);
  end loop;
  return null;
end
$$;

-- (A trigger with transition tables cannot name columns: it fires on every update and finds the
-- status changes itself.)
create trigger run_cell_status_changes
  after update on public.run_cell
  referencing old table as previous_cells new table as changed_cells
  for each statement execute function private.on_cell_status_changes();

drop trigger run_cell_set_updated_at on public.run_cell;
drop trigger run_cell_record_change on public.run_cell;
drop function private.record_cell_change();

create function private.stamp_cell_version() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  new.changed_xid := pg_current_xact_id();
  return new;
end
$$;

create trigger run_cell_stamp_version
  before update on public.run_cell
  for each row execute function private.stamp_cell_version();

-- The roll-up, otherwise as in 20261203000100.
create or replace function private.roll_up_usage(batch integer default 20000)
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
    delete from private.cell_to_count q
    where q.cell_id in (
      select p.cell_id from private.cell_to_count p limit batch for update skip locked)
    returning q.cell_id
  ), cells as (
    -- A cell gone since (its run deleted), or queued again (retried), is not counted; a retried
    -- cell is queued to be counted again when it finishes again.
    select c.org_id, coalesce(c.finished_at, c.updated_at) as at, c.run_id, c.run_model_id,
           c.latency_ms, c.status = 'failed' as failed, coalesce(c.tokens_in, 0) as tokens_in,
           coalesce(c.tokens_out, 0) as tokens_out,
           coalesce(c.cost_usd, 0) + coalesce(c.judge_cost_usd, 0) as cost_usd, c.cached,
           coalesce(c.saved_cost_usd, 0) as saved_usd
    from taken_cells t
    join public.run_cell c on c.id = t.cell_id
    where c.status in ('succeeded', 'failed')
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
