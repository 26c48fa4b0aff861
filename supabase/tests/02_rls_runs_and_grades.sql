-- Runs, models, cells and manual grades; and the workers' claim function, which is not for users.
begin;
select plan(12);

insert into auth.users (id, email) values
  ('aaaaaaaa-0000-4000-8000-000000000001', 'a@example.test'),
  ('bbbbbbbb-0000-4000-8000-000000000002', 'b@example.test');

set local role promptrefine_api;
select set_config('request.jwt.claims', '{"sub": "aaaaaaaa-0000-4000-8000-000000000001", "role": "authenticated"}', true);
insert into dataset (id, org_id, name, source_filename, format, columns, row_count, byte_size, sha256)
values ('33333333-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', 'qa', 'qa.csv', 'csv', '{question}', 1, 12, 'sha');
select lives_ok($$
  with r as (
    insert into run (id, org_id, prompt_name, prompt_version, prompt_body, dataset_id, cell_count)
    values ('44444444-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', 'p', 1, 'Q: {{question}}', '33333333-0000-4000-8000-000000000001', 1)
  ), m as (
    insert into run_model (id, run_id, org_id, position, provider, model, label, input_per_mtok, output_per_mtok)
    values ('55555555-0000-4000-8000-000000000001', '44444444-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', 0, 'mock', 'echo', 'echo', 1, 2)
  )
  insert into run_cell (id, run_id, org_id, run_model_id, row_index)
  values ('66666666-0000-4000-8000-000000000001', '44444444-0000-4000-8000-000000000001',
          'aaaaaaaa-0000-4000-8000-000000000001', '55555555-0000-4000-8000-000000000001', 0)
$$, 'A creates a run with a model and a cell through the API');
select throws_ok($$ update run_cell set output = 'forged', tokens_out = 1 $$, '42501', null,
  'not even the API writes a result: only workers do');
reset role;
update run_cell set status = 'succeeded', output = 'Q: why?' where id = '66666666-0000-4000-8000-000000000001';
set local role promptrefine_api;
select lives_ok($$
  insert into cell_grade (cell_id, org_id, value)
  values ('66666666-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', 'pass')
$$, 'A grades A''s cell through the API');
select throws_ok($$ select * from claim_run_cells(gen_random_uuid(), 10, 60) $$, '42501', null,
  'the API cannot claim cells: only workers (service_role) can');

set local role authenticated;
select is((select count(*) from run_cell where output = 'Q: why?'), 1::bigint, 'A reads A''s cells with A''s own token');
select throws_ok($$ select * from claim_run_cells(gen_random_uuid(), 10, 60) $$, '42501', null,
  'users cannot claim cells either');

set local role promptrefine_api;
select set_config('request.jwt.claims', '{"sub": "bbbbbbbb-0000-4000-8000-000000000002", "role": "authenticated"}', true);
select is((select count(*) from run) + (select count(*) from run_model) + (select count(*) from run_cell)
          + (select count(*) from cell_grade), 0::bigint, 'B sees nothing of A''s run');
select is_empty($$ update run_cell set manual_grade = 'fail' returning id $$, 'B cannot grade A''s cells');
select is_empty($$ delete from run returning id $$, 'B cannot delete A''s run');
select throws_ok($$
  insert into run (org_id, prompt_name, prompt_version, prompt_body, dataset_id, cell_count)
  values ('bbbbbbbb-0000-4000-8000-000000000002', 'p', 1, 'x', '33333333-0000-4000-8000-000000000001', 1)
$$, '23503', null, 'B cannot point a run of B''s organization at A''s dataset');
select throws_ok($$
  insert into cell_grade (cell_id, org_id, value)
  values ('66666666-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000002', 'fail')
$$, '23503', null, 'B cannot grade A''s cell through the history either');

set local role anon;
select throws_ok($$ select 1 from run_cell $$, '42501', null, 'anon may not read cells');

select * from finish();
rollback;
