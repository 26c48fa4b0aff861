#!/usr/bin/env bash
# Runs the pgTAP tests of this folder (the `supabase test db` layout) against a throwaway local
# cluster with the Supabase shim and every migration, started by `promptrefine dev`.
# Needs pg_prove and pgTAP (Debian: libtap-parser-sourcehandler-pgtap-perl, postgresql-15-pgtap)
# and a built binary (`cargo build -p gateway`, or PROMPTREFINE_BIN).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
binary="${PROMPTREFINE_BIN:-$root/target/debug/promptrefine}"

data_dir="$(mktemp -d)"
chmod 755 "$data_dir" # as root, PostgreSQL runs as `postgres`
log="$data_dir/dev.log"
"$binary" dev --port 0 --data-dir "$data_dir" > "$log" 2>&1 &
dev_pid=$!
cleanup() {
  kill -INT "$dev_pid" 2>/dev/null || true
  wait "$dev_pid" 2>/dev/null || true
  rm -rf "$data_dir"
}
trap cleanup EXIT

for _ in $(seq 1 600); do
  grep -q "Ctrl-C" "$log" && break
  kill -0 "$dev_pid" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
port="$(sed -n 's|.*Database: *postgres://promptrefine_gateway@127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")"
export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres PGDATABASE=promptrefine
PGPASSWORD="$(cat "$data_dir/postgres/superuser.password")"
export PGPASSWORD
# The seed must apply too (as `supabase db reset` would apply it).
psql -q -v ON_ERROR_STOP=1 -f "$root/supabase/seed.sql" > /dev/null
psql -q -v ON_ERROR_STOP=1 -c "create extension if not exists pgtap with schema extensions"
PGOPTIONS="-c search_path=public,extensions" pg_prove --ext .sql -r "$here"
