-- Usage rollups: an organization's members read its own; nobody but the background job writes
-- them or counts rows into them, and a finished cell is counted once.
begin;
select plan(7);

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

insert into run (id, org_id, prompt_name, prompt_version, prompt_body, cell_count)
values ('44444444-0000-4000-8000-000000000009', 'e0000000-0000-4000-8000-00000000000e', 'p', 1, 'Hi', 1);
insert into run_model (id, run_id, org_id, position, provider, model, label, input_per_mtok, output_per_mtok)
values ('55555555-0000-4000-8000-000000000009', '44444444-0000-4000-8000-000000000009',
        'e0000000-0000-4000-8000-00000000000e', 0, 'mock', 'echo', 'echo', 1, 2);
insert into run_cell (id, run_id, org_id, run_model_id, status)
values ('66666666-0000-4000-8000-000000000009', '44444444-0000-4000-8000-000000000009',
        'e0000000-0000-4000-8000-00000000000e', '55555555-0000-4000-8000-000000000009', 'running');
update run_cell set status = 'succeeded', output = 'Hi', finished_at = now()
where id = '66666666-0000-4000-8000-000000000009';
select private.roll_up_usage();
select private.roll_up_usage();
select is((select sum(requests) from usage_hourly
           where org_id = 'e0000000-0000-4000-8000-00000000000e' and source = 'run'),
          1::numeric, 'a finished cell is counted once, from the queue its finish put it in');

select * from finish();
rollback;
