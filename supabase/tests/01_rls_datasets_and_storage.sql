-- Datasets, their rows, and the `datasets` Storage bucket's per-organization-folder policies (a
-- personal organization's folder is named after its user).
begin;
select plan(11);

insert into auth.users (id, email) values
  ('aaaaaaaa-0000-4000-8000-000000000001', 'a@example.test'),
  ('bbbbbbbb-0000-4000-8000-000000000002', 'b@example.test');

set local role promptrefine_api;
select set_config('request.jwt.claims', '{"sub": "aaaaaaaa-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select lives_ok($$
  with d as (
    insert into dataset (id, org_id, name, source_filename, format, columns, row_count, byte_size, sha256)
    values ('33333333-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', 'qa', 'qa.csv', 'csv', '{question}', 1, 12, 'sha')
  )
  insert into dataset_row (dataset_id, org_id, row_index, values)
  values ('33333333-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', 0, '{"question": "why?"}')
$$, 'A creates a dataset with a row through the API');

-- Storage is reached with the user's own token, as `authenticated`.
set local role authenticated;
select lives_ok($$
  insert into storage.objects (bucket_id, name)
  values ('datasets', 'aaaaaaaa-0000-4000-8000-000000000001/33333333-0000-4000-8000-000000000001/qa.csv')
$$, 'A may store files under A''s folder');
select throws_ok($$
  insert into storage.objects (bucket_id, name) values ('datasets', 'bbbbbbbb-0000-4000-8000-000000000002/x/qa.csv')
$$, '42501', null, 'A may not store files under B''s folder');
select is((select count(*) from dataset_row), 1::bigint, 'A reads A''s rows with A''s own token');
select throws_ok($$
  insert into dataset_row (dataset_id, row_index, values) values ('33333333-0000-4000-8000-000000000001', 1, '{}')
$$, '42501', null, 'A''s own token cannot add rows without the API');

select set_config('request.jwt.claims', '{"sub": "bbbbbbbb-0000-4000-8000-000000000002", "role": "authenticated"}', true);
select is((select count(*) from dataset) + (select count(*) from dataset_row), 0::bigint, 'B sees no dataset and no row of A');
select is((select count(*) from storage.objects where bucket_id = 'datasets'), 0::bigint, 'B sees no file of A');

set local role promptrefine_api;
select is_empty($$ update dataset set name = 'mine' returning id $$, 'B cannot rename A''s dataset');
select throws_ok($$ update dataset_row set values = '{}' $$, '42501', null, 'rows are never updated, by anyone');
select throws_ok($$
  insert into dataset_row (dataset_id, org_id, row_index, values)
  values ('33333333-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000002', 1, '{}')
$$, '23503', null, 'B cannot add rows to A''s dataset');

set local role anon;
select throws_ok($$ select 1 from dataset_row $$, '42501', null, 'anon may not read dataset rows');

select * from finish();
rollback;
