-- Event tickets: only the API issues and redeems them; a user's own token (PostgREST) can neither
-- read the tickets nor mint one.
begin;
select plan(3);

set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000003", "role": "authenticated"}', true);
select throws_ok($$ select * from private.event_ticket $$, '42501', null, 'no one reads tickets');
select throws_ok($$ select private.issue_event_ticket(gen_random_uuid(), repeat('a', 64)) $$, '42501', null,
  'a user''s own token mints none');
select throws_ok($$ select * from private.redeem_event_ticket(repeat('a', 64)) $$, '42501', null,
  'nor redeems one');
reset role;

select * from finish();
rollback;
