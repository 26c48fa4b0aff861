#!/usr/bin/env python3
"""What membership-based RLS costs (issue: teams).

The same CRUD load as `prompts_api.py` (`GET /v1/prompts?limit=50` over 200 prompts, and
`GET /v1/prompts/{id}`), back to back on the same machine, alternating rounds so that drift hits
all alike, against:

- `before`: the build from before organizations (`--before`; policies `owner_id = auth.uid()`);
- `personal`, `team`: this build, in the personal organization (no header) and in a team
  (`X-Org-Id`, which adds a membership check to lists);
- `owner-rls`: this build with the prompt tables' read policies swapped back to
  `created_by = auth.uid()`: the same code, so `personal` over `owner-rls` is what reading
  memberships in the policies costs, alone.

    git worktree add ../before <commit before teams> && (cd ../before && cargo build --release -p gateway)
    apt-get install wrk; python3 bench/org_rls.py --before ../before/target/release/promptrefine
"""

from __future__ import annotations

import argparse
import json
import statistics
import urllib.request
from pathlib import Path

from devserver import BINARY, DevServer, build
from prompts_api import seed, wrk


def call(server: DevServer, method: str, path: str, body: dict | None = None, org: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
    if org:
        headers["X-Org-Id"] = org
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{server.base_url}{path}", data=data, method=method, headers=headers)
    return json.loads(urllib.request.urlopen(request).read())


def seed_in(server: DevServer, org: str, count: int) -> None:
    for i in range(count):
        call(server, "POST", "/v1/prompts", {"name": f"team prompt {i}", "kind": "generator",
                                             "body": f"Answer {{{{question}}}} as {i}."}, org)


def measure(server: DevServer, seconds: int, connections: int, org: str | None) -> tuple[float, float]:
    """(list req/s, get req/s) in `org` (None: the personal organization)."""
    headers = {"X-Org-Id": org} if org else {}
    first = call(server, "GET", "/v1/prompts?limit=1", org=org)["items"][0]["id"]
    list_rps, _ = wrk(f"{server.base_url}/v1/prompts?limit=50", server.token, seconds, connections, headers)
    get_rps, _ = wrk(f"{server.base_url}/v1/prompts/{first}", server.token, seconds, connections, headers)
    return list_rps, get_rps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, required=True, help="promptrefine built before teams")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    build()
    results: dict[str, list[tuple[float, float]]] = {
        "before": [], "personal": [], "team": [], "owner-rls": []}
    for _ in range(args.rounds):
        with DevServer(binary=args.before) as server:
            seed(server, 200)
            results["before"].append(measure(server, args.seconds, args.connections, None))
        with DevServer(binary=BINARY) as server:
            seed(server, 200)
            team = call(server, "POST", "/v1/orgs", {"name": "Bench team"})["id"]
            seed_in(server, team, 200)
            results["personal"].append(measure(server, args.seconds, args.connections, None))
            results["team"].append(measure(server, args.seconds, args.connections, team))
        with DevServer(binary=BINARY) as server:
            seed(server, 200)
            server.psql("alter policy prompt_select on public.prompt using (created_by = (select auth.uid()));"
                        "alter policy prompt_version_select on public.prompt_version"
                        " using (created_by = (select auth.uid()))")
            results["owner-rls"].append(measure(server, args.seconds, args.connections, None))

    def mean(name: str, index: int) -> float:
        return statistics.mean(r[index] for r in results[name])

    print(f"{args.rounds} rounds, {args.connections} connections, {args.seconds} s per measure, "
          "2 cores shared with PostgreSQL and wrk")
    for index, label in [(0, "GET /v1/prompts?limit=50"), (1, "GET /v1/prompts/{id}")]:
        before, owner = mean("before", index), mean("owner-rls", index)
        print(f"{label}: before {before:,.0f} req/s, owner-rls {owner:,.0f} req/s; "
              f"personal {mean('personal', index):,.0f} req/s (x{mean('personal', index) / before:.3f} of "
              f"before, x{mean('personal', index) / owner:.3f} of owner-rls); "
              f"team {mean('team', index):,.0f} req/s (x{mean('team', index) / before:.3f} of before)")


if __name__ == "__main__":
    main()
