from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.row_view_values import RowViewValues


T = TypeVar("T", bound="RowView")


@_attrs_define
class RowView:
    """One row of a dataset.

    Attributes:
        row_index (int): Position in the file, from 0.
        values (RowViewValues): The row's values by column (strings for CSV; any JSON for JSON and JSONL).
    """

    row_index: int
    values: RowViewValues
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        row_index = self.row_index

        values = self.values.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "row_index": row_index,
                "values": values,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.row_view_values import RowViewValues

        d = dict(src_dict)
        row_index = d.pop("row_index")

        values = RowViewValues.from_dict(d.pop("values"))

        row_view = cls(
            row_index=row_index,
            values=values,
        )

        row_view.additional_properties = d
        return row_view

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
