-- What a user could once do with their own token straight to PostgREST (role `authenticated`),
-- skipping every rule of the API. Each is refused now: `authenticated` may only read.
begin;
select plan(11);

insert into auth.users (id, email) values
  ('aaaaaaaa-0000-4000-8000-000000000001', 'a@example.test'),
  ('bbbbbbbb-0000-4000-8000-000000000002', 'b@example.test');

-- A has a run with a queued cell (made through the API) and a dataset.
set local role promptrefine_api;
select set_config('request.jwt.claims', '{"sub": "aaaaaaaa-0000-4000-8000-000000000001", "role": "authenticated"}', true);
insert into dataset (id, org_id, name, source_filename, format, columns, row_count, byte_size, sha256)
values ('33333333-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', 'qa', 'qa.csv', 'csv', '{question}', 1, 12, 'sha');
insert into run (id, org_id, prompt_name, prompt_version, prompt_body, cell_count)
values ('44444444-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', 'p', 1, 'Hi', 1);
insert into run_model (id, run_id, org_id, position, provider, model, label, input_per_mtok, output_per_mtok)
values ('55555555-0000-4000-8000-000000000001', '44444444-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', 0, 'mock', 'echo', 'echo', 1, 2);
insert into run_cell (id, run_id, org_id, run_model_id)
values ('66666666-0000-4000-8000-000000000001', '44444444-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', '55555555-0000-4000-8000-000000000001');

-- Now A, with A's own token, skipping the API.
set local role authenticated;
select throws_ok($$
  insert into run (prompt_name, prompt_version, prompt_body, cell_count) values ('p', 1, 'x', 500)
$$, '42501', null, 'a run past MAX_RUN_CELLS cannot be inserted directly');
select throws_ok($$
  insert into run_model (run_id, position, provider, model, label, params, input_per_mtok, output_per_mtok)
  values ('44444444-0000-4000-8000-000000000001', 1, 'openai', 'unlisted', 'x',
          '{"max_tokens": 4000000000}', -1000000, -1000000)
$$, '42501', null, 'an unlisted model with max_tokens 4e9 and negative prices cannot be inserted directly');
select throws_ok($$
  insert into run_cell (run_id, run_model_id)
  select '44444444-0000-4000-8000-000000000001', '55555555-0000-4000-8000-000000000001'
  from generate_series(1, 500)
$$, '42501', null, '500 extra cells cannot be queued directly');
select throws_ok($$
  update run_cell set status = 'queued', queued_at = '-infinity'
$$, '42501', null, 'cells cannot be requeued at -infinity to jump the queue');
select throws_ok($$
  update run_cell set claims = 0, lease_owner = null
$$, '42501', null, 'leases and claim counts cannot be reset directly');
select throws_ok($$ update run set status = 'queued' $$, '42501', null,
  'a run''s status cannot be changed directly');
select throws_ok($$
  insert into dataset (name, source_filename, format, columns, row_count, byte_size, sha256)
  values ('stolen', 'qa.csv', 'csv', '{}', 0, 0, 'sha')
$$, '42501', null, 'a dataset cannot be inserted directly');
select hasnt_column('public', 'dataset', 'storage_path',
  'no row names a storage key: keys are derived from the organization and the dataset id');
select throws_ok($$
  insert into run (id, prompt_name, prompt_version, prompt_body, cell_count)
  values ('77777777-0000-4000-8000-000000000001', 'p', 1, 'x', 1)
$$, '42501', null, 'a run cannot be pre-created with an id of the user''s choosing');
select throws_ok($$
  insert into run_quota (tokens) values (1000000)
$$, '42501', null, 'the run-creation budget cannot be refilled directly');

-- And B, through the API, cannot reset A's budget either.
set local role promptrefine_api;
select set_config('request.jwt.claims', '{"sub": "bbbbbbbb-0000-4000-8000-000000000002", "role": "authenticated"}', true);
select throws_ok($$
  insert into run_quota (org_id, tokens) values ('aaaaaaaa-0000-4000-8000-000000000001', 1000000)
$$, '42501', null, 'B cannot write A''s budget');

select * from finish();
rollback;
