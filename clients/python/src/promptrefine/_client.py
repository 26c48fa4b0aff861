"""The facade: authentication, the calls people make most, and errors as exceptions."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import httpx

from ._api import AuthenticatedClient
from ._api.api.deployments import execute_deployment
from ._api.api.grading import export_run
from ._api.api.runs import create_run, get_run
from ._api.models import CreateRun, ExecuteRequest, ExecuteResult, ExportFormat, Problem, RunView
from ._api.types import Response

DEFAULT_URL = "http://127.0.0.1:8080"
ENDED = ("completed", "failed", "cancelled")


class PromptRefineError(Exception):
    """An answer that is not a success: its HTTP status and problem (RFC 9457) `code`/`detail`."""

    def __init__(self, status: int, problem: dict[str, Any] | None) -> None:
        self.status = status
        self.problem = problem or {}
        self.code: str | None = self.problem.get("code")
        self.detail: str | None = self.problem.get("detail")
        super().__init__(f"HTTP {status} {self.code}: {self.detail}")


def _result(response: Response[Any]) -> Any:
    """The parsed answer of a success; a :class:`PromptRefineError` otherwise."""
    if 200 <= response.status_code < 300 and not isinstance(response.parsed, Problem):
        return response.parsed
    try:
        problem = json.loads(response.content)
    except ValueError:
        problem = {"detail": response.content.decode(errors="replace")}
    raise PromptRefineError(int(response.status_code), problem)


class PromptRefine:
    """A PromptRefine API client.

    Authenticates with an API key (``pr_live_...``, or ``PROMPTREFINE_API_KEY``) or a user's
    Supabase access token (``access_token``); ``org_id`` picks the organization lists and new
    objects act in (``X-Org-Id``; a key always acts in its own). ``base_url`` defaults to
    ``PROMPTREFINE_URL`` or a local ``promptrefine dev``. The generated client, with every
    endpoint, is :attr:`api`.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        access_token: str | None = None,
        base_url: str | None = None,
        org_id: str | None = None,
        timeout: float = 120.0,
    ) -> None:
        token = api_key or access_token or os.environ.get("PROMPTREFINE_API_KEY")
        if not token:
            raise ValueError("an API key (or an access token) is needed: PROMPTREFINE_API_KEY")
        headers = {"X-Org-Id": org_id} if org_id else {}
        self.api = AuthenticatedClient(
            base_url=(base_url or os.environ.get("PROMPTREFINE_URL") or DEFAULT_URL).rstrip("/"),
            token=token,
            headers=headers,
            timeout=httpx.Timeout(timeout),
        )
        self.runs = Runs(self)

    def execute(
        self, slug: str, variables: dict[str, Any], *, metadata: dict[str, Any] | None = None
    ) -> ExecuteResult:
        """Calls the deployment ``slug`` with ``variables``: the model's answer (``output``,
        ``parsed`` for JSON deployments), tokens, cost, latency, ``cached``, ``fallback_used``."""
        body = ExecuteRequest.from_dict({"variables": variables, "metadata": metadata, "stream": False})
        return _result(execute_deployment.sync_detailed(slug=slug, client=self.api, body=body))

    def close(self) -> None:
        self.api.get_httpx_client().close()

    def __enter__(self) -> PromptRefine:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class Runs:
    """Runs of a prompt version over a dataset (a user's access token is needed to start one)."""

    def __init__(self, client: PromptRefine) -> None:
        self._client = client

    def create(self, **fields: Any) -> RunView:
        """Starts a run: the fields of ``POST /v1/runs`` (``prompt_id`` or ``prompt_version_id``,
        ``models``, ``dataset_id`` or ``variables``, ``grader``, ``assertions``, ``cache`` ...)."""
        body = CreateRun.from_dict(fields)
        return _result(create_run.sync_detailed(client=self._client.api, body=body))

    def get(self, run_id: str) -> RunView:
        return _result(get_run.sync_detailed(id=run_id, client=self._client.api))

    def wait(self, run_id: str, *, timeout: float = 600.0, poll: float = 1.0) -> RunView:
        """The run once it ended (completed, failed or cancelled); ``TimeoutError`` after
        ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            run = self.get(run_id)
            if str(run.status) in ENDED:
                return run
            if time.monotonic() > deadline:
                raise TimeoutError(f"run {run_id} is still {run.status} after {timeout} s")
            time.sleep(poll)

    def export(self, run_id: str, *, format: str = "jsonl") -> list[dict[str, Any]] | str:
        """Every cell of the run: a list of dicts (``jsonl``, the default) or the CSV text."""
        response = export_run.sync_detailed(id=run_id, client=self._client.api, format_=ExportFormat(format))
        if not 200 <= response.status_code < 300:
            _result(response)
        text = response.content.decode()
        if format == "csv":
            return text
        return [json.loads(line) for line in text.splitlines() if line.strip()]
