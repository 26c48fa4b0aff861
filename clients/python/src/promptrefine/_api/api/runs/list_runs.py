import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_of_run_list_item import PageOfRunListItem
from ...models.problem import Problem
from ...models.run_status import RunStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    prompt_id: UUID | Unset = UNSET,
    dataset_id: UUID | Unset = UNSET,
    status: RunStatus | Unset = UNSET,
    model: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    x_org_id: None | Unset | UUID = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_org_id, Unset):
        headers["X-Org-Id"] = x_org_id

    params: dict[str, Any] = {}

    json_prompt_id: str | Unset = UNSET
    if not isinstance(prompt_id, Unset):
        json_prompt_id = str(prompt_id)
    params["prompt_id"] = json_prompt_id

    json_dataset_id: str | Unset = UNSET
    if not isinstance(dataset_id, Unset):
        json_dataset_id = str(dataset_id)
    params["dataset_id"] = json_dataset_id

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["model"] = model

    json_created_after: str | Unset = UNSET
    if not isinstance(created_after, Unset):
        json_created_after = created_after.isoformat()
    params["created_after"] = json_created_after

    json_created_before: str | Unset = UNSET
    if not isinstance(created_before, Unset):
        json_created_before = created_before.isoformat()
    params["created_before"] = json_created_before

    params["q"] = q

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/runs",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageOfRunListItem | Problem | None:
    if response.status_code == 200:
        response_200 = PageOfRunListItem.from_dict(response.json())

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
) -> Response[PageOfRunListItem | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    prompt_id: UUID | Unset = UNSET,
    dataset_id: UUID | Unset = UNSET,
    status: RunStatus | Unset = UNSET,
    model: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[PageOfRunListItem | Problem]:
    """List the organization's runs, newest first, each with its cells by state, what it spent, its
    pass rate and its duration: a history page in one call.

    Args:
        prompt_id (UUID | Unset):
        dataset_id (UUID | Unset):
        status (RunStatus | Unset):
        model (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        q (str | Unset):
        limit (int | Unset):
        cursor (str | Unset):
        x_org_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageOfRunListItem | Problem]
    """

    kwargs = _get_kwargs(
        prompt_id=prompt_id,
        dataset_id=dataset_id,
        status=status,
        model=model,
        created_after=created_after,
        created_before=created_before,
        q=q,
        limit=limit,
        cursor=cursor,
        x_org_id=x_org_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    prompt_id: UUID | Unset = UNSET,
    dataset_id: UUID | Unset = UNSET,
    status: RunStatus | Unset = UNSET,
    model: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    x_org_id: None | Unset | UUID = UNSET,
) -> PageOfRunListItem | Problem | None:
    """List the organization's runs, newest first, each with its cells by state, what it spent, its
    pass rate and its duration: a history page in one call.

    Args:
        prompt_id (UUID | Unset):
        dataset_id (UUID | Unset):
        status (RunStatus | Unset):
        model (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        q (str | Unset):
        limit (int | Unset):
        cursor (str | Unset):
        x_org_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageOfRunListItem | Problem
    """

    return sync_detailed(
        client=client,
        prompt_id=prompt_id,
        dataset_id=dataset_id,
        status=status,
        model=model,
        created_after=created_after,
        created_before=created_before,
        q=q,
        limit=limit,
        cursor=cursor,
        x_org_id=x_org_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    prompt_id: UUID | Unset = UNSET,
    dataset_id: UUID | Unset = UNSET,
    status: RunStatus | Unset = UNSET,
    model: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[PageOfRunListItem | Problem]:
    """List the organization's runs, newest first, each with its cells by state, what it spent, its
    pass rate and its duration: a history page in one call.

    Args:
        prompt_id (UUID | Unset):
        dataset_id (UUID | Unset):
        status (RunStatus | Unset):
        model (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        q (str | Unset):
        limit (int | Unset):
        cursor (str | Unset):
        x_org_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageOfRunListItem | Problem]
    """

    kwargs = _get_kwargs(
        prompt_id=prompt_id,
        dataset_id=dataset_id,
        status=status,
        model=model,
        created_after=created_after,
        created_before=created_before,
        q=q,
        limit=limit,
        cursor=cursor,
        x_org_id=x_org_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    prompt_id: UUID | Unset = UNSET,
    dataset_id: UUID | Unset = UNSET,
    status: RunStatus | Unset = UNSET,
    model: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    x_org_id: None | Unset | UUID = UNSET,
) -> PageOfRunListItem | Problem | None:
    """List the organization's runs, newest first, each with its cells by state, what it spent, its
    pass rate and its duration: a history page in one call.

    Args:
        prompt_id (UUID | Unset):
        dataset_id (UUID | Unset):
        status (RunStatus | Unset):
        model (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        q (str | Unset):
        limit (int | Unset):
        cursor (str | Unset):
        x_org_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageOfRunListItem | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            prompt_id=prompt_id,
            dataset_id=dataset_id,
            status=status,
            model=model,
            created_after=created_after,
            created_before=created_before,
            q=q,
            limit=limit,
            cursor=cursor,
            x_org_id=x_org_id,
        )
    ).parsed
