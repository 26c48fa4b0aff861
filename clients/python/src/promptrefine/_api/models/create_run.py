from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.assertion import Assertion
    from ..models.create_run_variables_type_0 import CreateRunVariablesType0
    from ..models.grader_input import GraderInput
    from ..models.run_model_input import RunModelInput
    from ..models.score_scale import ScoreScale


T = TypeVar("T", bound="CreateRun")


@_attrs_define
class CreateRun:
    """A run to start.

    Attributes:
        models (list[RunModelInput]): 1 to 4 models.
        assertions (list[Assertion] | None | Unset): Deterministic checks of every output (up to 20); a cell passes when
            all of them and the
            grader do.
        cache (bool | Unset): Reuse the answers of identical requests (same model, parameters and rendered messages)
            from the organization's response cache, and keep new ones: re-running after changing
            only the grader costs nothing. Cells answered from the cache say `cached: true`.
        concurrency (int | None | Unset): At most this many of the run's cells claimed by workers at once (in flight, or
            about to
            be), across all workers.
        dataset_id (None | Unset | UUID): Run over every row of this dataset. Without one, the run is one cell per
            model.
        expected_column (None | str | Unset): The dataset column with the expected answer, as `{{expected}}` for the
            grader; default:
            a column named `expected`, if there is one.
        grader (GraderInput | None | Unset):
        max_cost_usd (float | None | Unset): Stop the run once its cells spent this much (USD, generation and grading):
            its queued
            cells are cancelled with `budget_exceeded`. Cells already in flight finish.
        pass_threshold (float | None | Unset): The normalised score from which a verdict without `pass` passes (default
            0.5).
        prompt_body (None | str | Unset): Unsaved text to run, with `prompt_id`: saved as a draft version of the prompt
            (one per
            distinct text; see `include_drafts`), so the run stays reproducible.
        prompt_id (None | Unset | UUID):
        prompt_version_id (None | Unset | UUID): The prompt version to run; or give `prompt_id` for its current version.
        score_scale (None | ScoreScale | Unset):
        system (None | str | Unset): A system message for every call, with placeholders like the prompt.
        variables (CreateRunVariablesType0 | None | Unset): Values for placeholders that no dataset column provides.
    """

    models: list[RunModelInput]
    assertions: list[Assertion] | None | Unset = UNSET
    cache: bool | Unset = UNSET
    concurrency: int | None | Unset = UNSET
    dataset_id: None | Unset | UUID = UNSET
    expected_column: None | str | Unset = UNSET
    grader: GraderInput | None | Unset = UNSET
    max_cost_usd: float | None | Unset = UNSET
    pass_threshold: float | None | Unset = UNSET
    prompt_body: None | str | Unset = UNSET
    prompt_id: None | Unset | UUID = UNSET
    prompt_version_id: None | Unset | UUID = UNSET
    score_scale: None | ScoreScale | Unset = UNSET
    system: None | str | Unset = UNSET
    variables: CreateRunVariablesType0 | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.create_run_variables_type_0 import CreateRunVariablesType0
        from ..models.grader_input import GraderInput
        from ..models.score_scale import ScoreScale

        models = []
        for models_item_data in self.models:
            models_item = models_item_data.to_dict()
            models.append(models_item)

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

        cache = self.cache

        concurrency: int | None | Unset
        if isinstance(self.concurrency, Unset):
            concurrency = UNSET
        else:
            concurrency = self.concurrency

        dataset_id: None | str | Unset
        if isinstance(self.dataset_id, Unset):
            dataset_id = UNSET
        elif isinstance(self.dataset_id, UUID):
            dataset_id = str(self.dataset_id)
        else:
            dataset_id = self.dataset_id

        expected_column: None | str | Unset
        if isinstance(self.expected_column, Unset):
            expected_column = UNSET
        else:
            expected_column = self.expected_column

        grader: dict[str, Any] | None | Unset
        if isinstance(self.grader, Unset):
            grader = UNSET
        elif isinstance(self.grader, GraderInput):
            grader = self.grader.to_dict()
        else:
            grader = self.grader

        max_cost_usd: float | None | Unset
        if isinstance(self.max_cost_usd, Unset):
            max_cost_usd = UNSET
        else:
            max_cost_usd = self.max_cost_usd

        pass_threshold: float | None | Unset
        if isinstance(self.pass_threshold, Unset):
            pass_threshold = UNSET
        else:
            pass_threshold = self.pass_threshold

        prompt_body: None | str | Unset
        if isinstance(self.prompt_body, Unset):
            prompt_body = UNSET
        else:
            prompt_body = self.prompt_body

        prompt_id: None | str | Unset
        if isinstance(self.prompt_id, Unset):
            prompt_id = UNSET
        elif isinstance(self.prompt_id, UUID):
            prompt_id = str(self.prompt_id)
        else:
            prompt_id = self.prompt_id

        prompt_version_id: None | str | Unset
        if isinstance(self.prompt_version_id, Unset):
            prompt_version_id = UNSET
        elif isinstance(self.prompt_version_id, UUID):
            prompt_version_id = str(self.prompt_version_id)
        else:
            prompt_version_id = self.prompt_version_id

        score_scale: dict[str, Any] | None | Unset
        if isinstance(self.score_scale, Unset):
            score_scale = UNSET
        elif isinstance(self.score_scale, ScoreScale):
            score_scale = self.score_scale.to_dict()
        else:
            score_scale = self.score_scale

        system: None | str | Unset
        if isinstance(self.system, Unset):
            system = UNSET
        else:
            system = self.system

        variables: dict[str, Any] | None | Unset
        if isinstance(self.variables, Unset):
            variables = UNSET
        elif isinstance(self.variables, CreateRunVariablesType0):
            variables = self.variables.to_dict()
        else:
            variables = self.variables

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "models": models,
            }
        )
        if assertions is not UNSET:
            field_dict["assertions"] = assertions
        if cache is not UNSET:
            field_dict["cache"] = cache
        if concurrency is not UNSET:
            field_dict["concurrency"] = concurrency
        if dataset_id is not UNSET:
            field_dict["dataset_id"] = dataset_id
        if expected_column is not UNSET:
            field_dict["expected_column"] = expected_column
        if grader is not UNSET:
            field_dict["grader"] = grader
        if max_cost_usd is not UNSET:
            field_dict["max_cost_usd"] = max_cost_usd
        if pass_threshold is not UNSET:
            field_dict["pass_threshold"] = pass_threshold
        if prompt_body is not UNSET:
            field_dict["prompt_body"] = prompt_body
        if prompt_id is not UNSET:
            field_dict["prompt_id"] = prompt_id
        if prompt_version_id is not UNSET:
            field_dict["prompt_version_id"] = prompt_version_id
        if score_scale is not UNSET:
            field_dict["score_scale"] = score_scale
        if system is not UNSET:
            field_dict["system"] = system
        if variables is not UNSET:
            field_dict["variables"] = variables

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.assertion import Assertion
        from ..models.create_run_variables_type_0 import CreateRunVariablesType0
        from ..models.grader_input import GraderInput
        from ..models.run_model_input import RunModelInput
        from ..models.score_scale import ScoreScale

        d = dict(src_dict)
        models = []
        _models = d.pop("models")
        for models_item_data in _models:
            models_item = RunModelInput.from_dict(models_item_data)

            models.append(models_item)

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

        cache = d.pop("cache", UNSET)

        def _parse_concurrency(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        concurrency = _parse_concurrency(d.pop("concurrency", UNSET))

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

        def _parse_expected_column(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        expected_column = _parse_expected_column(d.pop("expected_column", UNSET))

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

        def _parse_max_cost_usd(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        max_cost_usd = _parse_max_cost_usd(d.pop("max_cost_usd", UNSET))

        def _parse_pass_threshold(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        pass_threshold = _parse_pass_threshold(d.pop("pass_threshold", UNSET))

        def _parse_prompt_body(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        prompt_body = _parse_prompt_body(d.pop("prompt_body", UNSET))

        def _parse_prompt_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                prompt_id_type_0 = UUID(data)

                return prompt_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        prompt_id = _parse_prompt_id(d.pop("prompt_id", UNSET))

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

        def _parse_system(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        system = _parse_system(d.pop("system", UNSET))

        def _parse_variables(data: object) -> CreateRunVariablesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                variables_type_0 = CreateRunVariablesType0.from_dict(data)

                return variables_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreateRunVariablesType0 | None | Unset, data)

        variables = _parse_variables(d.pop("variables", UNSET))

        create_run = cls(
            models=models,
            assertions=assertions,
            cache=cache,
            concurrency=concurrency,
            dataset_id=dataset_id,
            expected_column=expected_column,
            grader=grader,
            max_cost_usd=max_cost_usd,
            pass_threshold=pass_threshold,
            prompt_body=prompt_body,
            prompt_id=prompt_id,
            prompt_version_id=prompt_version_id,
            score_scale=score_scale,
            system=system,
            variables=variables,
        )

        return create_run
