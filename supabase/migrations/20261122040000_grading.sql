-- Grading: automatic grades (an LLM judge and deterministic checks) written by the workers, and
-- manual grades with their history. The effective grade is the manual one when set, else the
-- automatic one; the automatic grade is never overwritten by a manual one.

alter table public.run
  -- The dataset column holding the expected answer, for `{{expected}}` and checks.
  add column expected_column text,
  -- The scale the grader scores on, normalised to 0..1; and the normalised score that passes
  -- when the grader does not say `pass` itself.
  add column score_min double precision not null default 0,
  add column score_max double precision not null default 1,
  add column pass_threshold double precision not null default 0.5,
  -- Deterministic checks: [{"type", "value"?, "column"?, "field"?}].
  add column checks jsonb not null default '[]',
  add constraint run_score_scale_valid check (score_min < score_max),
  add constraint run_pass_threshold_range check (pass_threshold between 0 and 1),
  add constraint run_checks_array check (jsonb_typeof(checks) = 'array');

create type public.grade_status as enum ('graded', 'parse_error', 'error');

alter table public.run_cell
  add column judge_status public.grade_status,
  add column judge_score double precision,
  add column judge_pass boolean,
  add column judge_reason text,
  -- The grader's raw answer, kept whatever it said.
  add column judge_output text,
  add column judge_error text,
  add column grader_tokens_in integer,
  add column grader_tokens_out integer,
  add column grader_cost_usd double precision,
  add column grader_latency_ms integer,
  -- [{"type", "passed", "reason"}]
  add column check_results jsonb,
  -- Every check and the judge passed (null: nothing graded it, or the judge gave no verdict).
  add column auto_pass boolean,
  add column manual_grade text,
  add column manual_note text,
  add column manual_graded_at timestamptz,
  add column manual_graded_by uuid,
  add column effective_pass boolean generated always as (
    coalesce(case manual_grade when 'pass' then true when 'fail' then false end, auto_pass)
  ) stored,
  add constraint run_cell_manual_grade_value check (manual_grade in ('pass', 'fail')),
  add constraint run_cell_id_owner_key unique (id, owner_id);

create table public.cell_grade (
  id uuid primary key default gen_random_uuid(),
  cell_id uuid not null,
  owner_id uuid not null default auth.uid(),
  value text not null,
  note text,
  graded_by uuid not null default auth.uid(),
  created_at timestamptz not null default now(),
  constraint cell_grade_cell_fkey foreign key (cell_id, owner_id)
    references public.run_cell (id, owner_id) on delete cascade,
  constraint cell_grade_value check (value in ('pass', 'fail', 'unset')),
  constraint cell_grade_note_length check (char_length(note) <= 2000)
);

create index cell_grade_cell_idx on public.cell_grade (cell_id, created_at);

alter table public.cell_grade enable row level security;

create policy cell_grade_owner on public.cell_grade
  for all to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

revoke all on public.cell_grade from anon, authenticated;
grant select, insert on public.cell_grade to authenticated;
grant update (manual_grade, manual_note, manual_graded_at, manual_graded_by)
  on public.run_cell to authenticated;
grant all on public.cell_grade to service_role;
