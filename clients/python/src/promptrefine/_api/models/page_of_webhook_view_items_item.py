from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.event_type import EventType
from ..types import UNSET, Unset

T = TypeVar("T", bound="PageOfWebhookViewItemsItem")


@_attrs_define
class PageOfWebhookViewItemsItem:
    """An endpoint, as its organization's admins see it (never its secret).

    Attributes:
        created_at (datetime.datetime):
        description (str):
        enabled (bool): False once disabled, by an admin or by the sender after a delivery failed every attempt.
        events (list[EventType]): The event types of an endpoint, as stored (text).
        id (UUID):
        org_id (UUID):
        updated_at (datetime.datetime):
        url (str):  Example: https://example.com/hooks/promptrefine.
        created_by (None | Unset | UUID):
        disabled_reason (None | str | Unset): Why the sender disabled it.
    """

    created_at: datetime.datetime
    description: str
    enabled: bool
    events: list[EventType]
    id: UUID
    org_id: UUID
    updated_at: datetime.datetime
    url: str
    created_by: None | Unset | UUID = UNSET
    disabled_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        description = self.description

        enabled = self.enabled

        events = []
        for componentsschemas_events_item_data in self.events:
            componentsschemas_events_item = componentsschemas_events_item_data.value
            events.append(componentsschemas_events_item)

        id = str(self.id)

        org_id = str(self.org_id)

        updated_at = self.updated_at.isoformat()

        url = self.url

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        elif isinstance(self.created_by, UUID):
            created_by = str(self.created_by)
        else:
            created_by = self.created_by

        disabled_reason: None | str | Unset
        if isinstance(self.disabled_reason, Unset):
            disabled_reason = UNSET
        else:
            disabled_reason = self.disabled_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "description": description,
                "enabled": enabled,
                "events": events,
                "id": id,
                "org_id": org_id,
                "updated_at": updated_at,
                "url": url,
            }
        )
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if disabled_reason is not UNSET:
            field_dict["disabled_reason"] = disabled_reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        enabled = d.pop("enabled")

        events = []
        _events = d.pop("events")
        for componentsschemas_events_item_data in _events:
            componentsschemas_events_item = EventType(
                componentsschemas_events_item_data
            )

            events.append(componentsschemas_events_item)

        id = UUID(d.pop("id"))

        org_id = UUID(d.pop("org_id"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        url = d.pop("url")

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

        def _parse_disabled_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason", UNSET))

        page_of_webhook_view_items_item = cls(
            created_at=created_at,
            description=description,
            enabled=enabled,
            events=events,
            id=id,
            org_id=org_id,
            updated_at=updated_at,
            url=url,
            created_by=created_by,
            disabled_reason=disabled_reason,
        )

        page_of_webhook_view_items_item.additional_properties = d
        return page_of_webhook_view_items_item

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
