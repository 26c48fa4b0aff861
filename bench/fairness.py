#!/usr/bin/env python3
"""Fairness benchmark (issue: multi-tenant hardening).

User B's one-cell run, timed from `POST /v1/runs?wait=30` to its answer, first on an idle server
(the baseline, same run) and then while user A's 4,000-cell run (2,000 rows x 2 models) is queued
ahead of it. Models are the `openai` preset against `tests/tools/fake_llm.py` at 100 ms, on a
release `promptrefine dev` with its default workers. Reports both medians and their ratio (the
target is under 3: a small run behind a big one starts within a claim cycle).

    python3 bench/fairness.py [--rows 2000] [--latency-ms 100] [--samples 5] [--binary <another build>]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from devserver import ROOT, DevServer, add_binary_option, chosen_binary
from runs import call, upload


def timed_run(api: str, token: str, body: dict) -> float:
    started = time.perf_counter()
    run = call("POST", f"{api}/runs?wait=30", token, body)
    seconds = time.perf_counter() - started
    assert run["status"] == "completed", run
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--samples", type=int, default=5)
    add_binary_option(parser)
    args = parser.parse_args()
    binary = chosen_binary(args)
    fake = subprocess.Popen([sys.executable, str(ROOT / "tests/tools/fake_llm.py"), "--port", "0", "--quiet",
                             "--latency-ms", str(args.latency_ms)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    fake_url = next(w for w in fake.stdout.readline().split() if w.startswith("http://"))
    env = {"OPENAI_API_KEY": "sk-bench", "OPENAI_BASE_URL": f"{fake_url}/v1"}
    try:
        with DevServer(extra_env=env, binary=binary) as server:
            api = f"{server.base_url}/v1"
            token_a, token_b = server.tokens
            small = call("POST", f"{api}/prompts", token_b,
                         {"name": "small", "kind": "generator", "body": "Say hi to {{name}}"})
            small_run = {"prompt_id": small["id"], "variables": {"name": "B"},
                         "models": [{"provider": "openai", "model": "gpt-4o-mini"}]}
            timed_run(api, token_b, small_run)  # warm up
            idle = [timed_run(api, token_b, small_run) for _ in range(args.samples)]

            big = call("POST", f"{api}/prompts", token_a,
                       {"name": "big", "kind": "generator", "body": "Answer briefly: {{question}}"})
            dataset = upload(server, args.rows)
            run = call("POST", f"{api}/runs", token_a, {
                "prompt_id": big["id"], "dataset_id": dataset["id"],
                "models": [{"provider": "openai", "model": "gpt-4o-mini"},
                           {"provider": "openai", "model": "gpt-4.1-nano"}]})
            time.sleep(0.5)  # A's cells fill every worker slot
            loaded, queued = [], []
            for _ in range(args.samples):
                loaded.append(timed_run(api, token_b, small_run))
                queued.append(call("GET", f"{api}/runs/{run['id']}", token_a)["counts"]["queued"])
            call("POST", f"{api}/runs/{run['id']}/cancel", token_a, {})
    finally:
        fake.terminate()
    idle_s, loaded_s = statistics.median(idle), statistics.median(loaded)
    print(f"B's 1-cell run, idle server (baseline): median {idle_s * 1000:.0f} ms over {args.samples} runs")
    print(f"B's 1-cell run behind A's {args.rows * 2}-cell run: median {loaded_s * 1000:.0f} ms "
          f"(A still had {min(queued)}..{max(queued)} cells queued)")
    print(f"ratio: {loaded_s / idle_s:.2f} (target < 3)")


if __name__ == "__main__":
    main()
