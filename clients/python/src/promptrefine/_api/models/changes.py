from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.cell_view import CellView


T = TypeVar("T", bound="Changes")


@_attrs_define
class Changes:
    """A page of a run's change feed.

    Attributes:
        cursor (str): Pass it back as `cursor`: the next call returns exactly the changes after these.
        items (list[CellView]): The cells changed since the cursor, in the order their changes committed.
        more (bool): More changes are waiting: call again at once.
    """

    cursor: str
    items: list[CellView]
    more: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cursor = self.cursor

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        more = self.more

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cursor": cursor,
                "items": items,
                "more": more,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.cell_view import CellView

        d = dict(src_dict)
        cursor = d.pop("cursor")

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = CellView.from_dict(items_item_data)

            items.append(items_item)

        more = d.pop("more")

        changes = cls(
            cursor=cursor,
            items=items,
            more=more,
        )

        changes.additional_properties = d
        return changes

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
