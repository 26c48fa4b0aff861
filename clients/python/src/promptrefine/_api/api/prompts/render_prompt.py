from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.render_preview import RenderPreview
from ...models.render_prompt import RenderPrompt
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: RenderPrompt,
    x_org_id: None | Unset | UUID = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_org_id, Unset):
        headers["X-Org-Id"] = x_org_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/prompts/render",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RenderPreview | None:
    if response.status_code == 200:
        response_200 = RenderPreview.from_dict(response.json())

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
) -> Response[Problem | RenderPreview]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: RenderPrompt,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[Problem | RenderPreview]:
    """Render a prompt without running it (editors): a typed `body` or a saved version, with
    `variables` and optionally a dataset row; the placeholders found and those without a value
    (left as `{{name}}`), the estimated input tokens (about 4 characters each) and what the input
    would cost on each of `models` at catalog prices.

    Args:
        x_org_id (None | Unset | UUID):
        body (RenderPrompt): A prompt to render: a `body` as typed, or a saved
            `prompt_version_id`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RenderPreview]
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
    body: RenderPrompt,
    x_org_id: None | Unset | UUID = UNSET,
) -> Problem | RenderPreview | None:
    """Render a prompt without running it (editors): a typed `body` or a saved version, with
    `variables` and optionally a dataset row; the placeholders found and those without a value
    (left as `{{name}}`), the estimated input tokens (about 4 characters each) and what the input
    would cost on each of `models` at catalog prices.

    Args:
        x_org_id (None | Unset | UUID):
        body (RenderPrompt): A prompt to render: a `body` as typed, or a saved
            `prompt_version_id`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RenderPreview
    """

    return sync_detailed(
        client=client,
        body=body,
        x_org_id=x_org_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: RenderPrompt,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[Problem | RenderPreview]:
    """Render a prompt without running it (editors): a typed `body` or a saved version, with
    `variables` and optionally a dataset row; the placeholders found and those without a value
    (left as `{{name}}`), the estimated input tokens (about 4 characters each) and what the input
    would cost on each of `models` at catalog prices.

    Args:
        x_org_id (None | Unset | UUID):
        body (RenderPrompt): A prompt to render: a `body` as typed, or a saved
            `prompt_version_id`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RenderPreview]
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
    body: RenderPrompt,
    x_org_id: None | Unset | UUID = UNSET,
) -> Problem | RenderPreview | None:
    """Render a prompt without running it (editors): a typed `body` or a saved version, with
    `variables` and optionally a dataset row; the placeholders found and those without a value
    (left as `{{name}}`), the estimated input tokens (about 4 characters each) and what the input
    would cost on each of `models` at catalog prices.

    Args:
        x_org_id (None | Unset | UUID):
        body (RenderPrompt): A prompt to render: a `body` as typed, or a saved
            `prompt_version_id`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RenderPreview
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_org_id=x_org_id,
        )
    ).parsed
