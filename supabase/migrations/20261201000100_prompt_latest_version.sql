-- A prompt's highest version number, kept on the prompt (saving a version raises it): every list
-- and read shows it, and counting each prompt's versions cost a query per prompt, each paying
-- for the version table's policy.
alter table public.prompt add column latest_version integer;
update public.prompt p
set latest_version = (select max(v.version) from public.prompt_version v where v.prompt_id = p.id);
alter table public.prompt
  alter column latest_version set default 1,
  alter column latest_version set not null,
  add constraint prompt_latest_version_positive check (latest_version >= 1);

grant update (latest_version) on public.prompt to promptrefine_api;
