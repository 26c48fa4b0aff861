from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.render_model import RenderModel
    from ..models.render_prompt_variables import RenderPromptVariables


T = TypeVar("T", bound="RenderPrompt")


@_attrs_define
class RenderPrompt:
    """A prompt to render: a `body` as typed, or a saved `prompt_version_id`.

    Attributes:
        body (None | str | Unset):  Example: Answer briefly: {{question}}.
        dataset_id (None | Unset | UUID): With `row_index`: the row whose values fill the placeholders.
        models (list[RenderModel] | Unset): Models to price the input on (up to 4).
        prompt_version_id (None | Unset | UUID):
        row_index (int | None | Unset): From 0.
        system (None | str | Unset): A system message, rendered the same way.
        variables (RenderPromptVariables | Unset): Values for placeholders; a dataset row's values come first.
    """

    body: None | str | Unset = UNSET
    dataset_id: None | Unset | UUID = UNSET
    models: list[RenderModel] | Unset = UNSET
    prompt_version_id: None | Unset | UUID = UNSET
    row_index: int | None | Unset = UNSET
    system: None | str | Unset = UNSET
    variables: RenderPromptVariables | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        body: None | str | Unset
        if isinstance(self.body, Unset):
            body = UNSET
        else:
            body = self.body

        dataset_id: None | str | Unset
        if isinstance(self.dataset_id, Unset):
            dataset_id = UNSET
        elif isinstance(self.dataset_id, UUID):
            dataset_id = str(self.dataset_id)
        else:
            dataset_id = self.dataset_id

        models: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.models, Unset):
            models = []
            for models_item_data in self.models:
                models_item = models_item_data.to_dict()
                models.append(models_item)

        prompt_version_id: None | str | Unset
        if isinstance(self.prompt_version_id, Unset):
            prompt_version_id = UNSET
        elif isinstance(self.prompt_version_id, UUID):
            prompt_version_id = str(self.prompt_version_id)
        else:
            prompt_version_id = self.prompt_version_id

        row_index: int | None | Unset
        if isinstance(self.row_index, Unset):
            row_index = UNSET
        else:
            row_index = self.row_index

        system: None | str | Unset
        if isinstance(self.system, Unset):
            system = UNSET
        else:
            system = self.system

        variables: dict[str, Any] | Unset = UNSET
        if not isinstance(self.variables, Unset):
            variables = self.variables.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if body is not UNSET:
            field_dict["body"] = body
        if dataset_id is not UNSET:
            field_dict["dataset_id"] = dataset_id
        if models is not UNSET:
            field_dict["models"] = models
        if prompt_version_id is not UNSET:
            field_dict["prompt_version_id"] = prompt_version_id
        if row_index is not UNSET:
            field_dict["row_index"] = row_index
        if system is not UNSET:
            field_dict["system"] = system
        if variables is not UNSET:
            field_dict["variables"] = variables

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.render_model import RenderModel
        from ..models.render_prompt_variables import RenderPromptVariables

        d = dict(src_dict)

        def _parse_body(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        body = _parse_body(d.pop("body", UNSET))

        def _parse_dataset_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                dataset_id_type_0 = UUID(data)

                return dataset_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        dataset_id = _parse_dataset_id(d.pop("dataset_id", UNSET))

        _models = d.pop("models", UNSET)
        models: list[RenderModel] | Unset = UNSET
        if _models is not UNSET:
            models = []
            for models_item_data in _models:
                models_item = RenderModel.from_dict(models_item_data)

                models.append(models_item)

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

        def _parse_row_index(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        row_index = _parse_row_index(d.pop("row_index", UNSET))

        def _parse_system(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        system = _parse_system(d.pop("system", UNSET))

        _variables = d.pop("variables", UNSET)
        variables: RenderPromptVariables | Unset
        if isinstance(_variables, Unset):
            variables = UNSET
        else:
            variables = RenderPromptVariables.from_dict(_variables)

        render_prompt = cls(
            body=body,
            dataset_id=dataset_id,
            models=models,
            prompt_version_id=prompt_version_id,
            row_index=row_index,
            system=system,
            variables=variables,
        )

        return render_prompt
