from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_params import ModelParams


T = TypeVar("T", bound="DeploymentModel")


@_attrs_define
class DeploymentModel:
    """A model a deployment calls.

    Attributes:
        model (str):  Example: echo.
        provider (str): See `GET /v1/models`. Example: mock.
        params (ModelParams | Unset): Generation parameters; omitted ones keep the provider's defaults.
    """

    model: str
    provider: str
    params: ModelParams | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        provider = self.provider

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "model": model,
                "provider": provider,
            }
        )
        if params is not UNSET:
            field_dict["params"] = params

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.model_params import ModelParams

        d = dict(src_dict)
        model = d.pop("model")

        provider = d.pop("provider")

        _params = d.pop("params", UNSET)
        params: ModelParams | Unset
        if isinstance(_params, Unset):
            params = UNSET
        else:
            params = ModelParams.from_dict(_params)

        deployment_model = cls(
            model=model,
            provider=provider,
            params=params,
        )

        return deployment_model
