-- Grading passes: members read a run's passes and the grades each gave; only the API (as an
-- editor) starts one, only the workers write grades, and a stranger sees and changes nothing.
begin;
select plan(13);

insert into auth.users (id, email) values
  ('aaaaaaaa-0000-4000-8000-000000000001', 'a@example.test'),
  ('bbbbbbbb-0000-4000-8000-000000000002', 'b@example.test');

select set_config('request.jwt.claims', '{"sub": "aaaaaaaa-0000-4000-8000-000000000001", "role": "authenticated"}', true);
-- A's finished run, graded twice: pass 1 said `error`, pass 2 (the latest) `graded`.
insert into run (id, org_id, prompt_name, prompt_version, prompt_body, cell_count, grading_pass)
values ('44444444-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', 'p', 1, 'Hi', 1, 2);
insert into run_model (id, run_id, org_id, position, provider, model, label, input_per_mtok, output_per_mtok)
values ('55555555-0000-4000-8000-000000000001', '44444444-0000-4000-8000-000000000001',
        'aaaaaaaa-0000-4000-8000-000000000001', 0, 'mock', 'echo', 'echo', 1, 2);
insert into run_cell (id, run_id, org_id, run_model_id, status, output, judge_status, auto_pass)
values ('66666666-0000-4000-8000-000000000001', '44444444-0000-4000-8000-000000000001',
        'aaaaaaaa-0000-4000-8000-000000000001', '55555555-0000-4000-8000-000000000001',
        'succeeded', 'Hi', 'graded', true);
insert into grading_pass (id, org_id, run_id, number, score_min, score_max, pass_threshold) values
  ('77777777-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001',
   '44444444-0000-4000-8000-000000000001', 1, 0, 1, 0.5),
  ('77777777-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000001',
   '44444444-0000-4000-8000-000000000001', 2, 0, 1, 0.5);
insert into grading_pass_cell (pass_id, cell_id, org_id, run_id, status, judge_status, judge_error) values
  ('77777777-0000-4000-8000-000000000001', '66666666-0000-4000-8000-000000000001',
   'aaaaaaaa-0000-4000-8000-000000000001', '44444444-0000-4000-8000-000000000001', 'done', 'error', 'down'),
  ('77777777-0000-4000-8000-000000000002', '66666666-0000-4000-8000-000000000001',
   'aaaaaaaa-0000-4000-8000-000000000001', '44444444-0000-4000-8000-000000000001', 'done', 'graded', null);

-- A, with A's own token (PostgREST): reads everything, writes nothing.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "aaaaaaaa-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select is((select count(*) from grading_pass), 2::bigint, 'A reads the passes of A''s run');
select is((select count(*) from grading_pass_cell), 2::bigint, 'and the grades each gave');
select is((select judge_status::text || '/' || judge_error from grading_pass_cell
           where pass_id = '77777777-0000-4000-8000-000000000001'),
          'error/down', 'pass 1''s grade of the cell is kept');
select is((select judge_status::text from run_cell), 'graded', 'the cell holds the latest pass''s');
select throws_ok($$
  insert into grading_pass (org_id, run_id, number, score_min, score_max, pass_threshold)
  values ('aaaaaaaa-0000-4000-8000-000000000001', '44444444-0000-4000-8000-000000000001', 3, 0, 1, 0.5)
$$, '42501', null, 'a user''s own token starts no pass');
select throws_ok($$ update grading_pass_cell set status = 'queued' $$, '42501', null,
  'nor queues grading work');
select throws_ok($$ update run_cell set judge_status = 'graded', auto_pass = true $$, '42501', null,
  'nor writes a grade into a cell');
select throws_ok($$ select * from claim_work(gen_random_uuid(), 10, 60) $$, '42501', null,
  'nor claims work as a worker');

-- B, a stranger, through the API's role.
set local role promptrefine_api;
select set_config('request.jwt.claims', '{"sub": "bbbbbbbb-0000-4000-8000-000000000002", "role": "authenticated"}', true);
select is((select count(*) from grading_pass) + (select count(*) from grading_pass_cell), 0::bigint,
  'B sees no pass of A''s');
select is((select count(*) from run_cell), 0::bigint, 'nor A''s cells');
select throws_ok($$
  insert into grading_pass (org_id, run_id, number, score_min, score_max, pass_threshold)
  values ('aaaaaaaa-0000-4000-8000-000000000001', '44444444-0000-4000-8000-000000000001', 3, 0, 1, 0.5)
$$, '42501', null, 'B starts no pass of A''s run');
select is_empty($$ update grading_pass_cell set status = 'queued' returning 1 $$,
  'nor queues A''s grading work');

-- A through the API: starts a pass.
select set_config('request.jwt.claims', '{"sub": "aaaaaaaa-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select lives_ok($$
  insert into grading_pass (org_id, run_id, number, score_min, score_max, pass_threshold)
  values ('aaaaaaaa-0000-4000-8000-000000000001', '44444444-0000-4000-8000-000000000001', 3, 0, 1, 0.5)
$$, 'the API starts a pass of A''s run for A');
reset role;

select * from finish();
rollback;
