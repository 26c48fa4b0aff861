-- A cell's judgement is one thing: its columns are all `judge_<field>`, named as the API names
-- the judgement's fields, so that it is read and written as one group.
alter table public.run_cell rename column grader_tokens_in to judge_tokens_in;
alter table public.run_cell rename column grader_tokens_out to judge_tokens_out;
alter table public.run_cell rename column grader_cost_usd to judge_cost_usd;
alter table public.run_cell rename column grader_latency_ms to judge_latency_ms;

-- Why a cell failed is one of a known set (`render` was the old name of `invalid_input`).
update public.run_cell set error_kind = 'invalid_input' where error_kind = 'render';
alter table public.run_cell add constraint run_cell_error_kind_known check (error_kind in (
  'rate_limited', 'timeout', 'auth', 'invalid_request', 'provider_error', 'answer_too_large',
  'invalid_input', 'prompt_too_large', 'unavailable', 'abandoned', 'internal'));
