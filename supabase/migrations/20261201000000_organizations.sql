-- Teams: organizations own everything, and their members act in them by role.
--
-- 1. `organization`, `membership` and `invitation`. Roles, each including the ones before it:
--    viewer (read, export), editor (create, change, run, grade, delete content), admin (members,
--    invitations, settings), owner (owners, deleting the organization). The enum is declared in
--    that order, so `role >= 'editor'` reads as "editor or more".
-- 2. Every user has a personal organization whose id is the user's own id: made on sign-up by a
--    trigger on `auth.users` (Supabase's `on_auth_user_created` pattern), and here for existing
--    users. Moving existing content into its owner's personal organization is therefore
--    `org_id = owner_id`: no id changes, and neither does any Storage key
--    (`<org_id>/<dataset_id>/<file>` is the old `<owner_id>/<dataset_id>/<file>`).
-- 3. Content tables: `owner_id` becomes `created_by`, `org_id` is added, and the composite
--    foreign keys that kept a run on its owner's prompt and dataset keep it on its organization's.
-- 4. RLS per command: members read; editors and up insert, update and delete content; admins
--    manage members and invitations; only owners make or unmake owners or delete an organization.
--    The caller's organizations are looked up at most once per statement, and not at all for
--    the rows of their personal organization (see section 4).
-- 5. The fair queue and the run budget count per organization.

-- 1. Organizations, memberships, invitations ----------------------------------------------------

create type public.org_role as enum ('viewer', 'editor', 'admin', 'owner');

create table public.organization (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  slug text not null,
  -- The user whose personal organization this is (its id is theirs); null for a team.
  personal_of uuid unique references auth.users (id) on delete cascade,
  personal boolean not null generated always as (personal_of is not null) stored,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint organization_slug_key unique (slug),
  constraint organization_name_length check (char_length(name) between 1 and 200 and name = btrim(name)),
  constraint organization_slug_format check (
    char_length(slug) <= 64 and slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  -- A personal organization's slug is its user's id; a team's may not look like one.
  constraint organization_slug_not_a_user_id check (
    personal_of is not null
    or slug !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
  constraint organization_personal_id check (personal_of is null or personal_of = id)
);

-- How many teams a user made (a limit of the API).
create index organization_created_by_idx on public.organization (created_by) where personal_of is null;

create trigger organization_set_updated_at
  before update on public.organization
  for each row execute function public.set_updated_at();

create table public.membership (
  org_id uuid not null references public.organization (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.org_role not null,
  created_at timestamptz not null default now(),
  primary key (org_id, user_id)
);

-- What every policy asks: the caller's organizations.
create index membership_user_idx on public.membership (user_id, org_id) include (role);

create table public.invitation (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organization (id) on delete cascade,
  -- Lower case; accepted by the signed-in user whose confirmed email this is.
  email text not null,
  role public.org_role not null,
  -- SHA-256 of the one-time token, which only its recipient ever sees.
  token_sha256 text not null,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '7 days',
  accepted_at timestamptz,
  accepted_by uuid references auth.users (id) on delete set null,
  revoked_at timestamptz,
  constraint invitation_token_key unique (token_sha256),
  constraint invitation_email_format check (
    email = lower(btrim(email)) and char_length(email) between 3 and 320 and email like '%_@_%'),
  constraint invitation_token_format check (token_sha256 ~ '^[0-9a-f]{64}$')
);

create index invitation_org_idx on public.invitation (org_id, created_at desc, id desc);

-- Every user's personal organization, owned by them: for the users there are now, and from now
-- on at sign-up.
insert into public.organization (id, name, slug, personal_of, created_by)
select u.id, 'Personal', u.id::text, u.id, u.id from auth.users u;
insert into public.membership (org_id, user_id, role)
select u.id, u.id, 'owner' from auth.users u;

create schema if not exists private;
revoke all on schema private from public;
-- Policies run their functions as the caller.
grant usage on schema private to authenticated, service_role;

create function private.create_personal_org()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.organization (id, name, slug, personal_of, created_by)
  values (new.id, 'Personal', new.id::text, new.id, new.id);
  insert into public.membership (org_id, user_id, role) values (new.id, new.id, 'owner');
  return new;
end
$$;

create trigger on_auth_user_created_personal_org
  after insert on auth.users
  for each row execute function private.create_personal_org();

-- The organizations where the caller is at least `at_least`. In PL/pgSQL, whose statements keep
-- their plans for the session (a SQL function that cannot be inlined is planned at every call);
-- security definer, because membership's own policies ask it too, and a policy may not read its
-- own table.
create function private.org_ids(at_least public.org_role)
returns uuid[]
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return (select coalesce(array_agg(m.org_id), '{}')
          from public.membership m
          where m.user_id = (select auth.uid()) and m.role >= at_least);
end
$$;

-- The caller's role in `org` (null: not a member), so the API can tell a member whose role is
-- too low (403) from a stranger (404).
create function private.role_in(org uuid)
returns public.org_role
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return (select m.role from public.membership m
          where m.org_id = org and m.user_id = (select auth.uid()));
end
$$;

revoke execute on function private.org_ids(public.org_role) from public;
revoke execute on function private.role_in(uuid) from public;
grant execute on function private.org_ids(public.org_role) to authenticated, service_role;
grant execute on function private.role_in(uuid) to authenticated, service_role;

-- An organization always keeps an owner, and a personal organization its user. Checked after
-- each change, with the organization locked so that two owners demoting each other at once
-- are counted one after the other. An organization being deleted (its row already gone), or a
-- user being deleted, may drop owners.
create function private.keep_an_owner()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  org public.organization;
begin
  if old.role <> 'owner' or (tg_op = 'UPDATE' and new.role = 'owner') then
    return null;
  end if;
  select * into org from public.organization where id = old.org_id for update;
  if not found or not exists (select from auth.users where id = old.user_id) then
    return null;
  end if;
  if org.personal_of = old.user_id then
    raise exception 'the owner of a personal organization stays its owner'
      using errcode = 'check_violation', constraint = 'organization_keeps_its_person';
  end if;
  if not exists (select from public.membership where org_id = old.org_id and role = 'owner') then
    raise exception 'an organization keeps at least one owner'
      using errcode = 'check_violation', constraint = 'organization_keeps_an_owner';
  end if;
  return null;
end
$$;

create trigger membership_keeps_an_owner
  after update of role or delete on public.membership
  for each row execute function private.keep_an_owner();

alter table public.organization enable row level security;
alter table public.membership enable row level security;
alter table public.invitation enable row level security;

create policy organization_select on public.organization
  for select to authenticated
  using (id = any ((select private.org_ids('viewer'))::uuid[]));
create policy organization_update on public.organization
  for update to authenticated
  using (id = any ((select private.org_ids('admin'))::uuid[]))
  with check (id = any ((select private.org_ids('admin'))::uuid[]));
create policy organization_delete on public.organization
  for delete to authenticated
  using (id = any ((select private.org_ids('owner'))::uuid[]) and personal_of is null);

create policy membership_select on public.membership
  for select to authenticated
  using (org_id = any ((select private.org_ids('viewer'))::uuid[]));
-- Admins change roles below owner; owners any. Nobody inserts: members join through
-- `private.accept_invitation` and `private.create_organization`.
create policy membership_update on public.membership
  for update to authenticated
  using (org_id = any ((select private.org_ids('admin'))::uuid[])
         and (role <> 'owner' or org_id = any ((select private.org_ids('owner'))::uuid[])))
  with check (org_id = any ((select private.org_ids('admin'))::uuid[])
              and (role <> 'owner' or org_id = any ((select private.org_ids('owner'))::uuid[])));
-- Anyone leaves; admins remove members below owner; owners anyone.
create policy membership_delete on public.membership
  for delete to authenticated
  using (user_id = (select auth.uid())
         or (org_id = any ((select private.org_ids('admin'))::uuid[])
             and (role <> 'owner' or org_id = any ((select private.org_ids('owner'))::uuid[]))));

create policy invitation_select on public.invitation
  for select to authenticated
  using (org_id = any ((select private.org_ids('admin'))::uuid[]));
create policy invitation_insert on public.invitation
  for insert to authenticated
  with check (org_id = any ((select private.org_ids('admin'))::uuid[])
              and (role <> 'owner' or org_id = any ((select private.org_ids('owner'))::uuid[]))
              and created_by = (select auth.uid()));
create policy invitation_update on public.invitation
  for update to authenticated
  using (org_id = any ((select private.org_ids('admin'))::uuid[]))
  with check (org_id = any ((select private.org_ids('admin'))::uuid[]));

revoke all on public.organization, public.membership, public.invitation from anon, authenticated;
grant select on public.organization, public.membership, public.invitation to authenticated;
grant update (name, slug), delete on public.organization to promptrefine_api;
grant update (role), delete on public.membership to promptrefine_api;
grant insert on public.invitation to promptrefine_api;
grant update (revoked_at) on public.invitation to promptrefine_api;
grant all on public.organization, public.membership, public.invitation to service_role;

-- A team, with the caller as its owner. Null when the caller already made `max_teams` teams
-- (counted whether or not they are still in them). `slug` is taken as given when free, else
-- with a random suffix.
create function private.create_organization(name text, slug text, max_teams integer)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := auth.uid();
  org_id uuid := gen_random_uuid();
begin
  if caller is null then
    raise exception 'no user' using errcode = 'insufficient_privilege';
  end if;
  -- One creation at a time per user, so the count below holds.
  perform pg_advisory_xact_lock(hashtextextended('promptrefine.create_organization:' || caller, 0));
  if (select count(*) from public.organization o
      where o.created_by = caller and o.personal_of is null) >= max_teams then
    return null;
  end if;
  if exists (select from public.organization o where o.slug = create_organization.slug) then
    slug := left(slug, 57) || '-' || substr(md5(org_id::text), 1, 6);
  end if;
  insert into public.organization (id, name, slug, created_by) values (org_id, name, slug, caller);
  insert into public.membership (org_id, user_id, role) values (org_id, caller, 'owner');
  return org_id;
end
$$;

-- Accepts the invitation whose token hashes to `token_sha256` for the caller: `accepted`, or why
-- not (`not_found`, `revoked`, `used`, `expired`, `email_mismatch`, `already_member`). The
-- caller's email is the one Supabase Auth confirmed, read from `auth.users`, not from the token.
create function private.accept_invitation(token_sha256 text)
returns table (outcome text, org_id uuid, role public.org_role)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  caller uuid := auth.uid();
  invite public.invitation;
begin
  select * into invite from public.invitation i
  where i.token_sha256 = accept_invitation.token_sha256
  for update;
  if not found then
    return query select 'not_found'::text, null::uuid, null::public.org_role;
    return;
  end if;
  outcome := case
    when invite.revoked_at is not null then 'revoked'
    when invite.accepted_at is not null then 'used'
    when invite.expires_at <= now() then 'expired'
    when not exists (select from auth.users u
                     where u.id = caller and u.email_confirmed_at is not null
                       and lower(u.email) = invite.email) then 'email_mismatch'
    when exists (select from public.membership m
                 where m.org_id = invite.org_id and m.user_id = caller) then 'already_member'
    else 'accepted'
  end;
  if outcome = 'accepted' then
    insert into public.membership (org_id, user_id, role) values (invite.org_id, caller, invite.role);
    update public.invitation set accepted_at = now(), accepted_by = caller where id = invite.id;
  end if;
  return query select outcome, invite.org_id, invite.role;
end
$$;

-- The members of an organization the caller belongs to, with their emails (which only this
-- function reads from `auth.users`), oldest first, a page at a time.
create function private.org_members(
  org uuid, after_created timestamptz, after_user uuid, max_rows integer)
returns table (user_id uuid, email text, role public.org_role, created_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select m.user_id, u.email::text, m.role, m.created_at
  from public.membership m
  left join auth.users u on u.id = m.user_id
  where m.org_id = org
    and org = any (private.org_ids('viewer'))
    and (after_created is null or (m.created_at, m.user_id) > (after_created, after_user))
  order by m.created_at, m.user_id
  limit max_rows
$$;

revoke execute on function private.create_personal_org() from public;
revoke execute on function private.keep_an_owner() from public;
revoke execute on function private.create_organization(text, text, integer) from public;
revoke execute on function private.accept_invitation(text) from public;
revoke execute on function private.org_members(uuid, timestamptz, uuid, integer) from public;
grant execute on function private.create_organization(text, text, integer) to promptrefine_api;
grant execute on function private.accept_invitation(text) to promptrefine_api;
grant execute on function private.org_members(uuid, timestamptz, uuid, integer) to promptrefine_api;

-- 2, 3. Content moves into organizations --------------------------------------------------------

-- The composite keys tie each row to its parent's organization; drop them, then rebuild them on
-- `org_id` once every table has one.
alter table public.prompt_version drop constraint prompt_version_prompt_fkey;
alter table public.dataset_row drop constraint dataset_row_dataset_fkey;
alter table public.run
  drop constraint run_prompt_fkey,
  drop constraint run_prompt_version_fkey,
  drop constraint run_dataset_fkey;
alter table public.run_model drop constraint run_model_run_fkey;
alter table public.run_cell drop constraint run_cell_run_fkey, drop constraint run_cell_model_fkey;
alter table public.cell_grade drop constraint cell_grade_cell_fkey;
alter table public.prompt drop constraint prompt_id_owner_key;
alter table public.prompt_version drop constraint prompt_version_id_owner_key;
alter table public.dataset drop constraint dataset_id_owner_key;
alter table public.run drop constraint run_id_owner_key;
alter table public.run_model drop constraint run_model_id_owner_key;
alter table public.run_cell drop constraint run_cell_id_owner_key;
drop index public.prompt_owner_updated_idx;
drop index public.dataset_owner_created_idx;
drop index public.run_owner_created_idx;
drop index public.run_cell_tenant_queue_idx;
drop index public.run_cell_tenant_running_idx;

-- `created_by`: who made the row (it stays when they leave). The top-level rows point at the
-- user and forget them when the user is deleted; the rows inside them keep the id as written.
do $$
declare
  t text;
begin
  foreach t in array array['prompt', 'prompt_version', 'dataset', 'dataset_row', 'run',
                           'run_model', 'run_cell', 'cell_grade'] loop
    execute format('alter table public.%I rename column owner_id to created_by', t);
    execute format('alter table public.%I add column org_id uuid', t);
    execute format('update public.%I set org_id = created_by', t);
    execute format('alter table public.%I alter column org_id set not null', t);
  end loop;
  foreach t in array array['prompt', 'dataset', 'run'] loop
    execute format('alter table public.%I drop constraint %I', t, t || '_owner_id_fkey');
    execute format('alter table public.%I alter column created_by drop not null', t);
    execute format('alter table public.%I add constraint %I foreign key (created_by)
                    references auth.users (id) on delete set null', t, t || '_created_by_fkey');
    execute format('alter table public.%I add constraint %I foreign key (org_id)
                    references public.organization (id) on delete cascade', t, t || '_org_id_fkey');
  end loop;
end
$$;

-- A manual grade's author is its row's creator.
alter table public.cell_grade drop column graded_by;

alter table public.prompt add constraint prompt_id_org_key unique (id, org_id);
alter table public.prompt_version add constraint prompt_version_id_org_key unique (id, org_id);
alter table public.dataset add constraint dataset_id_org_key unique (id, org_id);
alter table public.run add constraint run_id_org_key unique (id, org_id);
alter table public.run_model add constraint run_model_id_org_key unique (id, org_id);
alter table public.run_cell add constraint run_cell_id_org_key unique (id, org_id);

alter table public.prompt_version add constraint prompt_version_prompt_fkey
  foreign key (prompt_id, org_id) references public.prompt (id, org_id) on delete cascade;
alter table public.dataset_row add constraint dataset_row_dataset_fkey
  foreign key (dataset_id, org_id) references public.dataset (id, org_id) on delete cascade;
alter table public.run
  add constraint run_prompt_fkey foreign key (prompt_id, org_id)
    references public.prompt (id, org_id) on delete set null (prompt_id),
  add constraint run_prompt_version_fkey foreign key (prompt_version_id, org_id)
    references public.prompt_version (id, org_id) on delete set null (prompt_version_id),
  -- A dataset cannot be deleted while runs use it (the API answers 409). Checked at the end of
  -- the statement (not `restrict`), so that deleting an organization takes both.
  add constraint run_dataset_fkey foreign key (dataset_id, org_id)
    references public.dataset (id, org_id);
alter table public.run_model add constraint run_model_run_fkey
  foreign key (run_id, org_id) references public.run (id, org_id) on delete cascade;
alter table public.run_cell
  add constraint run_cell_run_fkey foreign key (run_id, org_id)
    references public.run (id, org_id) on delete cascade,
  add constraint run_cell_model_fkey foreign key (run_model_id, org_id)
    references public.run_model (id, org_id) on delete cascade;
alter table public.cell_grade add constraint cell_grade_cell_fkey
  foreign key (cell_id, org_id) references public.run_cell (id, org_id) on delete cascade;

create index prompt_org_updated_idx on public.prompt (org_id, updated_at desc, id desc);
create index dataset_org_created_idx on public.dataset (org_id, created_at desc, id desc);
create index run_org_created_idx on public.run (org_id, created_at desc, id desc);

-- 4. Policies by role ---------------------------------------------------------------------------

-- A row of the caller's personal organization passes at once: its id is the caller's, and its
-- user always stays its owner (`keep_an_owner`). Only other rows ask for the caller's
-- organizations, once per statement (an init plan, run when first needed). Most requests read
-- only personal rows and pay what the owner checks before organizations cost; a subquery on
-- membership in the policy instead would cost every statement on every table it touches the
-- opening of membership and its index, needed or not.
do $$
declare
  t text;
  member_at_least constant text :=
    '(org_id = (select auth.uid()) or org_id = any ((select private.org_ids(%L))::uuid[]))';
  viewer constant text := format(member_at_least, 'viewer');
  editor constant text := format(member_at_least, 'editor');
begin
  foreach t in array array['prompt', 'prompt_version', 'dataset', 'dataset_row', 'run',
                           'run_model', 'run_cell', 'cell_grade'] loop
    execute format('drop policy %I on public.%I', t || '_owner', t);
    execute format('create policy %I on public.%I for select to authenticated using (%s)',
                   t || '_select', t, viewer);
    execute format('create policy %I on public.%I for insert to authenticated
                    with check (%s and created_by = (select auth.uid()))', t || '_insert', t, editor);
    execute format('create policy %I on public.%I for update to authenticated
                    using (%s) with check (%s)', t || '_update', t, editor, editor);
    execute format('create policy %I on public.%I for delete to authenticated using (%s)',
                   t || '_delete', t, editor);
  end loop;
end
$$;

-- Dataset files: `<org_id>/<dataset_id>/<file>`; members read, editors write.
do $$
begin
  if to_regclass('storage.objects') is null then
    return;
  end if;
  drop policy if exists "datasets: owner reads" on storage.objects;
  drop policy if exists "datasets: owner uploads" on storage.objects;
  drop policy if exists "datasets: owner deletes" on storage.objects;
  create policy "datasets: members read" on storage.objects
    for select to authenticated
    using (bucket_id = 'datasets'
           and (storage.foldername(name))[1] = any ((select private.org_ids('viewer'))::text[]));
  create policy "datasets: editors upload" on storage.objects
    for insert to authenticated
    with check (bucket_id = 'datasets'
                and (storage.foldername(name))[1] = any ((select private.org_ids('editor'))::text[]));
  create policy "datasets: editors delete" on storage.objects
    for delete to authenticated
    using (bucket_id = 'datasets'
           and (storage.foldername(name))[1] = any ((select private.org_ids('editor'))::text[]));
end
$$;

-- 5. The fair queue and the run budget, per organization ----------------------------------------

create index run_cell_tenant_queue_idx on public.run_cell (org_id, queued_at, id)
  where status = 'queued';
create index run_cell_tenant_running_idx on public.run_cell (org_id) where status = 'running';

-- As before (20261130000100), with the organization as the tenant.
drop function public.claim_run_cells(uuid, integer, double precision);

create function public.claim_run_cells(
  worker uuid, wanted integer, lease_seconds double precision)
returns table (cell_id uuid, cell_run_id uuid, cell_run_model_id uuid, cell_org_id uuid,
  row_values text)
language plpgsql
as $$
declare
  candidates uuid[];
  limited uuid[];
begin
  with recursive tenants(org_id) as (
    (select c.org_id from public.run_cell c
     where c.status = 'queued' order by c.org_id limit 1)
    union all
    select (select c.org_id from public.run_cell c
            where c.status = 'queued' and c.org_id > t.org_id
            order by c.org_id limit 1)
    from tenants t
    where t.org_id is not null
  ), load as (
    select t.org_id,
           (select count(*) from public.run_cell r
            where r.org_id = t.org_id and r.status = 'running') as running
    from tenants t
    where t.org_id is not null
  ), slots as (
    select l.org_id, row_number() over (order by l.running + s.n, l.org_id) as place
    from load l cross join generate_series(1, wanted) as s(n)
  ), shares as (
    select org_id, count(*) as share from slots where place <= wanted group by org_id
  )
  select array_agg(picked.id) into candidates
  from shares s
  cross join lateral (
    select c.id from public.run_cell c
    where c.status = 'queued' and c.org_id = s.org_id
    order by c.queued_at, c.id
    limit s.share
    for update skip locked
  ) picked;
  if candidates is null then
    return;
  end if;

  select array_agg(distinct r.id) into limited
  from public.run r
  where r.concurrency is not null
    and r.id in (select c.run_id from public.run_cell c where c.id = any(candidates));
  if limited is not null then
    perform from public.run r where r.id = any(limited) order by r.id for update;
    select array_agg(ranked.id) into candidates from (
      select c.id, r.concurrency,
             row_number() over (partition by c.run_id order by c.queued_at, c.id) as place,
             (select count(*) from public.run_cell x
              where x.run_id = c.run_id and x.status = 'running') as running
      from public.run_cell c join public.run r on r.id = c.run_id
      where c.id = any(candidates)
    ) ranked
    where ranked.concurrency is null or ranked.place <= ranked.concurrency - ranked.running;
    if candidates is null then
      return;
    end if;
  end if;

  return query
  with claimed as (
    update public.run_cell c
    set status = 'running', lease_owner = worker,
        lease_expires_at = now() + make_interval(secs => lease_seconds),
        claims = c.claims + 1, started_at = coalesce(c.started_at, now())
    where c.id = any(candidates)
    returning c.id, c.run_id, c.run_model_id, c.org_id, c.row_index
  ), started as (
    update public.run r set status = 'running', started_at = coalesce(r.started_at, now())
    where r.id in (select claimed.run_id from claimed) and r.status = 'queued'
  )
  select claimed.id, claimed.run_id, claimed.run_model_id, claimed.org_id, d.values::text
  from claimed
  join public.run r on r.id = claimed.run_id
  left join public.dataset_row d on d.dataset_id = r.dataset_id and d.row_index = claimed.row_index;
end
$$;

revoke execute on function public.claim_run_cells(uuid, integer, double precision)
  from public, anon, authenticated;
grant execute on function public.claim_run_cells(uuid, integer, double precision) to service_role;

-- The run-creation bucket, per organization (buckets are refilled state: nothing to carry over).
drop table public.run_quota;

create table public.run_quota (
  org_id uuid primary key references public.organization (id) on delete cascade,
  tokens double precision not null,
  refilled_at timestamptz not null default now()
);

alter table public.run_quota enable row level security;

create policy run_quota_select on public.run_quota
  for select to authenticated
  using (org_id = any ((select private.org_ids('viewer'))::uuid[]));
create policy run_quota_insert on public.run_quota
  for insert to authenticated
  with check (org_id = any ((select private.org_ids('editor'))::uuid[]));
create policy run_quota_update on public.run_quota
  for update to authenticated
  using (org_id = any ((select private.org_ids('editor'))::uuid[]))
  with check (org_id = any ((select private.org_ids('editor'))::uuid[]));

revoke all on public.run_quota from anon, authenticated;
grant select on public.run_quota to authenticated;
grant insert, update on public.run_quota to promptrefine_api;
grant all on public.run_quota to service_role;
