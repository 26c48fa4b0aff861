-- Row Level Security and grants of prompts and versions. Rows are written the way the gateway
-- writes them (role `promptrefine_api`, the caller's claims in `request.jwt.claims`); a user's
-- own token reaches the same tables through PostgREST as `authenticated`, which may only read.
begin;
select plan(13);

insert into auth.users (id, email) values
  ('aaaaaaaa-0000-4000-8000-000000000001', 'a@example.test'),
  ('bbbbbbbb-0000-4000-8000-000000000002', 'b@example.test');

-- User A, through the API, writes a prompt and its first version.
set local role promptrefine_api;
select set_config('request.jwt.claims', '{"sub": "aaaaaaaa-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select lives_ok($$
  with p as (
    insert into prompt (id, org_id, name, kind, current_version_id)
    values ('11111111-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', 'A''s prompt', 'generator', '22222222-0000-4000-8000-000000000001')
  )
  insert into prompt_version (id, prompt_id, org_id, version, body, placeholders, body_sha256)
  values ('22222222-0000-4000-8000-000000000001', '11111111-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001', 1, 'Hi {{x}}', '{x}', 'sha')
$$, 'A creates a prompt with its first version through the API');
select is((select created_by from prompt), 'aaaaaaaa-0000-4000-8000-000000000001'::uuid, 'created_by defaults to auth.uid()');
select throws_ok($$ update prompt_version set body = 'changed' $$, '42501', null, 'not even the API may change a version');

-- A's own token, straight to PostgREST: reading is fine, writing is the API's job.
set local role authenticated;
select is((select count(*) from prompt), 1::bigint, 'A reads A''s prompt with A''s own token');
select throws_ok($$ insert into prompt (name, kind) values ('direct', 'generator') $$, '42501', null,
  'A''s own token cannot create a prompt without the API');
select throws_ok($$ update prompt set name = 'direct' $$, '42501', null,
  'A''s own token cannot rename a prompt without the API');
select throws_ok($$ delete from prompt $$, '42501', null, 'A''s own token cannot delete without the API');

-- User B, even through the API, sees nothing of A and changes nothing.
set local role promptrefine_api;
select set_config('request.jwt.claims', '{"sub": "bbbbbbbb-0000-4000-8000-000000000002", "role": "authenticated"}', true);
select is((select count(*) from prompt) + (select count(*) from prompt_version), 0::bigint, 'B sees none of the rows of A''s organization');
select is_empty($$ update prompt set name = 'mine' where id = '11111111-0000-4000-8000-000000000001' returning id $$, 'B cannot rename A''s prompt');
select is_empty($$ delete from prompt where id = '11111111-0000-4000-8000-000000000001' returning id $$, 'B cannot delete A''s prompt');
select throws_ok($$
  insert into prompt (org_id, name, kind) values ('aaaaaaaa-0000-4000-8000-000000000001', 'planted', 'generator')
$$, '42501', null, 'B cannot write a row into A''s organization');
select throws_ok($$
  insert into prompt_version (prompt_id, org_id, version, body, placeholders, body_sha256)
  values ('11111111-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000002', 2, 'hijack', '{}', 'sha')
$$, '23503', null, 'B cannot add a version to A''s prompt from B''s own organization');

-- The anon key (a signed-out visitor of the Data API) reaches nothing, whatever the project's
-- default privileges.
set local role anon;
select throws_ok($$ select 1 from prompt $$, '42501', null, 'anon may not read prompts');

select * from finish();
rollback;
