-- Rate limits of calls (per API key, per deployment), kept in Postgres so that they hold across
-- every API process. Each limit is a token bucket: `tokens` as of `refilled_at`, refilling at
-- `per_minute` a minute up to `per_minute`; a call takes one token from each of its buckets, or
-- from none when any is empty.

create table private.rate_bucket (
  bucket text primary key,
  tokens double precision not null,
  refilled_at timestamptz not null
);

alter table private.rate_bucket enable row level security;
revoke all on private.rate_bucket from public;

-- Takes a token from every bucket of `buckets` (with its `per_minute`), or from none. Returns
-- whether the call may go, and the tightest bucket's state after it: its limit, the tokens left,
-- and the seconds until it is full again (or, refused, until it has a token).
create function private.take_rate_tokens(buckets text[], per_minute integer[])
returns table (allowed boolean, bucket_limit integer, remaining integer, reset_seconds double precision)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  now_at timestamptz := now();
  state record;
  levels double precision[] := '{}';
  limits integer[] := '{}';
  names text[] := '{}';
  tightest integer := 0;
  level double precision;
  i integer;
begin
  insert into private.rate_bucket (bucket, tokens, refilled_at)
  select b, l, now_at from unnest(buckets, per_minute) as given(b, l)
  on conflict (bucket) do nothing;
  -- In a fixed order, so that two calls sharing buckets never wait on each other in a cycle.
  for state in
    select r.bucket, r.tokens, r.refilled_at, given.l as per_minute
    from private.rate_bucket r join unnest(buckets, per_minute) as given(b, l) on given.b = r.bucket
    order by r.bucket
    for update of r
  loop
    level := least(state.per_minute,
                   state.tokens + extract(epoch from now_at - state.refilled_at) * state.per_minute / 60.0);
    names := names || state.bucket;
    levels := levels || level;
    limits := limits || state.per_minute;
  end loop;
  allowed := coalesce(1 <= all (levels), true);
  for i in 1 .. coalesce(array_length(names, 1), 0) loop
    if allowed then
      levels[i] := levels[i] - 1;
    end if;
    update private.rate_bucket set tokens = levels[i], refilled_at = now_at where bucket = names[i];
    if tightest = 0 or levels[i] / limits[i] < levels[tightest] / limits[tightest] then
      tightest := i;
    end if;
  end loop;
  if tightest = 0 then
    return query select allowed, null::integer, null::integer, null::double precision;
    return;
  end if;
  bucket_limit := limits[tightest];
  remaining := greatest(floor(levels[tightest]), 0)::integer;
  reset_seconds := case
    when allowed then (limits[tightest] - levels[tightest]) * 60.0 / limits[tightest]
    else (1 - levels[tightest]) * 60.0 / limits[tightest] end;
  return next;
end
$$;

revoke execute on function private.take_rate_tokens(text[], integer[]) from public;
grant execute on function private.take_rate_tokens(text[], integer[]) to promptrefine_api;

-- Buckets untouched for an hour are full again: the housekeeping forgets them.
create index rate_bucket_refilled_idx on private.rate_bucket (refilled_at);
grant select, delete on private.rate_bucket to service_role;
