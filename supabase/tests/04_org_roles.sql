-- Teams: every table x every command x {owner, admin, editor, viewer, non-member, anon}, as the
-- API's role with each caller's claims (what RLS decides), then what the matrix cannot show: the
-- owner rules, a removed member, personal organizations, invitations, Storage.
--
-- Outcomes: `rows:N` (a select saw N of the team's rows), `ok:N` (a write touched N rows; it is
-- rolled back at once, so every attempt starts from the same data), or the SQLSTATE of the
-- refusal (42501: a grant or a policy said no).
begin;
select plan(316);

insert into auth.users (id, email, email_confirmed_at) values
  ('a0000000-0000-4000-8000-000000000001', 'owner@example.test', now()),
  ('a0000000-0000-4000-8000-000000000002', 'admin@example.test', now()),
  ('a0000000-0000-4000-8000-000000000003', 'editor@example.test', now()),
  ('a0000000-0000-4000-8000-000000000004', 'viewer@example.test', now()),
  ('a0000000-0000-4000-8000-000000000005', 'outsider@example.test', now());

-- The team and one of everything in it, written as the superuser.
insert into organization (id, name, slug, created_by) values
  ('e0000000-0000-4000-8000-00000000000e', 'Team', 'team', 'a0000000-0000-4000-8000-000000000001');
insert into membership (org_id, user_id, role) values
  ('e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000001', 'owner'),
  ('e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000002', 'admin'),
  ('e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000003', 'editor'),
  ('e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000004', 'viewer');
insert into invitation (id, org_id, email, role, token_sha256, created_by) values
  ('70000000-0000-4000-8000-000000000007', 'e0000000-0000-4000-8000-00000000000e', 'new@example.test',
   'editor', repeat('ab', 32), 'a0000000-0000-4000-8000-000000000001');
insert into prompt (id, org_id, created_by, name, kind) values
  ('10000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000001', 'p', 'generator');
insert into prompt_version (id, prompt_id, org_id, created_by, version, body, placeholders, body_sha256) values
  ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e',
   'a0000000-0000-4000-8000-000000000001', 1, 'Hi', '{}', 'sha');
insert into dataset (id, org_id, created_by, name, source_filename, format, columns, row_count, byte_size, sha256) values
  ('30000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000001', 'd', 'd.csv', 'csv', '{q}', 1, 4, 'sha'),
  ('30000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000001', 'unused', 'u.csv', 'csv', '{q}', 0, 2, 'sha');
insert into dataset_row (dataset_id, org_id, created_by, row_index, values) values
  ('30000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000001', 0, '{"q": "?"}');
insert into run (id, org_id, created_by, prompt_name, prompt_version, prompt_body, dataset_id, cell_count) values
  ('40000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000001',
   'p', 1, 'Hi', '30000000-0000-4000-8000-000000000001', 1);
insert into run_model (id, run_id, org_id, created_by, position, provider, model, label, input_per_mtok, output_per_mtok) values
  ('50000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e',
   'a0000000-0000-4000-8000-000000000001', 0, 'mock', 'echo', 'echo', 1, 1);
insert into run_cell (id, run_id, org_id, created_by, run_model_id, row_index, status, output) values
  ('60000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e',
   'a0000000-0000-4000-8000-000000000001', '50000000-0000-4000-8000-000000000001', 0, 'succeeded', 'Hi');
insert into cell_grade (cell_id, org_id, created_by, value) values
  ('60000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e', 'a0000000-0000-4000-8000-000000000001', 'pass');
insert into run_quota (org_id, tokens) values ('e0000000-0000-4000-8000-00000000000e', 10);

-- `command` as `actor`: through the API's role with the actor's claims (anon: as anon).
create function pg_temp.attempt(actor text, command text)
returns text
language plpgsql
as $$
declare
  outcome text;
  seen bigint;
  touched bigint;
