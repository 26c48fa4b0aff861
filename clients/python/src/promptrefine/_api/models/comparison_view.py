from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.model_comparison_view import ModelComparisonView
    from ..models.run_summary_view import RunSummaryView


T = TypeVar("T", bound="ComparisonView")


@_attrs_define
class ComparisonView:
    """Two runs side by side.

    Attributes:
        first (RunSummaryView): A run's grades and usage, per model.
        models (list[ModelComparisonView]): Models in both runs, matched by provider and model.
        second (RunSummaryView): A run's grades and usage, per model.
    """

    first: RunSummaryView
    models: list[ModelComparisonView]
    second: RunSummaryView
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        first = self.first.to_dict()

        models = []
        for models_item_data in self.models:
            models_item = models_item_data.to_dict()
            models.append(models_item)

        second = self.second.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "first": first,
                "models": models,
                "second": second,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.model_comparison_view import ModelComparisonView
        from ..models.run_summary_view import RunSummaryView

        d = dict(src_dict)
        first = RunSummaryView.from_dict(d.pop("first"))

        models = []
        _models = d.pop("models")
        for models_item_data in _models:
            models_item = ModelComparisonView.from_dict(models_item_data)

            models.append(models_item)

        second = RunSummaryView.from_dict(d.pop("second"))

        comparison_view = cls(
            first=first,
            models=models,
            second=second,
        )

        comparison_view.additional_properties = d
        return comparison_view

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
