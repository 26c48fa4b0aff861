#!/usr/bin/env python3
"""Run throughput benchmark (issues: runs, performance).

10,000 cells (5,000 rows x 2 models) through the `openai` preset against `tests/tools/fake_llm.py` at
100 ms latency, on a release `promptrefine dev` (in-process workers), once per worker concurrency
(default 64 then 256 in flight: WORKER_CONCURRENCY and OPENAI_MAX_CONCURRENCY). `--run-limit` also
sets the run's own `concurrency`, which counts the cells a worker has claimed ahead as well as those
in flight, so it runs a little below the worker limit. The baseline is the ideal throughput of C
requests in flight at 100 ms each (C / 0.1 s), checked in the same run against what fake_llm itself
saw (its time-averaged in-flight requests). Reports cells/s as a share of the ideal; CPU per cell of
the promptrefine process alone and of the whole machine (busy time from /proc/stat, minus fake_llm's
own CPU: the API, the workers, PostgreSQL; the script waits for the run with `?wait=`, not by
polling); and peak RSS.

    python3 bench/runs.py [--rows 5000] [--concurrency 64,256] [--latency-ms 100] [--run-limit]
                          [--binary <another build, to compare>]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from devserver import ROOT, DevServer, add_binary_option, chosen_binary


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


def machine_busy_seconds() -> float:
    """CPU time spent by every core on anything but idling, since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def measure(rows: int, concurrency: int, latency_ms: int, run_limit: bool, binary: Path) -> None:
    fake = subprocess.Popen([sys.executable, str(ROOT / "tests/tools/fake_llm.py"), "--port", "0", "--quiet",
                             "--latency-ms", str(latency_ms)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    fake_url = next(w for w in fake.stdout.readline().split() if w.startswith("http://"))
    env = {"OPENAI_API_KEY": "sk-bench", "OPENAI_BASE_URL": f"{fake_url}/v1",
           "WORKER_CONCURRENCY": str(concurrency), "OPENAI_MAX_CONCURRENCY": str(concurrency)}
    try:
        with DevServer(extra_env=env, binary=binary) as server:
            api = f"{server.base_url}/v1"
            prompt = call("POST", f"{api}/prompts", server.token,
                          {"name": "bench", "kind": "generator", "body": "Answer briefly: {{question}}"})
            dataset = upload(server, rows)
            time.sleep(1)  # let the upload's aftermath settle before measuring
            call("POST", f"{fake_url}/stats/reset", server.token, {})
            rss_before, cpu_before = server.status("VmRSS"), server.cpu_seconds()
            busy_before = machine_busy_seconds()
            started = time.perf_counter()
            body = {"prompt_id": prompt["id"], "dataset_id": dataset["id"],
                    "models": [{"provider": "openai", "model": "gpt-4o-mini"},
                               {"provider": "openai", "model": "gpt-4.1-nano"}]}
            if run_limit:
                body["concurrency"] = concurrency
            # `?wait=` answers once the run ends (within 30 s): no polling, whose reads of the
            # run would count in the CPU measured, and no polling interval in the wall time.
            run = call("POST", f"{api}/runs?wait=30", server.token, body)
            while run["status"] not in ("completed", "failed", "cancelled"):
                time.sleep(0.1)
                run = call("GET", f"{api}/runs/{run['id']}", server.token)
            seconds = time.perf_counter() - started
            busy = machine_busy_seconds() - busy_before
            cpu = server.cpu_seconds() - cpu_before
            peak_growth_mb = (server.status("VmHWM") - rss_before) / 1024
            stats = call("GET", f"{fake_url}/stats", server.token)
    finally:
        fake.terminate()
    cells = run["cell_count"]
    ideal = concurrency / (latency_ms / 1000)
    fake_cpu = stats["server_cpu_s_since_reset"]
    print(f"== {concurrency} in flight{' (and the run limited to as many)' if run_limit else ''}")
    print(f"run: {cells} cells ({rows} rows x 2 models), status {run['status']}, "
          f"succeeded {run['counts']['succeeded']}")
    print(f"wall: {seconds:.2f} s from POST /v1/runs?wait=30 to its answer, the run completed "
          f"= {cells / seconds:.0f} cells/s")
    print(f"baseline (ideal, {concurrency} in flight at {latency_ms} ms): {ideal:.0f} cells/s; "
          f"ours = {cells / seconds / ideal:.1%} of it")
    mean_latency_ms = stats["busy_s"] / stats["model_requests"] * 1000
    print(f"fake_llm saw {stats['model_requests']} requests, {stats['avg_inflight']} in flight on average "
          f"(max {stats['max_inflight']}), mean latency {mean_latency_ms:.1f} ms, its own CPU {fake_cpu:.1f} s")
    print(f"CPU per cell: promptrefine process {cpu / cells * 1000:.3f} ms; whole machine minus fake_llm "
          f"{(busy - fake_cpu) / cells * 1000:.3f} ms ({busy - fake_cpu:.2f} s of {os.cpu_count()} cores' "
          f"{seconds * os.cpu_count():.1f} s)")
    print(f"server peak RSS growth: {peak_growth_mb:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--concurrency", default="64,256",
                        help="cells in flight, comma-separated: one measurement each")
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--run-limit", action="store_true",
                        help="also bound the run (`concurrency`), not only the workers (WORKER_CONCURRENCY)")
    add_binary_option(parser)
    args = parser.parse_args()
    binary = chosen_binary(args)
    for concurrency in (int(c) for c in args.concurrency.split(",")):
        measure(args.rows, concurrency, args.latency_ms, args.run_limit, binary)


if __name__ == "__main__":
    main()
