from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_params import ModelParams


T = TypeVar("T", bound="RunModelInput")


@_attrs_define
class RunModelInput:
    """A model to run the prompt on.

    Attributes:
        model (str):  Example: echo.
        provider (str): `openai`, `anthropic`, `groq`, `cerebras`, `openrouter`, `together`, `ollama`, `custom`
            or `mock`; see `GET /v1/models`. Example: mock.
        label (None | str | Unset): How the model is shown; defaults to the catalog's label. Distinct within a run.
        params (ModelParams | None | Unset):
    """

    model: str
    provider: str
    label: None | str | Unset = UNSET
    params: ModelParams | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.model_params import ModelParams

        model = self.model

        provider = self.provider

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        params: dict[str, Any] | None | Unset
        if isinstance(self.params, Unset):
            params = UNSET
        elif isinstance(self.params, ModelParams):
            params = self.params.to_dict()
        else:
            params = self.params

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "model": model,
                "provider": provider,
            }
        )
        if label is not UNSET:
            field_dict["label"] = label
        if params is not UNSET:
            field_dict["params"] = params

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.model_params import ModelParams

        d = dict(src_dict)
        model = d.pop("model")

        provider = d.pop("provider")

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))

        def _parse_params(data: object) -> ModelParams | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                params_type_1 = ModelParams.from_dict(data)

                return params_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelParams | None | Unset, data)

        params = _parse_params(d.pop("params", UNSET))

        run_model_input = cls(
            model=model,
            provider=provider,
            label=label,
            params=params,
        )

        return run_model_input
