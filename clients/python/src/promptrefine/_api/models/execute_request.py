from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.execute_request_metadata_type_0 import ExecuteRequestMetadataType0
    from ..models.execute_request_variables import ExecuteRequestVariables


T = TypeVar("T", bound="ExecuteRequest")


@_attrs_define
class ExecuteRequest:
    """A call of a deployment.

    Attributes:
        metadata (ExecuteRequestMetadataType0 | None | Unset): Anything to keep with the call in the log.
        stream (bool | Unset): Answer `text/event-stream`: `delta` events (`{"text"}`) as the model writes, then one
            `done` event with the JSON answer's fields, or one `error` event with a problem.
        variables (ExecuteRequestVariables | Unset): A value for every placeholder of the prompt.
    """

    metadata: ExecuteRequestMetadataType0 | None | Unset = UNSET
    stream: bool | Unset = UNSET
    variables: ExecuteRequestVariables | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.execute_request_metadata_type_0 import ExecuteRequestMetadataType0

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, ExecuteRequestMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        stream = self.stream

        variables: dict[str, Any] | Unset = UNSET
        if not isinstance(self.variables, Unset):
            variables = self.variables.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if stream is not UNSET:
            field_dict["stream"] = stream
        if variables is not UNSET:
            field_dict["variables"] = variables

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.execute_request_metadata_type_0 import ExecuteRequestMetadataType0
        from ..models.execute_request_variables import ExecuteRequestVariables

        d = dict(src_dict)

        def _parse_metadata(data: object) -> ExecuteRequestMetadataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = ExecuteRequestMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExecuteRequestMetadataType0 | None | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        stream = d.pop("stream", UNSET)

        _variables = d.pop("variables", UNSET)
        variables: ExecuteRequestVariables | Unset
        if isinstance(_variables, Unset):
            variables = UNSET
        else:
            variables = ExecuteRequestVariables.from_dict(_variables)

        execute_request = cls(
            metadata=metadata,
            stream=stream,
            variables=variables,
        )

        return execute_request
