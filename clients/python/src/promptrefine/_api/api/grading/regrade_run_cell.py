from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cell_view import CellView
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    id: UUID,
    cell_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/runs/{id}/cells/{cell_id}/regrade".format(
            id=quote(str(id), safe=""),
            cell_id=quote(str(cell_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CellView | Problem | None:
    if response.status_code == 202:
        response_202 = CellView.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

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
) -> Response[CellView | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    cell_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[CellView | Problem]:
    """Grade one cell's output again in the latest pass (editors): after a judge error, say. Its
    grade is cleared until the workers write the new one.

    Args:
        id (UUID):
        cell_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CellView | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
        cell_id=cell_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    cell_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> CellView | Problem | None:
    """Grade one cell's output again in the latest pass (editors): after a judge error, say. Its
    grade is cleared until the workers write the new one.

    Args:
        id (UUID):
        cell_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CellView | Problem
    """

    return sync_detailed(
        id=id,
        cell_id=cell_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    cell_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[CellView | Problem]:
    """Grade one cell's output again in the latest pass (editors): after a judge error, say. Its
    grade is cleared until the workers write the new one.

    Args:
        id (UUID):
        cell_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CellView | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
        cell_id=cell_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    cell_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> CellView | Problem | None:
    """Grade one cell's output again in the latest pass (editors): after a judge error, say. Its
    grade is cleared until the workers write the new one.

    Args:
        id (UUID):
        cell_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CellView | Problem
    """

    return (
        await asyncio_detailed(
            id=id,
            cell_id=cell_id,
            client=client,
        )
    ).parsed
