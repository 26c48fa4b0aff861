from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.prompt_kind import PromptKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreatePrompt")


@_attrs_define
class CreatePrompt:
    """A new prompt and the body of its version 1.

    Attributes:
        body (str): The prompt text (1 byte to 100 KiB) with `{{placeholders}}`. Example: Answer the customer politely.

            Question: {{question}}.
        kind (PromptKind): What a prompt is for.
        name (str): 1–200 characters; surrounding spaces are dropped. Example: Support reply.
        description (None | str | Unset):
        note (None | str | Unset): A note for version 1, like a commit message.
        tags (list[str] | Unset): Up to 20 tags of 1–50 characters; duplicates are dropped. Example: ['support',
            'email'].
    """

    body: str
    kind: PromptKind
    name: str
    description: None | str | Unset = UNSET
    note: None | str | Unset = UNSET
    tags: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        body = self.body

        kind = self.kind.value

        name = self.name

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "body": body,
                "kind": kind,
                "name": name,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if note is not UNSET:
            field_dict["note"] = note
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        body = d.pop("body")

        kind = PromptKind(d.pop("kind"))

        name = d.pop("name")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        tags = cast(list[str], d.pop("tags", UNSET))

        create_prompt = cls(
            body=body,
            kind=kind,
            name=name,
            description=description,
            note=note,
            tags=tags,
        )

        return create_prompt
