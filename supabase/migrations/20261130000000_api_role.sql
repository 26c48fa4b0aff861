-- The API's rules hold for clients that skip the API.
--
-- 1. Who may write. Supabase hands its anon key to every browser, and PostgREST (and pg_graphql)
--    accept a user's own access token as the role `authenticated`. Whatever `authenticated` may
--    do, a user may therefore do directly, without our validation: queue 500 cells past
--    MAX_RUN_CELLS, price a model at -$5, requeue cells at '-infinity' to jump the queue, point a
--    dataset at another user's storage object. So `authenticated` keeps SELECT only (RLS still
--    shows each user their own rows), and every write goes through `promptrefine_api`: a member
--    of `authenticated` (every policy for `authenticated` applies to it unchanged) that only the
--    gateway's login role may switch to. PostgREST switches to the role named in the token, and
--    Supabase Auth only ever issues `authenticated`.
-- 2. Storage keys are derived from the owner and the dataset id, never read from a row.

-- 1. The API's role -----------------------------------------------------------------------------

do $$
begin
  if not exists (select from pg_roles where rolname = 'promptrefine_api') then
    create role promptrefine_api nologin inherit;
  end if;
  -- The gateway's login role, where it exists under the name the README gives (the local shim
  -- and docker compose create it; on a hosted project, create it first or grant it afterwards).
  if exists (select from pg_roles where rolname = 'promptrefine_gateway') then
    grant promptrefine_api to promptrefine_gateway;
  end if;
end
$$;

grant authenticated to promptrefine_api;

-- Revoking a table privilege also revokes the same privilege on each of its columns.
revoke insert, update, delete on public.prompt, public.prompt_version, public.dataset,
  public.dataset_row, public.run, public.run_model, public.run_cell, public.cell_grade
  from authenticated;

grant insert, delete on public.prompt to promptrefine_api;
grant update (name, tags, description, current_version_id) on public.prompt to promptrefine_api;
grant insert on public.prompt_version to promptrefine_api;
grant insert, delete on public.dataset to promptrefine_api;
grant update (name) on public.dataset to promptrefine_api;
grant insert on public.dataset_row to promptrefine_api;
grant insert, delete on public.run to promptrefine_api;
grant update (status, started_at, finished_at) on public.run to promptrefine_api;
grant insert on public.run_model to promptrefine_api;
grant insert on public.run_cell to promptrefine_api;
-- Cancelling, retrying and grading by hand; results are written by the workers (service_role).
grant update (status, queued_at, claims, lease_owner, lease_expires_at, error_kind, error_message,
  finished_at, manual_grade, manual_note, manual_graded_at, manual_graded_by)
  on public.run_cell to promptrefine_api;
grant insert on public.cell_grade to promptrefine_api;

-- 2. Storage keys -------------------------------------------------------------------------------

-- The key is `<owner_id>/<dataset_id>/<safe file name>`, computed by the API from the row's
-- owner and id; a stored copy could only ever be a way to point at someone else's object.
alter table public.dataset drop column storage_path;
