from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.grading_pass import GradingPass
from ...models.problem import Problem
from ...models.regrade_request import RegradeRequest
from ...types import Response


def _get_kwargs(
    id: UUID,
    *,
    body: RegradeRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/runs/{id}/regrade".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> GradingPass | Problem | None:
    if response.status_code == 202:
        response_202 = GradingPass.from_dict(response.json())

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
) -> Response[GradingPass | Problem]:
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
    body: RegradeRequest,
) -> Response[GradingPass | Problem]:
    """Grade a finished run's outputs again as a new grading pass (editors), without calling the
    models again: with another grader, assertions, scale or threshold, or the same ones (a judge
    can answer differently). The previous pass's grades are kept (`?pass=`); cells and the
    summary show the new pass's as they come. Manual grades stay. Counts against the
    organization's run rate and queue like a run of that many cells.

    Args:
        id (UUID):
        body (RegradeRequest): A new grading pass over a run's outputs: what is not given stays as
            the latest pass has it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GradingPass | Problem]
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
    body: RegradeRequest,
) -> GradingPass | Problem | None:
    """Grade a finished run's outputs again as a new grading pass (editors), without calling the
    models again: with another grader, assertions, scale or threshold, or the same ones (a judge
    can answer differently). The previous pass's grades are kept (`?pass=`); cells and the
    summary show the new pass's as they come. Manual grades stay. Counts against the
    organization's run rate and queue like a run of that many cells.

    Args:
        id (UUID):
        body (RegradeRequest): A new grading pass over a run's outputs: what is not given stays as
            the latest pass has it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GradingPass | Problem
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
    body: RegradeRequest,
) -> Response[GradingPass | Problem]:
    """Grade a finished run's outputs again as a new grading pass (editors), without calling the
    models again: with another grader, assertions, scale or threshold, or the same ones (a judge
    can answer differently). The previous pass's grades are kept (`?pass=`); cells and the
    summary show the new pass's as they come. Manual grades stay. Counts against the
    organization's run rate and queue like a run of that many cells.

    Args:
        id (UUID):
        body (RegradeRequest): A new grading pass over a run's outputs: what is not given stays as
            the latest pass has it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GradingPass | Problem]
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
    body: RegradeRequest,
) -> GradingPass | Problem | None:
    """Grade a finished run's outputs again as a new grading pass (editors), without calling the
    models again: with another grader, assertions, scale or threshold, or the same ones (a judge
    can answer differently). The previous pass's grades are kept (`?pass=`); cells and the
    summary show the new pass's as they come. Manual grades stay. Counts against the
    organization's run rate and queue like a run of that many cells.

    Args:
        id (UUID):
        body (RegradeRequest): A new grading pass over a run's outputs: what is not given stays as
            the latest pass has it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GradingPass | Problem
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
