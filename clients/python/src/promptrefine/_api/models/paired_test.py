from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PairedTest")


@_attrs_define
class PairedTest:
    """McNemar's test on the rows both runs graded.

    Attributes:
        both_fail (int):
        both_pass (int):
        first_only (int): Passed only in the first run / only in the second.
        method (str): `exact` (binomial, under 25 discordant rows) or `chi_squared` (with continuity correction).
        p_value (float):
        rows (int): Rows graded in both runs.
        second_only (int):
        significant (bool): p < 0.05.
    """

    both_fail: int
    both_pass: int
    first_only: int
    method: str
    p_value: float
    rows: int
    second_only: int
    significant: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        both_fail = self.both_fail

        both_pass = self.both_pass

        first_only = self.first_only

        method = self.method

        p_value = self.p_value

        rows = self.rows

        second_only = self.second_only

        significant = self.significant

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "both_fail": both_fail,
                "both_pass": both_pass,
                "first_only": first_only,
                "method": method,
                "p_value": p_value,
                "rows": rows,
                "second_only": second_only,
                "significant": significant,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        both_fail = d.pop("both_fail")

        both_pass = d.pop("both_pass")

        first_only = d.pop("first_only")

        method = d.pop("method")

        p_value = d.pop("p_value")

        rows = d.pop("rows")

        second_only = d.pop("second_only")

        significant = d.pop("significant")

        paired_test = cls(
            both_fail=both_fail,
            both_pass=both_pass,
            first_only=first_only,
            method=method,
            p_value=p_value,
            rows=rows,
            second_only=second_only,
            significant=significant,
        )

        paired_test.additional_properties = d
        return paired_test

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
