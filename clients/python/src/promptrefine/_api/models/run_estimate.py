from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.model_estimate import ModelEstimate


T = TypeVar("T", bound="RunEstimate")


@_attrs_define
class RunEstimate:
    """What a run would cost (`POST /v1/runs?dry_run=true`): its generations, not its grader's calls.

    Attributes:
        cells (int):
        estimated_cost_usd (float):
        estimated_tokens_in (int):
        estimated_tokens_out (int):
        models (list[ModelEstimate]):
        rows_sampled (int): Dataset rows rendered to estimate the input (the first ones).
    """

    cells: int
    estimated_cost_usd: float
    estimated_tokens_in: int
    estimated_tokens_out: int
    models: list[ModelEstimate]
    rows_sampled: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cells = self.cells

        estimated_cost_usd = self.estimated_cost_usd

        estimated_tokens_in = self.estimated_tokens_in

        estimated_tokens_out = self.estimated_tokens_out

        models = []
        for models_item_data in self.models:
            models_item = models_item_data.to_dict()
            models.append(models_item)

        rows_sampled = self.rows_sampled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cells": cells,
                "estimated_cost_usd": estimated_cost_usd,
                "estimated_tokens_in": estimated_tokens_in,
                "estimated_tokens_out": estimated_tokens_out,
                "models": models,
                "rows_sampled": rows_sampled,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.model_estimate import ModelEstimate

        d = dict(src_dict)
        cells = d.pop("cells")

        estimated_cost_usd = d.pop("estimated_cost_usd")

        estimated_tokens_in = d.pop("estimated_tokens_in")

        estimated_tokens_out = d.pop("estimated_tokens_out")

        models = []
        _models = d.pop("models")
        for models_item_data in _models:
            models_item = ModelEstimate.from_dict(models_item_data)

            models.append(models_item)

        rows_sampled = d.pop("rows_sampled")

        run_estimate = cls(
            cells=cells,
            estimated_cost_usd=estimated_cost_usd,
            estimated_tokens_in=estimated_tokens_in,
            estimated_tokens_out=estimated_tokens_out,
            models=models,
            rows_sampled=rows_sampled,
        )

        run_estimate.additional_properties = d
        return run_estimate

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
