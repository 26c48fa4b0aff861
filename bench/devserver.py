"""Shared helpers of the benchmarks: run `promptrefine dev` (release build) on a throwaway data dir,
read its banner, and measure the server process."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target" / "release" / "promptrefine"


def build() -> None:
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "gateway", "--bin", "promptrefine"],
                   cwd=ROOT, check=True)


def add_binary_option(parser) -> None:
    """`--binary`: measure another build (to compare two in one session) instead of this tree's."""
    parser.add_argument("--binary", type=Path,
                        help="measure this promptrefine build instead of building the release one")


def chosen_binary(args) -> Path:
    """The build `--binary` names, or this tree's release build, built now."""
    if args.binary is not None:
        return args.binary
    build()
    return BINARY


class DevServer:
    """`promptrefine dev --port 0` on its own data dir; stopped (Ctrl-C) on exit."""

    def __init__(self, data_dir: str | None = None, extra_env: dict[str, str] | None = None,
                 binary: Path = BINARY):
        self._tmp = None if data_dir else tempfile.TemporaryDirectory(prefix="promptrefine-bench-")
        self.data_dir = data_dir or self._tmp.name
        os.chmod(self.data_dir, 0o755)  # as root, PostgreSQL runs as `postgres` and must get in
        env = {**os.environ, "RUST_LOG": "warn", **(extra_env or {})}
        started = time.perf_counter()
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([str(binary), "dev", "--port", "0", "--data-dir", self.data_dir],
                                     stdout=subprocess.PIPE, stderr=self.log, text=True, env=env)
        lines = []
        for line in self.proc.stdout:
            lines.append(line.rstrip("\n"))
            if "Ctrl-C" in line:
                break
        self.ready_seconds = time.perf_counter() - started
        banner = "\n".join(lines)
        if "Ctrl-C" not in banner:
            self.log.seek(0)
            raise RuntimeError(f"promptrefine dev did not start:\n{banner}\n{self.log.read()}")
        self.base_url = re.search(r"API:\s+(http://\S+)/v1", banner).group(1)
        self.db_port = int(re.search(r"127\.0\.0\.1:(\d+)/promptrefine", banner).group(1))
        self.tokens = [lines[i + 1].strip() for i, l in enumerate(lines) if l.strip().startswith("Token for")]
        self.token = self.tokens[0]

    def status(self, field: str) -> int:
        """A field of /proc/<pid>/status in KiB (VmRSS, VmHWM)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise KeyError(field)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def psql(self, sql: str, *extra: str) -> str:
        """Runs SQL as the cluster's superuser (for baselines), returns stdout."""
        password = (Path(self.data_dir) / "postgres" / "superuser.password").read_text().strip()
        env = {**os.environ, "PGPASSWORD": password}
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.db_port), "-U", "postgres", "-d",
                              "promptrefine", "-v", "ON_ERROR_STOP=1", "-qAt", *extra, "-c", sql],
                             env=env, capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"psql failed: {out.stderr}")
        return out.stdout

    def stop(self) -> None:
        self.proc.send_signal(2)
        self.proc.wait(timeout=60)
        if self._tmp:
            self._tmp.cleanup()

    def __enter__(self) -> "DevServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
