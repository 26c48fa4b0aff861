from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role

T = TypeVar("T", bound="PageOfOrgViewItemsItem")


@_attrs_define
class PageOfOrgViewItemsItem:
    """An organization, as one of its members sees it.

    Attributes:
        created_at (datetime.datetime):
        id (UUID):
        name (str):  Example: Support team.
        personal (bool): A user's personal organization (its id is theirs): it cannot be deleted, and its user
            stays its owner.
        role (Role): What a member may do in an organization; each role can do what the ones before it can.
        slug (str): Unique across organizations; lower-case letters, digits and dashes. Example: support-team.
        updated_at (datetime.datetime):
    """

    created_at: datetime.datetime
    id: UUID
    name: str
    personal: bool
    role: Role
    slug: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        id = str(self.id)

        name = self.name

        personal = self.personal

        role = self.role.value

        slug = self.slug

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "id": id,
                "name": name,
                "personal": personal,
                "role": role,
                "slug": slug,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = UUID(d.pop("id"))

        name = d.pop("name")

        personal = d.pop("personal")

        role = Role(d.pop("role"))

        slug = d.pop("slug")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        page_of_org_view_items_item = cls(
            created_at=created_at,
            id=id,
            name=name,
            personal=personal,
            role=role,
            slug=slug,
            updated_at=updated_at,
        )

        page_of_org_view_items_item.additional_properties = d
        return page_of_org_view_items_item

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
