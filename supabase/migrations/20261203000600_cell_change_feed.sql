-- An exact change feed of a run's cells (`GET /v1/runs/{id}/changes`). Every version of a cell
-- records the transaction that wrote it (`changed_xid`); a poll returns the cells whose latest
-- write was not yet visible in the snapshot its cursor names, and the cursor it hands back is the
-- poll's own snapshot. A change is visible in exactly one interval between two snapshots, so a
-- client that passes back the cursor it was given never misses one (a transaction that commits
-- late is simply not visible yet) and never gets one twice. No lock is taken.

alter table public.run_cell add column changed_xid xid8 not null default pg_current_xact_id();

create function private.record_cell_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.changed_xid := pg_current_xact_id();
  return new;
end
$$;

create trigger run_cell_record_change
  before update on public.run_cell
  for each row execute function private.record_cell_change();
