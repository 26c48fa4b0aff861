-- Webhooks: an organization's admins register endpoints for events; every event is a row of an
-- outbox written in the same transaction as what caused it (a run ending, a call failing, a
-- deployment changing, a rate limit running out), fanned out at once into one delivery per
-- subscribed endpoint. Deliveries are sent, signed per the Standard Webhooks specification, by
-- whichever process runs the housekeeping (`private.claim_webhook_deliveries`), retried with
-- backoff over about a day; an endpoint whose delivery fails every attempt is disabled.
--
-- The signing secret is written once by the API and read only by the sender (`service_role`):
-- no user role can select it, not even the admins who made it (they saw it once).

create table public.webhook (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organization (id) on delete cascade,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  url text not null,
  description text not null default '',
  events text[] not null,
  -- base64 of the HMAC key; the API shows it once as `whsec_<secret>`.
  secret text not null,
  enabled boolean not null default true,
  -- Why the sender disabled it, if it did.
  disabled_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint webhook_url_http check (url ~ '^https?://' and char_length(url) <= 2000),
  constraint webhook_description_length check (char_length(description) <= 500),
  constraint webhook_events_known check (
    cardinality(events) between 1 and 6
    and events <@ array['run.completed', 'run.failed', 'run.cancelled', 'execution.failed',
                        'rate_limit.reached', 'deployment.updated']::text[])
);

create index webhook_org_created_idx on public.webhook (org_id, created_at desc, id desc);

create trigger webhook_set_updated_at
  before update on public.webhook
  for each row execute function public.set_updated_at();

create table public.webhook_event (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organization (id) on delete cascade,
  type text not null,
  data jsonb not null,
  created_at timestamptz not null default now()
);

create index webhook_event_created_idx on public.webhook_event (created_at);

create type public.webhook_delivery_status as enum ('pending', 'succeeded', 'failed', 'skipped');

create table public.webhook_delivery (
  id uuid primary key default gen_random_uuid(),
  webhook_id uuid not null references public.webhook (id) on delete cascade,
  event_id uuid not null references public.webhook_event (id) on delete cascade,
  org_id uuid not null references public.organization (id) on delete cascade,
  status public.webhook_delivery_status not null default 'pending',
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  -- A sender holds it until then; another may take it after (the sender died).
  leased_until timestamptz,
  last_status_code integer,
  last_error text,
  last_duration_ms integer,
  -- `webhook.disabled`, when this row is the note that the endpoint was disabled.
  note text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);

create index webhook_delivery_webhook_idx on public.webhook_delivery (webhook_id, created_at desc, id desc);
-- What the sender looks for: pending deliveries that are due.
create index webhook_delivery_due_idx on public.webhook_delivery (next_attempt_at)
  where status = 'pending';

alter table public.webhook enable row level security;
alter table public.webhook_event enable row level security;
alter table public.webhook_delivery enable row level security;

do $$
declare
  admin constant text := '(org_id = any ((select private.org_ids(''admin''))::uuid[]))';
