from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pass_status import PassStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.page_of_grading_pass_items_item_assertions_item import (
        PageOfGradingPassItemsItemAssertionsItem,
    )
    from ..models.page_of_grading_pass_items_item_grader_type_0 import (
        PageOfGradingPassItemsItemGraderType0,
    )
    from ..models.score_scale import ScoreScale


T = TypeVar("T", bound="PageOfGradingPassItemsItem")


@_attrs_define
class PageOfGradingPassItemsItem:
    """A grading pass of a run: how it grades, and what it found.

    Attributes:
        assertions (list[PageOfGradingPassItemsItemAssertionsItem]):
        cells (int): Cells this pass graded (or is grading).
        cost_usd (float): What the judge calls of this pass cost.
        created_at (datetime.datetime):
        graded (int): Cells with an automatic verdict, and of them those that pass.
        id (UUID):
        judge_errors (int):
        latest (bool): The pass whose grades the run's cells and summary show by default.
        number (int): 1 for the run's own grading, then 2, 3, ...: `?pass=` on cells and the summary.
        parse_errors (int):
        pass_threshold (float):
        passed (int):
        pending (int): Cells still to grade.
        run_id (UUID):
        score_scale (ScoreScale): A grader's scale.
        status (PassStatus): Whether a pass still has cells to grade.
        created_by (None | Unset | UUID): Who started it.
        grader (None | PageOfGradingPassItemsItemGraderType0 | Unset): The grader (its prompt and model, frozen), if
            any.
        pass_rate (float | None | Unset): `passed / graded`; null while none is graded.
    """

    assertions: list[PageOfGradingPassItemsItemAssertionsItem]
    cells: int
    cost_usd: float
    created_at: datetime.datetime
    graded: int
    id: UUID
    judge_errors: int
    latest: bool
    number: int
    parse_errors: int
    pass_threshold: float
    passed: int
    pending: int
    run_id: UUID
    score_scale: ScoreScale
    status: PassStatus
    created_by: None | Unset | UUID = UNSET
    grader: None | PageOfGradingPassItemsItemGraderType0 | Unset = UNSET
    pass_rate: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.page_of_grading_pass_items_item_grader_type_0 import (
            PageOfGradingPassItemsItemGraderType0,
        )

        assertions = []
        for assertions_item_data in self.assertions:
            assertions_item = assertions_item_data.to_dict()
            assertions.append(assertions_item)

        cells = self.cells

        cost_usd = self.cost_usd

        created_at = self.created_at.isoformat()

        graded = self.graded

        id = str(self.id)

        judge_errors = self.judge_errors

        latest = self.latest

        number = self.number

        parse_errors = self.parse_errors

        pass_threshold = self.pass_threshold

        passed = self.passed

        pending = self.pending

        run_id = str(self.run_id)

        score_scale = self.score_scale.to_dict()

        status = self.status.value

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        elif isinstance(self.created_by, UUID):
            created_by = str(self.created_by)
        else:
            created_by = self.created_by

        grader: dict[str, Any] | None | Unset
        if isinstance(self.grader, Unset):
            grader = UNSET
        elif isinstance(self.grader, PageOfGradingPassItemsItemGraderType0):
            grader = self.grader.to_dict()
        else:
            grader = self.grader

        pass_rate: float | None | Unset
        if isinstance(self.pass_rate, Unset):
            pass_rate = UNSET
        else:
            pass_rate = self.pass_rate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "assertions": assertions,
                "cells": cells,
                "cost_usd": cost_usd,
                "created_at": created_at,
                "graded": graded,
                "id": id,
                "judge_errors": judge_errors,
                "latest": latest,
                "number": number,
                "parse_errors": parse_errors,
                "pass_threshold": pass_threshold,
                "passed": passed,
                "pending": pending,
                "run_id": run_id,
                "score_scale": score_scale,
                "status": status,
            }
        )
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if grader is not UNSET:
            field_dict["grader"] = grader
        if pass_rate is not UNSET:
            field_dict["pass_rate"] = pass_rate

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.page_of_grading_pass_items_item_assertions_item import (
            PageOfGradingPassItemsItemAssertionsItem,
        )
        from ..models.page_of_grading_pass_items_item_grader_type_0 import (
            PageOfGradingPassItemsItemGraderType0,
        )
        from ..models.score_scale import ScoreScale

        d = dict(src_dict)
        assertions = []
        _assertions = d.pop("assertions")
        for assertions_item_data in _assertions:
            assertions_item = PageOfGradingPassItemsItemAssertionsItem.from_dict(
                assertions_item_data
            )

            assertions.append(assertions_item)

        cells = d.pop("cells")

        cost_usd = d.pop("cost_usd")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        graded = d.pop("graded")

        id = UUID(d.pop("id"))

        judge_errors = d.pop("judge_errors")

        latest = d.pop("latest")

        number = d.pop("number")

        parse_errors = d.pop("parse_errors")

        pass_threshold = d.pop("pass_threshold")

        passed = d.pop("passed")

        pending = d.pop("pending")

        run_id = UUID(d.pop("run_id"))

        score_scale = ScoreScale.from_dict(d.pop("score_scale"))

        status = PassStatus(d.pop("status"))

        def _parse_created_by(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_by_type_0 = UUID(data)

                return created_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        created_by = _parse_created_by(d.pop("created_by", UNSET))

        def _parse_grader(
            data: object,
        ) -> None | PageOfGradingPassItemsItemGraderType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                grader_type_0 = PageOfGradingPassItemsItemGraderType0.from_dict(data)

                return grader_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PageOfGradingPassItemsItemGraderType0 | Unset, data)

        grader = _parse_grader(d.pop("grader", UNSET))

        def _parse_pass_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        pass_rate = _parse_pass_rate(d.pop("pass_rate", UNSET))

        page_of_grading_pass_items_item = cls(
            assertions=assertions,
            cells=cells,
            cost_usd=cost_usd,
            created_at=created_at,
            graded=graded,
            id=id,
            judge_errors=judge_errors,
            latest=latest,
            number=number,
            parse_errors=parse_errors,
            pass_threshold=pass_threshold,
            passed=passed,
            pending=pending,
            run_id=run_id,
            score_scale=score_scale,
            status=status,
            created_by=created_by,
            grader=grader,
            pass_rate=pass_rate,
        )

        page_of_grading_pass_items_item.additional_properties = d
        return page_of_grading_pass_items_item

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
