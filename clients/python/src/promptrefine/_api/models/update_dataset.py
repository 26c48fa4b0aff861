from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="UpdateDataset")


@_attrs_define
class UpdateDataset:
    """A new name.

    Attributes:
        name (str): 1-200 characters; surrounding spaces are dropped. Example: Support questions (March).
    """

    name: str

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        update_dataset = cls(
            name=name,
        )

        return update_dataset
