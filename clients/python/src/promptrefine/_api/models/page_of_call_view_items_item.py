from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.call_status import CallStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.page_of_call_view_items_item_metadata_type_0 import (
        PageOfCallViewItemsItemMetadataType0,
    )
    from ..models.page_of_call_view_items_item_variables import (
        PageOfCallViewItemsItemVariables,
    )


T = TypeVar("T", bound="PageOfCallViewItemsItem")


@_attrs_define
class PageOfCallViewItemsItem:
    """One call, as the log keeps it.

    Attributes:
        cached (bool):
        created_at (datetime.datetime):
        deployment_slug (str):
        fallback_used (bool):
        id (UUID):
        org_id (UUID):
        rendered_prompt (str):
        status (CallStatus): How a call ended.
        variables (PageOfCallViewItemsItemVariables):
        api_key_id (None | Unset | UUID): The API key that called, or the user.
        cost_usd (float | None | Unset):
        deployment_id (None | Unset | UUID): `null` once the deployment is deleted.
        error_kind (None | str | Unset):
        error_message (None | str | Unset):
        latency_ms (int | None | Unset):
        metadata (None | PageOfCallViewItemsItemMetadataType0 | Unset):
        model (None | str | Unset):
        output (None | str | Unset):
        prompt_version (int | None | Unset):
        provider (None | str | Unset):
        saved_cost_usd (float | None | Unset): What an answer from the cache would have cost.
        tokens_in (int | None | Unset):
        tokens_out (int | None | Unset):
        user_id (None | Unset | UUID):
    """

    cached: bool
    created_at: datetime.datetime
    deployment_slug: str
    fallback_used: bool
    id: UUID
    org_id: UUID
    rendered_prompt: str
    status: CallStatus
    variables: PageOfCallViewItemsItemVariables
    api_key_id: None | Unset | UUID = UNSET
    cost_usd: float | None | Unset = UNSET
    deployment_id: None | Unset | UUID = UNSET
    error_kind: None | str | Unset = UNSET
    error_message: None | str | Unset = UNSET
    latency_ms: int | None | Unset = UNSET
    metadata: None | PageOfCallViewItemsItemMetadataType0 | Unset = UNSET
    model: None | str | Unset = UNSET
    output: None | str | Unset = UNSET
    prompt_version: int | None | Unset = UNSET
    provider: None | str | Unset = UNSET
    saved_cost_usd: float | None | Unset = UNSET
    tokens_in: int | None | Unset = UNSET
    tokens_out: int | None | Unset = UNSET
    user_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.page_of_call_view_items_item_metadata_type_0 import (
            PageOfCallViewItemsItemMetadataType0,
        )

        cached = self.cached

        created_at = self.created_at.isoformat()

        deployment_slug = self.deployment_slug

        fallback_used = self.fallback_used

        id = str(self.id)

        org_id = str(self.org_id)

        rendered_prompt = self.rendered_prompt

        status = self.status.value

        variables = self.variables.to_dict()

        api_key_id: None | str | Unset
        if isinstance(self.api_key_id, Unset):
            api_key_id = UNSET
        elif isinstance(self.api_key_id, UUID):
            api_key_id = str(self.api_key_id)
        else:
            api_key_id = self.api_key_id

        cost_usd: float | None | Unset
        if isinstance(self.cost_usd, Unset):
            cost_usd = UNSET
        else:
            cost_usd = self.cost_usd

        deployment_id: None | str | Unset
        if isinstance(self.deployment_id, Unset):
            deployment_id = UNSET
        elif isinstance(self.deployment_id, UUID):
            deployment_id = str(self.deployment_id)
        else:
            deployment_id = self.deployment_id

        error_kind: None | str | Unset
        if isinstance(self.error_kind, Unset):
            error_kind = UNSET
        else:
            error_kind = self.error_kind

        error_message: None | str | Unset
        if isinstance(self.error_message, Unset):
            error_message = UNSET
        else:
            error_message = self.error_message

        latency_ms: int | None | Unset
        if isinstance(self.latency_ms, Unset):
            latency_ms = UNSET
        else:
            latency_ms = self.latency_ms

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, PageOfCallViewItemsItemMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        output: None | str | Unset
        if isinstance(self.output, Unset):
            output = UNSET
        else:
            output = self.output

        prompt_version: int | None | Unset
        if isinstance(self.prompt_version, Unset):
            prompt_version = UNSET
        else:
            prompt_version = self.prompt_version

        provider: None | str | Unset
        if isinstance(self.provider, Unset):
            provider = UNSET
        else:
            provider = self.provider

        saved_cost_usd: float | None | Unset
        if isinstance(self.saved_cost_usd, Unset):
            saved_cost_usd = UNSET
        else:
            saved_cost_usd = self.saved_cost_usd

        tokens_in: int | None | Unset
        if isinstance(self.tokens_in, Unset):
            tokens_in = UNSET
        else:
            tokens_in = self.tokens_in

        tokens_out: int | None | Unset
        if isinstance(self.tokens_out, Unset):
            tokens_out = UNSET
        else:
            tokens_out = self.tokens_out

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        elif isinstance(self.user_id, UUID):
            user_id = str(self.user_id)
        else:
            user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cached": cached,
                "created_at": created_at,
                "deployment_slug": deployment_slug,
                "fallback_used": fallback_used,
                "id": id,
                "org_id": org_id,
                "rendered_prompt": rendered_prompt,
                "status": status,
                "variables": variables,
            }
        )
        if api_key_id is not UNSET:
            field_dict["api_key_id"] = api_key_id
        if cost_usd is not UNSET:
            field_dict["cost_usd"] = cost_usd
        if deployment_id is not UNSET:
            field_dict["deployment_id"] = deployment_id
        if error_kind is not UNSET:
            field_dict["error_kind"] = error_kind
        if error_message is not UNSET:
            field_dict["error_message"] = error_message
        if latency_ms is not UNSET:
            field_dict["latency_ms"] = latency_ms
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if model is not UNSET:
            field_dict["model"] = model
        if output is not UNSET:
            field_dict["output"] = output
        if prompt_version is not UNSET:
            field_dict["prompt_version"] = prompt_version
        if provider is not UNSET:
            field_dict["provider"] = provider
        if saved_cost_usd is not UNSET:
            field_dict["saved_cost_usd"] = saved_cost_usd
        if tokens_in is not UNSET:
            field_dict["tokens_in"] = tokens_in
        if tokens_out is not UNSET:
            field_dict["tokens_out"] = tokens_out
        if user_id is not UNSET:
            field_dict["user_id"] = user_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.page_of_call_view_items_item_metadata_type_0 import (
            PageOfCallViewItemsItemMetadataType0,
        )
        from ..models.page_of_call_view_items_item_variables import (
            PageOfCallViewItemsItemVariables,
        )

        d = dict(src_dict)
        cached = d.pop("cached")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        deployment_slug = d.pop("deployment_slug")

        fallback_used = d.pop("fallback_used")

        id = UUID(d.pop("id"))

        org_id = UUID(d.pop("org_id"))

        rendered_prompt = d.pop("rendered_prompt")

        status = CallStatus(d.pop("status"))

        variables = PageOfCallViewItemsItemVariables.from_dict(d.pop("variables"))

        def _parse_api_key_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                api_key_id_type_0 = UUID(data)

                return api_key_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        api_key_id = _parse_api_key_id(d.pop("api_key_id", UNSET))

        def _parse_cost_usd(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        cost_usd = _parse_cost_usd(d.pop("cost_usd", UNSET))

        def _parse_deployment_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deployment_id_type_0 = UUID(data)

                return deployment_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        deployment_id = _parse_deployment_id(d.pop("deployment_id", UNSET))

        def _parse_error_kind(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_kind = _parse_error_kind(d.pop("error_kind", UNSET))

        def _parse_error_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_message = _parse_error_message(d.pop("error_message", UNSET))

        def _parse_latency_ms(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        latency_ms = _parse_latency_ms(d.pop("latency_ms", UNSET))

        def _parse_metadata(
            data: object,
        ) -> None | PageOfCallViewItemsItemMetadataType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = PageOfCallViewItemsItemMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PageOfCallViewItemsItemMetadataType0 | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model = _parse_model(d.pop("model", UNSET))

        def _parse_output(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        output = _parse_output(d.pop("output", UNSET))

        def _parse_prompt_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        prompt_version = _parse_prompt_version(d.pop("prompt_version", UNSET))

        def _parse_provider(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        provider = _parse_provider(d.pop("provider", UNSET))

        def _parse_saved_cost_usd(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        saved_cost_usd = _parse_saved_cost_usd(d.pop("saved_cost_usd", UNSET))

        def _parse_tokens_in(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        tokens_in = _parse_tokens_in(d.pop("tokens_in", UNSET))

        def _parse_tokens_out(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        tokens_out = _parse_tokens_out(d.pop("tokens_out", UNSET))

        def _parse_user_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                user_id_type_0 = UUID(data)

                return user_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        user_id = _parse_user_id(d.pop("user_id", UNSET))

        page_of_call_view_items_item = cls(
            cached=cached,
            created_at=created_at,
            deployment_slug=deployment_slug,
            fallback_used=fallback_used,
            id=id,
            org_id=org_id,
            rendered_prompt=rendered_prompt,
            status=status,
            variables=variables,
            api_key_id=api_key_id,
            cost_usd=cost_usd,
            deployment_id=deployment_id,
            error_kind=error_kind,
            error_message=error_message,
            latency_ms=latency_ms,
            metadata=metadata,
            model=model,
            output=output,
            prompt_version=prompt_version,
            provider=provider,
            saved_cost_usd=saved_cost_usd,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            user_id=user_id,
        )

        page_of_call_view_items_item.additional_properties = d
        return page_of_call_view_items_item

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
