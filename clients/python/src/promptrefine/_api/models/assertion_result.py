from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.assertion_type import AssertionType

T = TypeVar("T", bound="AssertionResult")


@_attrs_define
class AssertionResult:
    """The outcome of one assertion.

    Attributes:
        passed (bool):
        reason (str):
        type_ (AssertionType): What an assertion checks.
    """

    passed: bool
    reason: str
    type_: AssertionType
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        passed = self.passed

        reason = self.reason

        type_ = self.type_.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "passed": passed,
                "reason": reason,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        passed = d.pop("passed")

        reason = d.pop("reason")

        type_ = AssertionType(d.pop("type"))

        assertion_result = cls(
            passed=passed,
            reason=reason,
            type_=type_,
        )

        assertion_result.additional_properties = d
        return assertion_result

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
