from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.assertion_type import AssertionType
from ..types import UNSET, Unset

T = TypeVar("T", bound="Assertion")


@_attrs_define
class Assertion:
    """A deterministic check: the expected value is `value`, or the row's `column`.

    Attributes:
        type_ (AssertionType): What an assertion checks.
        column (None | str | Unset):
        field (None | str | Unset):
        value (Any | Unset):
    """

    type_: AssertionType
    column: None | str | Unset = UNSET
    field: None | str | Unset = UNSET
    value: Any | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        column: None | str | Unset
        if isinstance(self.column, Unset):
            column = UNSET
        else:
            column = self.column

        field: None | str | Unset
        if isinstance(self.field, Unset):
            field = UNSET
        else:
            field = self.field

        value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
            }
        )
        if column is not UNSET:
            field_dict["column"] = column
        if field is not UNSET:
            field_dict["field"] = field
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = AssertionType(d.pop("type"))

        def _parse_column(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        column = _parse_column(d.pop("column", UNSET))

        def _parse_field(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        field = _parse_field(d.pop("field", UNSET))

        value = d.pop("value", UNSET)

        assertion = cls(
            type_=type_,
            column=column,
            field=field,
            value=value,
        )

        return assertion
