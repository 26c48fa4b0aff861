from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.prompt_kind import PromptKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.version_view import VersionView


T = TypeVar("T", bound="PromptDetailView")


@_attrs_define
class PromptDetailView:
    """A prompt with its current version.

    Attributes:
        created_at (datetime.datetime):
        current_version (int): The number of the current version. Example: 3.
        id (UUID):
        kind (PromptKind): What a prompt is for.
        latest_version (int): The highest version number (above `current_version` after a restore). Example: 4.
        name (str):  Example: Support reply.
        org_id (UUID): The organization the prompt belongs to.
        tags (list[str]):
        updated_at (datetime.datetime):
        version (VersionView): One immutable version of a prompt.
        created_by (None | Unset | UUID): Who made it (null once that user is deleted).
        description (None | str | Unset):
    """

    created_at: datetime.datetime
    current_version: int
    id: UUID
    kind: PromptKind
    latest_version: int
    name: str
    org_id: UUID
    tags: list[str]
    updated_at: datetime.datetime
    version: VersionView
    created_by: None | Unset | UUID = UNSET
    description: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        current_version = self.current_version

        id = str(self.id)

        kind = self.kind.value

        latest_version = self.latest_version

        name = self.name

        org_id = str(self.org_id)

        tags = self.tags

        updated_at = self.updated_at.isoformat()

        version = self.version.to_dict()

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        elif isinstance(self.created_by, UUID):
            created_by = str(self.created_by)
        else:
            created_by = self.created_by

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "current_version": current_version,
                "id": id,
                "kind": kind,
                "latest_version": latest_version,
                "name": name,
                "org_id": org_id,
                "tags": tags,
                "updated_at": updated_at,
                "version": version,
            }
        )
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.version_view import VersionView

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        current_version = d.pop("current_version")

        id = UUID(d.pop("id"))

        kind = PromptKind(d.pop("kind"))

        latest_version = d.pop("latest_version")

        name = d.pop("name")

        org_id = UUID(d.pop("org_id"))

        tags = cast(list[str], d.pop("tags"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = VersionView.from_dict(d.pop("version"))

        def _parse_created_by(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_by_type_0 = UUID(data)

                return created_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        created_by = _parse_created_by(d.pop("created_by", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        prompt_detail_view = cls(
            created_at=created_at,
            current_version=current_version,
            id=id,
            kind=kind,
            latest_version=latest_version,
            name=name,
            org_id=org_id,
            tags=tags,
            updated_at=updated_at,
            version=version,
            created_by=created_by,
            description=description,
        )

        prompt_detail_view.additional_properties = d
        return prompt_detail_view

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
