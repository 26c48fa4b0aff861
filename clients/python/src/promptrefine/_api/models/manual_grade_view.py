from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.grade_value import GradeValue
from ..types import UNSET, Unset

T = TypeVar("T", bound="ManualGradeView")


@_attrs_define
class ManualGradeView:
    """A person's grade of a cell.

    Attributes:
        value (GradeValue): A manual grade.
        graded_at (datetime.datetime | None | Unset):
        graded_by (None | Unset | UUID):
        note (None | str | Unset):
    """

    value: GradeValue
    graded_at: datetime.datetime | None | Unset = UNSET
    graded_by: None | Unset | UUID = UNSET
    note: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        value = self.value.value

        graded_at: None | str | Unset
        if isinstance(self.graded_at, Unset):
            graded_at = UNSET
        elif isinstance(self.graded_at, datetime.datetime):
            graded_at = self.graded_at.isoformat()
        else:
            graded_at = self.graded_at

        graded_by: None | str | Unset
        if isinstance(self.graded_by, Unset):
            graded_by = UNSET
        elif isinstance(self.graded_by, UUID):
            graded_by = str(self.graded_by)
        else:
            graded_by = self.graded_by

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "value": value,
            }
        )
        if graded_at is not UNSET:
            field_dict["graded_at"] = graded_at
        if graded_by is not UNSET:
            field_dict["graded_by"] = graded_by
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        value = GradeValue(d.pop("value"))

        def _parse_graded_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                graded_at_type_0 = datetime.datetime.fromisoformat(data)

                return graded_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        graded_at = _parse_graded_at(d.pop("graded_at", UNSET))

        def _parse_graded_by(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                graded_by_type_0 = UUID(data)

                return graded_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        graded_by = _parse_graded_by(d.pop("graded_by", UNSET))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        manual_grade_view = cls(
            value=value,
            graded_at=graded_at,
            graded_by=graded_by,
            note=note,
        )

        manual_grade_view.additional_properties = d
        return manual_grade_view

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