begin
  perform set_config('request.jwt.claims', case actor
    when 'anon' then '{"role": "anon"}'
    else json_build_object('role', 'authenticated', 'sub', case actor
      when 'owner' then 'a0000000-0000-4000-8000-000000000001'
      when 'admin' then 'a0000000-0000-4000-8000-000000000002'
      when 'editor' then 'a0000000-0000-4000-8000-000000000003'
      when 'viewer' then 'a0000000-0000-4000-8000-000000000004'
      when 'outsider' then 'a0000000-0000-4000-8000-000000000005' end)::text end, true);
  perform set_config('role', case actor when 'anon' then 'anon' else 'promptrefine_api' end, true);
  begin
    if command like 'select%' then
      execute command into seen;
      outcome := 'rows:' || seen;
    else
      execute command;
      get diagnostics touched = row_count;
      -- Undo the write, so that every attempt starts from the same rows.
      raise exception using errcode = 'T0001', message = 'ok:' || touched;
    end if;
  exception when others then
    outcome := case when sqlstate = 'T0001' then sqlerrm else sqlstate end;
  end;
  perform set_config('role', 'none', true);
  return outcome;
end
$$;

create temp table matrix (tbl text, command text, statement text,
  owner text, admin text, editor text, viewer text, outsider text, anon text);
