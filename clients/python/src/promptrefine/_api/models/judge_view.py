from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.grade_status import GradeStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="JudgeView")


@_attrs_define
class JudgeView:
    """The grader's judgement of an output.

    Attributes:
        output_truncated (bool): The grader's answer was longer than MAX_OUTPUT_BYTES: `output` holds its start.
        status (GradeStatus): How a judge's grading of a cell ended.
        cost_usd (float | None | Unset):
        error (None | str | Unset):
        latency_ms (int | None | Unset):
        output (None | str | Unset): The grader's raw answer (its first MAX_OUTPUT_BYTES).
        pass_ (bool | None | Unset):
        reason (None | str | Unset):
        score (float | None | Unset): Normalised to 0..1.
        tokens_in (int | None | Unset):
        tokens_out (int | None | Unset):
    """

    output_truncated: bool
    status: GradeStatus
    cost_usd: float | None | Unset = UNSET
    error: None | str | Unset = UNSET
    latency_ms: int | None | Unset = UNSET
    output: None | str | Unset = UNSET
    pass_: bool | None | Unset = UNSET
    reason: None | str | Unset = UNSET
    score: float | None | Unset = UNSET
    tokens_in: int | None | Unset = UNSET
    tokens_out: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        output_truncated = self.output_truncated

        status = self.status.value

        cost_usd: float | None | Unset
        if isinstance(self.cost_usd, Unset):
            cost_usd = UNSET
        else:
            cost_usd = self.cost_usd

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

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

        pass_: bool | None | Unset
        if isinstance(self.pass_, Unset):
            pass_ = UNSET
        else:
            pass_ = self.pass_

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        score: float | None | Unset
        if isinstance(self.score, Unset):
            score = UNSET
        else:
            score = self.score

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
                "status": status,
            }
        )
        if cost_usd is not UNSET:
            field_dict["cost_usd"] = cost_usd
        if error is not UNSET:
            field_dict["error"] = error
        if latency_ms is not UNSET:
            field_dict["latency_ms"] = latency_ms
        if output is not UNSET:
            field_dict["output"] = output
        if pass_ is not UNSET:
            field_dict["pass"] = pass_
        if reason is not UNSET:
            field_dict["reason"] = reason
        if score is not UNSET:
            field_dict["score"] = score
        if tokens_in is not UNSET:
            field_dict["tokens_in"] = tokens_in
        if tokens_out is not UNSET:
            field_dict["tokens_out"] = tokens_out

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        output_truncated = d.pop("output_truncated")

        status = GradeStatus(d.pop("status"))

        def _parse_cost_usd(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        cost_usd = _parse_cost_usd(d.pop("cost_usd", UNSET))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

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

        def _parse_pass_(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        pass_ = _parse_pass_(d.pop("pass", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        def _parse_score(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        score = _parse_score(d.pop("score", UNSET))

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

        judge_view = cls(
            output_truncated=output_truncated,
            status=status,
            cost_usd=cost_usd,
            error=error,
            latency_ms=latency_ms,
            output=output,
            pass_=pass_,
            reason=reason,
            score=score,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
        )

        judge_view.additional_properties = d
        return judge_view

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
