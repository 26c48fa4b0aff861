from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RateLimit")


@_attrs_define
class RateLimit:
    """Calls a deployment takes per minute, across every process.

    Attributes:
        requests_per_minute (int):  Example: 600.
    """

    requests_per_minute: int

    def to_dict(self) -> dict[str, Any]:
        requests_per_minute = self.requests_per_minute

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "requests_per_minute": requests_per_minute,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        requests_per_minute = d.pop("requests_per_minute")

        rate_limit = cls(
            requests_per_minute=requests_per_minute,
        )

        return rate_limit
