"""``client.devices``: the Device API's operations with keyword arguments that are checked.

Each method builds its request with the generated operation, so paths and bodies always follow
the spec, and sends it through :meth:`PrintOSClient.call` for auth, retries and typed errors.
What this module adds is the calling convention: plain keyword arguments validated before
anything is sent, ``list()``/``iter()`` that follow pages, and the results as generated models.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

import httpx

from . import _generated as gen
from . import _validate as check
from .client import Timeout
from .errors import InvalidArgumentError, ResponseValidationError
from .pagination import Page, next_link, paginate

if TYPE_CHECKING:
    from .bulk import ProvisionInput, ProvisionResults, StatusUpdateInput, StatusUpdateResults
    from .client import PrintOSClient

__all__ = ["MAX_PAGE_SIZE", "Devices"]

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100


def _device_key(device: gen.PrintDevice) -> str | None:
    return device.id if isinstance(device.id, str) else None


class Devices:
    """Operations on print devices. Get it as ``client.devices``."""

    def __init__(self, client: PrintOSClient) -> None:
        self._client = client

    async def list(
        self, *, max_retries: int | None = None, timeout: Timeout | None = None
    ) -> list[gen.PrintDevice]:
        """All provisioned devices (``listDevices``), following next links if the server pages."""
        fetch = self._pages(None, max_retries=max_retries, timeout=timeout)
        first = await fetch(None)
        if first.next_url is None:  # the usual case: one request, no paging machinery
            return list(first.items)
        return [device async for device in paginate(fetch, key=_device_key, first=first)]

    def iter(
        self,
        *,
        page_size: int | None = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        max_retries: int | None = None,
        timeout: Timeout | None = None,
    ) -> AsyncIterator[gen.PrintDevice]:
        """``async for device in client.devices.iter(page_size=100, max_items=None)``.

        Requests pages of ``page_size`` devices (1 to 1000; None sends no paging parameters) and
        yields each device once, up to ``max_items``. See :mod:`printos_ext.pagination` for the
        paging contract and its safeguards. Arguments are checked here, before iteration starts.
        """
        size = check.optional_count("page_size", page_size, minimum=1, maximum=MAX_PAGE_SIZE)
        limit = check.optional_count("max_items", max_items, minimum=1)
        fetch = self._pages(size, max_retries=max_retries, timeout=timeout)
        return paginate(fetch, key=_device_key, max_items=limit)

    def _pages(
        self, page_size: int | None, *, max_retries: int | None, timeout: Timeout | None
    ) -> Callable[[httpx.URL | None], Awaitable[Page[gen.PrintDevice]]]:
        """A page fetcher: the first page (None) with paging parameters, or a next link's URL."""
        params = {"limit": page_size, "offset": 0} if page_size is not None else None

        async def fetch(url: httpx.URL | None) -> Page[gen.PrintDevice]:
            parsed, response = await self._client.call(
                gen.list_devices,
                gen.list_devices._get_kwargs(),
                url=url,
                params=params if url is None else None,
                max_retries=max_retries,
                timeout=timeout,
            )
            if parsed is None:  # a success status the spec does not document (204, 202...)
                raise ResponseValidationError(
                    response=response,
                    field="",
                    reason=f"status {response.status_code} is not the documented 200",
                    operation="list_devices",
                )
            body: gen.PrintDeviceList = parsed
            items = body.devices if isinstance(body.devices, list) else []
            return Page(items=items, url=response.request.url, next_url=next_link(response))

        return fetch

    async def provision(
        self,
        *,
        model: str,
        serial_number: str,
        location: str | None = None,
        max_retries: int | None = None,
        timeout: Timeout | None = None,
    ) -> gen.PrintDevice:
        """Register a device (``provisionDevice``) and return it with its ``id``.

        Not retried once the request may have reached the server (a repeat could provision
        twice or answer 409), unless the client's RetryPolicy has ``retry_non_idempotent=True``.
        """
        body = build_provision_request(model=model, serial_number=serial_number, location=location)
        parsed, response = await self._client.call(
            gen.provision_device,
            gen.provision_device._get_kwargs(body=body),
            max_retries=max_retries,
            timeout=timeout,
        )
        if parsed is None:  # a success status the spec does not document
            raise ResponseValidationError(
                response=response,
                field="",
                reason=f"status {response.status_code} is not the documented 201",
                operation="provision_device",
            )
        device: gen.PrintDevice = parsed
        return device

    async def update_status(
        self,
        device_id: str,
        *,
        status: str | None = None,
        pages_total: int | None = None,
        ink_level: float | None = None,
        max_retries: int | None = None,
        timeout: Timeout | None = None,
    ) -> None:
        """Report a device's status and/or metrics (``updateDeviceStatus``).

        ``pages_total`` is the lifetime page count (an int >= 0), ``ink_level`` a percentage from
        0 to 100. At least one of the three must be given. Safe to retry: it sets state.
        """
        body = build_status_update(status=status, pages_total=pages_total, ink_level=ink_level)
        await self._client.call(
            gen.update_device_status,
            gen.update_device_status._get_kwargs(check.text("device_id", device_id), body=body),
            max_retries=max_retries,
            timeout=timeout,
        )

    async def provision_many(
        self,
        requests: Iterable[ProvisionInput],
        *,
        concurrency: int = 10,
        max_retries: int | None = None,
        timeout: Timeout | None = None,
    ) -> ProvisionResults:
        """Provision many devices, ``concurrency`` requests at a time, over one connection pool.

        ``requests`` are :class:`~printos_ext.bulk.ProvisionRequest` objects or mappings with the
        same keys. Returns one :class:`~printos_ext.bulk.BulkResult` per request, in input order;
        a failed or invalid item never fails the batch. See :mod:`printos_ext.bulk`.
        """
        from .bulk import provision_many  # here, not at the top: bulk.py imports this module

        return await provision_many(
            self, requests, concurrency=concurrency, max_retries=max_retries, timeout=timeout
        )

    async def update_status_many(
        self,
        updates: Iterable[StatusUpdateInput],
        *,
        concurrency: int = 10,
        max_retries: int | None = None,
        timeout: Timeout | None = None,
    ) -> StatusUpdateResults:
        """Send many status updates, ``concurrency`` at a time, over one connection pool.

        ``updates`` are :class:`~printos_ext.bulk.StatusUpdate` objects or mappings with the same
        keys. Returns one :class:`~printos_ext.bulk.BulkResult` per update, in input order; a
        failed or invalid item never fails the batch. See :mod:`printos_ext.bulk`.
        """
        from .bulk import update_status_many  # here, not at the top: bulk.py imports this module

        return await update_status_many(
            self, updates, concurrency=concurrency, max_retries=max_retries, timeout=timeout
        )


