from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.prompt_spend import PromptSpend


T = TypeVar("T", bound="UsageOverview")


@_attrs_define
class UsageOverview:
    """An organization at a glance.

    Attributes:
        api_keys (int): Keys that are not revoked.
        calls_24h (int): Deployments' calls in the last 24 hours (by the hour), and the share that failed.
        datasets (int):
        deployments (int):
        error_rate_24h (float):
        prompts (int):
        runs (int):
        spend_last_month_usd (float):
        spend_this_month_usd (float): Spent on calls and runs this calendar month (UTC), and the one before.
        top_prompts (list[PromptSpend]): The five prompts that cost most this month.
    """

    api_keys: int
    calls_24h: int
    datasets: int
    deployments: int
    error_rate_24h: float
    prompts: int
    runs: int
    spend_last_month_usd: float
    spend_this_month_usd: float
    top_prompts: list[PromptSpend]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        api_keys = self.api_keys

        calls_24h = self.calls_24h

        datasets = self.datasets

        deployments = self.deployments

        error_rate_24h = self.error_rate_24h

        prompts = self.prompts

        runs = self.runs

        spend_last_month_usd = self.spend_last_month_usd

        spend_this_month_usd = self.spend_this_month_usd

        top_prompts = []
        for top_prompts_item_data in self.top_prompts:
            top_prompts_item = top_prompts_item_data.to_dict()
            top_prompts.append(top_prompts_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "api_keys": api_keys,
                "calls_24h": calls_24h,
                "datasets": datasets,
                "deployments": deployments,
                "error_rate_24h": error_rate_24h,
                "prompts": prompts,
                "runs": runs,
                "spend_last_month_usd": spend_last_month_usd,
                "spend_this_month_usd": spend_this_month_usd,
                "top_prompts": top_prompts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.prompt_spend import PromptSpend

        d = dict(src_dict)
        api_keys = d.pop("api_keys")

        calls_24h = d.pop("calls_24h")

        datasets = d.pop("datasets")

        deployments = d.pop("deployments")

        error_rate_24h = d.pop("error_rate_24h")

        prompts = d.pop("prompts")

        runs = d.pop("runs")

        spend_last_month_usd = d.pop("spend_last_month_usd")

        spend_this_month_usd = d.pop("spend_this_month_usd")

        top_prompts = []
        _top_prompts = d.pop("top_prompts")
        for top_prompts_item_data in _top_prompts:
            top_prompts_item = PromptSpend.from_dict(top_prompts_item_data)

            top_prompts.append(top_prompts_item)

        usage_overview = cls(
            api_keys=api_keys,
            calls_24h=calls_24h,
            datasets=datasets,
            deployments=deployments,
            error_rate_24h=error_rate_24h,
            prompts=prompts,
            runs=runs,
            spend_last_month_usd=spend_last_month_usd,
            spend_this_month_usd=spend_this_month_usd,
            top_prompts=top_prompts,
        )

        usage_overview.additional_properties = d
        return usage_overview

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