insert into matrix values
  -- organization: members read; admins rename; the owner deletes; nobody inserts (a function does).
  ('organization', 'select', $$select count(*) from organization where id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'rows:1', 'rows:1', 'rows:1', 'rows:1', 'rows:0', '42501'),
  ('organization', 'insert', $$insert into organization (name, slug) values ('Mine', 'mine')$$,
   '42501', '42501', '42501', '42501', '42501', '42501'),
  ('organization', 'update', $$update organization set name = 'Renamed' where id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'ok:1', 'ok:1', 'ok:0', 'ok:0', 'ok:0', '42501'),
  ('organization', 'delete', $$delete from organization where id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'ok:1', 'ok:0', 'ok:0', 'ok:0', 'ok:0', '42501'),
  -- membership: members read; admins change roles; anyone leaves; nobody inserts.
  ('membership', 'select', $$select count(*) from membership where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'rows:4', 'rows:4', 'rows:4', 'rows:4', 'rows:0', '42501'),
  ('membership', 'insert', $$insert into membership (org_id, user_id, role) values ('e0000000-0000-4000-8000-00000000000e', auth.uid(), 'owner')$$,
   '42501', '42501', '42501', '42501', '42501', '42501'),
  ('membership', 'update', $$update membership set role = 'viewer' where org_id = 'e0000000-0000-4000-8000-00000000000e' and user_id = 'a0000000-0000-4000-8000-000000000003'$$,
   'ok:1', 'ok:1', 'ok:0', 'ok:0', 'ok:0', '42501'),
  ('membership', 'delete', $$delete from membership where org_id = 'e0000000-0000-4000-8000-00000000000e' and user_id = 'a0000000-0000-4000-8000-000000000004'$$,
   'ok:1', 'ok:1', 'ok:0', 'ok:1', 'ok:0', '42501'),
  -- invitation: admins only; revoked, never deleted.
  ('invitation', 'select', $$select count(*) from invitation where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'rows:1', 'rows:1', 'rows:0', 'rows:0', 'rows:0', '42501'),
  ('invitation', 'insert', $$insert into invitation (org_id, email, role, token_sha256) values ('e0000000-0000-4000-8000-00000000000e', 'x@example.test', 'editor', repeat('cd', 32))$$,
   'ok:1', 'ok:1', '42501', '42501', '42501', '42501'),
  ('invitation', 'update', $$update invitation set revoked_at = now() where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'ok:1', 'ok:1', 'ok:0', 'ok:0', 'ok:0', '42501'),
  ('invitation', 'delete', $$delete from invitation where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   '42501', '42501', '42501', '42501', '42501', '42501'),
  -- Content: members read; editors and up write what the API writes.
  ('prompt', 'select', $$select count(*) from prompt where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'rows:1', 'rows:1', 'rows:1', 'rows:1', 'rows:0', '42501'),
  ('prompt', 'insert', $$insert into prompt (org_id, name, kind) values ('e0000000-0000-4000-8000-00000000000e', 'n', 'generator')$$,
   'ok:1', 'ok:1', 'ok:1', '42501', '42501', '42501'),
  ('prompt', 'update', $$update prompt set name = 'x' where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'ok:1', 'ok:1', 'ok:1', 'ok:0', 'ok:0', '42501'),
  ('prompt', 'delete', $$delete from prompt where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'ok:1', 'ok:1', 'ok:1', 'ok:0', 'ok:0', '42501'),
  ('prompt_version', 'select', $$select count(*) from prompt_version where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'rows:1', 'rows:1', 'rows:1', 'rows:1', 'rows:0', '42501'),
  ('prompt_version', 'insert', $$insert into prompt_version (prompt_id, org_id, version, body, placeholders, body_sha256) values ('10000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e', 2, 'b', '{}', 's')$$,
   'ok:1', 'ok:1', 'ok:1', '42501', '42501', '42501'),
  ('prompt_version', 'update', $$update prompt_version set body = 'x'$$,
   '42501', '42501', '42501', '42501', '42501', '42501'),
  ('prompt_version', 'delete', $$delete from prompt_version$$,
   '42501', '42501', '42501', '42501', '42501', '42501'),
  ('dataset', 'select', $$select count(*) from dataset where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'rows:2', 'rows:2', 'rows:2', 'rows:2', 'rows:0', '42501'),
  ('dataset', 'insert', $$insert into dataset (org_id, name, source_filename, format, columns, row_count, byte_size, sha256) values ('e0000000-0000-4000-8000-00000000000e', 'n', 'n.csv', 'csv', '{}', 0, 0, 's')$$,
   'ok:1', 'ok:1', 'ok:1', '42501', '42501', '42501'),
  ('dataset', 'update', $$update dataset set name = 'x' where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'ok:2', 'ok:2', 'ok:2', 'ok:0', 'ok:0', '42501'),
  ('dataset', 'delete', $$delete from dataset where id = '30000000-0000-4000-8000-000000000002'$$,
   'ok:1', 'ok:1', 'ok:1', 'ok:0', 'ok:0', '42501'),
  ('dataset_row', 'select', $$select count(*) from dataset_row where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'rows:1', 'rows:1', 'rows:1', 'rows:1', 'rows:0', '42501'),
  ('dataset_row', 'insert', $$insert into dataset_row (dataset_id, org_id, row_index, values) values ('30000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e', 1, '{}')$$,
   'ok:1', 'ok:1', 'ok:1', '42501', '42501', '42501'),
  ('dataset_row', 'update', $$update dataset_row set values = '{}'$$,
   '42501', '42501', '42501', '42501', '42501', '42501'),
  ('dataset_row', 'delete', $$delete from dataset_row$$,
   '42501', '42501', '42501', '42501', '42501', '42501'),
  ('run', 'select', $$select count(*) from run where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'rows:1', 'rows:1', 'rows:1', 'rows:1', 'rows:0', '42501'),
  ('run', 'insert', $$insert into run (org_id, prompt_name, prompt_version, prompt_body, cell_count) values ('e0000000-0000-4000-8000-00000000000e', 'p', 1, 'x', 1)$$,
   'ok:1', 'ok:1', 'ok:1', '42501', '42501', '42501'),
  ('run', 'update', $$update run set status = 'cancelled' where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'ok:1', 'ok:1', 'ok:1', 'ok:0', 'ok:0', '42501'),
  ('run', 'delete', $$delete from run where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'ok:1', 'ok:1', 'ok:1', 'ok:0', 'ok:0', '42501'),
  ('run_model', 'select', $$select count(*) from run_model where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'rows:1', 'rows:1', 'rows:1', 'rows:1', 'rows:0', '42501'),
  ('run_model', 'insert', $$insert into run_model (run_id, org_id, position, provider, model, label, input_per_mtok, output_per_mtok) values ('40000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e', 1, 'mock', 'echo', 'e2', 1, 1)$$,
   'ok:1', 'ok:1', 'ok:1', '42501', '42501', '42501'),
  ('run_model', 'update', $$update run_model set input_per_mtok = 0$$,
   '42501', '42501', '42501', '42501', '42501', '42501'),
  ('run_model', 'delete', $$delete from run_model$$,
   '42501', '42501', '42501', '42501', '42501', '42501'),
  ('run_cell', 'select', $$select count(*) from run_cell where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'rows:1', 'rows:1', 'rows:1', 'rows:1', 'rows:0', '42501'),
  ('run_cell', 'insert', $$insert into run_cell (run_id, org_id, run_model_id) values ('40000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e', '50000000-0000-4000-8000-000000000001')$$,
   'ok:1', 'ok:1', 'ok:1', '42501', '42501', '42501'),
  ('run_cell', 'update', $$update run_cell set manual_grade = 'fail' where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'ok:1', 'ok:1', 'ok:1', 'ok:0', 'ok:0', '42501'),
  ('run_cell', 'delete', $$delete from run_cell$$,
   '42501', '42501', '42501', '42501', '42501', '42501'),
  ('cell_grade', 'select', $$select count(*) from cell_grade where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'rows:1', 'rows:1', 'rows:1', 'rows:1', 'rows:0', '42501'),
  ('cell_grade', 'insert', $$insert into cell_grade (cell_id, org_id, value) values ('60000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-00000000000e', 'fail')$$,
   'ok:1', 'ok:1', 'ok:1', '42501', '42501', '42501'),
  ('cell_grade', 'update', $$update cell_grade set value = 'fail'$$,
   '42501', '42501', '42501', '42501', '42501', '42501'),
  ('cell_grade', 'delete', $$delete from cell_grade$$,
   '42501', '42501', '42501', '42501', '42501', '42501'),
  ('run_quota', 'select', $$select count(*) from run_quota where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'rows:1', 'rows:1', 'rows:1', 'rows:1', 'rows:0', '42501'),
  ('run_quota', 'insert', $$insert into run_quota (org_id, tokens) values ('e0000000-0000-4000-8000-00000000000e', 1) on conflict (org_id) do update set tokens = 1$$,
   'ok:1', 'ok:1', 'ok:1', '42501', '42501', '42501'),
  ('run_quota', 'update', $$update run_quota set tokens = 1000 where org_id = 'e0000000-0000-4000-8000-00000000000e'$$,
   'ok:1', 'ok:1', 'ok:1', 'ok:0', 'ok:0', '42501'),
  ('run_quota', 'delete', $$delete from run_quota$$,
   '42501', '42501', '42501', '42501', '42501', '42501');

