from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TokenTotals")


@_attrs_define
class TokenTotals:
    """Tokens used.

    Attributes:
        grader_input (int):
        grader_output (int):
        input_ (int):
        output (int):
    """

    grader_input: int
    grader_output: int
    input_: int
    output: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        grader_input = self.grader_input

        grader_output = self.grader_output

        input_ = self.input_

        output = self.output

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "grader_input": grader_input,
                "grader_output": grader_output,
                "input": input_,
                "output": output,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        grader_input = d.pop("grader_input")

        grader_output = d.pop("grader_output")

        input_ = d.pop("input")

        output = d.pop("output")

        token_totals = cls(
            grader_input=grader_input,
            grader_output=grader_output,
            input_=input_,
            output=output,
        )

        token_totals.additional_properties = d
        return token_totals

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
