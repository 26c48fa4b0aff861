from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.grade_value import GradeValue
from ..types import UNSET, Unset

T = TypeVar("T", bound="GradeCell")


@_attrs_define
class GradeCell:
    """A person's grade of a cell's output.

    Attributes:
        value (GradeValue): A manual grade.
        note (None | str | Unset):  Example: Correct, but too long.
    """

    value: GradeValue
    note: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        value = self.value.value

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "value": value,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        value = GradeValue(d.pop("value"))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        grade_cell = cls(
            value=value,
            note=note,
        )

        return grade_cell
