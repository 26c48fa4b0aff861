from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InputCost")


@_attrs_define
class InputCost:
    """A model's price of the rendered input.

    Attributes:
        estimated_input_cost_usd (float):
        model (str):
        provider (str):
    """

    estimated_input_cost_usd: float
    model: str
    provider: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        estimated_input_cost_usd = self.estimated_input_cost_usd

        model = self.model

        provider = self.provider

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "estimated_input_cost_usd": estimated_input_cost_usd,
                "model": model,
                "provider": provider,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        estimated_input_cost_usd = d.pop("estimated_input_cost_usd")

        model = d.pop("model")

        provider = d.pop("provider")

        input_cost = cls(
            estimated_input_cost_usd=estimated_input_cost_usd,
            model=model,
            provider=provider,
        )

        input_cost.additional_properties = d
        return input_cost

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
