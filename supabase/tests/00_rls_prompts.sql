-- Row Level Security of prompts and versions, checked as Supabase users would reach them
-- (role `authenticated`, claims in `request.jwt.claims`), whatever the client.
begin;
select plan(10);

insert into auth.users (id, email) values
  ('aaaaaaaa-0000-4000-8000-000000000001', 'a@example.test'),
  ('bbbbbbbb-0000-4000-8000-000000000002', 'b@example.test');

-- User A writes a prompt and its first version.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "aaaaaaaa-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select lives_ok($$
  with p as (
    insert into prompt (id, name, kind, current_version_id)
    values ('11111111-0000-4000-8000-000000000001', 'A''s prompt', 'generator', '22222222-0000-4000-8000-000000000001')
  )
  insert into prompt_version (id, prompt_id, version, body, placeholders, body_sha256)
  values ('22222222-0000-4000-8000-000000000001', '11111111-0000-4000-8000-000000000001', 1, 'Hi {{x}}', '{x}', 'sha')
$$, 'A creates a prompt with its first version');
select is((select owner_id from prompt), 'aaaaaaaa-0000-4000-8000-000000000001'::uuid, 'owner_id defaults to auth.uid()');
select throws_ok($$ update prompt_version set body = 'changed' $$, '42501', null, 'not even the owner may change a version');

-- User B sees nothing and changes nothing.
select set_config('request.jwt.claims', '{"sub": "bbbbbbbb-0000-4000-8000-000000000002", "role": "authenticated"}', true);
select is((select count(*) from prompt) + (select count(*) from prompt_version), 0::bigint, 'B sees none of A''s rows');
select is_empty($$ update prompt set name = 'mine' where id = '11111111-0000-4000-8000-000000000001' returning id $$, 'B cannot rename A''s prompt');
select is_empty($$ delete from prompt where id = '11111111-0000-4000-8000-000000000001' returning id $$, 'B cannot delete A''s prompt');
select throws_ok($$
  insert into prompt (owner_id, name, kind) values ('aaaaaaaa-0000-4000-8000-000000000001', 'planted', 'generator')
$$, '42501', null, 'B cannot write a row in A''s name');
select throws_ok($$
  insert into prompt_version (prompt_id, version, body, placeholders, body_sha256)
  values ('11111111-0000-4000-8000-000000000001', 2, 'hijack', '{}', 'sha')
$$, '23503', null, 'B cannot add a version to A''s prompt');

-- Without a token's claims, `authenticated` sees nothing either.
select set_config('request.jwt.claims', '', true);
select is((select count(*) from prompt), 0::bigint, 'no claims, no rows');

-- The anon key (a signed-out visitor of the Data API) reaches nothing, whatever the project's
-- default privileges.
set local role anon;
select throws_ok($$ select 1 from prompt $$, '42501', null, 'anon may not read prompts');

select * from finish();
rollback;
