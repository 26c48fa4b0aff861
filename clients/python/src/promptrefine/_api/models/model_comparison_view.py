from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_summary_view import ModelSummaryView
    from ..models.paired_test import PairedTest


T = TypeVar("T", bound="ModelComparisonView")


@_attrs_define
class ModelComparisonView:
    """One model in both runs.

    Attributes:
        first (ModelSummaryView): One model of a run, summarised.
        model (str):
        provider (str):
        second (ModelSummaryView): One model of a run, summarised.
        paired (None | PairedTest | Unset):
        pass_rate_difference (float | None | Unset): Second pass rate minus first.
    """

    first: ModelSummaryView
    model: str
    provider: str
    second: ModelSummaryView
    paired: None | PairedTest | Unset = UNSET
    pass_rate_difference: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.paired_test import PairedTest

        first = self.first.to_dict()

        model = self.model

        provider = self.provider

        second = self.second.to_dict()

        paired: dict[str, Any] | None | Unset
        if isinstance(self.paired, Unset):
            paired = UNSET
        elif isinstance(self.paired, PairedTest):
            paired = self.paired.to_dict()
        else:
            paired = self.paired

        pass_rate_difference: float | None | Unset
        if isinstance(self.pass_rate_difference, Unset):
            pass_rate_difference = UNSET
        else:
            pass_rate_difference = self.pass_rate_difference

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "first": first,
                "model": model,
                "provider": provider,
                "second": second,
            }
        )
        if paired is not UNSET:
            field_dict["paired"] = paired
        if pass_rate_difference is not UNSET:
            field_dict["pass_rate_difference"] = pass_rate_difference

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.model_summary_view import ModelSummaryView
        from ..models.paired_test import PairedTest

        d = dict(src_dict)
        first = ModelSummaryView.from_dict(d.pop("first"))

        model = d.pop("model")

        provider = d.pop("provider")

        second = ModelSummaryView.from_dict(d.pop("second"))

        def _parse_paired(data: object) -> None | PairedTest | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                paired_type_1 = PairedTest.from_dict(data)

                return paired_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PairedTest | Unset, data)

        paired = _parse_paired(d.pop("paired", UNSET))

        def _parse_pass_rate_difference(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        pass_rate_difference = _parse_pass_rate_difference(
            d.pop("pass_rate_difference", UNSET)
        )

        model_comparison_view = cls(
            first=first,
            model=model,
            provider=provider,
            second=second,
            paired=paired,
            pass_rate_difference=pass_rate_difference,
        )

        model_comparison_view.additional_properties = d
        return model_comparison_view

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
