-- Re-runs: a run made from another (`POST /v1/runs/{id}/rerun`) names it, with the same dataset
-- and settings, over all its rows or only some.

alter table public.run
  add column parent_run_id uuid references public.run (id) on delete set null;

create index run_parent_idx on public.run (parent_run_id) where parent_run_id is not null;
