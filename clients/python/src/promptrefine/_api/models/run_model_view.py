from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cell_counts import CellCounts
    from ..models.model_params import ModelParams


T = TypeVar("T", bound="RunModelView")


@_attrs_define
class RunModelView:
    """One of a run's models, with its prices and what its cells used so far.

    Attributes:
        cost_usd (float):
        counts (CellCounts): Cells by state.
        id (UUID):
        input_per_mtok (float): USD per million input tokens, as of `prices_as_of`.
        label (str):
        model (str):
        output_per_mtok (float):
        params (ModelParams): Generation parameters; omitted ones keep the provider's defaults.
        position (int):
        provider (str):
        tokens_in (int):
        tokens_out (int):
        mean_latency_ms (float | None | Unset): Mean latency of the succeeded cells.
        prices_as_of (datetime.date | None | Unset):
    """

    cost_usd: float
    counts: CellCounts
    id: UUID
    input_per_mtok: float
    label: str
    model: str
    output_per_mtok: float
    params: ModelParams
    position: int
    provider: str
    tokens_in: int
    tokens_out: int
    mean_latency_ms: float | None | Unset = UNSET
    prices_as_of: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cost_usd = self.cost_usd

        counts = self.counts.to_dict()

        id = str(self.id)

        input_per_mtok = self.input_per_mtok

        label = self.label

        model = self.model

        output_per_mtok = self.output_per_mtok

        params = self.params.to_dict()

        position = self.position

        provider = self.provider

        tokens_in = self.tokens_in

        tokens_out = self.tokens_out

        mean_latency_ms: float | None | Unset
        if isinstance(self.mean_latency_ms, Unset):
            mean_latency_ms = UNSET
        else:
            mean_latency_ms = self.mean_latency_ms

        prices_as_of: None | str | Unset
        if isinstance(self.prices_as_of, Unset):
            prices_as_of = UNSET
        elif isinstance(self.prices_as_of, datetime.date):
            prices_as_of = self.prices_as_of.isoformat()
        else:
            prices_as_of = self.prices_as_of

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cost_usd": cost_usd,
                "counts": counts,
                "id": id,
                "input_per_mtok": input_per_mtok,
                "label": label,
                "model": model,
                "output_per_mtok": output_per_mtok,
                "params": params,
                "position": position,
                "provider": provider,
                "tokens_in": tokens_in,
                "tokens_out": tokens_out,
            }
        )
        if mean_latency_ms is not UNSET:
            field_dict["mean_latency_ms"] = mean_latency_ms
        if prices_as_of is not UNSET:
            field_dict["prices_as_of"] = prices_as_of

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.cell_counts import CellCounts
        from ..models.model_params import ModelParams

        d = dict(src_dict)
        cost_usd = d.pop("cost_usd")

        counts = CellCounts.from_dict(d.pop("counts"))

        id = UUID(d.pop("id"))

        input_per_mtok = d.pop("input_per_mtok")

        label = d.pop("label")

        model = d.pop("model")

        output_per_mtok = d.pop("output_per_mtok")

        params = ModelParams.from_dict(d.pop("params"))

        position = d.pop("position")

        provider = d.pop("provider")

        tokens_in = d.pop("tokens_in")

        tokens_out = d.pop("tokens_out")

        def _parse_mean_latency_ms(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        mean_latency_ms = _parse_mean_latency_ms(d.pop("mean_latency_ms", UNSET))

        def _parse_prices_as_of(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                prices_as_of_type_0 = datetime.date.fromisoformat(data)

                return prices_as_of_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        prices_as_of = _parse_prices_as_of(d.pop("prices_as_of", UNSET))

        run_model_view = cls(
            cost_usd=cost_usd,
            counts=counts,
            id=id,
            input_per_mtok=input_per_mtok,
            label=label,
            model=model,
            output_per_mtok=output_per_mtok,
            params=params,
            position=position,
            provider=provider,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            mean_latency_ms=mean_latency_ms,
            prices_as_of=prices_as_of,
        )

        run_model_view.additional_properties = d
        return run_model_view

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
