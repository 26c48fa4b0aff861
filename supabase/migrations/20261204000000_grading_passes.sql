-- Grading passes: a finished run's outputs graded again (`POST /v1/runs/{id}/regrade`), with
-- another grader or other assertions, without calling the models again.
--
-- The run row always holds the grading in force (grader, checks, scale, threshold) and its
-- number (`grading_pass`); each cell's judge and check columns hold its grade in that pass, so
-- every reader of the latest grades reads the table as before (an earlier pass's grades are
-- joined in from `grading_pass_cell` instead of the cell's). `grading_pass` keeps every
-- pass's settings (pass 1 is written with the run); `grading_pass_cell` is both the queue of a
-- pass's work (claimed by the workers with a lease, like cells) and the grades of the passes a
-- newer one replaced: when pass k starts, the cells' grades of pass k-1 are copied there first.
-- Only one pass of a run grades at a time, and only once the run's cells are done, so a grade
-- being written always belongs to the latest pass.

alter table public.run add column grading_pass integer not null default 1;

create table public.grading_pass (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  run_id uuid not null,
  number integer not null,
  created_by uuid default auth.uid(),
  grader jsonb,
  checks jsonb not null default '[]',
  score_min double precision not null,
  score_max double precision not null,
  pass_threshold double precision not null,
  created_at timestamptz not null default now(),
  constraint grading_pass_number_key unique (run_id, number),
  constraint grading_pass_id_org_key unique (id, org_id),
  constraint grading_pass_run_fkey foreign key (run_id, org_id)
    references public.run (id, org_id) on delete cascade,
  constraint grading_pass_number_positive check (number >= 1)
);

create table public.grading_pass_cell (
  pass_id uuid not null,
  cell_id uuid not null,
  org_id uuid not null,
  run_id uuid not null,
  -- `queued` and `running`: work for the workers; `done`: graded (or given up on).
  status text not null default 'queued',
  queued_at timestamptz not null default now(),
  lease_owner uuid,
  lease_expires_at timestamptz,
  claims integer not null default 0,
  judge_status public.grade_status,
  judge_score double precision,
  judge_pass boolean,
  judge_reason text,
  judge_output text,
  judge_output_truncated boolean not null default false,
  judge_error text,
  judge_tokens_in integer,
  judge_tokens_out integer,
  judge_cost_usd double precision,
  judge_latency_ms integer,
  check_results jsonb,
  auto_pass boolean,
  graded_at timestamptz,
  primary key (pass_id, cell_id),
  constraint grading_pass_cell_pass_fkey foreign key (pass_id, org_id)
    references public.grading_pass (id, org_id) on delete cascade,
  constraint grading_pass_cell_cell_fkey foreign key (cell_id, org_id)
    references public.run_cell (id, org_id) on delete cascade,
  constraint grading_pass_cell_status_known check (status in ('queued', 'running', 'done'))
);

create index grading_pass_cell_cell_idx on public.grading_pass_cell (cell_id);
create index grading_pass_cell_tenant_queue_idx on public.grading_pass_cell (org_id, queued_at)
  where status = 'queued';
create index grading_pass_cell_leased_idx on public.grading_pass_cell (lease_expires_at)
  where status = 'running';
create index grading_pass_cell_pending_idx on public.grading_pass_cell (run_id)
  where status in ('queued', 'running');

-- Pass 1 of every run there is: the grading it was created with (and has, until now).
insert into public.grading_pass (org_id, run_id, number, created_by, grader, checks, score_min,
  score_max, pass_threshold, created_at)
select org_id, id, 1, created_by, grader, checks, score_min, score_max, pass_threshold, created_at
from public.run;

alter table public.grading_pass enable row level security;
alter table public.grading_pass_cell enable row level security;

do $$
declare
  t text;
  member_at_least constant text :=
    '(org_id = (select auth.uid()) or org_id = any ((select private.org_ids(%L))::uuid[]))';
  viewer constant text := format(member_at_least, 'viewer');
  editor constant text := format(member_at_least, 'editor');
begin
  foreach t in array array['grading_pass', 'grading_pass_cell'] loop
    execute format('create policy %I on public.%I for select to authenticated using (%s)',
                   t || '_select', t, viewer);
    execute format('create policy %I on public.%I for insert to authenticated with check (%s)',
                   t || '_insert', t, editor);
    execute format('create policy %I on public.%I for update to authenticated
                    using (%s) with check (%s)', t || '_update', t, editor, editor);
  end loop;
end
$$;

revoke all on public.grading_pass, public.grading_pass_cell from anon, authenticated;
grant select on public.grading_pass, public.grading_pass_cell to authenticated;
-- Starting a pass (the API, as an editor): the pass, its queue, the grades it replaces, and the
-- run's grading in force; the cells' grades are cleared until the pass writes them.
grant insert on public.grading_pass to promptrefine_api;
grant insert, update on public.grading_pass_cell to promptrefine_api;
grant update (grader, checks, score_min, score_max, pass_threshold, grading_pass)
  on public.run to promptrefine_api;
grant update (judge_status, judge_score, judge_pass, judge_reason, judge_output,
  judge_output_truncated, judge_error, judge_tokens_in, judge_tokens_out, judge_cost_usd,
  judge_latency_ms, check_results, auto_pass)
  on public.run_cell to promptrefine_api;
grant all on public.grading_pass, public.grading_pass_cell to service_role;

-- What the workers claim: grading work first (up to half of what they want, shared fairly
-- between organizations like cells), then cells. One round trip for both kinds.
create function public.claim_work(worker uuid, wanted integer, lease_seconds double precision)
returns table (kind text, cell_id uuid, run_id uuid, run_model_id uuid, org_id uuid,
  grading_pass integer, row_values text, pass_id uuid, input text, output text)
language plpgsql
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
  ), load as (
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

revoke execute on function public.claim_work(uuid, integer, double precision)
  from public, anon, authenticated;
grant execute on function public.claim_work(uuid, integer, double precision) to service_role;
