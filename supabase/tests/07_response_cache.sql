-- The response cache: an organization's editors and its `execute` keys read and write its
-- answers (a deployment's calls are made as them); viewers, read keys and strangers see none;
-- users' own tokens (PostgREST) reach none at all; no answer is written into another org.
begin;
select plan(11);

insert into auth.users (id, email, email_confirmed_at) values
  ('a0000000-0000-4000-8000-000000000003', 'editor@example.test', now()),
  ('a0000000-0000-4000-8000-000000000004', 'viewer@example.test', now()),
  ('a0000000-0000-4000-8000-000000000005', 'outsider@example.test', now());
insert into organization (id, name, slug, created_by) values
  ('e0000000-0000-4000-8000-00000000000e', 'Team', 'team', 'a0000000-0000-4000-8000-000000000003');
insert into membership (org_id, user_id, role) values
  ('e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000003', 'owner'),
  ('e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000004', 'viewer');
insert into api_key (id, org_id, name, prefix, key_sha256, scopes, created_by) values
  ('90000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e', 'exec', 'pr_live_aaaa', repeat('a', 64), '{execute}', 'a0000000-0000-4000-8000-000000000003'),
  ('90000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-00000000000e', 'read', 'pr_live_bbbb', repeat('b', 64), '{read}', 'a0000000-0000-4000-8000-000000000003');

set local role promptrefine_api;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000003", "role": "authenticated"}', true);
select lives_ok($$
  insert into response_cache (org_id, key_sha256, provider, model, output, tokens_in, tokens_out, cost_usd)
  values ('e0000000-0000-4000-8000-00000000000e', repeat('1', 64), 'mock', 'echo', 'hi', 1, 1, 0.001)
$$, 'an editor keeps an answer of the team');
select throws_ok($$
  insert into response_cache (org_id, key_sha256, provider, model, output, tokens_in, tokens_out, cost_usd)
  values ('a0000000-0000-4000-8000-000000000005', repeat('2', 64), 'mock', 'echo', 'planted', 1, 1, 0)
$$, '42501', null, 'but never in another organization''s cache');
select throws_ok($$
  insert into response_cache (org_id, key_sha256, provider, model, output, tokens_in, tokens_out, cost_usd)
  values ('e0000000-0000-4000-8000-00000000000e', 'not a digest', 'mock', 'echo', 'x', 1, 1, 0)
$$, '23514', null, 'a key is a SHA-256 in hex');

select set_config('request.jwt.claims', '{"key_id": "90000000-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select is((select output from response_cache), 'hi', 'an execute key reads its organization''s answers');
select lives_ok($$
  insert into response_cache (org_id, key_sha256, provider, model, output, tokens_in, tokens_out, cost_usd)
  values ('e0000000-0000-4000-8000-00000000000e', repeat('1', 64), 'mock', 'echo', 'hello', 1, 1, 0.001)
  on conflict (org_id, key_sha256) do update set output = excluded.output
$$, 'and replaces one');

select set_config('request.jwt.claims', '{"key_id": "90000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);
select is((select count(*) from response_cache), 0::bigint, 'a read key sees none');
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000004", "role": "authenticated"}', true);
select is((select count(*) from response_cache), 0::bigint, 'nor does a viewer');
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000005", "role": "authenticated"}', true);
select is((select count(*) from response_cache), 0::bigint, 'nor a stranger');
select throws_ok($$ delete from response_cache $$, '42501', null, 'the API deletes no answer (the sweep does)');

set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000003", "role": "authenticated"}', true);
select throws_ok($$ select * from response_cache $$, '42501', null,
  'an editor''s own token reaches no cache through PostgREST');
reset role;
select is((select output from response_cache), 'hello', 'one answer, as replaced');

select * from finish();
rollback;
