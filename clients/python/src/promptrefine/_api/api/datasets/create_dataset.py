from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dataset_detail_view import DatasetDetailView
from ...models.problem import Problem
from ...models.upload_dataset import UploadDataset
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: UploadDataset,
    x_org_id: None | Unset | UUID = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_org_id, Unset):
        headers["X-Org-Id"] = x_org_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/datasets",
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DatasetDetailView | Problem | None:
    if response.status_code == 201:
        response_201 = DatasetDetailView.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

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
) -> Response[DatasetDetailView | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UploadDataset,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[DatasetDetailView | Problem]:
    """Upload a dataset into the organization (`multipart/form-data` with a `file` part). The rows
    are stored in the database and the original file in Storage, all or nothing.

    Args:
        x_org_id (None | Unset | UUID):
        body (UploadDataset): The upload form (`multipart/form-data`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DatasetDetailView | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        x_org_id=x_org_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: UploadDataset,
    x_org_id: None | Unset | UUID = UNSET,
) -> DatasetDetailView | Problem | None:
    """Upload a dataset into the organization (`multipart/form-data` with a `file` part). The rows
    are stored in the database and the original file in Storage, all or nothing.

    Args:
        x_org_id (None | Unset | UUID):
        body (UploadDataset): The upload form (`multipart/form-data`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DatasetDetailView | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        x_org_id=x_org_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UploadDataset,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[DatasetDetailView | Problem]:
    """Upload a dataset into the organization (`multipart/form-data` with a `file` part). The rows
    are stored in the database and the original file in Storage, all or nothing.

    Args:
        x_org_id (None | Unset | UUID):
        body (UploadDataset): The upload form (`multipart/form-data`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DatasetDetailView | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        x_org_id=x_org_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: UploadDataset,
    x_org_id: None | Unset | UUID = UNSET,
) -> DatasetDetailView | Problem | None:
    """Upload a dataset into the organization (`multipart/form-data` with a `file` part). The rows
    are stored in the database and the original file in Storage, all or nothing.

    Args:
        x_org_id (None | Unset | UUID):
        body (UploadDataset): The upload form (`multipart/form-data`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DatasetDetailView | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_org_id=x_org_id,
        )
    ).parsed