begin
  execute format('create policy webhook_select on public.webhook for select to authenticated using (%s)', admin);
  execute format('create policy webhook_insert on public.webhook for insert to authenticated
                  with check (%s and created_by = (select auth.uid()))', admin);
  execute format('create policy webhook_update on public.webhook for update to authenticated
                  using (%s) with check (%s)', admin, admin);
  execute format('create policy webhook_delete on public.webhook for delete to authenticated using (%s)', admin);
  execute format('create policy webhook_event_select on public.webhook_event for select to authenticated using (%s)', admin);
  execute format('create policy webhook_delivery_select on public.webhook_delivery
                  for select to authenticated using (%s)', admin);
  -- A retry puts a delivery back in the queue; nothing else of it changes by hand.
  execute format('create policy webhook_delivery_update on public.webhook_delivery
                  for update to authenticated using (%s) with check (%s)', admin, admin);
end
$$;

revoke all on public.webhook, public.webhook_event, public.webhook_delivery from anon, authenticated;
-- Every column but the secret.
grant select (id, org_id, created_by, url, description, events, enabled, disabled_reason, created_at,
  updated_at) on public.webhook to authenticated;
grant select on public.webhook_event, public.webhook_delivery to authenticated;
grant insert, delete on public.webhook to promptrefine_api;
grant update (url, description, events, enabled, disabled_reason) on public.webhook to promptrefine_api;
grant update (status, next_attempt_at, attempts) on public.webhook_delivery to promptrefine_api;
grant all on public.webhook, public.webhook_event, public.webhook_delivery to service_role;

-- Records event `type` of `org` with `data`, and a delivery to each of the organization's enabled
-- endpoints subscribed to it; `only_webhook` limits it to one endpoint, subscribed or not (a
-- test ping). Called by the triggers below, in the transaction of what happened, and by the API.
create function private.emit_webhook_event(
  org uuid, event_type text, event_data jsonb, only_webhook uuid default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  event_id uuid;
begin
  -- Most organizations have no endpoint: then nothing is written at all.
  if not exists (
    select from public.webhook w
    where w.org_id = org and w.enabled
      and (w.id = only_webhook or (only_webhook is null and event_type = any (w.events))))
  then
    return null;
  end if;
  insert into public.webhook_event (org_id, type, data) values (org, event_type, event_data)
  returning id into event_id;
  insert into public.webhook_delivery (webhook_id, event_id, org_id)
  select w.id, event_id, org from public.webhook w
  where w.org_id = org and w.enabled
    and (w.id = only_webhook or (only_webhook is null and event_type = any (w.events)));
  return event_id;
end
$$;

revoke execute on function private.emit_webhook_event(uuid, text, jsonb, uuid) from public;
grant execute on function private.emit_webhook_event(uuid, text, jsonb, uuid) to promptrefine_api, service_role;

-- run.completed, run.failed, run.cancelled: when a run ends.
create function private.run_ended_event() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.emit_webhook_event(new.org_id, 'run.' || new.status::text, jsonb_build_object(
    'run_id', new.id, 'status', new.status, 'prompt_id', new.prompt_id,
    'prompt_version', new.prompt_version, 'dataset_id', new.dataset_id,
    'cell_count', new.cell_count, 'started_at', new.started_at, 'finished_at', new.finished_at));
  return null;
end
$$;

create trigger run_ended_event
  after update of status on public.run
  for each row
  when (old.status in ('queued', 'running') and new.status in ('completed', 'failed', 'cancelled'))
  execute function private.run_ended_event();

-- execution.failed: a deployment's call that did not succeed.
create function private.execution_failed_event() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.emit_webhook_event(new.org_id, 'execution.failed', jsonb_build_object(
    'call_id', new.id, 'deployment_id', new.deployment_id, 'deployment_slug', new.deployment_slug,
    'status', new.status, 'error_kind', new.error_kind, 'error_message', new.error_message,
    'api_key_id', new.api_key_id));
  return null;
end
$$;

create trigger execution_failed_event
  after insert on public.deployment_call
  for each row when (new.status <> 'succeeded')
  execute function private.execution_failed_event();

-- deployment.updated: a deployment changed.
create function private.deployment_updated_event() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.emit_webhook_event(new.org_id, 'deployment.updated', jsonb_build_object(
    'deployment_id', new.id, 'slug', new.slug, 'prompt_id', new.prompt_id, 'version', new.version,
    'model', new.model, 'updated_by', auth.uid()));
  return null;
end
$$;

create trigger deployment_updated_event
  after update on public.deployment
  for each row when (old is distinct from new)
  execute function private.deployment_updated_event();

-- rate_limit.reached: the call that takes a key's or a deployment's last token (once per time
-- the bucket runs dry, not once per refused call).
create function private.rate_limit_reached_event() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  kind text := split_part(new.bucket, ':', 1);
  subject uuid;
  org uuid;
begin
  -- Only the buckets of keys and deployments, named by their ids (a failure here would fail
  -- the call taking the token).
  if kind not in ('api_key', 'deployment')
     or split_part(new.bucket, ':', 2) !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
  then
    return null;
  end if;
  subject := split_part(new.bucket, ':', 2)::uuid;
  if kind = 'api_key' then
    select k.org_id into org from public.api_key k where k.id = subject;
  else
    select d.org_id into org from public.deployment d where d.id = subject;
  end if;
  if org is not null then
    perform private.emit_webhook_event(org, 'rate_limit.reached', jsonb_build_object(
      'limit', kind, kind || '_id', subject));
  end if;
  return null;
end
$$;

create trigger rate_limit_reached_event
  after update of tokens on private.rate_bucket
  for each row when (old.tokens >= 1 and new.tokens < 1)
  execute function private.rate_limit_reached_event();

-- Takes up to `want` due deliveries for a sender, leased for `lease_seconds`: each with what
-- signing and sending it needs. Only for `service_role` (the housekeeping).
create function private.claim_webhook_deliveries(want integer, lease_seconds double precision)
returns table (
  delivery_id uuid, webhook_id uuid, url text, secret text, enabled boolean, attempts integer,
  event_id uuid, event_type text, event_created_at timestamptz, org_id uuid, data jsonb)
language sql
security definer
set search_path = ''
as $$
  with due as (
    select d.id from public.webhook_delivery d
    where d.status = 'pending' and d.next_attempt_at <= now()
      and (d.leased_until is null or d.leased_until < now())
    order by d.next_attempt_at
    limit want
    for update skip locked
  ), leased as (
    update public.webhook_delivery d
    set leased_until = now() + lease_seconds * interval '1 second'
    from due where d.id = due.id
    returning d.id, d.webhook_id, d.attempts, d.event_id
  )
  select l.id, l.webhook_id, w.url, w.secret, w.enabled, l.attempts, e.id, e.type, e.created_at, e.org_id, e.data
  from leased l
  join public.webhook w on w.id = l.webhook_id
  join public.webhook_event e on e.id = l.event_id;
$$;

revoke execute on function private.claim_webhook_deliveries(integer, double precision) from public;
grant execute on function private.claim_webhook_deliveries(integer, double precision) to service_role;
