from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.cell_status import CellStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cell_error import CellError
    from ..models.cell_grading import CellGrading
    from ..models.grade_entry_view import GradeEntryView


T = TypeVar("T", bound="PageOfCellViewItemsItem")


@_attrs_define
class PageOfCellViewItemsItem:
    """One (model, row) of a run.

    Attributes:
        output_truncated (bool): The answer was longer than MAX_OUTPUT_BYTES: `output` holds its start.
        attempts (int): Model calls made, retries included.
        created_at (datetime.datetime):
        grading (CellGrading): How a cell's output is graded.
        id (UUID):
        model_id (UUID): The run model (`models[].id` of the run).
        run_id (UUID):
        status (CellStatus):
        updated_at (datetime.datetime):
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
        error (CellError | None | Unset):
        finished_at (datetime.datetime | None | Unset):
        history (list[GradeEntryView] | None | Unset): Every manual grading, oldest first (single-cell responses only).
        row_index (int | None | Unset): The dataset row; null for a run without a dataset.
        started_at (datetime.datetime | None | Unset):
        total_cost_usd (float | None | Unset): Generation and grading.
    """

    output_truncated: bool
    attempts: int
    created_at: datetime.datetime
    grading: CellGrading
    id: UUID
    model_id: UUID
    run_id: UUID
    status: CellStatus
    updated_at: datetime.datetime
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
    error: CellError | None | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    history: list[GradeEntryView] | None | Unset = UNSET
    row_index: int | None | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    total_cost_usd: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.cell_error import CellError

        output_truncated = self.output_truncated

        attempts = self.attempts

        created_at = self.created_at.isoformat()

        grading = self.grading.to_dict()

        id = str(self.id)

        model_id = str(self.model_id)

        run_id = str(self.run_id)

        status = self.status.value

        updated_at = self.updated_at.isoformat()

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

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, CellError):
            error = self.error.to_dict()
        else:
            error = self.error

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        history: list[dict[str, Any]] | None | Unset
        if isinstance(self.history, Unset):
            history = UNSET
        elif isinstance(self.history, list):
            history = []
            for history_type_0_item_data in self.history:
                history_type_0_item = history_type_0_item_data.to_dict()
                history.append(history_type_0_item)

        else:
            history = self.history

        row_index: int | None | Unset
        if isinstance(self.row_index, Unset):
            row_index = UNSET
        else:
            row_index = self.row_index

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        total_cost_usd: float | None | Unset
        if isinstance(self.total_cost_usd, Unset):
            total_cost_usd = UNSET
        else:
            total_cost_usd = self.total_cost_usd

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "output_truncated": output_truncated,
                "attempts": attempts,
                "created_at": created_at,
                "grading": grading,
                "id": id,
                "model_id": model_id,
                "run_id": run_id,
                "status": status,
                "updated_at": updated_at,
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
        if error is not UNSET:
            field_dict["error"] = error
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if history is not UNSET:
            field_dict["history"] = history
        if row_index is not UNSET:
            field_dict["row_index"] = row_index
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if total_cost_usd is not UNSET:
            field_dict["total_cost_usd"] = total_cost_usd

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.cell_error import CellError
        from ..models.cell_grading import CellGrading
        from ..models.grade_entry_view import GradeEntryView

        d = dict(src_dict)
        output_truncated = d.pop("output_truncated")

        attempts = d.pop("attempts")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        grading = CellGrading.from_dict(d.pop("grading"))

        id = UUID(d.pop("id"))

        model_id = UUID(d.pop("model_id"))

        run_id = UUID(d.pop("run_id"))

        status = CellStatus(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

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

        def _parse_error(data: object) -> CellError | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_1 = CellError.from_dict(data)

                return error_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CellError | None | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

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

        def _parse_history(data: object) -> list[GradeEntryView] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                history_type_0 = []
                _history_type_0 = data
                for history_type_0_item_data in _history_type_0:
                    history_type_0_item = GradeEntryView.from_dict(
                        history_type_0_item_data
                    )

                    history_type_0.append(history_type_0_item)

                return history_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[GradeEntryView] | None | Unset, data)

        history = _parse_history(d.pop("history", UNSET))

        def _parse_row_index(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        row_index = _parse_row_index(d.pop("row_index", UNSET))

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

        def _parse_total_cost_usd(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        total_cost_usd = _parse_total_cost_usd(d.pop("total_cost_usd", UNSET))

        page_of_cell_view_items_item = cls(
            output_truncated=output_truncated,
            attempts=attempts,
            created_at=created_at,
            grading=grading,
            id=id,
            model_id=model_id,
            run_id=run_id,
            status=status,
            updated_at=updated_at,
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
            error=error,
            finished_at=finished_at,
            history=history,
            row_index=row_index,
            started_at=started_at,
            total_cost_usd=total_cost_usd,
        )

        page_of_cell_view_items_item.additional_properties = d
        return page_of_cell_view_items_item

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
