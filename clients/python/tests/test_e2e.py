"""The SDK against a real `promptrefine dev`: a deployment called with an API key (then from the
cache), a run created, waited for and exported, and errors raised as PromptRefineError."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import unittest
import urllib.request
from pathlib import Path

from promptrefine import PromptRefine, PromptRefineError

ROOT = Path(__file__).resolve().parents[3]
BINARY = Path(os.environ.get("PROMPTREFINE_BIN", ROOT / "target" / "debug" / "promptrefine"))


class DevServer:
    """`promptrefine dev --port 0` on a throwaway data dir."""

    def __init__(self) -> None:
        self.dir = tempfile.TemporaryDirectory(prefix="promptrefine-py-")
        os.chmod(self.dir.name, 0o755)  # as root, PostgreSQL runs as `postgres` and must get in
        env = {**os.environ, "RUST_LOG": "warn"}
        self.proc = subprocess.Popen(
            [str(BINARY), "dev", "--port", "0", "--data-dir", self.dir.name],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        lines = []
        for line in self.proc.stdout:
            lines.append(line.strip())
            if "Ctrl-C" in line:
                break
        banner = "\n".join(lines)
        self.base_url = re.search(r"API:\s+(http://\S+)/v1", banner).group(1)
        self.token = lines[next(i for i, l in enumerate(lines) if l.startswith("Token for")) + 1]

    def post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(f"{self.base_url}{path}", data=json.dumps(body).encode(), method="POST",
                                         headers={"Authorization": f"Bearer {self.token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        self.proc.send_signal(2)
        self.proc.wait(timeout=60)
        self.dir.cleanup()


class EndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.dev = DevServer()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.dev.stop()

    def test_a_backend_calls_a_deployment_with_an_api_key(self) -> None:
        prompt = self.dev.post("/v1/prompts", {"name": "Reply", "kind": "generator", "body": "Reply to {{name}}"})
        self.dev.post("/v1/deployments", {"name": "Reply", "slug": "reply", "prompt_id": prompt["id"],
                                          "model": {"provider": "mock", "model": "echo"},
                                          "cache_ttl_seconds": 60})
        key = self.dev.post("/v1/api-keys", {"name": "sdk", "scopes": ["execute"]})["key"]
        with PromptRefine(api_key=key, base_url=self.dev.base_url) as client:
            first = client.execute("reply", {"name": "Ada"}, metadata={"ticket": 7})
            self.assertEqual((first.output, first.cached), ("Reply to Ada", False))
            self.assertGreater(first.cost_usd, 0)
            again = client.execute("reply", {"name": "Ada"})
            self.assertEqual((again.cached, again.cost_usd), (True, 0))
            with self.assertRaises(PromptRefineError) as missing:
                client.execute("reply", {})
            self.assertEqual((missing.exception.status, missing.exception.code), (422, "validation_failed"))
            with self.assertRaises(PromptRefineError) as unknown:
                client.execute("nope", {"name": "x"})
            self.assertEqual(unknown.exception.code, "deployment_not_found")
            # An execute key reads nothing.
            with self.assertRaises(PromptRefineError) as refused:
                client.runs.get(prompt["id"])
            self.assertEqual(refused.exception.status, 403)

    def test_a_run_is_created_waited_for_and_exported(self) -> None:
        prompt = self.dev.post("/v1/prompts", {"name": "Q", "kind": "generator", "body": "Q: {{question}}"})
        me = PromptRefine(access_token=self.dev.token, base_url=self.dev.base_url)
        run = me.runs.create(prompt_id=prompt["id"], variables={"question": "why?"},
                             models=[{"provider": "mock", "model": "echo"}, {"provider": "mock", "model": "reverse"}])
        run = me.runs.wait(str(run.id), timeout=60, poll=0.2)
        self.assertEqual(str(run.status), "completed")
        cells = me.runs.export(str(run.id))
        self.assertEqual(sorted(cell["output"] for cell in cells), ["Q: why?", "why? Q:"])
        self.assertIn("output", me.runs.export(str(run.id), format="csv").splitlines()[0])


if __name__ == "__main__":
    unittest.main()
