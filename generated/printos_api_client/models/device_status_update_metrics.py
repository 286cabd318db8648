from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeviceStatusUpdateMetrics")


@_attrs_define
class DeviceStatusUpdateMetrics:
    """
    Attributes:
        pages_total (int | Unset):
        ink_level (float | Unset):
    """

    pages_total: int | Unset = UNSET
    ink_level: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pages_total = self.pages_total

        ink_level = self.ink_level

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if pages_total is not UNSET:
            field_dict["pagesTotal"] = pages_total
        if ink_level is not UNSET:
            field_dict["inkLevel"] = ink_level

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        pages_total = d.pop("pagesTotal", UNSET)

        ink_level = d.pop("inkLevel", UNSET)

        device_status_update_metrics = cls(
            pages_total=pages_total,
            ink_level=ink_level,
        )

        device_status_update_metrics.additional_properties = d
        return device_status_update_metrics

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
