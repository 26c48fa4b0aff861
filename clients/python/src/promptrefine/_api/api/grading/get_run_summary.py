from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.run_summary_view import RunSummaryView
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
    pass_: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["pass"] = pass_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/runs/{id}/summary".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RunSummaryView | None:
    if response.status_code == 200:
        response_200 = RunSummaryView.from_dict(response.json())

        return response_200

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
) -> Response[Problem | RunSummaryView]:
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
    pass_: int | Unset = UNSET,
) -> Response[Problem | RunSummaryView]:
    """Per model: cells by state, pass rate with a 95% Wilson interval, mean judge score with a 95%
    interval, parse errors, tokens, cost (generation, grading, total), latency p50/p95/max, and
    judge-human agreement. Manual grades override automatic ones. Grades of the latest grading
    pass, or of `pass`.

    Args:
        id (UUID):
        pass_ (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RunSummaryView]
    """

    kwargs = _get_kwargs(
        id=id,
        pass_=pass_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    pass_: int | Unset = UNSET,
) -> Problem | RunSummaryView | None:
    """Per model: cells by state, pass rate with a 95% Wilson interval, mean judge score with a 95%
    interval, parse errors, tokens, cost (generation, grading, total), latency p50/p95/max, and
    judge-human agreement. Manual grades override automatic ones. Grades of the latest grading
    pass, or of `pass`.

    Args:
        id (UUID):
        pass_ (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RunSummaryView
    """

    return sync_detailed(
        id=id,
        client=client,
        pass_=pass_,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    pass_: int | Unset = UNSET,
) -> Response[Problem | RunSummaryView]:
    """Per model: cells by state, pass rate with a 95% Wilson interval, mean judge score with a 95%
    interval, parse errors, tokens, cost (generation, grading, total), latency p50/p95/max, and
    judge-human agreement. Manual grades override automatic ones. Grades of the latest grading
    pass, or of `pass`.

    Args:
        id (UUID):
        pass_ (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RunSummaryView]
    """

    kwargs = _get_kwargs(
        id=id,
        pass_=pass_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    pass_: int | Unset = UNSET,
) -> Problem | RunSummaryView | None:
    """Per model: cells by state, pass rate with a 95% Wilson interval, mean judge score with a 95%
    interval, parse errors, tokens, cost (generation, grading, total), latency p50/p95/max, and
    judge-human agreement. Manual grades override automatic ones. Grades of the latest grading
    pass, or of `pass`.

    Args:
        id (UUID):
        pass_ (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RunSummaryView
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            pass_=pass_,
        )
    ).parsed
