-- Runs: a prompt version x 1..4 models x every dataset row (or one set of variables). Each
-- (model, row) is a cell; the cells are the durable work queue that workers claim with
-- FOR UPDATE SKIP LOCKED and a lease.
--
-- Ownership is enforced by composite foreign keys `(x_id, owner_id)`: a run can only point at the
-- owner's own dataset and prompt version, whatever a client sends directly to the database.

create type public.run_status as enum ('queued', 'running', 'completed', 'failed', 'cancelled');
create type public.cell_status as enum ('queued', 'running', 'succeeded', 'failed', 'cancelled');

alter table public.prompt_version add constraint prompt_version_id_owner_key unique (id, owner_id);

create table public.run (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  prompt_id uuid,
  prompt_version_id uuid,
  -- A snapshot of what the run depends on, kept if the prompt is deleted later.
  prompt_name text not null,
  prompt_version integer not null,
  prompt_body text not null,
  system_prompt text,
  dataset_id uuid,
  dataset_name text,
  variables jsonb not null default '{}',
  grader jsonb,
  concurrency integer,
  status public.run_status not null default 'queued',
  cell_count integer not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  constraint run_id_owner_key unique (id, owner_id),
  constraint run_prompt_fkey foreign key (prompt_id, owner_id)
    references public.prompt (id, owner_id) on delete set null (prompt_id),
  constraint run_prompt_version_fkey foreign key (prompt_version_id, owner_id)
    references public.prompt_version (id, owner_id) on delete set null (prompt_version_id),
  -- A dataset cannot be deleted while runs use it (the API answers 409).
  constraint run_dataset_fkey foreign key (dataset_id, owner_id)
    references public.dataset (id, owner_id) on delete restrict,
  constraint run_concurrency_range check (concurrency between 1 and 1000),
  constraint run_cell_count_positive check (cell_count > 0),
  constraint run_variables_object check (jsonb_typeof(variables) = 'object')
);

create index run_owner_created_idx on public.run (owner_id, created_at desc, id desc);
create index run_prompt_idx on public.run (prompt_id, created_at desc, id desc);
create index run_dataset_idx on public.run (dataset_id);

create trigger run_set_updated_at
  before update on public.run
  for each row execute function public.set_updated_at();

create table public.run_model (
  id uuid primary key default gen_random_uuid(),
  run_id uuid not null,
  owner_id uuid not null default auth.uid(),
  position smallint not null,
  provider text not null,
  model text not null,
  label text not null,
  params jsonb not null default '{}',
  -- Prices at the time of the run, USD per million tokens.
  input_per_mtok double precision not null,
  output_per_mtok double precision not null,
  prices_as_of date,
  constraint run_model_run_fkey foreign key (run_id, owner_id)
    references public.run (id, owner_id) on delete cascade,
  constraint run_model_position_key unique (run_id, position),
  constraint run_model_label_key unique (run_id, label),
  constraint run_model_id_owner_key unique (id, owner_id),
  constraint run_model_position_range check (position between 0 and 3)
);

create table public.run_cell (
  id uuid primary key default gen_random_uuid(),
  run_id uuid not null,
  owner_id uuid not null default auth.uid(),
  run_model_id uuid not null,
  -- The dataset row; null for a run over one set of variables.
  row_index integer,
  status public.cell_status not null default 'queued',
  -- Model calls made for this cell, retries included.
  attempts integer not null default 0,
  -- Times a worker took the cell; a cell taken too often (its workers keep dying) fails.
  claims integer not null default 0,
  -- The worker holding the cell (while `lease_expires_at` is set) or, once done, that ran it.
  lease_owner uuid,
  lease_expires_at timestamptz,
  rendered_system text,
  rendered_prompt text,
  output text,
  error_kind text,
  error_message text,
  finish_reason text,
  latency_ms integer,
  tokens_in integer,
  tokens_out integer,
  cost_usd double precision,
  queued_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  constraint run_cell_run_fkey foreign key (run_id, owner_id)
    references public.run (id, owner_id) on delete cascade,
  constraint run_cell_model_fkey foreign key (run_model_id, owner_id)
    references public.run_model (id, owner_id) on delete cascade
);

