from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.input_cost import InputCost


T = TypeVar("T", bound="RenderPreview")


@_attrs_define
class RenderPreview:
    """A rendered prompt.

    Attributes:
        estimated_tokens_in (int):
        missing (list[str]): The placeholders nothing gave a value.
        models (list[InputCost]):
        placeholders (list[str]): Every placeholder, in order of appearance.
        rendered (str): The prompt with its values; a placeholder without one is left as `{{name}}`.
        rendered_system (None | str | Unset):
    """

    estimated_tokens_in: int
    missing: list[str]
    models: list[InputCost]
    placeholders: list[str]
    rendered: str
    rendered_system: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        estimated_tokens_in = self.estimated_tokens_in

        missing = self.missing

        models = []
        for models_item_data in self.models:
            models_item = models_item_data.to_dict()
            models.append(models_item)

        placeholders = self.placeholders

        rendered = self.rendered

        rendered_system: None | str | Unset
        if isinstance(self.rendered_system, Unset):
            rendered_system = UNSET
        else:
            rendered_system = self.rendered_system

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "estimated_tokens_in": estimated_tokens_in,
                "missing": missing,
                "models": models,
                "placeholders": placeholders,
                "rendered": rendered,
            }
        )
        if rendered_system is not UNSET:
            field_dict["rendered_system"] = rendered_system

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.input_cost import InputCost

        d = dict(src_dict)
        estimated_tokens_in = d.pop("estimated_tokens_in")

        missing = cast(list[str], d.pop("missing"))

        models = []
        _models = d.pop("models")
        for models_item_data in _models:
            models_item = InputCost.from_dict(models_item_data)

            models.append(models_item)

        placeholders = cast(list[str], d.pop("placeholders"))

        rendered = d.pop("rendered")

        def _parse_rendered_system(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rendered_system = _parse_rendered_system(d.pop("rendered_system", UNSET))

        render_preview = cls(
            estimated_tokens_in=estimated_tokens_in,
            missing=missing,
            models=models,
            placeholders=placeholders,
            rendered=rendered,
            rendered_system=rendered_system,
        )

        render_preview.additional_properties = d
        return render_preview

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
