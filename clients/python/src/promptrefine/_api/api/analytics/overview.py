from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.usage_overview import UsageOverview
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    x_org_id: None | Unset | UUID = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_org_id, Unset):
        headers["X-Org-Id"] = x_org_id

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/analytics/overview",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | UsageOverview | None:
    if response.status_code == 200:
        response_200 = UsageOverview.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[Problem | UsageOverview]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[Problem | UsageOverview]:
    """The organization at a glance: its prompts, datasets, runs, deployments and API keys (those
    the caller may see), spend this month and last (UTC), deployments' calls and their error rate
    over the last 24 hours, and the five prompts that cost most this month.

    Args:
        x_org_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UsageOverview]
    """

    kwargs = _get_kwargs(
        x_org_id=x_org_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    x_org_id: None | Unset | UUID = UNSET,
) -> Problem | UsageOverview | None:
    """The organization at a glance: its prompts, datasets, runs, deployments and API keys (those
    the caller may see), spend this month and last (UTC), deployments' calls and their error rate
    over the last 24 hours, and the five prompts that cost most this month.

    Args:
        x_org_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UsageOverview
    """

    return sync_detailed(
        client=client,
        x_org_id=x_org_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[Problem | UsageOverview]:
    """The organization at a glance: its prompts, datasets, runs, deployments and API keys (those
    the caller may see), spend this month and last (UTC), deployments' calls and their error rate
    over the last 24 hours, and the five prompts that cost most this month.

    Args:
        x_org_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UsageOverview]
    """

    kwargs = _get_kwargs(
        x_org_id=x_org_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    x_org_id: None | Unset | UUID = UNSET,
) -> Problem | UsageOverview | None:
    """The organization at a glance: its prompts, datasets, runs, deployments and API keys (those
    the caller may see), spend this month and last (UTC), deployments' calls and their error rate
    over the last 24 hours, and the five prompts that cost most this month.

    Args:
        x_org_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UsageOverview
    """

    return (
        await asyncio_detailed(
            client=client,
            x_org_id=x_org_id,
        )
    ).parsed
