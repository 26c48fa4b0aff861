-- A run's budget: once what its cells spent (generation and grading) reaches `max_cost_usd`, its
-- queued cells are cancelled with `budget_exceeded` (cells already in flight finish, so a run
-- can pass its budget by what those cost) and the run records when.

alter table public.run
  add column max_cost_usd double precision,
  add column budget_exceeded_at timestamptz,
  add constraint run_max_cost_positive check (max_cost_usd > 0);

alter table public.run_cell drop constraint run_cell_error_kind_known;
alter table public.run_cell add constraint run_cell_error_kind_known check (error_kind in (
  'rate_limited', 'timeout', 'auth', 'invalid_request', 'provider_error', 'answer_too_large',
  'invalid_input', 'prompt_too_large', 'unavailable', 'abandoned', 'internal', 'budget_exceeded'));