select is(pg_temp.attempt(actor, statement), expected, format('%s: %s %s', actor, command, tbl))
from matrix
cross join lateral (values ('owner', owner), ('admin', admin), ('editor', editor), ('viewer', viewer),
                           ('outsider', outsider), ('anon', anon)) as actors(actor, expected)
order by tbl, command, actor;

-- Beyond the matrix ------------------------------------------------------------------------------

-- Owners alone make or unmake owners; an organization keeps one.
select is(pg_temp.attempt('admin', $$update membership set role = 'owner' where user_id = 'a0000000-0000-4000-8000-000000000003' and org_id = 'e0000000-0000-4000-8000-00000000000e'$$),
  '42501', 'an admin cannot make an owner');
select is(pg_temp.attempt('admin', $$update membership set role = 'viewer' where user_id = 'a0000000-0000-4000-8000-000000000001' and org_id = 'e0000000-0000-4000-8000-00000000000e'$$),
  'ok:0', 'an admin cannot demote an owner');
select is(pg_temp.attempt('admin', $$delete from membership where user_id = 'a0000000-0000-4000-8000-000000000001' and org_id = 'e0000000-0000-4000-8000-00000000000e'$$),
  'ok:0', 'an admin cannot remove an owner');
select is(pg_temp.attempt('owner', $$update membership set role = 'owner' where user_id = 'a0000000-0000-4000-8000-000000000003' and org_id = 'e0000000-0000-4000-8000-00000000000e'$$),
  'ok:1', 'an owner makes an owner');
select is(pg_temp.attempt('owner', $$update membership set role = 'admin' where user_id = 'a0000000-0000-4000-8000-000000000001' and org_id = 'e0000000-0000-4000-8000-00000000000e'$$),
  '23514', 'the last owner cannot step down');
select is(pg_temp.attempt('owner', $$delete from membership where user_id = 'a0000000-0000-4000-8000-000000000001' and org_id = 'e0000000-0000-4000-8000-00000000000e'$$),
  '23514', 'the last owner cannot leave');
select is(pg_temp.attempt('admin', $$update invitation set role = 'owner'$$),
  '42501', 'an admin cannot turn an invitation into one for an owner');
select is(pg_temp.attempt('admin', $$insert into invitation (org_id, email, role, token_sha256) values ('e0000000-0000-4000-8000-00000000000e', 'x@example.test', 'owner', repeat('ef', 32))$$),
  '42501', 'an admin cannot invite an owner');

-- Personal organizations: made on sign-up, kept by their person, never deleted.
select is((select count(*) from organization o join membership m on m.org_id = o.id
           where o.personal_of = 'a0000000-0000-4000-8000-000000000005' and o.id = o.personal_of
             and m.user_id = o.personal_of and m.role = 'owner'), 1::bigint,
  'signing up made the outsider a personal organization with their id, which they own');
