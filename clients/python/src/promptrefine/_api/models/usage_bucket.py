from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UsageBucket")


@_attrs_define
class UsageBucket:
    """One bucket of one group. Buckets without calls are present, with zeros.

    Attributes:
        cache_hits (int):
        cost_usd (float):
        errors (int):
        p50_ms (int): Latency percentiles, exact to their histogram bucket (at most 3.1% wide); 0 without calls.
        p95_ms (int):
        requests (int):
        saved_usd (float):
        start (datetime.datetime):
        tokens_in (int):
        tokens_out (int):
        group (None | str | Unset): The group's value (see `group_by`); `null` without `group_by`, and for calls the
            grouping does not apply to (a run's cells have no deployment or API key).
    """

    cache_hits: int
    cost_usd: float
    errors: int
    p50_ms: int
    p95_ms: int
    requests: int
    saved_usd: float
    start: datetime.datetime
    tokens_in: int
    tokens_out: int
    group: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cache_hits = self.cache_hits

        cost_usd = self.cost_usd

        errors = self.errors

        p50_ms = self.p50_ms

        p95_ms = self.p95_ms

        requests = self.requests

        saved_usd = self.saved_usd

        start = self.start.isoformat()

        tokens_in = self.tokens_in

        tokens_out = self.tokens_out

        group: None | str | Unset
        if isinstance(self.group, Unset):
            group = UNSET
        else:
            group = self.group

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cache_hits": cache_hits,
                "cost_usd": cost_usd,
                "errors": errors,
                "p50_ms": p50_ms,
                "p95_ms": p95_ms,
                "requests": requests,
                "saved_usd": saved_usd,
                "start": start,
                "tokens_in": tokens_in,
                "tokens_out": tokens_out,
            }
        )
        if group is not UNSET:
            field_dict["group"] = group

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        cache_hits = d.pop("cache_hits")

        cost_usd = d.pop("cost_usd")

        errors = d.pop("errors")

        p50_ms = d.pop("p50_ms")

        p95_ms = d.pop("p95_ms")

        requests = d.pop("requests")

        saved_usd = d.pop("saved_usd")

        start = datetime.datetime.fromisoformat(d.pop("start"))

        tokens_in = d.pop("tokens_in")

        tokens_out = d.pop("tokens_out")

        def _parse_group(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        group = _parse_group(d.pop("group", UNSET))

        usage_bucket = cls(
            cache_hits=cache_hits,
            cost_usd=cost_usd,
            errors=errors,
            p50_ms=p50_ms,
            p95_ms=p95_ms,
            requests=requests,
            saved_usd=saved_usd,
            start=start,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            group=group,
        )

        usage_bucket.additional_properties = d
        return usage_bucket

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
