from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CreateOrg")


@_attrs_define
class CreateOrg:
    """A new team; you become its owner.

    Attributes:
        name (str): 1-200 characters; surrounding spaces are dropped. The slug is made from it. Example: Support team.
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

        create_org = cls(
            name=name,
        )

        return create_org
