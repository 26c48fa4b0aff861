import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.bucket_width import BucketWidth
from ...models.group_by import GroupBy
from ...models.problem import Problem
from ...models.usage import Usage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    bucket: BucketWidth | Unset = UNSET,
    group_by: GroupBy | Unset = UNSET,
    x_org_id: None | Unset | UUID = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_org_id, Unset):
        headers["X-Org-Id"] = x_org_id

    params: dict[str, Any] = {}

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    json_bucket: str | Unset = UNSET
    if not isinstance(bucket, Unset):
        json_bucket = bucket.value

    params["bucket"] = json_bucket

    json_group_by: str | Unset = UNSET
    if not isinstance(group_by, Unset):
        json_group_by = group_by.value

    params["group_by"] = json_group_by

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/analytics/usage",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | Usage | None:
    if response.status_code == 200:
        response_200 = Usage.from_dict(response.json())

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
) -> Response[Problem | Usage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    bucket: BucketWidth | Unset = UNSET,
    group_by: GroupBy | Unset = UNSET,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[Problem | Usage]:
    """Usage over time of deployments' calls (`source = execute`) and runs' cells (`source = run`):
    requests, errors, latency p50/p95, tokens, cost, cache hits and savings per bucket. Every
    bucket of the range is present (zeros without calls), for every group. Counts lag the calls
    by up to ten seconds (they are rolled up in the background). At most 1,000 buckets.

    Args:
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        bucket (BucketWidth | Unset): How wide a bucket of the series is.
        group_by (GroupBy | Unset): What the series is split by.
        x_org_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Usage]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        bucket=bucket,
        group_by=group_by,
        x_org_id=x_org_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    bucket: BucketWidth | Unset = UNSET,
    group_by: GroupBy | Unset = UNSET,
    x_org_id: None | Unset | UUID = UNSET,
) -> Problem | Usage | None:
    """Usage over time of deployments' calls (`source = execute`) and runs' cells (`source = run`):
    requests, errors, latency p50/p95, tokens, cost, cache hits and savings per bucket. Every
    bucket of the range is present (zeros without calls), for every group. Counts lag the calls
    by up to ten seconds (they are rolled up in the background). At most 1,000 buckets.

    Args:
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        bucket (BucketWidth | Unset): How wide a bucket of the series is.
        group_by (GroupBy | Unset): What the series is split by.
        x_org_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Usage
    """

    return sync_detailed(
        client=client,
        from_=from_,
        to=to,
        bucket=bucket,
        group_by=group_by,
        x_org_id=x_org_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    bucket: BucketWidth | Unset = UNSET,
    group_by: GroupBy | Unset = UNSET,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[Problem | Usage]:
    """Usage over time of deployments' calls (`source = execute`) and runs' cells (`source = run`):
    requests, errors, latency p50/p95, tokens, cost, cache hits and savings per bucket. Every
    bucket of the range is present (zeros without calls), for every group. Counts lag the calls
    by up to ten seconds (they are rolled up in the background). At most 1,000 buckets.

    Args:
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        bucket (BucketWidth | Unset): How wide a bucket of the series is.
        group_by (GroupBy | Unset): What the series is split by.
        x_org_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Usage]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        bucket=bucket,
        group_by=group_by,
        x_org_id=x_org_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    bucket: BucketWidth | Unset = UNSET,
    group_by: GroupBy | Unset = UNSET,
    x_org_id: None | Unset | UUID = UNSET,
) -> Problem | Usage | None:
    """Usage over time of deployments' calls (`source = execute`) and runs' cells (`source = run`):
    requests, errors, latency p50/p95, tokens, cost, cache hits and savings per bucket. Every
    bucket of the range is present (zeros without calls), for every group. Counts lag the calls
    by up to ten seconds (they are rolled up in the background). At most 1,000 buckets.

    Args:
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        bucket (BucketWidth | Unset): How wide a bucket of the series is.
        group_by (GroupBy | Unset): What the series is split by.
        x_org_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Usage
    """

    return (
        await asyncio_detailed(
            client=client,
            from_=from_,
            to=to,
            bucket=bucket,
            group_by=group_by,
            x_org_id=x_org_id,
        )
    ).parsed
