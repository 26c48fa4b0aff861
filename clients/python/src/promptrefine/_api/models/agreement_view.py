from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AgreementView")


@_attrs_define
class AgreementView:
    """How often the automatic and the manual grade agree, on cells with both.

    Attributes:
        cells (int):
        rate (float):
        kappa (float | None | Unset): Cohen's kappa: agreement beyond chance (null when one grade is given throughout).
    """

    cells: int
    rate: float
    kappa: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cells = self.cells

        rate = self.rate

        kappa: float | None | Unset
        if isinstance(self.kappa, Unset):
            kappa = UNSET
        else:
            kappa = self.kappa

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cells": cells,
                "rate": rate,
            }
        )
        if kappa is not UNSET:
            field_dict["kappa"] = kappa

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        cells = d.pop("cells")

        rate = d.pop("rate")

        def _parse_kappa(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        kappa = _parse_kappa(d.pop("kappa", UNSET))

        agreement_view = cls(
            cells=cells,
            rate=rate,
            kappa=kappa,
        )

        agreement_view.additional_properties = d
        return agreement_view

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
