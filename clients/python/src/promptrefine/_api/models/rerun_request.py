from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.cell_status import CellStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.run_model_input import RunModelInput


T = TypeVar("T", bound="RerunRequest")


@_attrs_define
class RerunRequest:
    """A re-run of a run: the same dataset and settings, over all its rows or only those of the
    chosen cells, optionally with another version or other models.

        Attributes:
            cells (list[UUID] | Unset): Only the rows of these cells.
            models (list[RunModelInput] | None | Unset): Run these models instead of the run's (1 to 4).
            prompt_version_id (None | Unset | UUID): Run this version instead of the run's.
            statuses (list[CellStatus] | Unset): Only the rows of cells in these states, e.g. `["failed"]`.
    """

    cells: list[UUID] | Unset = UNSET
    models: list[RunModelInput] | None | Unset = UNSET
    prompt_version_id: None | Unset | UUID = UNSET
    statuses: list[CellStatus] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        cells: list[str] | Unset = UNSET
        if not isinstance(self.cells, Unset):
            cells = []
            for cells_item_data in self.cells:
                cells_item = str(cells_item_data)
                cells.append(cells_item)

        models: list[dict[str, Any]] | None | Unset
        if isinstance(self.models, Unset):
            models = UNSET
        elif isinstance(self.models, list):
            models = []
            for models_type_0_item_data in self.models:
                models_type_0_item = models_type_0_item_data.to_dict()
                models.append(models_type_0_item)

        else:
            models = self.models

        prompt_version_id: None | str | Unset
        if isinstance(self.prompt_version_id, Unset):
            prompt_version_id = UNSET
        elif isinstance(self.prompt_version_id, UUID):
            prompt_version_id = str(self.prompt_version_id)
        else:
            prompt_version_id = self.prompt_version_id

        statuses: list[str] | Unset = UNSET
        if not isinstance(self.statuses, Unset):
            statuses = []
            for statuses_item_data in self.statuses:
                statuses_item = statuses_item_data.value
                statuses.append(statuses_item)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if cells is not UNSET:
            field_dict["cells"] = cells
        if models is not UNSET:
            field_dict["models"] = models
        if prompt_version_id is not UNSET:
            field_dict["prompt_version_id"] = prompt_version_id
        if statuses is not UNSET:
            field_dict["statuses"] = statuses

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.run_model_input import RunModelInput

        d = dict(src_dict)
        _cells = d.pop("cells", UNSET)
        cells: list[UUID] | Unset = UNSET
        if _cells is not UNSET:
            cells = []
            for cells_item_data in _cells:
                cells_item = UUID(cells_item_data)

                cells.append(cells_item)

        def _parse_models(data: object) -> list[RunModelInput] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                models_type_0 = []
                _models_type_0 = data
                for models_type_0_item_data in _models_type_0:
                    models_type_0_item = RunModelInput.from_dict(
                        models_type_0_item_data
                    )

                    models_type_0.append(models_type_0_item)

                return models_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[RunModelInput] | None | Unset, data)

        models = _parse_models(d.pop("models", UNSET))

        def _parse_prompt_version_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                prompt_version_id_type_0 = UUID(data)

                return prompt_version_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        prompt_version_id = _parse_prompt_version_id(d.pop("prompt_version_id", UNSET))

        _statuses = d.pop("statuses", UNSET)
        statuses: list[CellStatus] | Unset = UNSET
        if _statuses is not UNSET:
            statuses = []
            for statuses_item_data in _statuses:
                statuses_item = CellStatus(statuses_item_data)

                statuses.append(statuses_item)

        rerun_request = cls(
            cells=cells,
            models=models,
            prompt_version_id=prompt_version_id,
            statuses=statuses,
        )

        return rerun_request
