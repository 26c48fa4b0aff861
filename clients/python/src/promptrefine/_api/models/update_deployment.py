from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.response_format import ResponseFormat
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.deployment_model import DeploymentModel
    from ..models.rate_limit import RateLimit
    from ..models.update_deployment_json_schema_type_0 import (
        UpdateDeploymentJsonSchemaType0,
    )


T = TypeVar("T", bound="UpdateDeployment")


@_attrs_define
class UpdateDeployment:
    """Changes to a deployment; omitted fields stay as they are, `null` clears what may be empty.

    Attributes:
        cache_ttl_seconds (int | None | Unset):
        fallbacks (list[DeploymentModel] | None | Unset):
        json_schema (None | Unset | UpdateDeploymentJsonSchemaType0):
        model (DeploymentModel | None | Unset):
        name (None | str | Unset):
        rate_limit (None | RateLimit | Unset):
        response_format (None | ResponseFormat | Unset):
        slug (None | str | Unset):
        version (int | None | Unset): `null`: follow the prompt's current version.
    """

    cache_ttl_seconds: int | None | Unset = UNSET
    fallbacks: list[DeploymentModel] | None | Unset = UNSET
    json_schema: None | Unset | UpdateDeploymentJsonSchemaType0 = UNSET
    model: DeploymentModel | None | Unset = UNSET
    name: None | str | Unset = UNSET
    rate_limit: None | RateLimit | Unset = UNSET
    response_format: None | ResponseFormat | Unset = UNSET
    slug: None | str | Unset = UNSET
    version: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.deployment_model import DeploymentModel
        from ..models.rate_limit import RateLimit
        from ..models.update_deployment_json_schema_type_0 import (
            UpdateDeploymentJsonSchemaType0,
        )

        cache_ttl_seconds: int | None | Unset
        if isinstance(self.cache_ttl_seconds, Unset):
            cache_ttl_seconds = UNSET
        else:
            cache_ttl_seconds = self.cache_ttl_seconds

        fallbacks: list[dict[str, Any]] | None | Unset
        if isinstance(self.fallbacks, Unset):
            fallbacks = UNSET
        elif isinstance(self.fallbacks, list):
            fallbacks = []
            for fallbacks_type_0_item_data in self.fallbacks:
                fallbacks_type_0_item = fallbacks_type_0_item_data.to_dict()
                fallbacks.append(fallbacks_type_0_item)

        else:
            fallbacks = self.fallbacks

        json_schema: dict[str, Any] | None | Unset
        if isinstance(self.json_schema, Unset):
            json_schema = UNSET
        elif isinstance(self.json_schema, UpdateDeploymentJsonSchemaType0):
            json_schema = self.json_schema.to_dict()
        else:
            json_schema = self.json_schema

        model: dict[str, Any] | None | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        elif isinstance(self.model, DeploymentModel):
            model = self.model.to_dict()
        else:
            model = self.model

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        rate_limit: dict[str, Any] | None | Unset
        if isinstance(self.rate_limit, Unset):
            rate_limit = UNSET
        elif isinstance(self.rate_limit, RateLimit):
            rate_limit = self.rate_limit.to_dict()
        else:
            rate_limit = self.rate_limit

        response_format: None | str | Unset
        if isinstance(self.response_format, Unset):
            response_format = UNSET
        elif isinstance(self.response_format, ResponseFormat):
            response_format = self.response_format.value
        else:
            response_format = self.response_format

        slug: None | str | Unset
        if isinstance(self.slug, Unset):
            slug = UNSET
        else:
            slug = self.slug

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if cache_ttl_seconds is not UNSET:
            field_dict["cache_ttl_seconds"] = cache_ttl_seconds
        if fallbacks is not UNSET:
            field_dict["fallbacks"] = fallbacks
        if json_schema is not UNSET:
            field_dict["json_schema"] = json_schema
        if model is not UNSET:
            field_dict["model"] = model
        if name is not UNSET:
            field_dict["name"] = name
        if rate_limit is not UNSET:
            field_dict["rate_limit"] = rate_limit
        if response_format is not UNSET:
            field_dict["response_format"] = response_format
        if slug is not UNSET:
            field_dict["slug"] = slug
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.deployment_model import DeploymentModel
        from ..models.rate_limit import RateLimit
        from ..models.update_deployment_json_schema_type_0 import (
            UpdateDeploymentJsonSchemaType0,
        )

        d = dict(src_dict)

        def _parse_cache_ttl_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        cache_ttl_seconds = _parse_cache_ttl_seconds(d.pop("cache_ttl_seconds", UNSET))

        def _parse_fallbacks(data: object) -> list[DeploymentModel] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                fallbacks_type_0 = []
                _fallbacks_type_0 = data
                for fallbacks_type_0_item_data in _fallbacks_type_0:
                    fallbacks_type_0_item = DeploymentModel.from_dict(
                        fallbacks_type_0_item_data
                    )

                    fallbacks_type_0.append(fallbacks_type_0_item)

                return fallbacks_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[DeploymentModel] | None | Unset, data)

        fallbacks = _parse_fallbacks(d.pop("fallbacks", UNSET))

        def _parse_json_schema(
            data: object,
        ) -> None | Unset | UpdateDeploymentJsonSchemaType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                json_schema_type_0 = UpdateDeploymentJsonSchemaType0.from_dict(data)

                return json_schema_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UpdateDeploymentJsonSchemaType0, data)

        json_schema = _parse_json_schema(d.pop("json_schema", UNSET))

        def _parse_model(data: object) -> DeploymentModel | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                model_type_1 = DeploymentModel.from_dict(data)

                return model_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DeploymentModel | None | Unset, data)

        model = _parse_model(d.pop("model", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

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

        def _parse_response_format(data: object) -> None | ResponseFormat | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                response_format_type_1 = ResponseFormat(data)

                return response_format_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ResponseFormat | Unset, data)

        response_format = _parse_response_format(d.pop("response_format", UNSET))

        def _parse_slug(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        slug = _parse_slug(d.pop("slug", UNSET))

        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        update_deployment = cls(
            cache_ttl_seconds=cache_ttl_seconds,
            fallbacks=fallbacks,
            json_schema=json_schema,
            model=model,
            name=name,
            rate_limit=rate_limit,
            response_format=response_format,
            slug=slug,
            version=version,
        )

        return update_deployment
