from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ScoreScale")


@_attrs_define
class ScoreScale:
    """A grader's scale.

    Attributes:
        max_ (float):  Example: 10.
        min_ (float):  Example: 1.
    """

    max_: float
    min_: float

    def to_dict(self) -> dict[str, Any]:
        max_ = self.max_

        min_ = self.min_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "max": max_,
                "min": min_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        max_ = d.pop("max")

        min_ = d.pop("min")

        score_scale = cls(
            max_=max_,
            min_=min_,
        )

        return score_scale
