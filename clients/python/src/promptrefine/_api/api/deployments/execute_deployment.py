from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.execute_request import ExecuteRequest
from ...models.execute_result import ExecuteResult
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    slug: str,
    *,
    body: ExecuteRequest,
    x_org_id: None | Unset | UUID = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_org_id, Unset):
        headers["X-Org-Id"] = x_org_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/execute/{slug}".format(
            slug=quote(str(slug), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ExecuteResult | Problem | None:
    if response.status_code == 200:
        response_200 = ExecuteResult.from_dict(response.json())

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

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if response.status_code == 502:
        response_502 = Problem.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ExecuteResult | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    body: ExecuteRequest,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[ExecuteResult | Problem]:
    """Call a deployment of the organization (an API key with the `execute` scope, or an editor):
    its prompt rendered with `variables`, sent to its model (then its fallbacks), logged. With
    `stream: true`, the answer is an event stream: `delta` events (`{"text": ...}`) as the model
    writes, then `done` (the fields of the JSON answer) or `error` (a problem).

    Args:
        slug (str):
        x_org_id (None | Unset | UUID):
        body (ExecuteRequest): A call of a deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ExecuteResult | Problem]
    """

    kwargs = _get_kwargs(
        slug=slug,
        body=body,
        x_org_id=x_org_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    body: ExecuteRequest,
    x_org_id: None | Unset | UUID = UNSET,
) -> ExecuteResult | Problem | None:
    """Call a deployment of the organization (an API key with the `execute` scope, or an editor):
    its prompt rendered with `variables`, sent to its model (then its fallbacks), logged. With
    `stream: true`, the answer is an event stream: `delta` events (`{"text": ...}`) as the model
    writes, then `done` (the fields of the JSON answer) or `error` (a problem).

    Args:
        slug (str):
        x_org_id (None | Unset | UUID):
        body (ExecuteRequest): A call of a deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ExecuteResult | Problem
    """

    return sync_detailed(
        slug=slug,
        client=client,
        body=body,
        x_org_id=x_org_id,
    ).parsed


async def asyncio_detailed(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    body: ExecuteRequest,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[ExecuteResult | Problem]:
    """Call a deployment of the organization (an API key with the `execute` scope, or an editor):
    its prompt rendered with `variables`, sent to its model (then its fallbacks), logged. With
    `stream: true`, the answer is an event stream: `delta` events (`{"text": ...}`) as the model
    writes, then `done` (the fields of the JSON answer) or `error` (a problem).

    Args:
        slug (str):
        x_org_id (None | Unset | UUID):
        body (ExecuteRequest): A call of a deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ExecuteResult | Problem]
    """

    kwargs = _get_kwargs(
        slug=slug,
        body=body,
        x_org_id=x_org_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    body: ExecuteRequest,
    x_org_id: None | Unset | UUID = UNSET,
) -> ExecuteResult | Problem | None:
    """Call a deployment of the organization (an API key with the `execute` scope, or an editor):
    its prompt rendered with `variables`, sent to its model (then its fallbacks), logged. With
    `stream: true`, the answer is an event stream: `delta` events (`{"text": ...}`) as the model
    writes, then `done` (the fields of the JSON answer) or `error` (a problem).

    Args:
        slug (str):
        x_org_id (None | Unset | UUID):
        body (ExecuteRequest): A call of a deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ExecuteResult | Problem
    """

    return (
        await asyncio_detailed(
            slug=slug,
            client=client,
            body=body,
            x_org_id=x_org_id,
        )
    ).parsed
