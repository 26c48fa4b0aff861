from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreatePromptVersion")


@_attrs_define
class CreatePromptVersion:
    """A new version of a prompt's body.

    Attributes:
        body (str): The prompt text (1 byte to 100 KiB) with `{{placeholders}}`. Example: Answer the customer politely
            and briefly.

            Question: {{question}}.
        note (None | str | Unset): What changed, like a commit message. Example: Ask for brevity.
    """

    body: str
    note: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        body = self.body

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "body": body,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        body = d.pop("body")

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        create_prompt_version = cls(
            body=body,
            note=note,
        )

        return create_prompt_version
