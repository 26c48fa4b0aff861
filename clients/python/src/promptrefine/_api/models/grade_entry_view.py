from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.grade_value import GradeValue
from ..types import UNSET, Unset

T = TypeVar("T", bound="GradeEntryView")


@_attrs_define
class GradeEntryView:
    """A change of a cell's manual grade.

    Attributes:
        created_at (datetime.datetime):
        graded_by (UUID):
        value (GradeValue): A manual grade.
        note (None | str | Unset):
    """

    created_at: datetime.datetime
    graded_by: UUID
    value: GradeValue
    note: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        graded_by = str(self.graded_by)

        value = self.value.value

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "graded_by": graded_by,
                "value": value,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        graded_by = UUID(d.pop("graded_by"))

        value = GradeValue(d.pop("value"))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        grade_entry_view = cls(
            created_at=created_at,
            graded_by=graded_by,
            value=value,
            note=note,
        )

        grade_entry_view.additional_properties = d
        return grade_entry_view

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
