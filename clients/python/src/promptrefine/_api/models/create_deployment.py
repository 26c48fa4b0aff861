from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.response_format import ResponseFormat
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_deployment_json_schema_type_0 import (
        CreateDeploymentJsonSchemaType0,
    )
    from ..models.deployment_model import DeploymentModel
    from ..models.rate_limit import RateLimit


T = TypeVar("T", bound="CreateDeployment")


@_attrs_define
class CreateDeployment:
    """A deployment to make.

    Attributes:
        model (DeploymentModel): A model a deployment calls.
        name (str):  Example: Support reply.
        prompt_id (UUID): A generator prompt of the organization.
        slug (str): Unique in the organization; the path of `POST /v1/execute/{slug}`. Example: support-reply.
        cache_ttl_seconds (int | None | Unset): Answer identical calls from the cache for this long (1 s to 30 days).
        fallbacks (list[DeploymentModel] | Unset): Up to 3, tried in order when the model fails after its retries.
        json_schema (CreateDeploymentJsonSchemaType0 | None | Unset): For `json`: a JSON Schema the answer must match
            (whole: references are not fetched).
        rate_limit (None | RateLimit | Unset):
        response_format (ResponseFormat | Unset): What a deployment answers with.
        version (int | None | Unset): The version to serve; omitted or `null` follows the prompt's current version.
    """

    model: DeploymentModel
    name: str
    prompt_id: UUID
    slug: str
    cache_ttl_seconds: int | None | Unset = UNSET
    fallbacks: list[DeploymentModel] | Unset = UNSET
    json_schema: CreateDeploymentJsonSchemaType0 | None | Unset = UNSET
    rate_limit: None | RateLimit | Unset = UNSET
    response_format: ResponseFormat | Unset = UNSET
    version: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.create_deployment_json_schema_type_0 import (
            CreateDeploymentJsonSchemaType0,
        )
        from ..models.rate_limit import RateLimit

        model = self.model.to_dict()

        name = self.name

        prompt_id = str(self.prompt_id)

        slug = self.slug

        cache_ttl_seconds: int | None | Unset
        if isinstance(self.cache_ttl_seconds, Unset):
            cache_ttl_seconds = UNSET
        else:
            cache_ttl_seconds = self.cache_ttl_seconds

        fallbacks: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.fallbacks, Unset):
            fallbacks = []
            for fallbacks_item_data in self.fallbacks:
                fallbacks_item = fallbacks_item_data.to_dict()
                fallbacks.append(fallbacks_item)

        json_schema: dict[str, Any] | None | Unset
        if isinstance(self.json_schema, Unset):
            json_schema = UNSET
        elif isinstance(self.json_schema, CreateDeploymentJsonSchemaType0):
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

        response_format: str | Unset = UNSET
        if not isinstance(self.response_format, Unset):
            response_format = self.response_format.value

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "model": model,
                "name": name,
                "prompt_id": prompt_id,
                "slug": slug,
            }
        )
        if cache_ttl_seconds is not UNSET:
            field_dict["cache_ttl_seconds"] = cache_ttl_seconds
        if fallbacks is not UNSET:
            field_dict["fallbacks"] = fallbacks
        if json_schema is not UNSET:
            field_dict["json_schema"] = json_schema
        if rate_limit is not UNSET:
            field_dict["rate_limit"] = rate_limit
        if response_format is not UNSET:
            field_dict["response_format"] = response_format
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.create_deployment_json_schema_type_0 import (
            CreateDeploymentJsonSchemaType0,
        )
        from ..models.deployment_model import DeploymentModel
        from ..models.rate_limit import RateLimit

        d = dict(src_dict)
        model = DeploymentModel.from_dict(d.pop("model"))

        name = d.pop("name")

        prompt_id = UUID(d.pop("prompt_id"))

        slug = d.pop("slug")

        def _parse_cache_ttl_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        cache_ttl_seconds = _parse_cache_ttl_seconds(d.pop("cache_ttl_seconds", UNSET))

        _fallbacks = d.pop("fallbacks", UNSET)
        fallbacks: list[DeploymentModel] | Unset = UNSET
        if _fallbacks is not UNSET:
            fallbacks = []
            for fallbacks_item_data in _fallbacks:
                fallbacks_item = DeploymentModel.from_dict(fallbacks_item_data)

                fallbacks.append(fallbacks_item)

        def _parse_json_schema(
            data: object,
        ) -> CreateDeploymentJsonSchemaType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                json_schema_type_0 = CreateDeploymentJsonSchemaType0.from_dict(data)

                return json_schema_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreateDeploymentJsonSchemaType0 | None | Unset, data)

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

        _response_format = d.pop("response_format", UNSET)
        response_format: ResponseFormat | Unset
        if isinstance(_response_format, Unset):
            response_format = UNSET
        else:
            response_format = ResponseFormat(_response_format)

        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        create_deployment = cls(
            model=model,
            name=name,
            prompt_id=prompt_id,
            slug=slug,
            cache_ttl_seconds=cache_ttl_seconds,
            fallbacks=fallbacks,
            json_schema=json_schema,
            rate_limit=rate_limit,
            response_format=response_format,
            version=version,
        )

        return create_deployment
