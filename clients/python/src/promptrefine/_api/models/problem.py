from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.field_error import FieldError


T = TypeVar("T", bound="Problem")


@_attrs_define
class Problem:
    """An RFC 9457 problem.

    Example:
        {'code': 'validation_failed', 'detail': 'The request body is invalid.', 'errors': [{'code': 'length', 'field':
            'name', 'message': 'must be 1 to 200 characters'}], 'request_id': '0b6f2a4e-8d0c-4a8e-9f50-2b1c1f1f3f7a',
            'status': 422, 'title': 'Unprocessable Entity', 'type': 'urn:promptrefine:problem:validation_failed'}

    Attributes:
        code (str): Stable, machine-readable: `validation_failed`, `not_found`, `invalid_token`, ...
        detail (str): What went wrong, for a human.
        status (int):
        title (str): The HTTP status phrase.
        type_ (str): A URI naming the kind of problem: `urn:promptrefine:problem:<code>`.
        call_id (None | Unset | UUID): The call's row in the log (a failed `POST /v1/execute/{slug}`).
        errors (list[FieldError] | Unset): Field-level details of a validation problem.
        limit (int | None | Unset): The limit that was reached (429 and 413 problems).
        output (None | str | Unset): The model's raw answer (502 `invalid_model_output`).
        request_id (None | str | Unset): The `x-request-id` of the request, to quote when reporting a problem.
        required_role (None | Role | Unset):
    """

    code: str
    detail: str
    status: int
    title: str
    type_: str
    call_id: None | Unset | UUID = UNSET
    errors: list[FieldError] | Unset = UNSET
    limit: int | None | Unset = UNSET
    output: None | str | Unset = UNSET
    request_id: None | str | Unset = UNSET
    required_role: None | Role | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        detail = self.detail

        status = self.status

        title = self.title

        type_ = self.type_

        call_id: None | str | Unset
        if isinstance(self.call_id, Unset):
            call_id = UNSET
        elif isinstance(self.call_id, UUID):
            call_id = str(self.call_id)
        else:
            call_id = self.call_id

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        limit: int | None | Unset
        if isinstance(self.limit, Unset):
            limit = UNSET
        else:
            limit = self.limit

        output: None | str | Unset
        if isinstance(self.output, Unset):
            output = UNSET
        else:
            output = self.output

        request_id: None | str | Unset
        if isinstance(self.request_id, Unset):
            request_id = UNSET
        else:
            request_id = self.request_id

        required_role: None | str | Unset
        if isinstance(self.required_role, Unset):
            required_role = UNSET
        elif isinstance(self.required_role, Role):
            required_role = self.required_role.value
        else:
            required_role = self.required_role

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "detail": detail,
                "status": status,
                "title": title,
                "type": type_,
            }
        )
        if call_id is not UNSET:
            field_dict["call_id"] = call_id
        if errors is not UNSET:
            field_dict["errors"] = errors
        if limit is not UNSET:
            field_dict["limit"] = limit
        if output is not UNSET:
            field_dict["output"] = output
        if request_id is not UNSET:
            field_dict["request_id"] = request_id
        if required_role is not UNSET:
            field_dict["required_role"] = required_role

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.field_error import FieldError

        d = dict(src_dict)
        code = d.pop("code")

        detail = d.pop("detail")

        status = d.pop("status")

        title = d.pop("title")

        type_ = d.pop("type")

        def _parse_call_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                call_id_type_0 = UUID(data)

                return call_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        call_id = _parse_call_id(d.pop("call_id", UNSET))

        _errors = d.pop("errors", UNSET)
        errors: list[FieldError] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = FieldError.from_dict(errors_item_data)

                errors.append(errors_item)

        def _parse_limit(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        limit = _parse_limit(d.pop("limit", UNSET))

        def _parse_output(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        output = _parse_output(d.pop("output", UNSET))

        def _parse_request_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        request_id = _parse_request_id(d.pop("request_id", UNSET))

        def _parse_required_role(data: object) -> None | Role | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                required_role_type_1 = Role(data)

                return required_role_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Role | Unset, data)

        required_role = _parse_required_role(d.pop("required_role", UNSET))

        problem = cls(
            code=code,
            detail=detail,
            status=status,
            title=title,
            type_=type_,
            call_id=call_id,
            errors=errors,
            limit=limit,
            output=output,
            request_id=request_id,
            required_role=required_role,
        )

        problem.additional_properties = d
        return problem

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
