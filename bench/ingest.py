#!/usr/bin/env python3
"""Dataset ingest benchmark (issue: datasets).

Uploads a generated 100,000-row (~15 MB) CSV through `POST /v1/datasets` of a release `promptrefine dev`
and reports wall time, rows/s and the server's peak RSS growth. In the same run, as the baseline, the
same rows (already converted to jsonb text) are bulk-loaded with plain `COPY` by the superuser into an
unindexed twin of `dataset_row`: the raw cost of putting the rows into PostgreSQL. The ratio is our
end-to-end time over that baseline.

    python3 bench/ingest.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from devserver import DevServer, add_binary_option, chosen_binary


def generate(path: Path, rows: int) -> None:
    rng = random.Random(42)
    words = "the quick brown fox jumps over a lazy dog while customers ask about orders refunds and delivery".split()
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "question", "context", "expected", "category"])
        for i in range(rows):
            question = " ".join(rng.choices(words, k=12)) + "?"
            context = " ".join(rng.choices(words, k=10))
            expected = " ".join(rng.choices(words, k=4))
            w.writerow([i, question, context, expected, rng.choice(["billing", "shipping", "returns"])])


def copy_text(path: Path) -> Path:
    """The rows as COPY text (`index\\tjson`), as our API would build them; not timed."""
    out = path.with_suffix(".copy")
    with path.open(newline="") as f, out.open("w") as o:
        reader = csv.reader(f)
        header = next(reader)
        for i, row in enumerate(reader):
            o.write(f"{i}\t{json.dumps(dict(zip(header, row)), ensure_ascii=False).replace(chr(92), chr(92) * 2)}\n")
    return out


def upload(server: DevServer, path: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    out = subprocess.run(["curl", "-sS", "-f", "-H", f"Authorization: Bearer {server.token}",
                          "-F", f"file=@{path};type=text/csv", f"{server.base_url}/v1/datasets"],
                         check=True, capture_output=True, text=True)
    return time.perf_counter() - started, json.loads(out.stdout)


def baseline(server: DevServer, copy_file: Path) -> float:
    server.psql("drop table if exists bench_rows; create table bench_rows "
                "(dataset_id uuid default gen_random_uuid(), row_index int, values jsonb)")
    started = time.perf_counter()
    server.psql(f"\\copy bench_rows (row_index, values) from '{copy_file}'")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    add_binary_option(parser)
    args = parser.parse_args()
    binary = chosen_binary(args)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "bench.csv"
        generate(data, args.rows)
        copy_file = copy_text(data)
        size_mb = data.stat().st_size / 1e6
        with DevServer(binary=binary) as server:
            rss_before = server.status("VmRSS")
            ours, base = [], []
            for _ in range(args.repeat):
                seconds, dataset = upload(server, data)
                assert dataset["row_count"] == args.rows, dataset
                ours.append(seconds)
                base.append(baseline(server, copy_file))
            peak_growth_mb = (server.status("VmHWM") - rss_before) / 1024
        ours_s, base_s = statistics.median(ours), statistics.median(base)
        print(f"file: {args.rows} rows, {size_mb:.1f} MB CSV; {args.repeat} runs, medians")
        print(f"upload through the API: {ours_s:.2f} s = {args.rows / ours_s:,.0f} rows/s "
              f"(runs: {', '.join(f'{s:.2f}' for s in ours)})")
        print(f"baseline, raw COPY of the same rows: {base_s:.2f} s = {args.rows / base_s:,.0f} rows/s")
        print(f"ratio (ours / baseline): {ours_s / base_s:.2f}x")
        print(f"server peak RSS growth: {peak_growth_mb:.1f} MB (RSS before: {rss_before / 1024:.1f} MB)")


if __name__ == "__main__":
    main()
