-- Datasets: the metadata of an uploaded file and its rows. The original file lives in Supabase
-- Storage (bucket `datasets`, key `<owner_id>/<dataset_id>/<file name>`).

create type public.dataset_format as enum ('csv', 'json', 'jsonl');

create table public.dataset (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  name text not null,
  source_filename text not null,
  format public.dataset_format not null,
  storage_path text not null,
  columns text[] not null,
  row_count integer not null,
  byte_size bigint not null,
  sha256 text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint dataset_name_length check (char_length(name) between 1 and 200 and name = btrim(name)),
  constraint dataset_source_filename_length check (char_length(source_filename) between 1 and 255),
  -- The upper bounds (rows, columns, bytes) are settings of the API, not of the schema.
  constraint dataset_counts_positive check (row_count >= 0 and byte_size >= 0),
  constraint dataset_id_owner_key unique (id, owner_id)
);

create index dataset_owner_created_idx on public.dataset (owner_id, created_at desc, id desc);

create trigger dataset_set_updated_at
  before update on public.dataset
  for each row execute function public.set_updated_at();

create table public.dataset_row (
  dataset_id uuid not null,
  owner_id uuid not null default auth.uid(),
  row_index integer not null,
  values jsonb not null,
  primary key (dataset_id, row_index),
  -- A row belongs to its dataset's owner.
  constraint dataset_row_dataset_fkey foreign key (dataset_id, owner_id)
    references public.dataset (id, owner_id) on delete cascade,
  constraint dataset_row_index_positive check (row_index >= 0)
);

alter table public.dataset enable row level security;
alter table public.dataset_row enable row level security;

create policy dataset_owner on public.dataset
  for all to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

create policy dataset_row_owner on public.dataset_row
  for all to authenticated
  using (owner_id = (select auth.uid()))
  with check (owner_id = (select auth.uid()));

revoke all on public.dataset, public.dataset_row from anon, authenticated;
grant select, insert, delete on public.dataset to authenticated;
grant update (name) on public.dataset to authenticated;
-- Rows are written once, with their dataset, and go with it.
grant select, insert on public.dataset_row to authenticated;
grant all on public.dataset, public.dataset_row to service_role;

-- The Storage bucket and its per-user-folder policies: a user reaches only objects under
-- `<their user id>/`. Guarded so that the migration also applies where Storage is absent.
do $$
begin
  if to_regclass('storage.buckets') is null then
    return;
  end if;

  insert into storage.buckets (id, name, public, file_size_limit)
  values ('datasets', 'datasets', false, 52428800)
  on conflict (id) do nothing;

  drop policy if exists "datasets: owner reads" on storage.objects;
  drop policy if exists "datasets: owner uploads" on storage.objects;
  drop policy if exists "datasets: owner deletes" on storage.objects;

  create policy "datasets: owner reads" on storage.objects
    for select to authenticated
    using (bucket_id = 'datasets' and (storage.foldername(name))[1] = (select auth.uid()::text));
  create policy "datasets: owner uploads" on storage.objects
    for insert to authenticated
    with check (bucket_id = 'datasets' and (storage.foldername(name))[1] = (select auth.uid()::text));
  create policy "datasets: owner deletes" on storage.objects
    for delete to authenticated
    using (bucket_id = 'datasets' and (storage.foldername(name))[1] = (select auth.uid()::text));
end
$$;
