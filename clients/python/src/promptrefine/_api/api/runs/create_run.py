from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_run import CreateRun
from ...models.problem import Problem
from ...models.run_view import RunView
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: CreateRun,
    wait: int | Unset = UNSET,
    dry_run: bool | Unset = UNSET,
    x_org_id: None | Unset | UUID = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_org_id, Unset):
        headers["X-Org-Id"] = x_org_id

    params: dict[str, Any] = {}

    params["wait"] = wait

    params["dry_run"] = dry_run

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/runs",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RunView | None:
    if response.status_code == 200:
        response_200 = RunView.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = RunView.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | RunView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateRun,
    wait: int | Unset = UNSET,
    dry_run: bool | Unset = UNSET,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[Problem | RunView]:
    """Start a run in the organization (its prompt, dataset and grader must be the organization's):
    everything is checked before anything is written (422 names each problem), then the run and
    one cell per (model, row) are queued for the workers. With `dry_run=true`, the same checks,
    then what it would cost (`RunEstimate`: tokens in from the rendered prompts of up to 200 rows,
    out from `max_tokens`, the prompt's past runs or 256 assumed, said which), and nothing is
    created.

    Args:
        wait (int | Unset):
        dry_run (bool | Unset):
        x_org_id (None | Unset | UUID):
        body (CreateRun): A run to start.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RunView]
    """

    kwargs = _get_kwargs(
        body=body,
        wait=wait,
        dry_run=dry_run,
        x_org_id=x_org_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: CreateRun,
    wait: int | Unset = UNSET,
    dry_run: bool | Unset = UNSET,
    x_org_id: None | Unset | UUID = UNSET,
) -> Problem | RunView | None:
    """Start a run in the organization (its prompt, dataset and grader must be the organization's):
    everything is checked before anything is written (422 names each problem), then the run and
    one cell per (model, row) are queued for the workers. With `dry_run=true`, the same checks,
    then what it would cost (`RunEstimate`: tokens in from the rendered prompts of up to 200 rows,
    out from `max_tokens`, the prompt's past runs or 256 assumed, said which), and nothing is
    created.

    Args:
        wait (int | Unset):
        dry_run (bool | Unset):
        x_org_id (None | Unset | UUID):
        body (CreateRun): A run to start.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RunView
    """

    return sync_detailed(
        client=client,
        body=body,
        wait=wait,
        dry_run=dry_run,
        x_org_id=x_org_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateRun,
    wait: int | Unset = UNSET,
    dry_run: bool | Unset = UNSET,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[Problem | RunView]:
    """Start a run in the organization (its prompt, dataset and grader must be the organization's):
    everything is checked before anything is written (422 names each problem), then the run and
    one cell per (model, row) are queued for the workers. With `dry_run=true`, the same checks,
    then what it would cost (`RunEstimate`: tokens in from the rendered prompts of up to 200 rows,
    out from `max_tokens`, the prompt's past runs or 256 assumed, said which), and nothing is
    created.

    Args:
        wait (int | Unset):
        dry_run (bool | Unset):
        x_org_id (None | Unset | UUID):
        body (CreateRun): A run to start.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RunView]
    """

    kwargs = _get_kwargs(
        body=body,
        wait=wait,
        dry_run=dry_run,
        x_org_id=x_org_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreateRun,
    wait: int | Unset = UNSET,
    dry_run: bool | Unset = UNSET,
    x_org_id: None | Unset | UUID = UNSET,
) -> Problem | RunView | None:
    """Start a run in the organization (its prompt, dataset and grader must be the organization's):
    everything is checked before anything is written (422 names each problem), then the run and
    one cell per (model, row) are queued for the workers. With `dry_run=true`, the same checks,
    then what it would cost (`RunEstimate`: tokens in from the rendered prompts of up to 200 rows,
    out from `max_tokens`, the prompt's past runs or 256 assumed, said which), and nothing is
    created.

    Args:
        wait (int | Unset):
        dry_run (bool | Unset):
        x_org_id (None | Unset | UUID):
        body (CreateRun): A run to start.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RunView
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            wait=wait,
            dry_run=dry_run,
            x_org_id=x_org_id,
        )
    ).parsed
