from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.rerun_request import RerunRequest
from ...models.run_view import RunView
from ...types import Response


def _get_kwargs(
    id: UUID,
    *,
    body: RerunRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/runs/{id}/rerun".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RunView | None:
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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: RerunRequest,
) -> Response[Problem | RunView]:
    """Re-run a run (editors): a new run linked by `parent_run_id`, with the same dataset and
    settings, over all its rows or only those of `cells` / cells in `statuses`, optionally with
    another `prompt_version_id` or other `models`.

    Args:
        id (UUID):
        body (RerunRequest): A re-run of a run: the same dataset and settings, over all its rows
            or only those of the
            chosen cells, optionally with another version or other models.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RunView]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: RerunRequest,
) -> Problem | RunView | None:
    """Re-run a run (editors): a new run linked by `parent_run_id`, with the same dataset and
    settings, over all its rows or only those of `cells` / cells in `statuses`, optionally with
    another `prompt_version_id` or other `models`.

    Args:
        id (UUID):
        body (RerunRequest): A re-run of a run: the same dataset and settings, over all its rows
            or only those of the
            chosen cells, optionally with another version or other models.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RunView
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: RerunRequest,
) -> Response[Problem | RunView]:
    """Re-run a run (editors): a new run linked by `parent_run_id`, with the same dataset and
    settings, over all its rows or only those of `cells` / cells in `statuses`, optionally with
    another `prompt_version_id` or other `models`.

    Args:
        id (UUID):
        body (RerunRequest): A re-run of a run: the same dataset and settings, over all its rows
            or only those of the
            chosen cells, optionally with another version or other models.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RunView]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: RerunRequest,
) -> Problem | RunView | None:
    """Re-run a run (editors): a new run linked by `parent_run_id`, with the same dataset and
    settings, over all its rows or only those of `cells` / cells in `statuses`, optionally with
    another `prompt_version_id` or other `models`.

    Args:
        id (UUID):
        body (RerunRequest): A re-run of a run: the same dataset and settings, over all its rows
            or only those of the
            chosen cells, optionally with another version or other models.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RunView
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
