-- An organization's own provider keys (`PUT /v1/provider-keys/{provider}`), used for its calls in
-- preference to the server's. A key is stored encrypted (AES-256-GCM) under a key-encryption key
-- that only the API and workers hold (`PROVIDER_KEYS_KEK`, never in the database), bound to its
-- organization and provider (the additional data), so that neither a dump, a backup nor a row
-- copied into another organization reveals or reuses it. `kek_id` names the KEK that sealed it:
-- after a rotation, rows sealed by a previous KEK are sealed again by the current one.

create table public.provider_key (
  org_id uuid not null references public.organization (id) on delete cascade,
  provider text not null,
  kek_id text not null,
  nonce bytea not null,
  -- The sealed key and its tag.
  ciphertext bytea not null,
  -- The key's last four characters, to tell keys apart.
  last4 text not null,
  -- Where to call instead of the provider's own API (an OpenAI-compatible proxy, say).
  base_url text,
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_used_at timestamptz,
  primary key (org_id, provider),
  constraint provider_key_provider_known check (
    provider in ('openai', 'anthropic', 'groq', 'cerebras', 'openrouter', 'together')),
  constraint provider_key_last4_length check (char_length(last4) <= 4),
  constraint provider_key_base_url_length check (char_length(base_url) <= 2048)
);

create index provider_key_kek_idx on public.provider_key (kek_id);

alter table public.provider_key enable row level security;

do $$
declare
  member constant text :=
    '(org_id = (select auth.uid()) or org_id = any ((select private.org_ids(''viewer''))::uuid[]))';
  admin constant text := '(org_id = any ((select private.org_ids(''admin''))::uuid[]))';
begin
  -- Members see which providers have a key (the models they may use); the list is for admins.
  execute format('create policy provider_key_select on public.provider_key
                  for select to authenticated using (%s)', member);
  execute format('create policy provider_key_insert on public.provider_key
                  for insert to authenticated with check (%s and created_by = (select auth.uid()))', admin);
  execute format('create policy provider_key_update on public.provider_key
                  for update to authenticated using (%s) with check (%s)', admin, admin);
  execute format('create policy provider_key_delete on public.provider_key
                  for delete to authenticated using (%s)', admin);
end
$$;

revoke all on public.provider_key from anon, authenticated;
-- Every column but the sealed key: no user role reads it. The API's role does (within the
-- policies), to call providers for a request without a second connection; only the API and
-- workers hold the KEK that opens it.
grant select (org_id, provider, kek_id, last4, base_url, created_by, created_at, updated_at,
  last_used_at) on public.provider_key to authenticated;
grant select (nonce, ciphertext) on public.provider_key to promptrefine_api;
grant insert, delete on public.provider_key to promptrefine_api;
grant update (kek_id, nonce, ciphertext, last4, base_url, updated_at) on public.provider_key
  to promptrefine_api;
grant all on public.provider_key to service_role;
