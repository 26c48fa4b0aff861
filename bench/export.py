#!/usr/bin/env python3
"""Export benchmark (issue: grading).

A 100,000-cell run (50,000 rows x 2 mock models) is exported through `GET /v1/runs/{id}/export` as CSV
and as JSONL from a release `promptrefine dev`. Reports the time, the size, and the server's peak RSS
growth (the export streams, so it should not grow with the run). Baseline, in the same run: psql's
`\\copy (select ...) to` of the same cells joined with their rows, i.e. what reading them out of
PostgreSQL costs at all.

    python3 bench/export.py [--rows 50000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
import urllib.request
from pathlib import Path

from devserver import DevServer, build


def call(method: str, url: str, token: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    build()
    with DevServer(extra_env={"WORKER_CONCURRENCY": "64"}) as server:
        api = f"{server.base_url}/v1"
        csv_path = Path(server.data_dir) / "rows.csv"
        csv_path.write_text("question,expected\n" + "".join(f"question {i},answer {i}\n" for i in range(args.rows)))
        dataset = json.loads(subprocess.run(
            ["curl", "-sS", "-f", "-H", f"Authorization: Bearer {server.token}", "-F", f"file=@{csv_path};type=text/csv",
             f"{api}/datasets"], check=True, capture_output=True, text=True).stdout)
        prompt = call("POST", f"{api}/prompts", server.token,
                      {"name": "export", "kind": "generator", "body": "Answer: {{question}}"})
        started = time.perf_counter()
        run = call("POST", f"{api}/runs", server.token, {
            "prompt_id": prompt["id"], "dataset_id": dataset["id"],
            "models": [{"provider": "mock", "model": "echo"}, {"provider": "mock", "model": "reverse"}],
            "assertions": [{"type": "contains", "column": "question"}]})
        while run["status"] not in ("completed", "failed", "cancelled"):
            time.sleep(0.5)
            run = call("GET", f"{api}/runs/{run['id']}", server.token)
        print(f"run: {run['cell_count']} cells with the mock provider in {time.perf_counter() - started:.1f} s")

        for fmt in ("csv", "jsonl"):
            rss_before = server.status("VmRSS")
            out = Path(server.data_dir) / f"export.{fmt}"
            started = time.perf_counter()
            subprocess.run(["curl", "-sS", "-f", "-o", str(out), "-H", f"Authorization: Bearer {server.token}",
                            f"{api}/runs/{run['id']}/export?format={fmt}"], check=True)
            seconds = time.perf_counter() - started
            lines = sum(1 for _ in out.open("rb"))
            growth = (server.status("VmHWM") - rss_before) / 1024
            print(f"export {fmt}: {lines:,} lines, {out.stat().st_size / 1e6:.1f} MB in {seconds:.2f} s; "
                  f"server peak RSS growth {growth:.1f} MB")

        baseline = Path(server.data_dir) / "baseline.csv"
        started = time.perf_counter()
        server.psql(f"\\copy (select c.row_index, d.values, m.label, c.status, c.output, c.check_results, "
                    f"c.tokens_in, c.tokens_out, c.cost_usd, c.latency_ms from run_cell c join run_model m on "
                    f"m.id = c.run_model_id join run r on r.id = c.run_id left join dataset_row d on "
                    f"d.dataset_id = r.dataset_id and d.row_index = c.row_index where c.run_id = '{run['id']}' "
                    f"order by c.row_index, m.position) to '{baseline}' with csv")
        print(f"baseline, psql \\copy of the same cells: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
