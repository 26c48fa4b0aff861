-- Demo data for `supabase db reset`: a user (demo@promptrefine.dev, password `promptrefine-demo`),
-- a generator and a grader prompt, and a small dataset. Sign in as that user in the frontend
-- and everything below is in their personal organization (whose id is theirs). (The dataset's original file is not in Storage: its download
-- answers `file_missing`; upload a file through the API to see that part work.)

create extension if not exists pgcrypto with schema extensions;

begin;

insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
values ('00000000-0000-0000-0000-000000000000', 'd3e00000-0000-4000-8000-000000000001',
        'authenticated', 'authenticated', 'demo@promptrefine.dev',
        extensions.crypt('promptrefine-demo', extensions.gen_salt('bf')), now(),
        '{"provider": "email", "providers": ["email"]}', '{}', now(), now())
on conflict (id) do nothing;

-- Rows are written as the API writes them: as `promptrefine_api` with the user's claims, so the
-- created_by defaults and the policies apply exactly as through the API.
set local role promptrefine_api;
select set_config('request.jwt.claims',
  '{"sub": "d3e00000-0000-4000-8000-000000000001", "role": "authenticated"}', true);

with prompt as (
  insert into public.prompt (id, org_id, name, kind, tags, description, current_version_id)
  values ('d3e00000-0000-4000-8000-0000000000a1', 'd3e00000-0000-4000-8000-000000000001', 'Support reply', 'generator', '{support}',
          'Answers a customer question in two sentences.', 'd3e00000-0000-4000-8000-0000000000b1')
)
insert into public.prompt_version (id, prompt_id, org_id, version, body, placeholders, body_sha256, note)
values ('d3e00000-0000-4000-8000-0000000000b1', 'd3e00000-0000-4000-8000-0000000000a1',
        'd3e00000-0000-4000-8000-000000000001', 1,
        'You answer customers of an online shop. Answer in two sentences: {{question}}',
        '{question}', encode(extensions.digest('You answer customers of an online shop. Answer in two sentences: {{question}}', 'sha256'), 'hex'),
        'first draft');

with prompt as (
  insert into public.prompt (id, org_id, name, kind, tags, current_version_id)
  values ('d3e00000-0000-4000-8000-0000000000a2', 'd3e00000-0000-4000-8000-000000000001', 'Helpfulness judge', 'grader', '{judge}',
          'd3e00000-0000-4000-8000-0000000000b2')
)
insert into public.prompt_version (id, prompt_id, org_id, version, body, placeholders, body_sha256)
select 'd3e00000-0000-4000-8000-0000000000b2', 'd3e00000-0000-4000-8000-0000000000a2',
       'd3e00000-0000-4000-8000-000000000001', 1, body,
       '{input,output,expected}', encode(extensions.digest(body, 'sha256'), 'hex')
from (values (E'Question: {{input}}\nAnswer: {{output}}\nExpected topic: {{expected}}\n\nDoes the answer address the question? Reply <response>{"score": 0..1, "pass": true|false, "reason": "..."}</response>.')) as grader(body);

with dataset as (
  insert into public.dataset (id, org_id, name, source_filename, format, columns, row_count, byte_size, sha256)
  values ('d3e00000-0000-4000-8000-0000000000c1', 'd3e00000-0000-4000-8000-000000000001', 'Support questions', 'support-questions.csv', 'csv',
          '{question,expected}', 3, 118, 'seed')
)
insert into public.dataset_row (dataset_id, org_id, row_index, values)
select 'd3e00000-0000-4000-8000-0000000000c1', 'd3e00000-0000-4000-8000-000000000001', row_index, values
from (values (0, '{"question": "Where is my order?", "expected": "tracking"}'::jsonb),
             (1, '{"question": "Can I return a gift?", "expected": "returns"}'),
             (2, '{"question": "Do you ship abroad?", "expected": "shipping"}')) as rows(row_index, values);

reset role;
commit;
