-- Draft versions: promoting a draft is the only change a version allows. And a prompt's current
-- version number goes with its current version.
begin;
select plan(6);

insert into auth.users (id, email, email_confirmed_at) values
  ('a0000000-0000-4000-8000-000000000003', 'editor@example.test', now());
insert into prompt (id, org_id, created_by, name, kind, current_version_id) values
  ('10000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000003',
   'a0000000-0000-4000-8000-000000000003', 'p', 'generator', '20000000-0000-4000-8000-000000000001');
insert into prompt_version (id, prompt_id, org_id, created_by, version, body, placeholders, body_sha256, draft) values
  ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001',
   'a0000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000003', 1, 'v1', '{}', 'a', false),
  ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001',
   'a0000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000003', 2, 'draft', '{}', 'b', true);

set local role promptrefine_api;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000003", "role": "authenticated"}', true);
select throws_ok($$ update prompt_version set body = 'changed' where version = 2 $$, '42501', null,
  'the API cannot change a body');
select lives_ok($$ update prompt_version set draft = false where version = 2 $$, 'it promotes a draft');
select throws_ok($$ update prompt_version set draft = true where version = 1 $$, '23001', null,
  'but never makes a version a draft');
reset role;
select throws_ok($$ update prompt_version set body = 'changed', draft = false where version = 2 $$, '23001', null,
  'not even the owner changes a body, promoting or not');

set constraints prompt_current_version_fkey immediate;
select lives_ok($$ update prompt set current_version_id = '20000000-0000-4000-8000-000000000002',
  current_version = 2 where id = '10000000-0000-4000-8000-000000000001' $$, 'a prompt points at a version by its id and number');
select throws_ok($$ update prompt set current_version = 1
  where id = '10000000-0000-4000-8000-000000000001' $$, '23503', null,
  'and never by a number that is not that version''s');

select * from finish();
rollback;
