#!/usr/bin/env python3
"""API read benchmark (issues: foundation, performance).

Against a release `promptrefine dev` holding 200 prompts, `wrk` loads `GET /v1/prompts/{id}` and
`GET /v1/prompts?limit=50` (token verification, an RLS transaction, the read, JSON). The baselines,
measured in the same run on the same cluster:

- `pgbench` running the transaction the API runs for each read, as the same role with the same
  claims (`BEGIN`; the context as one prepared `SELECT set_config(...)`, the cheapest form for
  PostgreSQL; the query, prepared; `COMMIT`), with as many client connections: what PostgreSQL
  alone can serve. The ratio API / pgbench is the share of the database's capacity the API
  delivers.
- `GET /health` (the HTTP stack alone: no token, no database).

The API's pool (`DB_MAX_CONNECTIONS`) is sized to this machine, 2 connections per core, as a
deployment sizes it to its database's cores: PostgreSQL shares these cores with the API and the
load, and more backends than that only queue on them (on 2 cores, 16 connections serve fewer
requests, at a p99 half again as long). Also reports the time `dev` takes to be ready on a fresh
data dir and on an existing one.

    apt-get install wrk postgresql-client
    python3 bench/prompts_api.py [--seconds 10] [--connections 32] [--db-connections N]
                                 [--binary <another build>]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from devserver import DevServer, add_binary_option, chosen_binary

# What `platform::db` sets at the start of every request's transaction (it sends `SET LOCAL`
# commands with its BEGIN, in one simple-protocol message).
CONTEXT = ("select set_config('role', 'promptrefine_api', true), "
           "set_config('request.jwt.claims', {claims}, true), "
           "set_config('statement_timeout', '{statement_ms}', true), "
           "set_config('idle_in_transaction_session_timeout', '{idle_ms}', true);")
# The reads of `prompts::store::get` and `prompts::store::list`, as the API sends them.
COLUMNS = ("p.id, p.org_id, p.created_by, p.name, p.kind, p.tags, p.description, "
           "p.current_version, p.latest_version, p.created_at, p.updated_at")
GET = (f"select {COLUMNS}, to_jsonb(cv) as version from public.prompt p "
       "join public.prompt_version cv on cv.id = p.current_version_id where p.id = '{id}';")
LIST = (f"select {COLUMNS} from public.prompt p "
        "where p.org_id = '{org}' and (null::public.prompt_kind is null) and (null::text is null) "
        "and (null::text is null) and (null::timestamptz is null) "
        "order by p.updated_at desc, p.id desc limit 51;")


def wrk(url: str, token: str | None, seconds: int, connections: int) -> tuple[float, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd + [url], check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    return rps, float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]


def pgbench(server: DevServer, script: str, seconds: int, connections: int) -> tuple[float, float]:
    """Transactions per second and p99 latency (ms) of `script`, prepared, over `connections`."""
    password = (Path(server.data_dir) / "postgres" / "superuser.password").read_text().strip()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "read.sql"
        path.write_text(script)
        log_prefix = Path(tmp) / "latency"
        out = subprocess.run(
            ["pgbench", "-n", "-M", "prepared", "-c", str(connections), "-j", "2", "-T", str(seconds),
             "-l", "--log-prefix", str(log_prefix), "-h", "127.0.0.1", "-p", str(server.db_port),
             "-U", "postgres", "-f", str(path), "promptrefine"],
            env={**os.environ, "PGPASSWORD": password}, capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"pgbench failed: {out.stderr}\n{script}")
        out = out.stdout
        tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
        latencies = sorted(int(line.split()[2]) for log in Path(tmp).glob("latency*")
                           for line in log.read_text().splitlines())
    return tps, latencies[int(len(latencies) * 0.99)] / 1000


def seed(server: DevServer, count: int) -> list[dict]:
    made = []
    for i in range(count):
        body = json.dumps({"name": f"prompt {i}", "kind": "generator", "tags": ["bench"],
                           "body": f"Answer {{{{question}}}} in the style of {i}."}).encode()
        request = urllib.request.Request(f"{server.base_url}/v1/prompts", data=body, method="POST", headers={
            "Authorization": f"Bearer {server.token}", "Content-Type": "application/json"})
        made.append(json.loads(urllib.request.urlopen(request).read()))
    return made


def claims_of(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def literal(text: str) -> str:
    """`text` as an SQL expression pgbench leaves alone (it would read `:false` in JSON as one of
    its variables): decoded from base64 by the server."""
    encoded = base64.b64encode(text.encode()).decode()
    return f"convert_from(decode('{encoded}', 'base64'), 'utf8')"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--db-connections", type=int, default=2 * (os.cpu_count() or 2),
                        help="the API's DB_MAX_CONNECTIONS (default: 2 per core, as PostgreSQL shares "
                             "this machine's cores; the product's default is 16)")
    add_binary_option(parser)
    args = parser.parse_args()
    binary = chosen_binary(args)
    seconds, connections = args.seconds, args.connections
    with tempfile.TemporaryDirectory(prefix="promptrefine-bench-") as data_dir:
        pool = {"DB_MAX_CONNECTIONS": str(args.db_connections)}
        cold = DevServer(data_dir, extra_env=pool, binary=binary)
        cold_s = cold.ready_seconds
        cold.stop()
        with DevServer(data_dir, extra_env=pool, binary=binary) as server:
            warm_s = server.ready_seconds
            prompts = seed(server, 200)
            one = prompts[100]
            claims = claims_of(server.token)
            context = CONTEXT.format(claims=literal(json.dumps(claims, separators=(",", ":"))),
                                     statement_ms=10000, idle_ms=30000)
            transaction = lambda query: f"begin;\n{context}\n{query}\ncommit;\n"
            api = {
                "get": wrk(f"{server.base_url}/v1/prompts/{one['id']}", server.token, seconds, connections),
                "list": wrk(f"{server.base_url}/v1/prompts?limit=50", server.token, seconds, connections),
            }
            db = {
                "get": pgbench(server, transaction(GET.format(id=one["id"])), seconds, connections),
                "list": pgbench(server, transaction(LIST.format(org=one["org_id"])), seconds, connections),
            }
            health_rps, health_p99 = wrk(f"{server.base_url}/health", None, seconds, connections)
    print(f"dev ready: cold (fresh data dir) {cold_s:.2f} s, warm (existing data dir) {warm_s:.2f} s")
    for name, what in [("get", "GET /v1/prompts/{id}"), ("list", "GET /v1/prompts?limit=50")]:
        (rps, p99), (tps, db_p99) = api[name], db[name]
        print(f"{what}: {rps:,.0f} req/s, p99 {p99:.2f} ms; pgbench of its transaction {tps:,.0f} tps, "
              f"p99 {db_p99:.2f} ms; ratio {rps / tps:.2f}")
    print(f"baseline GET /health: {health_rps:,.0f} req/s, p99 {health_p99:.2f} ms "
          f"({connections} connections, {seconds} s each, the API's pool {args.db_connections}; "
          f"{os.cpu_count()} cores shared by the API, PostgreSQL and the load)")


if __name__ == "__main__":
    main()
