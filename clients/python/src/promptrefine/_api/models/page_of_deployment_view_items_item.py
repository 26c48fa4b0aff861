from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.response_format import ResponseFormat
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.deployment_model import DeploymentModel
    from ..models.page_of_deployment_view_items_item_json_schema_type_0 import (
        PageOfDeploymentViewItemsItemJsonSchemaType0,
    )
    from ..models.rate_limit import RateLimit


T = TypeVar("T", bound="PageOfDeploymentViewItemsItem")


@_attrs_define
class PageOfDeploymentViewItemsItem:
    """A prompt shipped as an endpoint: `POST /v1/execute/{slug}`.

    Attributes:
        created_at (datetime.datetime):
        fallbacks (list[DeploymentModel]): Tried in order when the model fails after its retries (5xx, timeout, rate
            limited).
        id (UUID):
        model (DeploymentModel): A model a deployment calls.
        name (str):  Example: Support reply.
        org_id (UUID):
        prompt_id (UUID):
        response_format (ResponseFormat): What a deployment answers with.
        slug (str): Unique in the organization: the path of `POST /v1/execute/{slug}`. Example: support-reply.
        updated_at (datetime.datetime):
        cache_ttl_seconds (int | None | Unset): Identical calls within this many seconds are answered from the cache.
        created_by (None | Unset | UUID):
        json_schema (None | PageOfDeploymentViewItemsItemJsonSchemaType0 | Unset): For `json`: the JSON Schema the
            answer must match.
        rate_limit (None | RateLimit | Unset):
        version (int | None | Unset): The version served; `null` follows the prompt's current version.
    """

    created_at: datetime.datetime
    fallbacks: list[DeploymentModel]
    id: UUID
    model: DeploymentModel
    name: str
    org_id: UUID
    prompt_id: UUID
    response_format: ResponseFormat
    slug: str
    updated_at: datetime.datetime
    cache_ttl_seconds: int | None | Unset = UNSET
    created_by: None | Unset | UUID = UNSET
    json_schema: None | PageOfDeploymentViewItemsItemJsonSchemaType0 | Unset = UNSET
    rate_limit: None | RateLimit | Unset = UNSET
    version: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.page_of_deployment_view_items_item_json_schema_type_0 import (
            PageOfDeploymentViewItemsItemJsonSchemaType0,
        )
        from ..models.rate_limit import RateLimit

        created_at = self.created_at.isoformat()

        fallbacks = []
        for fallbacks_item_data in self.fallbacks:
            fallbacks_item = fallbacks_item_data.to_dict()
            fallbacks.append(fallbacks_item)

        id = str(self.id)

        model = self.model.to_dict()

        name = self.name

        org_id = str(self.org_id)

        prompt_id = str(self.prompt_id)

        response_format = self.response_format.value

        slug = self.slug

        updated_at = self.updated_at.isoformat()

        cache_ttl_seconds: int | None | Unset
        if isinstance(self.cache_ttl_seconds, Unset):
            cache_ttl_seconds = UNSET
        else:
            cache_ttl_seconds = self.cache_ttl_seconds

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        elif isinstance(self.created_by, UUID):
            created_by = str(self.created_by)
        else:
            created_by = self.created_by

        json_schema: dict[str, Any] | None | Unset
        if isinstance(self.json_schema, Unset):
            json_schema = UNSET
        elif isinstance(self.json_schema, PageOfDeploymentViewItemsItemJsonSchemaType0):
            json_schema = self.json_schema.to_dict()
        else:
            json_schema = self.json_schema

        rate_limit: dict[str, Any] | None | Unset
        if isinstance(self.rate_limit, Unset):
            rate_limit = UNSET
        elif isinstance(self.rate_limit, RateLimit):
            rate_limit = self.rate_limit.to_dict()
        else:
            rate_limit = self.rate_limit

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "fallbacks": fallbacks,
                "id": id,
                "model": model,
                "name": name,
                "org_id": org_id,
                "prompt_id": prompt_id,
                "response_format": response_format,
                "slug": slug,
                "updated_at": updated_at,
            }
        )
        if cache_ttl_seconds is not UNSET:
            field_dict["cache_ttl_seconds"] = cache_ttl_seconds
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if json_schema is not UNSET:
            field_dict["json_schema"] = json_schema
        if rate_limit is not UNSET:
            field_dict["rate_limit"] = rate_limit
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.deployment_model import DeploymentModel
        from ..models.page_of_deployment_view_items_item_json_schema_type_0 import (
            PageOfDeploymentViewItemsItemJsonSchemaType0,
        )
        from ..models.rate_limit import RateLimit

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        fallbacks = []
        _fallbacks = d.pop("fallbacks")
        for fallbacks_item_data in _fallbacks:
            fallbacks_item = DeploymentModel.from_dict(fallbacks_item_data)

            fallbacks.append(fallbacks_item)

        id = UUID(d.pop("id"))

        model = DeploymentModel.from_dict(d.pop("model"))

        name = d.pop("name")

        org_id = UUID(d.pop("org_id"))

        prompt_id = UUID(d.pop("prompt_id"))

        response_format = ResponseFormat(d.pop("response_format"))

        slug = d.pop("slug")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_cache_ttl_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        cache_ttl_seconds = _parse_cache_ttl_seconds(d.pop("cache_ttl_seconds", UNSET))

        def _parse_created_by(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_by_type_0 = UUID(data)

                return created_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        created_by = _parse_created_by(d.pop("created_by", UNSET))

        def _parse_json_schema(
            data: object,
        ) -> None | PageOfDeploymentViewItemsItemJsonSchemaType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                json_schema_type_0 = (
                    PageOfDeploymentViewItemsItemJsonSchemaType0.from_dict(data)
                )

                return json_schema_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None | PageOfDeploymentViewItemsItemJsonSchemaType0 | Unset, data
            )

        json_schema = _parse_json_schema(d.pop("json_schema", UNSET))

        def _parse_rate_limit(data: object) -> None | RateLimit | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                rate_limit_type_1 = RateLimit.from_dict(data)

                return rate_limit_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RateLimit | Unset, data)

        rate_limit = _parse_rate_limit(d.pop("rate_limit", UNSET))

        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        page_of_deployment_view_items_item = cls(
            created_at=created_at,
            fallbacks=fallbacks,
            id=id,
            model=model,
            name=name,
            org_id=org_id,
            prompt_id=prompt_id,
            response_format=response_format,
            slug=slug,
            updated_at=updated_at,
            cache_ttl_seconds=cache_ttl_seconds,
            created_by=created_by,
            json_schema=json_schema,
            rate_limit=rate_limit,
            version=version,
        )

        page_of_deployment_view_items_item.additional_properties = d
        return page_of_deployment_view_items_item

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
