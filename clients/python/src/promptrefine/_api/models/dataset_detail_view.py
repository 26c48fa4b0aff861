from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.dataset_format import DatasetFormat
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.row_view import RowView


T = TypeVar("T", bound="DatasetDetailView")


@_attrs_define
class DatasetDetailView:
    """A dataset with its first 100 rows.

    Attributes:
        byte_size (int): Size of the original file in bytes.
        columns (list[str]): Column names, in order. Example: ['question', 'expected'].
        created_at (datetime.datetime):
        format_ (DatasetFormat): The file's format.
        id (UUID):
        name (str):  Example: support-questions.
        org_id (UUID): The organization the dataset belongs to.
        row_count (int):
        sha256 (str): Hex SHA-256 of the original file.
        source_filename (str): The uploaded file's name. Example: support-questions.csv.
        storage_path (str): Object key of the original file in the Storage bucket `datasets`.
        updated_at (datetime.datetime):
        preview (list[RowView]):
        created_by (None | Unset | UUID): Who uploaded it (null once that user is deleted).
    """

    byte_size: int
    columns: list[str]
    created_at: datetime.datetime
    format_: DatasetFormat
    id: UUID
    name: str
    org_id: UUID
    row_count: int
    sha256: str
    source_filename: str
    storage_path: str
    updated_at: datetime.datetime
    preview: list[RowView]
    created_by: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        byte_size = self.byte_size

        columns = self.columns

        created_at = self.created_at.isoformat()

        format_ = self.format_.value

        id = str(self.id)

        name = self.name

        org_id = str(self.org_id)

        row_count = self.row_count

        sha256 = self.sha256

        source_filename = self.source_filename

        storage_path = self.storage_path

        updated_at = self.updated_at.isoformat()

        preview = []
        for preview_item_data in self.preview:
            preview_item = preview_item_data.to_dict()
            preview.append(preview_item)

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        elif isinstance(self.created_by, UUID):
            created_by = str(self.created_by)
        else:
            created_by = self.created_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "byte_size": byte_size,
                "columns": columns,
                "created_at": created_at,
                "format": format_,
                "id": id,
                "name": name,
                "org_id": org_id,
                "row_count": row_count,
                "sha256": sha256,
                "source_filename": source_filename,
                "storage_path": storage_path,
                "updated_at": updated_at,
                "preview": preview,
            }
        )
        if created_by is not UNSET:
            field_dict["created_by"] = created_by

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.row_view import RowView

        d = dict(src_dict)
        byte_size = d.pop("byte_size")

        columns = cast(list[str], d.pop("columns"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        format_ = DatasetFormat(d.pop("format"))

        id = UUID(d.pop("id"))

        name = d.pop("name")

        org_id = UUID(d.pop("org_id"))

        row_count = d.pop("row_count")

        sha256 = d.pop("sha256")

        source_filename = d.pop("source_filename")

        storage_path = d.pop("storage_path")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        preview = []
        _preview = d.pop("preview")
        for preview_item_data in _preview:
            preview_item = RowView.from_dict(preview_item_data)

            preview.append(preview_item)

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

        dataset_detail_view = cls(
            byte_size=byte_size,
            columns=columns,
            created_at=created_at,
            format_=format_,
            id=id,
            name=name,
            org_id=org_id,
            row_count=row_count,
            sha256=sha256,
            source_filename=source_filename,
            storage_path=storage_path,
            updated_at=updated_at,
            preview=preview,
            created_by=created_by,
        )

        dataset_detail_view.additional_properties = d
        return dataset_detail_view

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
