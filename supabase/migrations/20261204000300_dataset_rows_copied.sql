-- A dataset's rows are copied straight into `dataset_row` (as `service_role`: COPY cannot write
-- a table under RLS) before the dataset row itself is inserted under the policies; the foreign key
-- that ties each row to its dataset and organization is checked at the commit.

alter table public.dataset_row alter constraint dataset_row_dataset_fkey deferrable initially immediate;
