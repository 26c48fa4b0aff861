-- One-time tickets to follow a run's events from a browser's EventSource, which cannot send an
-- Authorization header: the signed-in user asks for a ticket (with their token, in a header), and
-- the EventSource's URL carries the ticket instead of the long-lived token. A ticket names one
-- run, carries the claims of the user it was issued to, works once, and only for 60 seconds.
-- Only its SHA-256 is kept.

create table private.event_ticket (
  ticket_sha256 text primary key,
  run_id uuid not null,
  claims jsonb not null,
  expires_at timestamptz not null
);

create index event_ticket_expires_idx on private.event_ticket (expires_at);

-- Issues a ticket for `run` to the caller (their own claims, never a parameter), if they may see
-- the run. False when they may not.
create function private.issue_event_ticket(run uuid, ticket_sha256 text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  org uuid;
begin
  select r.org_id into org from public.run r where r.id = run;
  if org is null or private.role_in(org) is null or auth.uid() is null then
    return false;
  end if;
  delete from private.event_ticket where expires_at < now();
  insert into private.event_ticket (ticket_sha256, run_id, claims, expires_at)
  values (ticket_sha256, run, auth.jwt(), now() + interval '60 seconds');
  return true;
end
$$;

-- Uses up a ticket: the run and the claims it was issued for, if it exists and has not expired.
create function private.redeem_event_ticket(ticket_sha256 text)
returns table (run_id uuid, claims jsonb)
language sql
security definer
set search_path = ''
as $$
  delete from private.event_ticket t
  where t.ticket_sha256 = redeem_event_ticket.ticket_sha256 and t.expires_at >= now()
  returning t.run_id, t.claims;
$$;

revoke all on private.event_ticket from public;
revoke execute on function private.issue_event_ticket(uuid, text) from public;
revoke execute on function private.redeem_event_ticket(text) from public;
grant execute on function private.issue_event_ticket(uuid, text) to promptrefine_api;
grant execute on function private.redeem_event_ticket(text) to promptrefine_api;
