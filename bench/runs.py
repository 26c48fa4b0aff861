#!/usr/bin/env python3
"""Run throughput benchmark (issue: runs).

10,000 cells (5,000 rows x 2 models) through the `openai` preset against `tests/tools/fake_llm.py` at
100 ms latency, with 64 in flight (WORKER_CONCURRENCY=64), on a release `promptrefine dev` (in-process
workers). `--run-limit` also sets the run's own `concurrency` to 64, which counts the cells a worker
has claimed ahead as well as those in flight, so it runs a little below the worker limit. The baseline is the ideal throughput of 64 requests in flight at 100 ms each:
640 cells/s, checked in the same run against what fake_llm itself saw (its time-averaged in-flight
requests). Reports cells/s as a share of the ideal, the server's CPU time per cell and its peak RSS.

    python3 bench/runs.py [--rows 5000] [--concurrency 64] [--latency-ms 100] [--run-limit]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from devserver import ROOT, DevServer, build


def call(method: str, url: str, token: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def upload(server: DevServer, rows: int) -> dict:
    csv = "question\n" + "".join(f"benchmark question number {i}\n" for i in range(rows))
    path = Path(server.data_dir) / "bench.csv"
    path.write_text(csv)
    out = subprocess.run(["curl", "-sS", "-f", "-H", f"Authorization: Bearer {server.token}",
                          "-F", f"file=@{path};type=text/csv", f"{server.base_url}/v1/datasets"],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--run-limit", action="store_true",
                        help="also bound the run (`concurrency`), not only the workers (WORKER_CONCURRENCY)")
    args = parser.parse_args()
    build()
    fake = subprocess.Popen([sys.executable, str(ROOT / "tests/tools/fake_llm.py"), "--port", "0", "--quiet",
                             "--latency-ms", str(args.latency_ms)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    fake_url = next(w for w in fake.stdout.readline().split() if w.startswith("http://"))
    env = {"OPENAI_API_KEY": "sk-bench", "OPENAI_BASE_URL": f"{fake_url}/v1",
           "WORKER_CONCURRENCY": str(args.concurrency), "OPENAI_MAX_CONCURRENCY": str(args.concurrency)}
    try:
        with DevServer(extra_env=env) as server:
            api = f"{server.base_url}/v1"
            prompt = call("POST", f"{api}/prompts", server.token,
                          {"name": "bench", "kind": "generator", "body": "Answer briefly: {{question}}"})
            dataset = upload(server, args.rows)
            call("POST", f"{fake_url}/stats/reset", server.token, {})
            rss_before, cpu_before = server.status("VmRSS"), server.cpu_seconds()
            started = time.perf_counter()
            body = {"prompt_id": prompt["id"], "dataset_id": dataset["id"],
                    "models": [{"provider": "openai", "model": "gpt-4o-mini"},
                               {"provider": "openai", "model": "gpt-4.1-nano"}]}
            if args.run_limit:
                body["concurrency"] = args.concurrency
            run = call("POST", f"{api}/runs", server.token, body)
            while run["status"] not in ("completed", "failed", "cancelled"):
                time.sleep(0.1)
                run = call("GET", f"{api}/runs/{run['id']}", server.token)
            seconds = time.perf_counter() - started
            cpu = server.cpu_seconds() - cpu_before
            peak_growth_mb = (server.status("VmHWM") - rss_before) / 1024
            stats = call("GET", f"{fake_url}/stats", server.token)
    finally:
        fake.terminate()
    cells = run["cell_count"]
    ideal = args.concurrency / (args.latency_ms / 1000)
    print(f"run: {cells} cells ({args.rows} rows x 2 models), status {run['status']}, "
          f"succeeded {run['counts']['succeeded']}")
    print(f"wall: {seconds:.2f} s from POST /v1/runs to completed = {cells / seconds:.0f} cells/s")
    print(f"baseline (ideal, {args.concurrency} in flight at {args.latency_ms} ms): {ideal:.0f} cells/s; "
          f"ours = {cells / seconds / ideal:.1%} of it")
    mean_latency_ms = stats["busy_s"] / stats["model_requests"] * 1000
    print(f"fake_llm saw {stats['model_requests']} requests, {stats['avg_inflight']} in flight on average "
          f"(max {stats['max_inflight']}), mean latency {mean_latency_ms:.1f} ms, "
          f"its own CPU {stats['server_cpu_s_since_reset']:.1f} s")
    print(f"server CPU: {cpu:.2f} s = {cpu / cells * 1000:.3f} ms per cell (API, workers and dev's PostgreSQL "
          f"are separate processes; this is the promptrefine process only)")
    print(f"server peak RSS growth: {peak_growth_mb:.1f} MB")


if __name__ == "__main__":
    main()
