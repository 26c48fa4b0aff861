from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.output_basis import OutputBasis

T = TypeVar("T", bound="ModelEstimate")


@_attrs_define
class ModelEstimate:
    """One model's share of a run's estimate.

    Attributes:
        cells (int):
        estimated_cost_usd (float):
        estimated_tokens_in (int):
        estimated_tokens_out (int):
        label (str):
        model (str):
        output_basis (OutputBasis): Where an output estimate comes from.
        provider (str):
    """

    cells: int
    estimated_cost_usd: float
    estimated_tokens_in: int
    estimated_tokens_out: int
    label: str
    model: str
    output_basis: OutputBasis
    provider: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cells = self.cells

        estimated_cost_usd = self.estimated_cost_usd

        estimated_tokens_in = self.estimated_tokens_in

        estimated_tokens_out = self.estimated_tokens_out

        label = self.label

        model = self.model

        output_basis = self.output_basis.value

        provider = self.provider

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cells": cells,
                "estimated_cost_usd": estimated_cost_usd,
                "estimated_tokens_in": estimated_tokens_in,
                "estimated_tokens_out": estimated_tokens_out,
                "label": label,
                "model": model,
                "output_basis": output_basis,
                "provider": provider,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        cells = d.pop("cells")

        estimated_cost_usd = d.pop("estimated_cost_usd")

        estimated_tokens_in = d.pop("estimated_tokens_in")

        estimated_tokens_out = d.pop("estimated_tokens_out")

        label = d.pop("label")

        model = d.pop("model")

        output_basis = OutputBasis(d.pop("output_basis"))

        provider = d.pop("provider")

        model_estimate = cls(
            cells=cells,
            estimated_cost_usd=estimated_cost_usd,
            estimated_tokens_in=estimated_tokens_in,
            estimated_tokens_out=estimated_tokens_out,
            label=label,
            model=model,
            output_basis=output_basis,
            provider=provider,
        )

        model_estimate.additional_properties = d
        return model_estimate

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
