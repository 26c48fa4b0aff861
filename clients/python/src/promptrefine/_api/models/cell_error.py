from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.error_kind import ErrorKind

T = TypeVar("T", bound="CellError")


@_attrs_define
class CellError:
    """Why a cell failed.

    Attributes:
        kind (ErrorKind): Why a cell failed: `rate_limited`, `timeout`, `auth`, `invalid_request`, `provider_error`,
            `answer_too_large` (from the provider); `invalid_input` (the row, a placeholder, the model or
            its parameters cannot be used), `prompt_too_large` (over MAX_RENDERED_PROMPT_BYTES),
            `unavailable` (provider not configured), `abandoned` (its workers kept dying), `internal` (the
            result could not be stored).
        message (str):
    """

    kind: ErrorKind
    message: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        kind = ErrorKind(d.pop("kind"))

        message = d.pop("message")

        cell_error = cls(
            kind=kind,
            message=message,
        )

        cell_error.additional_properties = d
        return cell_error

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
