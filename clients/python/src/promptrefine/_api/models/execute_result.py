from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.execute_result_parsed_type_0 import ExecuteResultParsedType0
    from ..models.served_by import ServedBy


T = TypeVar("T", bound="ExecuteResult")


@_attrs_define
class ExecuteResult:
    """What a call answered.

    Attributes:
        cached (bool):
        call_id (UUID):
        cost_usd (float): Zero for an answer from the cache.
        fallback_used (bool): A fallback model answered, not the deployment's own.
        latency_ms (int):
        model (ServedBy): The model that answered a call.
        output (str):
        tokens_in (int):
        tokens_out (int):
        version (int): The prompt version that was rendered.
        parsed (ExecuteResultParsedType0 | None | Unset): For a `json` deployment: the output, parsed.
    """

    cached: bool
    call_id: UUID
    cost_usd: float
    fallback_used: bool
    latency_ms: int
    model: ServedBy
    output: str
    tokens_in: int
    tokens_out: int
    version: int
    parsed: ExecuteResultParsedType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.execute_result_parsed_type_0 import ExecuteResultParsedType0

        cached = self.cached

        call_id = str(self.call_id)

        cost_usd = self.cost_usd

        fallback_used = self.fallback_used

        latency_ms = self.latency_ms

        model = self.model.to_dict()

        output = self.output

        tokens_in = self.tokens_in

        tokens_out = self.tokens_out

        version = self.version

        parsed: dict[str, Any] | None | Unset
        if isinstance(self.parsed, Unset):
            parsed = UNSET
        elif isinstance(self.parsed, ExecuteResultParsedType0):
            parsed = self.parsed.to_dict()
        else:
            parsed = self.parsed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cached": cached,
                "call_id": call_id,
                "cost_usd": cost_usd,
                "fallback_used": fallback_used,
                "latency_ms": latency_ms,
                "model": model,
                "output": output,
                "tokens_in": tokens_in,
                "tokens_out": tokens_out,
                "version": version,
            }
        )
        if parsed is not UNSET:
            field_dict["parsed"] = parsed

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.execute_result_parsed_type_0 import ExecuteResultParsedType0
        from ..models.served_by import ServedBy

        d = dict(src_dict)
        cached = d.pop("cached")

        call_id = UUID(d.pop("call_id"))

        cost_usd = d.pop("cost_usd")

        fallback_used = d.pop("fallback_used")

        latency_ms = d.pop("latency_ms")

        model = ServedBy.from_dict(d.pop("model"))

        output = d.pop("output")

        tokens_in = d.pop("tokens_in")

        tokens_out = d.pop("tokens_out")

        version = d.pop("version")

        def _parse_parsed(data: object) -> ExecuteResultParsedType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                parsed_type_0 = ExecuteResultParsedType0.from_dict(data)

                return parsed_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExecuteResultParsedType0 | None | Unset, data)

        parsed = _parse_parsed(d.pop("parsed", UNSET))

        execute_result = cls(
            cached=cached,
            call_id=call_id,
            cost_usd=cost_usd,
            fallback_used=fallback_used,
            latency_ms=latency_ms,
            model=model,
            output=output,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            version=version,
            parsed=parsed,
        )

        execute_result.additional_properties = d
        return execute_result

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
