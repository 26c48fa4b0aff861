from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.assertion_result import AssertionResult
    from ..models.judge_view import JudgeView
    from ..models.manual_grade_view import ManualGradeView


T = TypeVar("T", bound="CellGrading")


@_attrs_define
class CellGrading:
    """How a cell's output is graded.

    Attributes:
        assertion_results (list[AssertionResult] | None | Unset):
        auto_pass (bool | None | Unset): Every assertion and the judge passed; null when nothing graded it, or the judge
            gave no
            verdict.
        effective_pass (bool | None | Unset): The manual grade when set, else the automatic one.
        judge (JudgeView | None | Unset):
        manual (ManualGradeView | None | Unset):
    """

    assertion_results: list[AssertionResult] | None | Unset = UNSET
    auto_pass: bool | None | Unset = UNSET
    effective_pass: bool | None | Unset = UNSET
    judge: JudgeView | None | Unset = UNSET
    manual: ManualGradeView | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.judge_view import JudgeView
        from ..models.manual_grade_view import ManualGradeView

        assertion_results: list[dict[str, Any]] | None | Unset
        if isinstance(self.assertion_results, Unset):
            assertion_results = UNSET
        elif isinstance(self.assertion_results, list):
            assertion_results = []
            for assertion_results_type_0_item_data in self.assertion_results:
                assertion_results_type_0_item = (
                    assertion_results_type_0_item_data.to_dict()
                )
                assertion_results.append(assertion_results_type_0_item)

        else:
            assertion_results = self.assertion_results

        auto_pass: bool | None | Unset
        if isinstance(self.auto_pass, Unset):
            auto_pass = UNSET
        else:
            auto_pass = self.auto_pass

        effective_pass: bool | None | Unset
        if isinstance(self.effective_pass, Unset):
            effective_pass = UNSET
        else:
            effective_pass = self.effective_pass

        judge: dict[str, Any] | None | Unset
        if isinstance(self.judge, Unset):
            judge = UNSET
        elif isinstance(self.judge, JudgeView):
            judge = self.judge.to_dict()
        else:
            judge = self.judge

        manual: dict[str, Any] | None | Unset
        if isinstance(self.manual, Unset):
            manual = UNSET
        elif isinstance(self.manual, ManualGradeView):
            manual = self.manual.to_dict()
        else:
            manual = self.manual

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if assertion_results is not UNSET:
            field_dict["assertion_results"] = assertion_results
        if auto_pass is not UNSET:
            field_dict["auto_pass"] = auto_pass
        if effective_pass is not UNSET:
            field_dict["effective_pass"] = effective_pass
        if judge is not UNSET:
            field_dict["judge"] = judge
        if manual is not UNSET:
            field_dict["manual"] = manual

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.assertion_result import AssertionResult
        from ..models.judge_view import JudgeView
        from ..models.manual_grade_view import ManualGradeView

        d = dict(src_dict)

        def _parse_assertion_results(
            data: object,
        ) -> list[AssertionResult] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                assertion_results_type_0 = []
                _assertion_results_type_0 = data
                for assertion_results_type_0_item_data in _assertion_results_type_0:
                    assertion_results_type_0_item = AssertionResult.from_dict(
                        assertion_results_type_0_item_data
                    )

                    assertion_results_type_0.append(assertion_results_type_0_item)

                return assertion_results_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[AssertionResult] | None | Unset, data)

        assertion_results = _parse_assertion_results(d.pop("assertion_results", UNSET))

        def _parse_auto_pass(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        auto_pass = _parse_auto_pass(d.pop("auto_pass", UNSET))

        def _parse_effective_pass(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        effective_pass = _parse_effective_pass(d.pop("effective_pass", UNSET))

        def _parse_judge(data: object) -> JudgeView | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                judge_type_1 = JudgeView.from_dict(data)

                return judge_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JudgeView | None | Unset, data)

        judge = _parse_judge(d.pop("judge", UNSET))

        def _parse_manual(data: object) -> ManualGradeView | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                manual_type_1 = ManualGradeView.from_dict(data)

                return manual_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ManualGradeView | None | Unset, data)

        manual = _parse_manual(d.pop("manual", UNSET))

        cell_grading = cls(
            assertion_results=assertion_results,
            auto_pass=auto_pass,
            effective_pass=effective_pass,
            judge=judge,
            manual=manual,
        )

        cell_grading.additional_properties = d
        return cell_grading

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
