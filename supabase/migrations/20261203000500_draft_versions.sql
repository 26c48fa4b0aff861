-- Draft versions: a run of unsaved text (`POST /v1/runs` with `prompt_body`) saves it as a
-- version marked `draft` (one per distinct body), so every run stays reproducible without
-- cluttering the prompt's history; listed only on request, and promotable to a normal version.

alter table public.prompt_version add column draft boolean not null default false;

-- The API may only promote a draft (the body of a version never changes).
grant update (draft) on public.prompt_version to promptrefine_api;

-- Versions stay immutable; promoting a draft (and nothing else) is the one change allowed.
create or replace function public.refuse_prompt_version_update()
returns trigger
language plpgsql
as $$
begin
  if old.draft and not new.draft and (to_jsonb(new) - 'draft') = (to_jsonb(old) - 'draft') then
    return new;
  end if;
  raise exception 'prompt versions are immutable (version % of prompt %)', old.version, old.prompt_id
    using errcode = 'restrict_violation';
end
$$;
