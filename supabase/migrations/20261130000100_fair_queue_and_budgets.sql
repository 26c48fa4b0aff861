-- No tenant can stall, starve or out-write another.
--
-- 3. Workers share the queue fairly: claims go to the tenants with the fewest cells in flight.
-- 4. Per-tenant budgets: run creation is rate limited with a token bucket kept here, so that it
--    holds across every gateway process.
-- 5. What is kept of a model's answer is bounded; cells say when it was cut.

-- 3. The fair queue -----------------------------------------------------------------------------

-- The queue per tenant, oldest first; and the cells each tenant has in flight.
create index run_cell_tenant_queue_idx on public.run_cell (owner_id, queued_at, id)
  where status = 'queued';
create index run_cell_tenant_running_idx on public.run_cell (owner_id) where status = 'running';
drop index public.run_cell_queued_idx;
-- Exports read a run in row order, a slice at a time.
create index run_cell_run_row_idx on public.run_cell (run_id, row_index);

-- Claiming cells, in one round trip. Slots go one at a time to the tenant with the fewest cells
-- running plus slots already given (water-filling), so a tenant's one queued cell behind another
-- tenant's ten thousand takes the very next slot; within a tenant, oldest first. Tenants with
-- queued cells are found with a loose index scan of the queue index. Then, as before, each run's
-- `concurrency`: runs with a limit are locked before their running cells are counted, so that
-- concurrent claimers count one after the other. The row comes back as text: a row the worker
-- cannot decode fails its own cell, never the claim. Called by workers as service_role.
drop function public.claim_run_cells(uuid, integer, double precision);

create function public.claim_run_cells(
  worker uuid, wanted integer, lease_seconds double precision)
returns table (cell_id uuid, cell_run_id uuid, cell_run_model_id uuid, cell_owner_id uuid,
  row_values text)
language plpgsql
as $$
declare
  candidates uuid[];
  limited uuid[];
begin
  with recursive tenants(owner_id) as (
    (select c.owner_id from public.run_cell c
     where c.status = 'queued' order by c.owner_id limit 1)
    union all
    select (select c.owner_id from public.run_cell c
            where c.status = 'queued' and c.owner_id > t.owner_id
            order by c.owner_id limit 1)
    from tenants t
    where t.owner_id is not null
  ), load as (
    select t.owner_id,
           (select count(*) from public.run_cell r
            where r.owner_id = t.owner_id and r.status = 'running') as running
    from tenants t
    where t.owner_id is not null
  ), slots as (
    select l.owner_id, row_number() over (order by l.running + s.n, l.owner_id) as place
    from load l cross join generate_series(1, wanted) as s(n)
  ), shares as (
    select owner_id, count(*) as share from slots where place <= wanted group by owner_id
  )
  select array_agg(picked.id) into candidates
  from shares s
  cross join lateral (
    select c.id from public.run_cell c
    where c.status = 'queued' and c.owner_id = s.owner_id
    order by c.queued_at, c.id
    limit s.share
    for update skip locked
  ) picked;
  if candidates is null then
    return;
  end if;

  select array_agg(distinct r.id) into limited
  from public.run r
  where r.concurrency is not null
    and r.id in (select c.run_id from public.run_cell c where c.id = any(candidates));
  if limited is not null then
    perform from public.run r where r.id = any(limited) order by r.id for update;
    select array_agg(ranked.id) into candidates from (
      select c.id, r.concurrency,
             row_number() over (partition by c.run_id order by c.queued_at, c.id) as place,
             (select count(*) from public.run_cell x
              where x.run_id = c.run_id and x.status = 'running') as running
      from public.run_cell c join public.run r on r.id = c.run_id
      where c.id = any(candidates)
    ) ranked
    where ranked.concurrency is null or ranked.place <= ranked.concurrency - ranked.running;
    if candidates is null then
      return;
    end if;
  end if;

  return query
  with claimed as (
    update public.run_cell c
    set status = 'running', lease_owner = worker,
        lease_expires_at = now() + make_interval(secs => lease_seconds),
        claims = c.claims + 1, started_at = coalesce(c.started_at, now())
    where c.id = any(candidates)
    returning c.id, c.run_id, c.run_model_id, c.owner_id, c.row_index
  ), started as (
    update public.run r set status = 'running', started_at = coalesce(r.started_at, now())
    where r.id in (select claimed.run_id from claimed) and r.status = 'queued'
  )
  select claimed.id, claimed.run_id, claimed.run_model_id, claimed.owner_id, d.values::text
  from claimed
  join public.run r on r.id = claimed.run_id
  left join public.dataset_row d on d.dataset_id = r.dataset_id and d.row_index = claimed.row_index;
end
$$;

revoke execute on function public.claim_run_cells(uuid, integer, double precision)
  from public, anon, authenticated;
grant execute on function public.claim_run_cells(uuid, integer, double precision) to service_role;

-- 4. Run creation budget ------------------------------------------------------------------------

-- A token bucket per tenant: `tokens` as of `refilled_at`; it refills at MAX_RUNS_PER_MINUTE per
-- minute up to that many, and creating a run takes one.
create table public.run_quota (
  owner_id uuid primary key default auth.uid() references auth.users (id) on delete cascade,
  tokens double precision not null,
  refilled_at timestamptz not null default now()
);

alter table public.run_quota enable row level security;

create policy run_quota_owner on public.run_quota
  for all to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

revoke all on public.run_quota from anon, authenticated;
grant select, insert, update on public.run_quota to promptrefine_api;
grant all on public.run_quota to service_role;

-- 5. Bounded answers ----------------------------------------------------------------------------

alter table public.run_cell
  -- The model's answer was longer than MAX_OUTPUT_BYTES and `output` holds its start.
  add column output_truncated boolean not null default false,
  -- The same for the grader's answer (`judge_output`).
  add column judge_output_truncated boolean not null default false;
