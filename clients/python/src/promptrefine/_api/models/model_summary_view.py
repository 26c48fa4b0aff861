from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.agreement_view import AgreementView
    from ..models.cell_counts import CellCounts
    from ..models.cost_totals import CostTotals
    from ..models.interval import Interval
    from ..models.latency_stats import LatencyStats
    from ..models.token_totals import TokenTotals


T = TypeVar("T", bound="ModelSummaryView")


@_attrs_define
class ModelSummaryView:
    """One model of a run, summarised.

    Attributes:
        cost_usd (CostTotals): USD spent.
        counts (CellCounts): Cells by state.
        graded (int): Cells with an effective grade (manual, else automatic).
        judge_errors (int): The judge could not be called.
        label (str):
        latency (LatencyStats): Latency of the succeeded cells.
        manual_grades (int):
        model (str):
        model_id (UUID):
        parse_errors (int): The judge answered without a verdict.
        passed (int):
        provider (str):
        scored (int): Cells with a judge score.
        tokens (TokenTotals): Tokens used.
        agreement (AgreementView | None | Unset):
        mean_score (float | None | Unset): Mean normalised judge score.
        mean_score_ci (Interval | None | Unset):
        pass_rate (float | None | Unset):
        pass_rate_ci (Interval | None | Unset):
    """

    cost_usd: CostTotals
    counts: CellCounts
    graded: int
    judge_errors: int
    label: str
    latency: LatencyStats
    manual_grades: int
    model: str
    model_id: UUID
    parse_errors: int
    passed: int
    provider: str
    scored: int
    tokens: TokenTotals
    agreement: AgreementView | None | Unset = UNSET
    mean_score: float | None | Unset = UNSET
    mean_score_ci: Interval | None | Unset = UNSET
    pass_rate: float | None | Unset = UNSET
    pass_rate_ci: Interval | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.agreement_view import AgreementView
        from ..models.interval import Interval

        cost_usd = self.cost_usd.to_dict()

        counts = self.counts.to_dict()

        graded = self.graded

        judge_errors = self.judge_errors

        label = self.label

        latency = self.latency.to_dict()

        manual_grades = self.manual_grades

        model = self.model

        model_id = str(self.model_id)

        parse_errors = self.parse_errors

        passed = self.passed

        provider = self.provider

        scored = self.scored

        tokens = self.tokens.to_dict()

        agreement: dict[str, Any] | None | Unset
        if isinstance(self.agreement, Unset):
            agreement = UNSET
        elif isinstance(self.agreement, AgreementView):
            agreement = self.agreement.to_dict()
        else:
            agreement = self.agreement

        mean_score: float | None | Unset
        if isinstance(self.mean_score, Unset):
            mean_score = UNSET
        else:
            mean_score = self.mean_score

        mean_score_ci: dict[str, Any] | None | Unset
        if isinstance(self.mean_score_ci, Unset):
            mean_score_ci = UNSET
        elif isinstance(self.mean_score_ci, Interval):
            mean_score_ci = self.mean_score_ci.to_dict()
        else:
            mean_score_ci = self.mean_score_ci

        pass_rate: float | None | Unset
        if isinstance(self.pass_rate, Unset):
            pass_rate = UNSET
        else:
            pass_rate = self.pass_rate

        pass_rate_ci: dict[str, Any] | None | Unset
        if isinstance(self.pass_rate_ci, Unset):
            pass_rate_ci = UNSET
        elif isinstance(self.pass_rate_ci, Interval):
            pass_rate_ci = self.pass_rate_ci.to_dict()
        else:
            pass_rate_ci = self.pass_rate_ci

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cost_usd": cost_usd,
                "counts": counts,
                "graded": graded,
                "judge_errors": judge_errors,
                "label": label,
                "latency": latency,
                "manual_grades": manual_grades,
                "model": model,
                "model_id": model_id,
                "parse_errors": parse_errors,
                "passed": passed,
                "provider": provider,
                "scored": scored,
                "tokens": tokens,
            }
        )
        if agreement is not UNSET:
            field_dict["agreement"] = agreement
        if mean_score is not UNSET:
            field_dict["mean_score"] = mean_score
        if mean_score_ci is not UNSET:
            field_dict["mean_score_ci"] = mean_score_ci
        if pass_rate is not UNSET:
            field_dict["pass_rate"] = pass_rate
        if pass_rate_ci is not UNSET:
            field_dict["pass_rate_ci"] = pass_rate_ci

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.agreement_view import AgreementView
        from ..models.cell_counts import CellCounts
        from ..models.cost_totals import CostTotals
        from ..models.interval import Interval
        from ..models.latency_stats import LatencyStats
        from ..models.token_totals import TokenTotals

        d = dict(src_dict)
        cost_usd = CostTotals.from_dict(d.pop("cost_usd"))

        counts = CellCounts.from_dict(d.pop("counts"))

        graded = d.pop("graded")

        judge_errors = d.pop("judge_errors")

        label = d.pop("label")

        latency = LatencyStats.from_dict(d.pop("latency"))

        manual_grades = d.pop("manual_grades")

        model = d.pop("model")

        model_id = UUID(d.pop("model_id"))

        parse_errors = d.pop("parse_errors")

        passed = d.pop("passed")

        provider = d.pop("provider")

        scored = d.pop("scored")

        tokens = TokenTotals.from_dict(d.pop("tokens"))

        def _parse_agreement(data: object) -> AgreementView | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                agreement_type_1 = AgreementView.from_dict(data)

                return agreement_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AgreementView | None | Unset, data)

        agreement = _parse_agreement(d.pop("agreement", UNSET))

        def _parse_mean_score(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        mean_score = _parse_mean_score(d.pop("mean_score", UNSET))

        def _parse_mean_score_ci(data: object) -> Interval | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mean_score_ci_type_1 = Interval.from_dict(data)

                return mean_score_ci_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Interval | None | Unset, data)

        mean_score_ci = _parse_mean_score_ci(d.pop("mean_score_ci", UNSET))

        def _parse_pass_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        pass_rate = _parse_pass_rate(d.pop("pass_rate", UNSET))

        def _parse_pass_rate_ci(data: object) -> Interval | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                pass_rate_ci_type_1 = Interval.from_dict(data)

                return pass_rate_ci_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Interval | None | Unset, data)

        pass_rate_ci = _parse_pass_rate_ci(d.pop("pass_rate_ci", UNSET))

        model_summary_view = cls(
            cost_usd=cost_usd,
            counts=counts,
            graded=graded,
            judge_errors=judge_errors,
            label=label,
            latency=latency,
            manual_grades=manual_grades,
            model=model,
            model_id=model_id,
            parse_errors=parse_errors,
            passed=passed,
            provider=provider,
            scored=scored,
            tokens=tokens,
            agreement=agreement,
            mean_score=mean_score,
            mean_score_ci=mean_score_ci,
            pass_rate=pass_rate,
            pass_rate_ci=pass_rate_ci,
        )

        model_summary_view.additional_properties = d
        return model_summary_view

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
