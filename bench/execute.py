#!/usr/bin/env python3
"""What `POST /v1/execute/{slug}` adds to a model call (issue: ship a refined prompt).

64 concurrent callers (threads, one keep-alive connection each) call a deployment of the `openai`
preset backed by `tests/tools/fake_llm.py` at 100 ms, with an API key; every call has its own
variables, so nothing is cached. The same-run baseline: the same callers make the same requests
(the rendered prompt, as the API sends it) straight to fake_llm. Rounds alternate, so drift hits
both alike. The overhead is the difference of the percentiles (p50, p99) of the two.

Then the cache: a deployment with `cache_ttl_seconds`, called by `wrk` with one body over and
over (every call after the first is a hit), next to `GET /v1/prompts/{id}` in the same run.

    apt-get install wrk; python3 bench/execute.py [--callers 64] [--calls 40] [--rounds 3]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

from devserver import ROOT, DevServer, build
from prompts_api import wrk

PROMPT = "Answer briefly: {{question}}"


def call(method: str, url: str, token: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def load(base: str, path: str, headers: dict[str, str], bodies: list[list[bytes]]) -> list[float]:
    """Each caller sends its bodies in turn on its own connection: every latency, in ms."""
    url = urllib.parse.urlsplit(base)
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(len(bodies))

    def caller(mine: list[bytes]) -> None:
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        seen = []
        start.wait()
        for body in mine:
            began = time.perf_counter()
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            seen.append((time.perf_counter() - began) * 1000)
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
        connection.close()
        with lock:
            latencies.extend(seen)

    threads = [threading.Thread(target=caller, args=(mine,)) for mine in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def wrk_post(url: str, token: str, body: dict, seconds: int, connections: int) -> float:
    """Requests/s of `wrk` POSTing `body` to `url`."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps(body))}\n'
                     'wrk.headers["Content-Type"] = "application/json"\n')
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name,
                          "-H", f"Authorization: Bearer {token}", url],
                         check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(out)
    return float(out.split("Requests/sec:")[1].split()[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--callers", type=int, default=64)
    parser.add_argument("--calls", type=int, default=40, help="calls per caller per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=10, help="of each wrk measure")
    args = parser.parse_args()
    build()
    fake = subprocess.Popen([sys.executable, str(ROOT / "tests/tools/fake_llm.py"), "--port", "0", "--quiet",
                             "--latency-ms", str(args.latency_ms)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    fake_url = next(w for w in fake.stdout.readline().split() if w.startswith("http://"))
    env = {"OPENAI_API_KEY": "sk-bench", "OPENAI_BASE_URL": f"{fake_url}/v1",
           "OPENAI_MAX_CONCURRENCY": "1024", "API_KEY_REQUESTS_PER_MINUTE": "100000000",
           "DB_MAX_CONNECTIONS": "32"}
    try:
        with DevServer(extra_env=env) as server:
            api = f"{server.base_url}/v1"
            prompt = call("POST", f"{api}/prompts", server.token,
                          {"name": "bench", "kind": "generator", "body": PROMPT})
            model = {"provider": "openai", "model": "gpt-4o-mini"}
            for slug, ttl in (("bench", None), ("bench-cached", 3600)):
                call("POST", f"{api}/deployments", server.token, {
                    "name": slug, "slug": slug, "prompt_id": prompt["id"], "model": model,
                    "cache_ttl_seconds": ttl})
            key = call("POST", f"{api}/api-keys", server.token, {"name": "bench", "scopes": ["execute"]})["key"]

            execute_headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
            direct_headers = {"Authorization": "Bearer sk-bench", "Content-Type": "application/json"}
            via_api: list[float] = []
            direct: list[float] = []
            for round_ in range(args.rounds):
                questions = [[f"question {round_}-{c}-{i}" for i in range(args.calls)] for c in range(args.callers)]
                direct += load(fake_url, "/v1/chat/completions", direct_headers, [[json.dumps({
                    "model": "gpt-4o-mini",
                    "messages": [{"role": "user", "content": PROMPT.replace("{{question}}", q)}]}).encode()
                    for q in mine] for mine in questions])
                # Other questions than the direct round's: fake_llm answers alike, and nothing repeats.
                via_api += load(server.base_url, "/v1/execute/bench", execute_headers, [[json.dumps(
                    {"variables": {"question": q + " via"}}).encode() for q in mine] for mine in questions])

            hit_body = {"variables": {"question": "the same question"}}
            first = call("POST", f"{api}/execute/bench-cached", key, hit_body)
            again = call("POST", f"{api}/execute/bench-cached", key, hit_body)
            assert (first["cached"], again["cached"]) == (False, True), (first, again)
            hits_rps = wrk_post(f"{api}/execute/bench-cached", key, hit_body, args.seconds, 32)
            get_rps, get_p99 = wrk(f"{api}/prompts/{prompt['id']}", server.token, args.seconds, 32)
            logged = int(server.psql("select count(*) from public.deployment_call"))
    finally:
        fake.terminate()

    calls = args.callers * args.calls * args.rounds
    print(f"{args.callers} callers x {args.calls} calls x {args.rounds} rounds = {calls} calls each way, "
          f"fake_llm at {args.latency_ms} ms; {logged} calls logged")
    for name, values in (("straight to fake_llm", direct), ("through /v1/execute", via_api)):
        print(f"  {name:22} p50 {percentile(values, 0.5):7.2f} ms  p99 {percentile(values, 0.99):7.2f} ms  "
              f"mean {statistics.mean(values):7.2f} ms")
    p50 = percentile(via_api, 0.5) - percentile(direct, 0.5)
    p99 = percentile(via_api, 0.99) - percentile(direct, 0.99)
    print(f"overhead: p50 {p50:+.2f} ms (target < 2), p99 {p99:+.2f} ms (target < 10)")
    print(f"cache hits, wrk 32 connections: {hits_rps:,.0f} req/s; GET /v1/prompts/{{id}}: {get_rps:,.0f} req/s "
          f"(p99 {get_p99:.1f} ms); ratio {hits_rps / get_rps:.2f}")


if __name__ == "__main__":
    main()
