from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ModelView")


@_attrs_define
class ModelView:
    """A model of the catalog.

    Attributes:
        input_per_mtok (float): USD per million input tokens. Example: 0.15.
        label (str):  Example: GPT-4o mini.
        model (str):  Example: gpt-4o-mini.
        output_per_mtok (float): USD per million output tokens. Example: 0.6.
        provider (str):  Example: openai.
        usable (bool): Whether it can be called now for the organization: with the organization's own key for
            its provider (`PUT /v1/provider-keys/{provider}`), or the server's key or URL.
        prices_as_of (datetime.date | None | Unset): When the prices were taken from the provider's price list.
    """

    input_per_mtok: float
    label: str
    model: str
    output_per_mtok: float
    provider: str
    usable: bool
    prices_as_of: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        input_per_mtok = self.input_per_mtok

        label = self.label

        model = self.model

        output_per_mtok = self.output_per_mtok

        provider = self.provider

        usable = self.usable

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
                "input_per_mtok": input_per_mtok,
                "label": label,
                "model": model,
                "output_per_mtok": output_per_mtok,
                "provider": provider,
                "usable": usable,
            }
        )
        if prices_as_of is not UNSET:
            field_dict["prices_as_of"] = prices_as_of

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        input_per_mtok = d.pop("input_per_mtok")

        label = d.pop("label")

        model = d.pop("model")

        output_per_mtok = d.pop("output_per_mtok")

        provider = d.pop("provider")

        usable = d.pop("usable")

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

        model_view = cls(
            input_per_mtok=input_per_mtok,
            label=label,
            model=model,
            output_per_mtok=output_per_mtok,
            provider=provider,
            usable=usable,
            prices_as_of=prices_as_of,
        )

        model_view.additional_properties = d
        return model_view

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
