from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_params import ModelParams


T = TypeVar("T", bound="GraderInput")


@_attrs_define
class GraderInput:
    """The grader of a run: a prompt of kind `grader` (by version, or its current version) and a
    model to run it.

        Attributes:
            model (str):  Example: judge.
            provider (str):  Example: mock.
            params (ModelParams | None | Unset):
            prompt_id (None | Unset | UUID):
            prompt_version_id (None | Unset | UUID):
    """

    model: str
    provider: str
    params: ModelParams | None | Unset = UNSET
    prompt_id: None | Unset | UUID = UNSET
    prompt_version_id: None | Unset | UUID = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.model_params import ModelParams

        model = self.model

        provider = self.provider

        params: dict[str, Any] | None | Unset
        if isinstance(self.params, Unset):
            params = UNSET
        elif isinstance(self.params, ModelParams):
            params = self.params.to_dict()
        else:
            params = self.params

        prompt_id: None | str | Unset
        if isinstance(self.prompt_id, Unset):
            prompt_id = UNSET
        elif isinstance(self.prompt_id, UUID):
            prompt_id = str(self.prompt_id)
        else:
            prompt_id = self.prompt_id

        prompt_version_id: None | str | Unset
        if isinstance(self.prompt_version_id, Unset):
            prompt_version_id = UNSET
        elif isinstance(self.prompt_version_id, UUID):
            prompt_version_id = str(self.prompt_version_id)
        else:
            prompt_version_id = self.prompt_version_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "model": model,
                "provider": provider,
            }
        )
        if params is not UNSET:
            field_dict["params"] = params
        if prompt_id is not UNSET:
            field_dict["prompt_id"] = prompt_id
        if prompt_version_id is not UNSET:
            field_dict["prompt_version_id"] = prompt_version_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.model_params import ModelParams

        d = dict(src_dict)
        model = d.pop("model")

        provider = d.pop("provider")

        def _parse_params(data: object) -> ModelParams | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                params_type_1 = ModelParams.from_dict(data)

                return params_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelParams | None | Unset, data)

        params = _parse_params(d.pop("params", UNSET))

        def _parse_prompt_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                prompt_id_type_0 = UUID(data)

                return prompt_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        prompt_id = _parse_prompt_id(d.pop("prompt_id", UNSET))

        def _parse_prompt_version_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                prompt_version_id_type_0 = UUID(data)

                return prompt_version_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        prompt_version_id = _parse_prompt_version_id(d.pop("prompt_version_id", UNSET))

        grader_input = cls(
            model=model,
            provider=provider,
            params=params,
            prompt_id=prompt_id,
            prompt_version_id=prompt_version_id,
        )

        return grader_input