select is(pg_temp.attempt('outsider', $$delete from organization where id = 'a0000000-0000-4000-8000-000000000005'$$),
  'ok:0', 'a personal organization cannot be deleted, even by its owner');
select is(pg_temp.attempt('outsider', $$delete from membership where org_id = 'a0000000-0000-4000-8000-000000000005'$$),
  '23514', 'its person cannot leave their personal organization');

-- A removed member loses everything of the team with their membership, in the same instant.
select is(pg_temp.attempt('editor', $$select count(*) from prompt where org_id = 'e0000000-0000-4000-8000-00000000000e'$$),
  'rows:1', 'the editor reads the team''s prompt');
delete from membership where org_id = 'e0000000-0000-4000-8000-00000000000e'
  and user_id = 'a0000000-0000-4000-8000-000000000003';
select is(pg_temp.attempt('editor', $$select count(*) from prompt where org_id = 'e0000000-0000-4000-8000-00000000000e'$$),
  'rows:0', 'removed, the editor reads nothing of it');
select is(pg_temp.attempt('editor', $$insert into prompt (org_id, name, kind) values ('e0000000-0000-4000-8000-00000000000e', 'n', 'generator')$$),
  '42501', 'and writes nothing into it');
select is(pg_temp.attempt('editor', $$update run set status = 'cancelled' where org_id = 'e0000000-0000-4000-8000-00000000000e'$$),
  'ok:0', 'nor changes it');

-- Nothing of the above through a user's own token (PostgREST as `authenticated`), which reads only.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000001", "role": "authenticated"}', true);
select throws_ok($$ update organization set name = 'x' $$, '42501', null, 'a user''s own token cannot rename an organization');
select throws_ok($$ update membership set role = 'owner' $$, '42501', null, 'a user''s own token cannot change a role');
select throws_ok($$ delete from membership $$, '42501', null, 'a user''s own token cannot remove members');
select throws_ok($$ insert into invitation (org_id, email, role, token_sha256) values ('e0000000-0000-4000-8000-00000000000e', 'x@example.test', 'owner', repeat('ef', 32)) $$,
  '42501', null, 'a user''s own token cannot invite');
select throws_ok($$ select private.create_organization('x', 'x', 100) $$, '42501', null,
  'a user''s own token cannot call the API''s functions');
select throws_ok($$ select * from private.accept_invitation(repeat('ab', 32)) $$, '42501', null,
  'nor accept an invitation without the API');
reset role;

-- Invitations are accepted only by the confirmed owner of their email, once.
set local role promptrefine_api;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000005", "role": "authenticated"}', true);
select is((select outcome from private.accept_invitation(repeat('ab', 32))), 'email_mismatch',
  'the outsider cannot accept an invitation sent to another email');
reset role;
update invitation set email = 'outsider@example.test' where id = '70000000-0000-4000-8000-000000000007';
set local role promptrefine_api;
select is((select outcome || ':' || role from private.accept_invitation(repeat('ab', 32))), 'accepted:editor',
  'sent to their email, they join with its role');
select is((select outcome from private.accept_invitation(repeat('ab', 32))), 'used', 'only once');
reset role;

-- Storage: a team's folder is its members' to read and its editors' to write.
set local role authenticated;
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000004", "role": "authenticated"}', true);
select throws_ok($$ insert into storage.objects (bucket_id, name) values ('datasets', 'e0000000-0000-4000-8000-00000000000e/x/v.csv') $$,
  '42501', null, 'a viewer cannot store files in the team''s folder');
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000002", "role": "authenticated"}', true);
select lives_ok($$ insert into storage.objects (bucket_id, name) values ('datasets', 'e0000000-0000-4000-8000-00000000000e/x/a.csv') $$,
  'an admin stores files in the team''s folder');
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000004", "role": "authenticated"}', true);
select is((select count(*) from storage.objects where bucket_id = 'datasets'), 1::bigint, 'a viewer reads them');
select set_config('request.jwt.claims', '{"sub": "a0000000-0000-4000-8000-000000000003", "role": "authenticated"}', true);
select is((select count(*) from storage.objects where bucket_id = 'datasets'), 0::bigint, 'a removed member does not');
reset role;

select * from finish();
rollback;
