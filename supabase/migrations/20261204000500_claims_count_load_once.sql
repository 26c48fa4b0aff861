-- Two plans that grew with the work, found with auto_explain during `bench/runs.py`:
--
-- The claims count each tenant's cells in flight once per claim. `load` was inlined into the
-- fair split, which evaluated its count once per slot (`wanted` times): a claim of 64 cells
-- counted an organization's running cells 64 times, a third of the claim's time. Materialized,
-- it runs once per tenant.
--
-- A claimed cell's dataset row was joined on the dataset only, its row number a filter: right
-- after an upload, before the table's statistics know its rows, every claimed cell read the
-- whole dataset (a claim of 32 cells of a 10,000-row dataset: 5 of its 5.3 ms; O(rows) per
-- cell). Each row is now looked up beside its cell, by the whole key.
--
-- Otherwise as before (20261201000000, 20261204000000; without JIT as 20261204000200).

create or replace function public.claim_run_cells(
  worker uuid, wanted integer, lease_seconds double precision)
returns table (cell_id uuid, cell_run_id uuid, cell_run_model_id uuid, cell_org_id uuid,
  row_values text)
language plpgsql
set jit = off
as $$
declare
  candidates uuid[];
  limited uuid[];
begin
  with recursive tenants(org_id) as (
    (select c.org_id from public.run_cell c
     where c.status = 'queued' order by c.org_id limit 1)
    union all
    select (select c.org_id from public.run_cell c
            where c.status = 'queued' and c.org_id > t.org_id
            order by c.org_id limit 1)
    from tenants t
    where t.org_id is not null
  ), load as materialized (
    select t.org_id,
           (select count(*) from public.run_cell r
            where r.org_id = t.org_id and r.status = 'running') as running
    from tenants t
    where t.org_id is not null
  ), slots as (
    select l.org_id, row_number() over (order by l.running + s.n, l.org_id) as place
    from load l cross join generate_series(1, wanted) as s(n)
  ), shares as (
    select org_id, count(*) as share from slots where place <= wanted group by org_id
  )
  select array_agg(picked.id) into candidates
  from shares s
  cross join lateral (
    select c.id from public.run_cell c
    where c.status = 'queued' and c.org_id = s.org_id
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
    returning c.id, c.run_id, c.run_model_id, c.org_id, c.row_index
  ), started as (
    update public.run r set status = 'running', started_at = coalesce(r.started_at, now())
    where r.id in (select claimed.run_id from claimed) and r.status = 'queued'
  )
  -- Each cell's row is looked up by the whole key, from the cell itself.
  select claimed.id, claimed.run_id, claimed.run_model_id, claimed.org_id,
         (select d.values::text
          from public.run r
          join public.dataset_row d on d.dataset_id = r.dataset_id
          where r.id = claimed.run_id and d.row_index = claimed.row_index)
  from claimed;
end
$$;

create or replace function public.claim_work(worker uuid, wanted integer, lease_seconds double precision)
returns table (kind text, cell_id uuid, run_id uuid, run_model_id uuid, org_id uuid,
  grading_pass integer, row_values text, pass_id uuid, input text, output text)
language plpgsql
set jit = off
as $$
declare
  grades integer;
begin
  return query
  with recursive tenants(org_id) as (
    (select g.org_id from public.grading_pass_cell g
     where g.status = 'queued' order by g.org_id limit 1)
    union all
    select (select g.org_id from public.grading_pass_cell g
            where g.status = 'queued' and g.org_id > t.org_id
            order by g.org_id limit 1)
    from tenants t
    where t.org_id is not null
  ), load as materialized (
    select t.org_id,
           (select count(*) from public.grading_pass_cell g
            where g.org_id = t.org_id and g.status = 'running') as running
    from tenants t
    where t.org_id is not null
  ), slots as (
    select l.org_id, row_number() over (order by l.running + s.n, l.org_id) as place
    from load l cross join generate_series(1, (wanted + 1) / 2) as s(n)
  ), shares as (
    select s.org_id, count(*) as share from slots s where s.place <= (wanted + 1) / 2
    group by s.org_id
  ), picked as (
    select g.pass_id, g.cell_id
    from shares s
    cross join lateral (
      select g.pass_id, g.cell_id from public.grading_pass_cell g
      where g.status = 'queued' and g.org_id = s.org_id
      order by g.queued_at, g.cell_id
      limit s.share
      for update skip locked
    ) g
  ), claimed as (
    update public.grading_pass_cell g
    set status = 'running', lease_owner = worker,
        lease_expires_at = now() + make_interval(secs => lease_seconds), claims = g.claims + 1
    from picked
    where g.pass_id = picked.pass_id and g.cell_id = picked.cell_id
    returning g.pass_id, g.cell_id, g.run_id, g.org_id
  )
  -- Left joins: every claimed job comes back to its worker, whatever else changes meanwhile.
  select 'grade', claimed.cell_id, claimed.run_id, c.run_model_id, claimed.org_id,
         coalesce(p.number, 1), d.values::text, claimed.pass_id, c.rendered_prompt, c.output
  from claimed
  left join public.grading_pass p on p.id = claimed.pass_id
  left join public.run_cell c on c.id = claimed.cell_id
  left join public.run r on r.id = claimed.run_id
  left join public.dataset_row d on d.dataset_id = r.dataset_id and d.row_index = c.row_index;
  get diagnostics grades = row_count;

  -- Every claimed cell comes back (a join could drop one, leaving it claimed until its lease
  -- expires): the run's pass is looked up beside it.
  return query
  select 'generate', w.cell_id, w.cell_run_id, w.cell_run_model_id, w.cell_org_id,
         coalesce((select r.grading_pass from public.run r where r.id = w.cell_run_id), 1),
         w.row_values, null::uuid, null::text, null::text
  from public.claim_run_cells(worker, wanted - grades, lease_seconds) w;
end
$$;
