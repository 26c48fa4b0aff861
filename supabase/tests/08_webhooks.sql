-- Webhooks: only an organization's admins see and manage its endpoints and deliveries; nobody
-- reads a signing secret back, not even them; events are written, with one delivery per
-- subscribed endpoint, in the transaction of what caused them.
begin;
select plan(12);

insert into auth.users (id, email, email_confirmed_at) values
  ('a0000000-0000-4000-8000-000000000003', 'admin@example.test', now()),
  ('a0000000-0000-4000-8000-000000000004', 'editor@example.test', now()),
  ('a0000000-0000-4000-8000-000000000005', 'outsider@example.test', now());
insert into organization (id, name, slug, created_by) values
  ('e0000000-0000-4000-8000-00000000000e', 'Team', 'team', 'a0000000-0000-4000-8000-000000000003');
insert into membership (org_id, user_id, role) values
  ('e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000003', 'owner'),
  ('e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000004', 'editor');

set local role promptrefine_api;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000003", "role": "authenticated"}', true);
select lives_ok($$
  insert into webhook (id, org_id, url, events, secret)
  values ('c0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e',
          'https://example.com/a', '{run.completed}', 'c2VjcmV0')
$$, 'an admin registers an endpoint');
select throws_ok($$ select secret from webhook $$, '42501', null, 'but cannot read its secret back');
select throws_ok($$
  insert into webhook (org_id, url, events, secret)
  values ('a0000000-0000-4000-8000-000000000005', 'https://example.com/b', '{run.completed}', 'x')
$$, '42501', null, 'nor register one in another organization');
select throws_ok($$
  insert into webhook (org_id, url, events, secret)
  values ('e0000000-0000-4000-8000-00000000000e', 'https://example.com/c', '{run.exploded}', 'x')
$$, '23514', null, 'events are known ones');
select throws_ok($$ insert into webhook_event (org_id, type, data) values ('e0000000-0000-4000-8000-00000000000e', 'run.completed', '{}') $$,
  '42501', null, 'no one forges an event directly');
select is((select private.emit_webhook_event('e0000000-0000-4000-8000-00000000000e', 'run.completed', '{}') is not null),
  true, 'events go through the emitting function');
select is((select count(*) from webhook_delivery), 1::bigint, 'one delivery per subscribed endpoint');
select is((select private.emit_webhook_event('e0000000-0000-4000-8000-00000000000e', 'run.failed', '{}')),
  null, 'an event no endpoint wants writes nothing');

select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000004", "role": "authenticated"}', true);
select is((select count(*) from webhook) + (select count(*) from webhook_delivery), 0::bigint, 'an editor sees no endpoint and no delivery');
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000005", "role": "authenticated"}', true);
select is((select count(*) from webhook) + (select count(*) from webhook_event), 0::bigint, 'nor does a stranger');

set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000003", "role": "authenticated"}', true);
select throws_ok($$ select secret from webhook $$, '42501', null, 'an admin''s own token (PostgREST) reads no secret either');
select throws_ok($$ select private.claim_webhook_deliveries(10, 30) $$, '42501', null, 'only the sender claims deliveries');
reset role;

select * from finish();
rollback;
