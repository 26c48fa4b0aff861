from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RenderModel")


@_attrs_define
class RenderModel:
    """A model of the catalog.

    Attributes:
        model (str):  Example: gpt-4o-mini.
        provider (str):  Example: openai.
    """

    model: str
    provider: str

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        provider = self.provider

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "model": model,
                "provider": provider,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        model = d.pop("model")

        provider = d.pop("provider")

        render_model = cls(
            model=model,
            provider=provider,
        )

        return render_model