def build_provision_request(
    *, model: str, serial_number: str, location: str | None
) -> gen.DeviceProvisionRequest:
    """The ``DeviceProvisionRequest`` body for the given values, checked."""
    return gen.DeviceProvisionRequest(
        model=check.text("model", model),
        serial_number=check.text("serial_number", serial_number),
        location=gen.UNSET if location is None else check.text("location", location),
    )


def build_status_update(
    *, status: str | None, pages_total: int | None, ink_level: float | None
) -> gen.DeviceStatusUpdate:
    """The ``DeviceStatusUpdate`` body for the given values, checked; omitted values stay unset."""
    if status is None and pages_total is None and ink_level is None:
        raise InvalidArgumentError(
            "nothing to update: give at least one of status, pages_total, ink_level"
        )
    metrics: gen.DeviceStatusUpdateMetrics | gen.Unset = gen.UNSET
    if pages_total is not None or ink_level is not None:
        metrics = gen.DeviceStatusUpdateMetrics(
            pages_total=gen.UNSET
            if pages_total is None
            else check.count("pages_total", pages_total),
            ink_level=gen.UNSET if ink_level is None else check.percentage("ink_level", ink_level),
        )
    return gen.DeviceStatusUpdate(
        status=gen.UNSET if status is None else check.text("status", status), metrics=metrics
    )
