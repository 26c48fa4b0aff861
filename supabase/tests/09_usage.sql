-- Usage rollups: an organization's members read its own; nobody but the background job writes
-- them or counts rows into them.
begin;
select plan(6);

insert into auth.users (id, email, email_confirmed_at) values
  ('a0000000-0000-4000-8000-000000000003', 'owner@example.test', now()),
  ('a0000000-0000-4000-8000-000000000004', 'viewer@example.test', now()),
  ('a0000000-0000-4000-8000-000000000005', 'outsider@example.test', now());
insert into organization (id, name, slug, created_by) values
  ('e0000000-0000-4000-8000-00000000000e', 'Team', 'team', 'a0000000-0000-4000-8000-000000000003');
insert into membership (org_id, user_id, role) values
  ('e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000003', 'owner'),
  ('e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000004', 'viewer');
insert into usage_hourly (org_id, start, source, provider, model, requests, errors, tokens_in,
  tokens_out, cost_usd, cache_hits, saved_usd, latency_buckets, latency_counts)
values ('e0000000-0000-4000-8000-00000000000e', date_trunc('hour', now()), 'execute', 'mock', 'echo',
  3, 1, 30, 30, 0.01, 0, 0, '{100}', '{3}');

set local role promptrefine_api;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000004", "role": "authenticated"}', true);
select is((select sum(requests) from usage_hourly), 3::numeric, 'a viewer reads the organization''s usage');
select throws_ok($$
  insert into usage_hourly (org_id, start, source, provider, model, requests, errors, tokens_in,
    tokens_out, cost_usd, cache_hits, saved_usd, latency_buckets, latency_counts)
  values ('e0000000-0000-4000-8000-00000000000e', now(), 'run', 'x', 'y', 1000000, 0, 0, 0, 1000, 0, 0, '{}', '{}')
$$, '42501', null, 'nobody writes usage but the job');
select throws_ok($$ select private.roll_up_usage() $$, '42501', null, 'nor counts rows into it');
select throws_ok($$ update deployment_call set rolled_up = false $$, '42501', null, 'nor marks calls to count again');
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000005", "role": "authenticated"}', true);
select is((select count(*) from usage_hourly), 0::bigint, 'a stranger reads none');
reset role;
select is(private.latency_bucket_upper(private.latency_bucket(1000)), 1007, 'latencies keep within 3.1%');

select * from finish();
rollback;
