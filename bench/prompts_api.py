#!/usr/bin/env python3
"""API throughput benchmark (issue: foundation).

Against a release `promptrefine dev` holding 200 prompts, `wrk` loads `GET /v1/prompts?limit=50`
(token verification, an RLS transaction, a keyset page) and, as the baseline measured in the same
run, `GET /health` (the HTTP stack alone: no token, no database). Also reports the time `dev` takes
to be ready on a fresh data dir (initdb, shim, migrations) and on an existing one.

    apt-get install wrk; python3 bench/prompts_api.py [--seconds 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
import urllib.request

from devserver import DevServer, build


def wrk(url: str, token: str | None, seconds: int, connections: int,
        headers: dict[str, str] | None = None) -> tuple[float, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd + [url], check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    if "Non-2xx" in out:
        raise RuntimeError(out)
    return rps, float(p99.group(1)) * scale


def seed(server: DevServer, count: int) -> None:
    for i in range(count):
        body = json.dumps({"name": f"prompt {i}", "kind": "generator", "tags": ["bench"],
                           "body": f"Answer {{{{question}}}} in the style of {i}."}).encode()
        request = urllib.request.Request(f"{server.base_url}/v1/prompts", data=body, method="POST", headers={
            "Authorization": f"Bearer {server.token}", "Content-Type": "application/json"})
        urllib.request.urlopen(request).read()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    build()
    with tempfile.TemporaryDirectory(prefix="promptrefine-bench-") as data_dir:
        cold = DevServer(data_dir)
        cold_s = cold.ready_seconds
        cold.stop()
        with DevServer(data_dir) as server:
            warm_s = server.ready_seconds
            seed(server, 200)
            list_rps, list_p99 = wrk(f"{server.base_url}/v1/prompts?limit=50", server.token,
                                     args.seconds, args.connections)
            health_rps, health_p99 = wrk(f"{server.base_url}/health", None, args.seconds, args.connections)
    print(f"dev ready: cold (fresh data dir) {cold_s:.2f} s, warm (existing data dir) {warm_s:.2f} s")
    print(f"GET /v1/prompts?limit=50 (200 prompts): {list_rps:,.0f} req/s, p99 {list_p99:.2f} ms")
    print(f"baseline GET /health: {health_rps:,.0f} req/s, p99 {health_p99:.2f} ms")
    print(f"ratio list / health: {list_rps / health_rps:.2f} of the HTTP stack's throughput "
          f"({args.connections} connections, {args.seconds} s each, 2 cores shared with PostgreSQL and wrk)")


if __name__ == "__main__":
    main()
