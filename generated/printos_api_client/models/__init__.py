"""Contains all the data models used in inputs/outputs"""

from .device_provision_request import DeviceProvisionRequest
from .device_status_update import DeviceStatusUpdate
from .device_status_update_metrics import DeviceStatusUpdateMetrics
from .print_device import PrintDevice
from .print_device_list import PrintDeviceList

__all__ = (
    "DeviceProvisionRequest",
    "DeviceStatusUpdate",
    "DeviceStatusUpdateMetrics",
    "PrintDevice",
    "PrintDeviceList",
)
