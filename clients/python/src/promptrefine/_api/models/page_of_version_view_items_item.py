from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PageOfVersionViewItemsItem")


@_attrs_define
class PageOfVersionViewItemsItem:
    """One immutable version of a prompt.

    Attributes:
        body (str):
        body_sha256 (str): Hex SHA-256 of the body.
        created_at (datetime.datetime):
        created_by (UUID): Who saved it.
        draft (bool): Saved by a run of unsaved text: listed only with `include_drafts`, until promoted.
        id (UUID):
        org_id (UUID):
        placeholders (list[str]): The distinct `{{placeholder}}` names of the body, in order of appearance. Example:
            ['question'].
        prompt_id (UUID):
        version (int):  Example: 1.
        note (None | str | Unset):
    """

    body: str
    body_sha256: str
    created_at: datetime.datetime
    created_by: UUID
    draft: bool
    id: UUID
    org_id: UUID
    placeholders: list[str]
    prompt_id: UUID
    version: int
    note: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        body = self.body

        body_sha256 = self.body_sha256

        created_at = self.created_at.isoformat()

        created_by = str(self.created_by)

        draft = self.draft

        id = str(self.id)

        org_id = str(self.org_id)

        placeholders = self.placeholders

        prompt_id = str(self.prompt_id)

        version = self.version

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "body": body,
                "body_sha256": body_sha256,
                "created_at": created_at,
                "created_by": created_by,
                "draft": draft,
                "id": id,
                "org_id": org_id,
                "placeholders": placeholders,
                "prompt_id": prompt_id,
                "version": version,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        body = d.pop("body")

        body_sha256 = d.pop("body_sha256")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        created_by = UUID(d.pop("created_by"))

        draft = d.pop("draft")

        id = UUID(d.pop("id"))

        org_id = UUID(d.pop("org_id"))

        placeholders = cast(list[str], d.pop("placeholders"))

        prompt_id = UUID(d.pop("prompt_id"))

        version = d.pop("version")

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        page_of_version_view_items_item = cls(
            body=body,
            body_sha256=body_sha256,
            created_at=created_at,
            created_by=created_by,
            draft=draft,
            id=id,
            org_id=org_id,
            placeholders=placeholders,
            prompt_id=prompt_id,
            version=version,
            note=note,
        )

        page_of_version_view_items_item.additional_properties = d
        return page_of_version_view_items_item

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
