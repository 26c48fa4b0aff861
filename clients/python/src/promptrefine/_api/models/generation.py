from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Generation")


@_attrs_define
class Generation:
    """The model call of a cell: what was sent, and what came back.

    Attributes:
        output_truncated (bool): The answer was longer than MAX_OUTPUT_BYTES: `output` holds its start.
        cached (bool | Unset): The answer came from the response cache (a run created with `cache: true`).
        cost_usd (float | None | Unset): Of the generation: zero for an answer from the cache.
        finish_reason (None | str | Unset):
        latency_ms (int | None | Unset):
        output (None | str | Unset): The model's answer (its first MAX_OUTPUT_BYTES).
        rendered_prompt (None | str | Unset):
        rendered_system (None | str | Unset):
        saved_cost_usd (float | None | Unset): What a cached answer cost when it was made.
        tokens_in (int | None | Unset):
        tokens_out (int | None | Unset):
    """

    output_truncated: bool
    cached: bool | Unset = UNSET
    cost_usd: float | None | Unset = UNSET
    finish_reason: None | str | Unset = UNSET
    latency_ms: int | None | Unset = UNSET
    output: None | str | Unset = UNSET
    rendered_prompt: None | str | Unset = UNSET
    rendered_system: None | str | Unset = UNSET
    saved_cost_usd: float | None | Unset = UNSET
    tokens_in: int | None | Unset = UNSET
    tokens_out: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        output_truncated = self.output_truncated

        cached = self.cached

        cost_usd: float | None | Unset
        if isinstance(self.cost_usd, Unset):
            cost_usd = UNSET
        else:
            cost_usd = self.cost_usd

        finish_reason: None | str | Unset
        if isinstance(self.finish_reason, Unset):
            finish_reason = UNSET
        else:
            finish_reason = self.finish_reason

        latency_ms: int | None | Unset
        if isinstance(self.latency_ms, Unset):
            latency_ms = UNSET
        else:
            latency_ms = self.latency_ms

        output: None | str | Unset
        if isinstance(self.output, Unset):
            output = UNSET
        else:
            output = self.output

        rendered_prompt: None | str | Unset
        if isinstance(self.rendered_prompt, Unset):
            rendered_prompt = UNSET
        else:
            rendered_prompt = self.rendered_prompt

        rendered_system: None | str | Unset
        if isinstance(self.rendered_system, Unset):
            rendered_system = UNSET
        else:
            rendered_system = self.rendered_system

        saved_cost_usd: float | None | Unset
        if isinstance(self.saved_cost_usd, Unset):
            saved_cost_usd = UNSET
        else:
            saved_cost_usd = self.saved_cost_usd

        tokens_in: int | None | Unset
        if isinstance(self.tokens_in, Unset):
            tokens_in = UNSET
        else:
            tokens_in = self.tokens_in

        tokens_out: int | None | Unset
        if isinstance(self.tokens_out, Unset):
            tokens_out = UNSET
        else:
            tokens_out = self.tokens_out

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "output_truncated": output_truncated,
            }
        )
        if cached is not UNSET:
            field_dict["cached"] = cached
        if cost_usd is not UNSET:
            field_dict["cost_usd"] = cost_usd
        if finish_reason is not UNSET:
            field_dict["finish_reason"] = finish_reason
        if latency_ms is not UNSET:
            field_dict["latency_ms"] = latency_ms
        if output is not UNSET:
            field_dict["output"] = output
        if rendered_prompt is not UNSET:
            field_dict["rendered_prompt"] = rendered_prompt
        if rendered_system is not UNSET:
            field_dict["rendered_system"] = rendered_system
        if saved_cost_usd is not UNSET:
            field_dict["saved_cost_usd"] = saved_cost_usd
        if tokens_in is not UNSET:
            field_dict["tokens_in"] = tokens_in
        if tokens_out is not UNSET:
            field_dict["tokens_out"] = tokens_out

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        output_truncated = d.pop("output_truncated")

        cached = d.pop("cached", UNSET)

        def _parse_cost_usd(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        cost_usd = _parse_cost_usd(d.pop("cost_usd", UNSET))

        def _parse_finish_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        finish_reason = _parse_finish_reason(d.pop("finish_reason", UNSET))

        def _parse_latency_ms(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        latency_ms = _parse_latency_ms(d.pop("latency_ms", UNSET))

        def _parse_output(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        output = _parse_output(d.pop("output", UNSET))

        def _parse_rendered_prompt(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rendered_prompt = _parse_rendered_prompt(d.pop("rendered_prompt", UNSET))

        def _parse_rendered_system(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rendered_system = _parse_rendered_system(d.pop("rendered_system", UNSET))

        def _parse_saved_cost_usd(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        saved_cost_usd = _parse_saved_cost_usd(d.pop("saved_cost_usd", UNSET))

        def _parse_tokens_in(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        tokens_in = _parse_tokens_in(d.pop("tokens_in", UNSET))

        def _parse_tokens_out(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        tokens_out = _parse_tokens_out(d.pop("tokens_out", UNSET))

        generation = cls(
            output_truncated=output_truncated,
            cached=cached,
            cost_usd=cost_usd,
            finish_reason=finish_reason,
            latency_ms=latency_ms,
            output=output,
            rendered_prompt=rendered_prompt,
            rendered_system=rendered_system,
            saved_cost_usd=saved_cost_usd,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
        )

        generation.additional_properties = d
        return generation

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
