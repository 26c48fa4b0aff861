-- Provider keys: no user role reads a sealed key, not even its owner's (only the API's role, for
-- its members); members see which providers have one; only admins store one, through the API;
-- strangers see nothing.
begin;
select plan(9);

insert into auth.users (id, email) values
  ('aaaaaaaa-0000-4000-8000-000000000001', 'a@example.test'),
  ('bbbbbbbb-0000-4000-8000-000000000002', 'b@example.test'),
  ('cccccccc-0000-4000-8000-000000000003', 'c@example.test');
-- C is an editor of A's team.
insert into organization (id, name, slug) values
  ('dddddddd-0000-4000-8000-000000000004', 'Team', 'team');
insert into membership (org_id, user_id, role) values
  ('dddddddd-0000-4000-8000-000000000004', 'aaaaaaaa-0000-4000-8000-000000000001', 'owner'),
  ('dddddddd-0000-4000-8000-000000000004', 'cccccccc-0000-4000-8000-000000000003', 'editor');
insert into provider_key (org_id, provider, kek_id, nonce, ciphertext, last4, created_by) values
  ('dddddddd-0000-4000-8000-000000000004', 'openai', 'k1', '\x00', '\x01', '1234',
   'aaaaaaaa-0000-4000-8000-000000000001');

set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "aaaaaaaa-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select throws_ok($$ select ciphertext from provider_key $$, '42501', null,
  'not even the team''s owner reads a sealed key with a token of their own');
select is((select last4 from provider_key), '1234', 'but sees the key''s last four characters');
select throws_ok($$ update provider_key set base_url = 'http://evil.example' $$, '42501', null,
  'and changes nothing directly');

select set_config('request.jwt.claims', '{"sub": "cccccccc-0000-4000-8000-000000000003", "role": "authenticated"}', true);
select is((select count(*) from provider_key), 1::bigint, 'an editor sees that the team has an openai key');

set local role promptrefine_api;
select is((select count(ciphertext) from provider_key), 1::bigint,
  'the API reads a member''s organization''s sealed key (only the API holds the KEK)');
select throws_ok($$
  insert into provider_key (org_id, provider, kek_id, nonce, ciphertext, last4)
  values ('dddddddd-0000-4000-8000-000000000004', 'groq', 'k1', '\x00', '\x01', 'abcd')
$$, '42501', null, 'an editor stores no key, even through the API');
select is_empty($$ delete from provider_key returning 1 $$, 'nor deletes one');

select set_config('request.jwt.claims', '{"sub": "bbbbbbbb-0000-4000-8000-000000000002", "role": "authenticated"}', true);
select is((select count(*) from provider_key), 0::bigint, 'a stranger sees no key of the team');

select set_config('request.jwt.claims', '{"sub": "aaaaaaaa-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select lives_ok($$
  insert into provider_key (org_id, provider, kek_id, nonce, ciphertext, last4)
  values ('dddddddd-0000-4000-8000-000000000004', 'groq', 'k1', '\x00', '\x01', 'abcd')
$$, 'the owner stores one through the API');
reset role;

select * from finish();
rollback;
