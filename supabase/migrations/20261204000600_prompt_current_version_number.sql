-- A prompt carries its current version's number next to its id, so that listing prompts reads
-- one table: the list joined every prompt to its current version, under that table's policy,
-- only for the number (400 of the 411 buffers a page of 50 read). The foreign key keeps the
-- number and the id together: a prompt can only point at a version by both.
alter table public.prompt add column current_version integer;
update public.prompt p
set current_version = v.version
from public.prompt_version v
where v.id = p.current_version_id;
alter table public.prompt
  alter column current_version set default 1,
  alter column current_version set not null;

alter table public.prompt_version
  add constraint prompt_version_number_id_key unique (prompt_id, id, version);
alter table public.prompt
  drop constraint prompt_current_version_fkey,
  add constraint prompt_current_version_fkey foreign key (id, current_version_id, current_version)
    references public.prompt_version (prompt_id, id, version) deferrable initially deferred;

grant update (current_version) on public.prompt to promptrefine_api;
