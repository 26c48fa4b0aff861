from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PutProviderKey")


@_attrs_define
class PutProviderKey:
    """A provider key to store.

    Attributes:
        api_key (str): The provider's API key (up to 512 characters); stored encrypted, never returned. Example: sk-....
        base_url (None | str | Unset): Call this OpenAI-compatible (or Anthropic) endpoint instead of the provider's own
            API: a
            proxy or gateway. Not this machine, a private network or a metadata address. Example: https://llm-
            proxy.example.com/v1.
    """

    api_key: str
    base_url: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        api_key = self.api_key

        base_url: None | str | Unset
        if isinstance(self.base_url, Unset):
            base_url = UNSET
        else:
            base_url = self.base_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "api_key": api_key,
            }
        )
        if base_url is not UNSET:
            field_dict["base_url"] = base_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        api_key = d.pop("api_key")

        def _parse_base_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        base_url = _parse_base_url(d.pop("base_url", UNSET))

        put_provider_key = cls(
            api_key=api_key,
            base_url=base_url,
        )

        return put_provider_key
