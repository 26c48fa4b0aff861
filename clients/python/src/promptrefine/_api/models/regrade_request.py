from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.assertion import Assertion
    from ..models.grader_input import GraderInput
    from ..models.score_scale import ScoreScale


T = TypeVar("T", bound="RegradeRequest")


@_attrs_define
class RegradeRequest:
    """A new grading pass over a run's outputs: what is not given stays as the latest pass has it.

    Attributes:
        assertions (list[Assertion] | None | Unset): Other assertions (up to 20); `[]` for none.
        grader (GraderInput | None | Unset):
        pass_threshold (float | None | Unset):
        score_scale (None | ScoreScale | Unset):
    """

    assertions: list[Assertion] | None | Unset = UNSET
    grader: GraderInput | None | Unset = UNSET
    pass_threshold: float | None | Unset = UNSET
    score_scale: None | ScoreScale | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.grader_input import GraderInput
        from ..models.score_scale import ScoreScale

        assertions: list[dict[str, Any]] | None | Unset
        if isinstance(self.assertions, Unset):
            assertions = UNSET
        elif isinstance(self.assertions, list):
            assertions = []
            for assertions_type_0_item_data in self.assertions:
                assertions_type_0_item = assertions_type_0_item_data.to_dict()
                assertions.append(assertions_type_0_item)

        else:
            assertions = self.assertions

        grader: dict[str, Any] | None | Unset
        if isinstance(self.grader, Unset):
            grader = UNSET
        elif isinstance(self.grader, GraderInput):
            grader = self.grader.to_dict()
        else:
            grader = self.grader

        pass_threshold: float | None | Unset
        if isinstance(self.pass_threshold, Unset):
            pass_threshold = UNSET
        else:
            pass_threshold = self.pass_threshold

        score_scale: dict[str, Any] | None | Unset
        if isinstance(self.score_scale, Unset):
            score_scale = UNSET
        elif isinstance(self.score_scale, ScoreScale):
            score_scale = self.score_scale.to_dict()
        else:
            score_scale = self.score_scale

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if assertions is not UNSET:
            field_dict["assertions"] = assertions
        if grader is not UNSET:
            field_dict["grader"] = grader
        if pass_threshold is not UNSET:
            field_dict["pass_threshold"] = pass_threshold
        if score_scale is not UNSET:
            field_dict["score_scale"] = score_scale

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.assertion import Assertion
        from ..models.grader_input import GraderInput
        from ..models.score_scale import ScoreScale

        d = dict(src_dict)

        def _parse_assertions(data: object) -> list[Assertion] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                assertions_type_0 = []
                _assertions_type_0 = data
                for assertions_type_0_item_data in _assertions_type_0:
                    assertions_type_0_item = Assertion.from_dict(
                        assertions_type_0_item_data
                    )

                    assertions_type_0.append(assertions_type_0_item)

                return assertions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Assertion] | None | Unset, data)

        assertions = _parse_assertions(d.pop("assertions", UNSET))

        def _parse_grader(data: object) -> GraderInput | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                grader_type_1 = GraderInput.from_dict(data)

                return grader_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GraderInput | None | Unset, data)

        grader = _parse_grader(d.pop("grader", UNSET))

        def _parse_pass_threshold(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        pass_threshold = _parse_pass_threshold(d.pop("pass_threshold", UNSET))

        def _parse_score_scale(data: object) -> None | ScoreScale | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                score_scale_type_1 = ScoreScale.from_dict(data)

                return score_scale_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ScoreScale | Unset, data)

        score_scale = _parse_score_scale(d.pop("score_scale", UNSET))

        regrade_request = cls(
            assertions=assertions,
            grader=grader,
            pass_threshold=pass_threshold,
            score_scale=score_scale,
        )

        return regrade_request
