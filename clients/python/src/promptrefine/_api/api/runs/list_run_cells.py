import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cell_status import CellStatus
from ...models.page_of_cell_view import PageOfCellView
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
    updated_since: datetime.datetime | Unset = UNSET,
    status: CellStatus | Unset = UNSET,
    pass_: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_updated_since: str | Unset = UNSET
    if not isinstance(updated_since, Unset):
        json_updated_since = updated_since.isoformat()
    params["updated_since"] = json_updated_since

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["pass"] = pass_

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/runs/{id}/cells".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageOfCellView | Problem | None:
    if response.status_code == 200:
        response_200 = PageOfCellView.from_dict(response.json())

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
) -> Response[PageOfCellView | Problem]:
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
    updated_since: datetime.datetime | Unset = UNSET,
    status: CellStatus | Unset = UNSET,
    pass_: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[PageOfCellView | Problem]:
    """A run's cells, least recently changed first: poll with `updated_since` for changes.

    Args:
        id (UUID):
        updated_since (datetime.datetime | Unset):
        status (CellStatus | Unset):
        pass_ (int | Unset):
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageOfCellView | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
        updated_since=updated_since,
        status=status,
        pass_=pass_,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    updated_since: datetime.datetime | Unset = UNSET,
    status: CellStatus | Unset = UNSET,
    pass_: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> PageOfCellView | Problem | None:
    """A run's cells, least recently changed first: poll with `updated_since` for changes.

    Args:
        id (UUID):
        updated_since (datetime.datetime | Unset):
        status (CellStatus | Unset):
        pass_ (int | Unset):
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageOfCellView | Problem
    """

    return sync_detailed(
        id=id,
        client=client,
        updated_since=updated_since,
        status=status,
        pass_=pass_,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    updated_since: datetime.datetime | Unset = UNSET,
    status: CellStatus | Unset = UNSET,
    pass_: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[PageOfCellView | Problem]:
    """A run's cells, least recently changed first: poll with `updated_since` for changes.

    Args:
        id (UUID):
        updated_since (datetime.datetime | Unset):
        status (CellStatus | Unset):
        pass_ (int | Unset):
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageOfCellView | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
        updated_since=updated_since,
        status=status,
        pass_=pass_,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    updated_since: datetime.datetime | Unset = UNSET,
    status: CellStatus | Unset = UNSET,
    pass_: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> PageOfCellView | Problem | None:
    """A run's cells, least recently changed first: poll with `updated_since` for changes.

    Args:
        id (UUID):
        updated_since (datetime.datetime | Unset):
        status (CellStatus | Unset):
        pass_ (int | Unset):
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageOfCellView | Problem
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            updated_since=updated_since,
            status=status,
            pass_=pass_,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