create index run_cell_run_updated_idx on public.run_cell (run_id, updated_at, id);
create index run_cell_run_status_idx on public.run_cell (run_id, status);
create index run_cell_model_idx on public.run_cell (run_model_id);
-- The queue: what workers look for.
create index run_cell_queued_idx on public.run_cell (queued_at, id) where status = 'queued';
create index run_cell_leased_idx on public.run_cell (lease_expires_at) where status = 'running';

create trigger run_cell_set_updated_at
  before update on public.run_cell
  for each row execute function public.set_updated_at();

-- Change events, for Server-Sent Events in every gateway process (LISTEN run_events).
-- Cancelled cells are announced once, by their run's status change, not one by one.
create or replace function public.notify_run_cell()
returns trigger
language plpgsql
as $$
begin
  perform pg_notify('run_events', json_build_object(
    'kind', 'cell', 'run_id', new.run_id, 'cell_id', new.id, 'status', new.status)::text);
  return null;
end
$$;

create trigger run_cell_notify
  after update of status on public.run_cell
  for each row
  when (old.status is distinct from new.status and new.status <> 'cancelled')
  execute function public.notify_run_cell();

create or replace function public.notify_run()
returns trigger
language plpgsql
as $$
begin
  perform pg_notify('run_events', json_build_object(
    'kind', 'run', 'run_id', new.id, 'cell_id', null, 'status', new.status)::text);
  return null;
end
$$;

create trigger run_notify
  after update of status on public.run
  for each row
  when (old.status is distinct from new.status)
  execute function public.notify_run();

alter table public.run enable row level security;
alter table public.run_model enable row level security;
alter table public.run_cell enable row level security;

create policy run_owner on public.run
  for all to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

create policy run_model_owner on public.run_model
  for all to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

create policy run_cell_owner on public.run_cell
  for all to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

-- Users create, cancel, retry and delete their runs; results are written by the workers
-- (service_role).
revoke all on public.run, public.run_model, public.run_cell from anon, authenticated;
grant select, insert, delete on public.run to authenticated;
grant update (status, started_at, finished_at) on public.run to authenticated;
grant select, insert on public.run_model to authenticated;
grant select, insert on public.run_cell to authenticated;
grant update (status, queued_at, claims, lease_owner, lease_expires_at, error_kind, error_message,
  finished_at) on public.run_cell to authenticated;
grant all on public.run, public.run_model, public.run_cell to service_role;

-- Claiming cells, in one round trip: the head of the queue (skipping cells other workers are
-- taking), within each run's `concurrency`. Runs with a limit are locked before their running
-- cells are counted, so that concurrent claimers count one after the other; each statement of a
-- plpgsql function sees what committed before it, so the count is current once the lock is held.
-- Called by workers as service_role.
create or replace function public.claim_run_cells(
  worker uuid, wanted integer, lease_seconds double precision)
returns table (cell_id uuid, cell_run_id uuid, cell_run_model_id uuid, row_values jsonb)
language plpgsql
as $$
declare
  candidates uuid[];
  limited uuid[];
begin
  select array_agg(head.id) into candidates from (
    select c.id from public.run_cell c
    where c.status = 'queued'
    order by c.queued_at, c.id
    limit wanted
    for update skip locked
  ) head;
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
    returning c.id, c.run_id, c.run_model_id, c.row_index
  ), started as (
    update public.run r set status = 'running', started_at = coalesce(r.started_at, now())
    where r.id in (select claimed.run_id from claimed) and r.status = 'queued'
  )
  select claimed.id, claimed.run_id, claimed.run_model_id, d.values
  from claimed
  join public.run r on r.id = claimed.run_id
  left join public.dataset_row d on d.dataset_id = r.dataset_id and d.row_index = claimed.row_index;
end
$$;

revoke execute on function public.claim_run_cells(uuid, integer, double precision) from public, anon, authenticated;
grant execute on function public.claim_run_cells(uuid, integer, double precision) to service_role;
