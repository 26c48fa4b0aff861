-- Deployments and their call log: editors manage and call; an `execute` key calls its
-- organization's deployments (through `private.deployment_to_execute`) and logs its calls as
-- itself; members read the log; nobody logs in someone else's name.
begin;
select plan(20);

insert into auth.users (id, email, email_confirmed_at) values
  ('a0000000-0000-4000-8000-000000000003', 'editor@example.test', now()),
  ('a0000000-0000-4000-8000-000000000004', 'viewer@example.test', now()),
  ('a0000000-0000-4000-8000-000000000005', 'outsider@example.test', now());
insert into organization (id, name, slug, created_by) values
  ('e0000000-0000-4000-8000-00000000000e', 'Team', 'team', 'a0000000-0000-4000-8000-000000000003');
insert into membership (org_id, user_id, role) values
  ('e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000003', 'owner'),
  ('e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000004', 'viewer');
insert into prompt (id, org_id, created_by, name, kind, current_version_id) values
  ('10000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e',
   'a0000000-0000-4000-8000-000000000003', 'p', 'generator', '20000000-0000-4000-8000-000000000001');
insert into prompt_version (id, prompt_id, org_id, created_by, version, body, placeholders, body_sha256) values
  ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001',
   'e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000003', 1, 'Hi {{name}}', '{name}', 'sha');
insert into api_key (id, org_id, name, prefix, key_sha256, scopes, created_by) values
  ('90000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e', 'exec', 'pr_live_aaaa', repeat('a', 64), '{execute}', 'a0000000-0000-4000-8000-000000000003'),
  ('90000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-00000000000e', 'read', 'pr_live_bbbb', repeat('b', 64), '{read}', 'a0000000-0000-4000-8000-000000000003');

set local role promptrefine_api;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000004", "role": "authenticated"}', true);
select throws_ok($$
  insert into deployment (org_id, name, slug, prompt_id, model)
  values ('e0000000-0000-4000-8000-00000000000e', 'd', 'd', '10000000-0000-4000-8000-000000000001', '{"provider": "mock", "model": "echo"}')
$$, '42501', null, 'a viewer cannot deploy');
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000003", "role": "authenticated"}', true);
select lives_ok($$
  insert into deployment (org_id, name, slug, prompt_id, model)
  values ('e0000000-0000-4000-8000-00000000000e', 'd', 'greet', '10000000-0000-4000-8000-000000000001', '{"provider": "mock", "model": "echo"}')
$$, 'an editor deploys');
select is((select body from private.deployment_to_execute('e0000000-0000-4000-8000-00000000000e', 'greet')),
  'Hi {{name}}', 'an editor may call it: it resolves to the current version''s body');
select lives_ok($$
  insert into deployment_call (org_id, deployment_slug, user_id, variables, rendered_prompt, status)
  values ('e0000000-0000-4000-8000-00000000000e', 'greet', 'a0000000-0000-4000-8000-000000000003', '{}', 'Hi', 'succeeded')
$$, 'an editor logs a call as themselves');
select throws_ok($$
  insert into deployment_call (org_id, deployment_slug, user_id, variables, rendered_prompt, status)
  values ('e0000000-0000-4000-8000-00000000000e', 'greet', 'a0000000-0000-4000-8000-000000000004', '{}', 'Hi', 'succeeded')
$$, '42501', null, 'but not in someone else''s name');
select throws_ok($$ delete from prompt $$, '23503', null, 'a deployed prompt cannot be deleted');

select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000004", "role": "authenticated"}', true);
select is((select count(*) from private.deployment_to_execute('e0000000-0000-4000-8000-00000000000e', 'greet')),
  0::bigint, 'a viewer may not call it');
select is((select count(*) from deployment_call), 1::bigint, 'a viewer reads the log');

select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000005", "role": "authenticated"}', true);
select is((select count(*) from deployment) + (select count(*) from deployment_call), 0::bigint,
  'a stranger sees no deployment and no call');
select is((select count(*) from private.deployment_to_execute('e0000000-0000-4000-8000-00000000000e', 'greet')),
  0::bigint, 'nor calls one');

select set_config('request.jwt.claims', '{"key_id": "90000000-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select is((select count(*) from private.deployment_to_execute('e0000000-0000-4000-8000-00000000000e', 'greet')),
  1::bigint, 'an execute key calls it');
select lives_ok($$
  insert into deployment_call (org_id, deployment_slug, api_key_id, variables, rendered_prompt, status)
  values ('e0000000-0000-4000-8000-00000000000e', 'greet', '90000000-0000-4000-8000-000000000001', '{}', 'Hi', 'succeeded')
$$, 'and logs the call as itself');
select throws_ok($$
  insert into deployment_call (org_id, deployment_slug, api_key_id, variables, rendered_prompt, status)
  values ('e0000000-0000-4000-8000-00000000000e', 'greet', '90000000-0000-4000-8000-000000000002', '{}', 'Hi', 'succeeded')
$$, '42501', null, 'not as another key');
select is((select count(*) from deployment_call), 0::bigint, 'an execute-only key reads no log');
select is((select count(*) from prompt), 0::bigint, 'nor prompts');

select set_config('request.jwt.claims', '{"key_id": "90000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);
select is((select count(*) from private.deployment_to_execute('e0000000-0000-4000-8000-00000000000e', 'greet')),
  0::bigint, 'a read key does not call');
reset role;
update api_key set revoked_at = now() where id = '90000000-0000-4000-8000-000000000001';
set local role promptrefine_api;
select set_config('request.jwt.claims', '{"key_id": "90000000-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select is((select count(*) from private.deployment_to_execute('e0000000-0000-4000-8000-00000000000e', 'greet')),
  0::bigint, 'a revoked key calls nothing');

-- Rate limits: taken through their function only, all buckets or none.
select is((select allowed from private.take_rate_tokens('{deployment:t,api_key:t}', '{2,1}')), true,
  'a call takes a token from each bucket');
select is((select allowed from private.take_rate_tokens('{deployment:t,api_key:t}', '{2,1}')), false,
  'the key''s single token is gone: refused');
set local role authenticated;
select throws_ok($$ select * from private.rate_bucket $$, '42501', null, 'nobody reads or writes the buckets directly');
reset role;

select * from finish();
rollback;
