#!/usr/bin/env python3
"""Usage analytics at scale (issue: observe and integrate).

Loads 1,000,000 calls and cells (500,000 of each, spread over the last 30 days, 4 models) into one
organization of a release `promptrefine dev`, counts them into the hourly rollups (timed), then
times `GET /v1/analytics/usage` over 30 days by day (without and with `group_by=model`) and
`GET /v1/analytics/overview`, end to end over HTTP. The same-run baseline: a plain `count(*)` of
the same rows, timed inside one psql session.

    python3 bench/analytics.py [--rows 500000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import time
import urllib.request

from devserver import DevServer, build


def call(server: DevServer, method: str, path: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{server.base_url}{path}", data=data, method=method, headers={
        "Authorization": f"Bearer {server.token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def timed_get(server: DevServer, path: str, repeat: int) -> float:
    """Median milliseconds of `repeat` GETs."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call(server, "GET", path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500_000, help="calls, and as many cells")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    build()
    with DevServer() as server:
        org = call(server, "GET", "/v1/orgs")["items"][0]["id"]
        prompt = call(server, "POST", "/v1/prompts", {"name": "bench", "kind": "generator", "body": "Q {{q}}"})
        deployment = call(server, "POST", "/v1/deployments", {
            "name": "bench", "slug": "bench", "prompt_id": prompt["id"],
            "model": {"provider": "mock", "model": "echo"}})
        run = call(server, "POST", "/v1/runs?wait=30", {
            "prompt_id": prompt["id"], "variables": {"q": "x"},
            "models": [{"provider": "mock", "model": "echo"}]})
        cell = call(server, "GET", f"/v1/runs/{run['id']}/cells")["items"][0]["id"]
        started = time.perf_counter()
        server.psql(f"""
            insert into public.deployment_call (org_id, deployment_id, deployment_slug, prompt_id,
              variables, rendered_prompt, status, provider, model, latency_ms, tokens_in, tokens_out,
              cost_usd, cached, created_at)
            select '{org}', '{deployment['id']}', 'bench', '{prompt['id']}', '{{}}', 'Q x',
                   case when g % 50 = 0 then 'failed' else 'succeeded' end, 'mock',
                   (array['echo', 'reverse', 'judge', 'fail'])[1 + g % 4],
                   100 + (g::bigint * 7919) % 4000, 20, 40, 0.0001, g % 10 = 0,
                   now() - (g % (30 * 24 * 60)) * interval '1 minute'
            from generate_series(1, {args.rows}) g;
            insert into public.run_cell (run_id, org_id, created_by, run_model_id, row_index, status, latency_ms,
              tokens_in, tokens_out, cost_usd, finished_at)
            select c.run_id, c.org_id, c.created_by, c.run_model_id, g + 1, 'succeeded', 200 + (g::bigint * 104729) % 6000,
                   30, 60, 0.0002, now() - (g % (30 * 24 * 60)) * interval '1 minute'
            from public.run_cell c, generate_series(1, {args.rows}) g
            where c.id = '{cell}';
            analyze public.deployment_call; analyze public.run_cell;
        """)
        load_s = time.perf_counter() - started
        # The server's own background loop counts them (every 10 s, in batches): wait for all.
        started = time.perf_counter()
        expected = 2 * args.rows + 1
        counted = 0
        while counted < expected:
            time.sleep(0.5)
            counted = int(server.psql("select coalesce(sum(requests), 0) from public.usage_hourly").strip())
        roll_up_s = time.perf_counter() - started
        rollups = int(server.psql("select count(*) from public.usage_hourly").strip())

        count = (f"select count(*) from (select 1 from public.deployment_call where org_id = '{org}' "
                 f"union all select 1 from public.run_cell where org_id = '{org}') rows")
        out = server.psql(count, "-c", "\\timing on", *(["-c", count] * 4))
        count_ms = statistics.median(float(t) for t in re.findall(r"Time: ([\d.]+) ms", out))
        usage_ms = timed_get(server, "/v1/analytics/usage?bucket=day", args.repeat)
        by_model_ms = timed_get(server, "/v1/analytics/usage?bucket=day&group_by=model", args.repeat)
        overview_ms = timed_get(server, "/v1/analytics/overview", args.repeat)
        usage = call(server, "GET", "/v1/analytics/usage?bucket=day")
    total = sum(b["requests"] for b in usage["buckets"])
    print(f"loaded {2 * args.rows:,} calls and cells in {load_s:.1f} s; the server's background job "
          f"counted all {counted:,} into {rollups:,} hourly rows within {roll_up_s:.1f} s; the usage series counts {total:,}")
    print(f"baseline: count(*) of the same rows: {count_ms:.1f} ms (median of 5, inside psql)")
    for name, ms in (("usage, 30 days by day", usage_ms), ("usage by model", by_model_ms),
                     ("overview", overview_ms)):
        print(f"GET {name:22} {ms:7.1f} ms median of {args.repeat} over HTTP = "
              f"{ms / count_ms:.2f} x the count(*) (target < 100 ms)")


if __name__ == "__main__":
    main()
