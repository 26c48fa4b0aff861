from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.role import Role

T = TypeVar("T", bound="CreateInvitation")


@_attrs_define
class CreateInvitation:
    """Whom to invite, as what.

    Attributes:
        email (str): The invitee's email: they accept signed in with it (confirmed). Example: ada@example.com.
        role (Role): What a member may do in an organization; each role can do what the ones before it can.
    """

    email: str
    role: Role

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        role = self.role.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        email = d.pop("email")

        role = Role(d.pop("role"))

        create_invitation = cls(
            email=email,
            role=role,
        )

        return create_invitation
