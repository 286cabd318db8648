"""The sandbox's in-memory world: provisioned devices and a log of the requests it answered.

Tests assert against this object directly (final device state, how many attempts a retry policy
made), so it is safe to read from the test's thread while the server thread writes: every
mutation happens under a lock, and readers get snapshots of immutable values.

The request log keeps the most recent ``max_requests`` records (10,000 by default), so a
sandbox left running for days does not grow without bound; ``requests_seen`` counts them all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import threading
from collections import Counter, deque
from collections.abc import Mapping
from typing import Any

from ..auth import Clock, format_timestamp
from .errors import ApiError, DeviceNotFound, DuplicateSerialNumber
from .validation import MAX_METRIC_KEYS, MAX_METRICS_BYTES, metrics_size

__all__ = ["DEFAULT_MAX_REQUESTS", "Device", "RequestRecord", "SandboxState", "utc_now"]

DEFAULT_MAX_REQUESTS = 10_000


def _check_merged_metrics(metrics: Mapping[str, Any]) -> None:
    """422 when merging would make a device's metrics exceed the bounds of one update's: a
    device's record must not grow with every update that adds a new key."""
    if len(metrics) > MAX_METRIC_KEYS:
        raise ApiError(
            422,
            "too_many_metrics",
            f"the device would have {len(metrics)} metric keys; at most {MAX_METRIC_KEYS}",
            field="metrics",
        )
    if metrics_size(metrics) > MAX_METRICS_BYTES:
        raise ApiError(
            422,
            "metrics_too_large",
            f"the device's metrics would take more than {MAX_METRICS_BYTES} bytes as JSON",
            field="metrics",
        )


def utc_now() -> dt.datetime:
    """The default clock for timestamps and signature freshness."""
    return dt.datetime.now(dt.UTC)


@dataclasses.dataclass(frozen=True)
class Device:
    """One provisioned device. Frozen: an update replaces it, so snapshots never change."""

    id: str
    model: str
    serial_number: str
    status: str
    registered_at: dt.datetime
    location: str | None = None
    metrics: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    status_updated_at: dt.datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """The wire form: the spec's PrintDevice plus the extra fields the sandbox reports."""
        body: dict[str, Any] = {
            "id": self.id,
            "model": self.model,
            "serialNumber": self.serial_number,
            "status": self.status,
            "registeredAt": format_timestamp(self.registered_at),
        }
        if self.location is not None:
            body["location"] = self.location
        if self.metrics:
            body["metrics"] = dict(self.metrics)
        if self.status_updated_at is not None:
            body["statusUpdatedAt"] = format_timestamp(self.status_updated_at)
        return body


@dataclasses.dataclass(frozen=True)
class RequestRecord:
    """One request the sandbox saw. ``status`` is ``None`` when the connection was dropped."""

    method: str
    path: str
    route: str
    status: int | None
    request_id: str


class SandboxState:
    """Devices by id, in registration order, plus the log of the last ``max_requests`` requests."""

    def __init__(
        self,
        *,
        clock: Clock = utc_now,
        seed: int | None = None,
        max_requests: int = DEFAULT_MAX_REQUESTS,
    ) -> None:
        if isinstance(max_requests, bool) or not isinstance(max_requests, int) or max_requests < 1:
            raise ValueError(f"max_requests must be an int >= 1, got {max_requests!r}")
        self.clock = clock
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._devices: dict[str, Device] = {}
        self._requests: deque[RequestRecord] = deque(maxlen=max_requests)
        self._requests_seen = 0

    # Devices

    @property
    def devices(self) -> dict[str, Device]:
        """A snapshot of every device by id, in registration order."""
        with self._lock:
            return dict(self._devices)

    def device(self, device_id: str) -> Device:
        with self._lock:
            try:
                return self._devices[device_id]
            except KeyError:
                raise DeviceNotFound(device_id) from None

    def list_devices(self) -> list[Device]:
        with self._lock:
            return list(self._devices.values())

    def provision(
        self,
        *,
        model: str,
        serial_number: str,
        location: str | None = None,
        device_id: str | None = None,
    ) -> Device:
        """Register a device; also how tests preload the sandbox.

        ``device_id`` lets a test choose the id (say one with ``/`` or spaces, to exercise a
        client's path encoding); the HTTP API always generates one.
        """
        with self._lock:
            if device_id is not None and device_id in self._devices:
                raise ValueError(f"a device with id {device_id!r} already exists")
            for existing in self._devices.values():
                if existing.serial_number == serial_number:
                    raise DuplicateSerialNumber(serial_number, existing.id)
            device = Device(
                id=self._new_id() if device_id is None else device_id,
                model=model,
                serial_number=serial_number,
                status="REGISTERED",
                registered_at=self.clock(),
                location=location,
            )
            self._devices[device.id] = device
            return device

    def update_status(
        self,
        device_id: str,
        *,
        status: str | None = None,
        metrics: Mapping[str, Any] | None = None,
    ) -> Device:
        """Apply a status report: a new status if given, metrics merged key by key."""
        with self._lock:
            try:
                current = self._devices[device_id]
            except KeyError:
                raise DeviceNotFound(device_id) from None
            merged = {**current.metrics, **(metrics or {})}
            _check_merged_metrics(merged)
            updated = dataclasses.replace(
                current,
                status=current.status if status is None else status,
                metrics=merged,
                status_updated_at=self.clock(),
            )
            self._devices[device_id] = updated
            return updated

    def _new_id(self) -> str:
        # Seedable, so a run with a fixed seed produces the same ids; retried on the rare clash.
        while True:
            candidate = f"dev-{self._rng.getrandbits(48):012x}"
            if candidate not in self._devices:
                return candidate

    # Request log

    def record_request(self, record: RequestRecord) -> None:
        with self._lock:
            self._requests.append(record)  # the oldest falls out once max_requests are kept
            self._requests_seen += 1

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of the requests kept (the last ``max_requests``), oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def requests_seen(self) -> int:
        """Every request recorded since the start (or the last reset), kept or not."""
        with self._lock:
            return self._requests_seen

    @property
    def request_counts(self) -> Counter[tuple[str, int | None]]:
        """How many of the kept requests each ``(route, status)`` pair got, e.g.
        ``("POST /devices", 201)``."""
        with self._lock:
            return Counter((r.route, r.status) for r in self._requests)

    def count(self, route: str) -> int:
        """Kept requests on ``route`` (``"PUT /devices/{deviceId}/status"``), any outcome."""
        with self._lock:
            return sum(1 for r in self._requests if r.route == route)

    def reset(self) -> None:
        """Forget every device and request, for reusing one server across tests."""
        with self._lock:
            self._devices.clear()
            self._requests.clear()
            self._requests_seen = 0
