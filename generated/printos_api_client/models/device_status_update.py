from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.device_status_update_metrics import DeviceStatusUpdateMetrics


T = TypeVar("T", bound="DeviceStatusUpdate")


@_attrs_define
class DeviceStatusUpdate:
    """
    Attributes:
        status (str | Unset):
        metrics (DeviceStatusUpdateMetrics | Unset):
    """

    status: str | Unset = UNSET
    metrics: DeviceStatusUpdateMetrics | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        metrics: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = self.metrics.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status is not UNSET:
            field_dict["status"] = status
        if metrics is not UNSET:
            field_dict["metrics"] = metrics

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.device_status_update_metrics import DeviceStatusUpdateMetrics

        d = dict(src_dict)
        status = d.pop("status", UNSET)

        _metrics = d.pop("metrics", UNSET)
        metrics: DeviceStatusUpdateMetrics | Unset
        if isinstance(_metrics, Unset):
            metrics = UNSET
        else:
            metrics = DeviceStatusUpdateMetrics.from_dict(_metrics)

        device_status_update = cls(
            status=status,
            metrics=metrics,
        )

        device_status_update.additional_properties = d
        return device_status_update

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
