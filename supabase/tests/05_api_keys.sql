-- API keys: only admins see and make them; a request with a key (claims naming the key, no user)
-- reads its organization as a viewer would, writes nothing, and stops with its revocation.
begin;
select plan(16);

insert into auth.users (id, email, email_confirmed_at) values
  ('a0000000-0000-4000-8000-000000000001', 'owner@example.test', now()),
  ('a0000000-0000-4000-8000-000000000004', 'viewer@example.test', now());
insert into organization (id, name, slug, created_by) values
  ('e0000000-0000-4000-8000-00000000000e', 'Team', 'team', 'a0000000-0000-4000-8000-000000000001');
insert into membership (org_id, user_id, role) values
  ('e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000001', 'owner'),
  ('e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000004', 'viewer');
insert into prompt (id, org_id, created_by, name, kind) values
  ('10000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000001', 'team', 'generator'),
  ('10000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'personal', 'generator');

-- Admins make keys through the API; viewers cannot.
set local role promptrefine_api;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000004", "role": "authenticated"}', true);
select throws_ok($$
  insert into api_key (org_id, name, prefix, key_sha256, scopes)
  values ('e0000000-0000-4000-8000-00000000000e', 'mine', 'pr_live_xxxx', repeat('0', 64), '{read}')
$$, '42501', null, 'a viewer cannot make a key');
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select lives_ok($$
  insert into api_key (id, org_id, name, prefix, key_sha256, scopes) values
    ('90000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e', 'read', 'pr_live_aaaa', repeat('a', 64), '{read}'),
    ('90000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-00000000000e', 'execute', 'pr_live_bbbb', repeat('b', 64), '{execute}')
$$, 'the owner makes keys');
select is((select count(*) from api_key), 2::bigint, 'and sees them');
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000004", "role": "authenticated"}', true);
select is((select count(*) from api_key), 0::bigint, 'a viewer does not');

-- Looking a key up needs its hash, not its id.
select is((select org_id from private.api_key_grant(repeat('a', 64))), 'e0000000-0000-4000-8000-00000000000e'::uuid,
  'a key is found by its hash');
select is((select count(*) from private.api_key_grant(repeat('c', 64))), 0::bigint, 'an unknown hash finds nothing');

-- A read key: a viewer of its organization, nothing more.
select set_config('request.jwt.claims', '{"key_id": "90000000-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select is((select count(*) from prompt), 1::bigint, 'a read key reads its organization''s prompt, not a member''s personal one');
select is((select count(*) from api_key), 0::bigint, 'a key sees no keys');
select is_empty($$ update membership set role = 'owner' returning user_id $$, 'nor changes a role');
select throws_ok($$ insert into prompt (org_id, name, kind) values ('e0000000-0000-4000-8000-00000000000e', 'n', 'generator') $$,
  '42501', null, 'a key cannot create');
select is_empty($$ update prompt set name = 'x' returning id $$, 'nor change');
select is_empty($$ delete from prompt returning id $$, 'nor delete');
select is((select private.role_in('e0000000-0000-4000-8000-00000000000e')), 'viewer'::org_role, 'its role is viewer');

-- An execute key reads nothing through the read policies; a revoked key stops at once.
select set_config('request.jwt.claims', '{"key_id": "90000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);
select is((select count(*) from prompt), 0::bigint, 'an execute-only key reads nothing');
reset role;
update api_key set revoked_at = now() where id = '90000000-0000-4000-8000-000000000001';
set local role promptrefine_api;
select set_config('request.jwt.claims', '{"key_id": "90000000-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select is((select count(*) from prompt), 0::bigint, 'a revoked key reads nothing, in the very next statement');
select is((select count(*) from private.api_key_grant(repeat('a', 64))), 0::bigint, 'and is no longer found');

select * from finish();
rollback;
