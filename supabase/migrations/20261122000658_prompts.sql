-- Prompts and their immutable versions.
--
-- Every user-owned table: `owner_id uuid not null default auth.uid()`, RLS enabled, one policy
-- `owner_id = (select auth.uid())` (the sub-select makes Postgres evaluate auth.uid() once per
-- statement instead of once per row), and explicit grants. Supabase no longer exposes new tables
-- to the API roles by default, but older projects still grant them everything: each table first
-- revokes what such default privileges gave, so the grants below are the whole story everywhere.

create or replace function public.set_updated_at()
returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create type public.prompt_kind as enum ('generator', 'grader');

create table public.prompt (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  name text not null,
  kind public.prompt_kind not null,
  tags text[] not null default '{}',
  description text,
  -- Deferred so that a prompt and its first version can be inserted in one statement.
  current_version_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint prompt_name_length check (char_length(name) between 1 and 200 and name = btrim(name)),
  constraint prompt_tags_count check (cardinality(tags) <= 20),
  constraint prompt_description_length check (char_length(description) <= 5000),
  -- Target of the composite keys below: a version belongs to its prompt's owner.
  constraint prompt_id_owner_key unique (id, owner_id)
);

create index prompt_owner_updated_idx on public.prompt (owner_id, updated_at desc, id desc);
create index prompt_tags_idx on public.prompt using gin (tags);

create trigger prompt_set_updated_at
  before update on public.prompt
  for each row execute function public.set_updated_at();

create table public.prompt_version (
  id uuid primary key default gen_random_uuid(),
  prompt_id uuid not null,
  owner_id uuid not null default auth.uid(),
  version integer not null,
  body text not null,
  placeholders text[] not null,
  body_sha256 text not null,
  note text,
  created_at timestamptz not null default now(),
  constraint prompt_version_prompt_fkey foreign key (prompt_id, owner_id)
    references public.prompt (id, owner_id) on delete cascade,
  constraint prompt_version_number_key unique (prompt_id, version),
  constraint prompt_version_prompt_id_key unique (prompt_id, id),
  constraint prompt_version_positive check (version >= 1),
  constraint prompt_version_body_size check (octet_length(body) between 1 and 102400),
  constraint prompt_version_note_length check (char_length(note) <= 1000)
);

alter table public.prompt
  add constraint prompt_current_version_fkey foreign key (id, current_version_id)
  references public.prompt_version (prompt_id, id) deferrable initially deferred;

create or replace function public.refuse_prompt_version_update()
returns trigger
language plpgsql
as $$
begin
  raise exception 'prompt versions are immutable (version % of prompt %)', old.version, old.prompt_id
    using errcode = 'restrict_violation';
end
$$;

create trigger prompt_version_immutable
  before update on public.prompt_version
  for each row execute function public.refuse_prompt_version_update();

alter table public.prompt enable row level security;
alter table public.prompt_version enable row level security;

create policy prompt_owner on public.prompt
  for all to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

create policy prompt_version_owner on public.prompt_version
  for all to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

revoke all on public.prompt, public.prompt_version from anon, authenticated;
grant select, insert, delete on public.prompt to authenticated;
grant update (name, tags, description, current_version_id) on public.prompt to authenticated;
-- No update grant on versions: they are immutable for everyone (the trigger also stops owners).
grant select, insert on public.prompt_version to authenticated;
grant all on public.prompt, public.prompt_version to service_role;
