from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.provider_key import ProviderKey
from ...models.put_provider_key import PutProviderKey
from ...types import UNSET, Response, Unset


def _get_kwargs(
    provider: str,
    *,
    body: PutProviderKey,
    x_org_id: None | Unset | UUID = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_org_id, Unset):
        headers["X-Org-Id"] = x_org_id

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/provider-keys/{provider}".format(
            provider=quote(str(provider), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ProviderKey | None:
    if response.status_code == 200:
        response_200 = ProviderKey.from_dict(response.json())

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
) -> Response[Problem | ProviderKey]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    provider: str,
    *,
    client: AuthenticatedClient | Client,
    body: PutProviderKey,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[Problem | ProviderKey]:
    """Store the organization's key for a provider (admins), replacing the one it had: its runs,
    grading and deployments call the provider with it from now on (other processes within
    seconds), in preference to the server's key. 503 `provider_keys_disabled` when the server
    has no `PROVIDER_KEYS_KEK`.

    Args:
        provider (str):
        x_org_id (None | Unset | UUID):
        body (PutProviderKey): A provider key to store.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProviderKey]
    """

    kwargs = _get_kwargs(
        provider=provider,
        body=body,
        x_org_id=x_org_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    provider: str,
    *,
    client: AuthenticatedClient | Client,
    body: PutProviderKey,
    x_org_id: None | Unset | UUID = UNSET,
) -> Problem | ProviderKey | None:
    """Store the organization's key for a provider (admins), replacing the one it had: its runs,
    grading and deployments call the provider with it from now on (other processes within
    seconds), in preference to the server's key. 503 `provider_keys_disabled` when the server
    has no `PROVIDER_KEYS_KEK`.

    Args:
        provider (str):
        x_org_id (None | Unset | UUID):
        body (PutProviderKey): A provider key to store.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProviderKey
    """

    return sync_detailed(
        provider=provider,
        client=client,
        body=body,
        x_org_id=x_org_id,
    ).parsed


async def asyncio_detailed(
    provider: str,
    *,
    client: AuthenticatedClient | Client,
    body: PutProviderKey,
    x_org_id: None | Unset | UUID = UNSET,
) -> Response[Problem | ProviderKey]:
    """Store the organization's key for a provider (admins), replacing the one it had: its runs,
    grading and deployments call the provider with it from now on (other processes within
    seconds), in preference to the server's key. 503 `provider_keys_disabled` when the server
    has no `PROVIDER_KEYS_KEK`.

    Args:
        provider (str):
        x_org_id (None | Unset | UUID):
        body (PutProviderKey): A provider key to store.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProviderKey]
    """

    kwargs = _get_kwargs(
        provider=provider,
        body=body,
        x_org_id=x_org_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    provider: str,
    *,
    client: AuthenticatedClient | Client,
    body: PutProviderKey,
    x_org_id: None | Unset | UUID = UNSET,
) -> Problem | ProviderKey | None:
    """Store the organization's key for a provider (admins), replacing the one it had: its runs,
    grading and deployments call the provider with it from now on (other processes within
    seconds), in preference to the server's key. 503 `provider_keys_disabled` when the server
    has no `PROVIDER_KEYS_KEK`.

    Args:
        provider (str):
        x_org_id (None | Unset | UUID):
        body (PutProviderKey): A provider key to store.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProviderKey
    """

    return (
        await asyncio_detailed(
            provider=provider,
            client=client,
            body=body,
            x_org_id=x_org_id,
        )
    ).parsed
