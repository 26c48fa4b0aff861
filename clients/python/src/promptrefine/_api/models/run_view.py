from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_status import RunStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cell_counts import CellCounts
    from ..models.run_model_view import RunModelView
    from ..models.run_prompt import RunPrompt
    from ..models.run_view_assertions_item import RunViewAssertionsItem
    from ..models.run_view_grader_type_0 import RunViewGraderType0
    from ..models.run_view_variables import RunViewVariables
    from ..models.score_scale import ScoreScale


T = TypeVar("T", bound="RunView")


@_attrs_define
class RunView:
    """A run: status, what it runs, and its progress.

    Attributes:
        cell_count (int):
        created_at (datetime.datetime):
        id (UUID):
        org_id (UUID): The organization the run belongs to.
        prompt (RunPrompt): The prompt version a run ran (kept if the prompt is deleted: then the ids are null).
        status (RunStatus):
        assertions (list[RunViewAssertionsItem]):
        cache (bool): Answers of identical requests are reused from the response cache, and new ones kept.
        children (list[UUID]): The re-runs of this run, oldest first.
        counts (CellCounts): Cells by state.
        grading_pass (int): The number of the grading pass in force (1 until a regrade): its grader, assertions,
            scale and threshold are the ones above, and its grades the cells'.
        models (list[RunModelView]):
        pass_threshold (float):
        score_scale (ScoreScale): A grader's scale.
        variables (RunViewVariables):
        created_by (None | Unset | UUID): Who started it (null once that user is deleted).
        dataset_id (None | Unset | UUID):
        dataset_name (None | str | Unset):
        finished_at (datetime.datetime | None | Unset):
        started_at (datetime.datetime | None | Unset):
        budget_exceeded_at (datetime.datetime | None | Unset): When the run reached its budget, if it did.
        concurrency (int | None | Unset):
        expected_column (None | str | Unset):
        grader (None | RunViewGraderType0 | Unset): The grader (its prompt and model, frozen when its grading pass
            started), if any.
        max_cost_usd (float | None | Unset): The run stops (its queued cells are cancelled with `budget_exceeded`) once
            its cells
            spent this much.
        parent_run_id (None | Unset | UUID): The run this one re-runs, if it is a re-run.
        system (None | str | Unset):
    """

    cell_count: int
    created_at: datetime.datetime
    id: UUID
    org_id: UUID
    prompt: RunPrompt
    status: RunStatus
    assertions: list[RunViewAssertionsItem]
    cache: bool
    children: list[UUID]
    counts: CellCounts
    grading_pass: int
    models: list[RunModelView]
    pass_threshold: float
    score_scale: ScoreScale
    variables: RunViewVariables
    created_by: None | Unset | UUID = UNSET
    dataset_id: None | Unset | UUID = UNSET
    dataset_name: None | str | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    budget_exceeded_at: datetime.datetime | None | Unset = UNSET
    concurrency: int | None | Unset = UNSET
    expected_column: None | str | Unset = UNSET
    grader: None | RunViewGraderType0 | Unset = UNSET
    max_cost_usd: float | None | Unset = UNSET
    parent_run_id: None | Unset | UUID = UNSET
    system: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.run_view_grader_type_0 import RunViewGraderType0

        cell_count = self.cell_count

        created_at = self.created_at.isoformat()

        id = str(self.id)

        org_id = str(self.org_id)

        prompt = self.prompt.to_dict()

        status = self.status.value

        assertions = []
        for assertions_item_data in self.assertions:
            assertions_item = assertions_item_data.to_dict()
            assertions.append(assertions_item)

        cache = self.cache

        children = []
        for children_item_data in self.children:
            children_item = str(children_item_data)
            children.append(children_item)

        counts = self.counts.to_dict()

        grading_pass = self.grading_pass

        models = []
        for models_item_data in self.models:
            models_item = models_item_data.to_dict()
            models.append(models_item)

        pass_threshold = self.pass_threshold

        score_scale = self.score_scale.to_dict()

        variables = self.variables.to_dict()

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        elif isinstance(self.created_by, UUID):
            created_by = str(self.created_by)
        else:
            created_by = self.created_by

        dataset_id: None | str | Unset
        if isinstance(self.dataset_id, Unset):
            dataset_id = UNSET
        elif isinstance(self.dataset_id, UUID):
            dataset_id = str(self.dataset_id)
        else:
            dataset_id = self.dataset_id

        dataset_name: None | str | Unset
        if isinstance(self.dataset_name, Unset):
            dataset_name = UNSET
        else:
            dataset_name = self.dataset_name

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        budget_exceeded_at: None | str | Unset
        if isinstance(self.budget_exceeded_at, Unset):
            budget_exceeded_at = UNSET
        elif isinstance(self.budget_exceeded_at, datetime.datetime):
            budget_exceeded_at = self.budget_exceeded_at.isoformat()
        else:
            budget_exceeded_at = self.budget_exceeded_at

        concurrency: int | None | Unset
        if isinstance(self.concurrency, Unset):
            concurrency = UNSET
        else:
            concurrency = self.concurrency

        expected_column: None | str | Unset
        if isinstance(self.expected_column, Unset):
            expected_column = UNSET
        else:
            expected_column = self.expected_column

        grader: dict[str, Any] | None | Unset
        if isinstance(self.grader, Unset):
            grader = UNSET
        elif isinstance(self.grader, RunViewGraderType0):
            grader = self.grader.to_dict()
        else:
            grader = self.grader

        max_cost_usd: float | None | Unset
        if isinstance(self.max_cost_usd, Unset):
            max_cost_usd = UNSET
        else:
            max_cost_usd = self.max_cost_usd

        parent_run_id: None | str | Unset
        if isinstance(self.parent_run_id, Unset):
            parent_run_id = UNSET
        elif isinstance(self.parent_run_id, UUID):
            parent_run_id = str(self.parent_run_id)
        else:
            parent_run_id = self.parent_run_id

        system: None | str | Unset
        if isinstance(self.system, Unset):
            system = UNSET
        else:
            system = self.system

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cell_count": cell_count,
                "created_at": created_at,
                "id": id,
                "org_id": org_id,
                "prompt": prompt,
                "status": status,
                "assertions": assertions,
                "cache": cache,
                "children": children,
                "counts": counts,
                "grading_pass": grading_pass,
                "models": models,
                "pass_threshold": pass_threshold,
                "score_scale": score_scale,
                "variables": variables,
            }
        )
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if dataset_id is not UNSET:
            field_dict["dataset_id"] = dataset_id
        if dataset_name is not UNSET:
            field_dict["dataset_name"] = dataset_name
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if budget_exceeded_at is not UNSET:
            field_dict["budget_exceeded_at"] = budget_exceeded_at
        if concurrency is not UNSET:
            field_dict["concurrency"] = concurrency
        if expected_column is not UNSET:
            field_dict["expected_column"] = expected_column
        if grader is not UNSET:
            field_dict["grader"] = grader
        if max_cost_usd is not UNSET:
            field_dict["max_cost_usd"] = max_cost_usd
        if parent_run_id is not UNSET:
            field_dict["parent_run_id"] = parent_run_id
        if system is not UNSET:
            field_dict["system"] = system

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.cell_counts import CellCounts
        from ..models.run_model_view import RunModelView
        from ..models.run_prompt import RunPrompt
        from ..models.run_view_assertions_item import RunViewAssertionsItem
        from ..models.run_view_grader_type_0 import RunViewGraderType0
        from ..models.run_view_variables import RunViewVariables
        from ..models.score_scale import ScoreScale

        d = dict(src_dict)
        cell_count = d.pop("cell_count")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = UUID(d.pop("id"))

        org_id = UUID(d.pop("org_id"))

        prompt = RunPrompt.from_dict(d.pop("prompt"))

        status = RunStatus(d.pop("status"))

        assertions = []
        _assertions = d.pop("assertions")
        for assertions_item_data in _assertions:
            assertions_item = RunViewAssertionsItem.from_dict(assertions_item_data)

            assertions.append(assertions_item)

        cache = d.pop("cache")

        children = []
        _children = d.pop("children")
        for children_item_data in _children:
            children_item = UUID(children_item_data)

            children.append(children_item)

        counts = CellCounts.from_dict(d.pop("counts"))

        grading_pass = d.pop("grading_pass")

        models = []
        _models = d.pop("models")
        for models_item_data in _models:
            models_item = RunModelView.from_dict(models_item_data)

            models.append(models_item)

        pass_threshold = d.pop("pass_threshold")

        score_scale = ScoreScale.from_dict(d.pop("score_scale"))

        variables = RunViewVariables.from_dict(d.pop("variables"))

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

        def _parse_dataset_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                dataset_id_type_0 = UUID(data)

                return dataset_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        dataset_id = _parse_dataset_id(d.pop("dataset_id", UNSET))

        def _parse_dataset_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dataset_name = _parse_dataset_name(d.pop("dataset_name", UNSET))

        def _parse_finished_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))

        def _parse_budget_exceeded_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                budget_exceeded_at_type_0 = datetime.datetime.fromisoformat(data)

                return budget_exceeded_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        budget_exceeded_at = _parse_budget_exceeded_at(
            d.pop("budget_exceeded_at", UNSET)
        )

        def _parse_concurrency(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        concurrency = _parse_concurrency(d.pop("concurrency", UNSET))

        def _parse_expected_column(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        expected_column = _parse_expected_column(d.pop("expected_column", UNSET))

        def _parse_grader(data: object) -> None | RunViewGraderType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                grader_type_0 = RunViewGraderType0.from_dict(data)

                return grader_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunViewGraderType0 | Unset, data)

        grader = _parse_grader(d.pop("grader", UNSET))

        def _parse_max_cost_usd(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        max_cost_usd = _parse_max_cost_usd(d.pop("max_cost_usd", UNSET))

        def _parse_parent_run_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                parent_run_id_type_0 = UUID(data)

                return parent_run_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        parent_run_id = _parse_parent_run_id(d.pop("parent_run_id", UNSET))

        def _parse_system(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        system = _parse_system(d.pop("system", UNSET))

        run_view = cls(
            cell_count=cell_count,
            created_at=created_at,
            id=id,
            org_id=org_id,
            prompt=prompt,
            status=status,
            assertions=assertions,
            cache=cache,
            children=children,
            counts=counts,
            grading_pass=grading_pass,
            models=models,
            pass_threshold=pass_threshold,
            score_scale=score_scale,
            variables=variables,
            created_by=created_by,
            dataset_id=dataset_id,
            dataset_name=dataset_name,
            finished_at=finished_at,
            started_at=started_at,
            budget_exceeded_at=budget_exceeded_at,
            concurrency=concurrency,
            expected_column=expected_column,
            grader=grader,
            max_cost_usd=max_cost_usd,
            parent_run_id=parent_run_id,
            system=system,
        )

        run_view.additional_properties = d
        return run_view

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
