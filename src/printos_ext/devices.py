"""``client.devices``: the generated ``Devices`` resource, with the SDK's calling conventions.

Every operation of the spec's Devices tag is a method of the generated resource (an operation the
spec adds appears here after regeneration, with no edit). This subclass overrides only where its
convention is better for people who integrate devices, and adds what cannot be generated:

* ``list()`` returns every device as a list, following next links if the server pages;
  ``iter()`` yields them page by page (see :mod:`printos_ext.pagination`);
* ``provision(model=, serial_number=, location=)`` checks its arguments before sending and
  insists on the ``id`` in the answer (the spec makes it optional, but a device without one
  cannot be used);
* ``update_status(device_id, status=, pages_total=, ink_level=)`` takes the metrics as plain
  keywords instead of a nested ``metrics=`` model, checked before sending;
* ``provision_many`` / ``update_status_many`` (:mod:`printos_ext.bulk`).

``with_raw_response`` has the same overrides, returning a :class:`RawResponse` whose ``parse()``
gives what the plain method returns.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING

import httpx

from . import _generated as gen
from . import _validate as check
from ._response import RawResponse
from .client import Timeout
from .errors import InvalidArgumentError
from .pagination import Page, next_link, paginate

if TYPE_CHECKING:
    from .bulk import ProvisionInput, ProvisionResults, StatusUpdateInput, StatusUpdateResults
    from .client import PrintOSClient

__all__ = ["MAX_PAGE_SIZE", "Devices", "DevicesWithRawResponse"]

MAX_PAGE_SIZE = 1000
Headers = Mapping[str, str] | None


def _device_key(device: gen.PrintDevice) -> str | None:
    return device.id


def _devices_of(body: gen.PrintDeviceList) -> list[gen.PrintDevice]:
    return body.devices if body.devices is not None else []


def _with_id(device: gen.PrintDevice) -> gen.PrintDevice:
    if not device.id:
        raise gen.DecodeError(("id",), "the provisioned device has no id, so it cannot be used")
    return device


class DevicesWithRawResponse(gen.DevicesWithRawResponse):
    """``client.devices.with_raw_response``: each method returns the response of its request."""

    def __init__(self, client: PrintOSClient) -> None:
        super().__init__(client)
        self._printos = client

    # The overrides take other arguments and return other models than the generated methods: a
    # deliberate change of calling convention, not an accident of typing.
    async def list(  # type: ignore[override]
        self,
        *,
        extra_headers: Headers = None,
        max_retries: int | None = None,
        timeout: Timeout | None = None,
    ) -> RawResponse[list[gen.PrintDevice]]:
        """One ``listDevices`` request; ``parse()`` gives its devices (a page, when paged)."""
        response = await self._printos.send_operation(
            gen.list_devices.OPERATION,
            gen.list_devices._get_kwargs(),
            extra_headers=extra_headers,
            max_retries=max_retries,
            timeout=timeout,
        )
        return response.with_parser(_devices_of)

    async def provision(  # type: ignore[override]
        self,
        *,
        model: str,
        serial_number: str,
        location: str | None = None,
        extra_headers: Headers = None,
        max_retries: int | None = None,
        timeout: Timeout | None = None,
    ) -> RawResponse[gen.PrintDevice]:
        """``provisionDevice``; ``parse()`` gives the device, and insists it has an ``id``."""
        body = build_provision_request(model=model, serial_number=serial_number, location=location)
        response = await self._printos.send_operation(
            gen.provision_device.OPERATION,
            gen.provision_device._get_kwargs(body=body),
            extra_headers=extra_headers,
            max_retries=max_retries,
            timeout=timeout,
        )
        return response.with_parser(_with_id)

    async def update_status(  # type: ignore[override]
        self,
        device_id: str,
        *,
        status: str | None = None,
        pages_total: int | None = None,
        ink_level: float | None = None,
        extra_headers: Headers = None,
        max_retries: int | None = None,
        timeout: Timeout | None = None,
    ) -> RawResponse[None]:
        """``updateDeviceStatus`` with the metrics as keywords; ``parse()`` gives None."""
        body = build_status_update(status=status, pages_total=pages_total, ink_level=ink_level)
        return await self._printos.send_operation(
            gen.update_device_status.OPERATION,
            gen.update_device_status._get_kwargs(check.text("device_id", device_id), body=body),
            extra_headers=extra_headers,
            max_retries=max_retries,
            timeout=timeout,
        )


class Devices(gen.Devices):
    """Operations on print devices. Get it as ``client.devices``."""

    def __init__(self, client: PrintOSClient) -> None:
        super().__init__(client)
        self._printos = client

    @functools.cached_property
    def with_raw_response(self) -> DevicesWithRawResponse:
        """The same methods, each returning the response (status, headers, request id)."""
        return DevicesWithRawResponse(self._printos)

    async def list(  # type: ignore[override]
        self,
        *,
        extra_headers: Headers = None,
        max_retries: int | None = None,
        timeout: Timeout | None = None,
    ) -> list[gen.PrintDevice]:
        """All provisioned devices (``listDevices``), following next links if the server pages."""
        fetch = self._pages(None, extra_headers, max_retries=max_retries, timeout=timeout)
        first = await fetch(None)
        if first.next_url is None:  # the usual case: one request, no paging machinery
            return [*first.items]
        return [device async for device in paginate(fetch, key=_device_key, first=first)]

    def iter(
        self,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
        extra_headers: Headers = None,
        max_retries: int | None = None,
        timeout: Timeout | None = None,
    ) -> AsyncIterator[gen.PrintDevice]:
        """``async for device in client.devices.iter(page_size=None, max_items=None)``.

        Follows the server's next links and yields each device once, up to ``max_items``. The
        spec declares no paging parameters, so by default none are sent; ``page_size`` (1 to
        1000) asks for pages with ``limit=<page_size>&offset=0``, the contract in
        :mod:`printos_ext.pagination`. Arguments are checked here, before iteration starts.
        """
        size = check.optional_count("page_size", page_size, minimum=1, maximum=MAX_PAGE_SIZE)
        limit = check.optional_count("max_items", max_items, minimum=1)
        fetch = self._pages(size, extra_headers, max_retries=max_retries, timeout=timeout)
        return paginate(fetch, key=_device_key, max_items=limit)

    def _pages(
        self,
        page_size: int | None,
        extra_headers: Headers,
        *,
        max_retries: int | None,
        timeout: Timeout | None,
    ) -> Callable[[httpx.URL | None], Awaitable[Page[gen.PrintDevice]]]:
        """A page fetcher: the first page (None) with paging parameters, or a next link's URL."""
        params = {"limit": page_size, "offset": 0} if page_size is not None else None
        kwargs = gen.list_devices._get_kwargs()

        async def fetch(url: httpx.URL | None) -> Page[gen.PrintDevice]:
            response = await self._printos.send_operation(
                gen.list_devices.OPERATION,
                kwargs,
                url=url,
                params=params if url is None else None,
                extra_headers=extra_headers,
                max_retries=max_retries,
                timeout=timeout,
            )
            http = response.http_response
            items = _devices_of(response.parse())
            return Page(items=items, url=http.request.url, next_url=next_link(http))

        return fetch

    async def provision(  # type: ignore[override]
        self,
        *,
        model: str,
        serial_number: str,
        location: str | None = None,
        extra_headers: Headers = None,
        max_retries: int | None = None,
        timeout: Timeout | None = None,
    ) -> gen.PrintDevice:
        """Register a device (``provisionDevice``) and return it with its ``id``.

        Raises ResponseValidationError when the answer has no ``id``. Not retried once the
        request may have reached the server (a repeat could provision twice or answer 409),
        unless the client's RetryPolicy has ``retry_non_idempotent=True``.
        """
        response = await self.with_raw_response.provision(
            model=model,
            serial_number=serial_number,
            location=location,
            extra_headers=extra_headers,
            max_retries=max_retries,
            timeout=timeout,
        )
        return response.parse()

    async def update_status(  # type: ignore[override]
        self,
        device_id: str,
        *,
        status: str | None = None,
        pages_total: int | None = None,
        ink_level: float | None = None,
        extra_headers: Headers = None,
        max_retries: int | None = None,
        timeout: Timeout | None = None,
    ) -> None:
        """Report a device's status and/or metrics (``updateDeviceStatus``).

        ``pages_total`` is the lifetime page count (an int >= 0), ``ink_level`` a percentage from
        0 to 100. At least one of the three must be given. Safe to retry: it sets state.
        """
        response = await self.with_raw_response.update_status(
            device_id,
            status=status,
            pages_total=pages_total,
            ink_level=ink_level,
            extra_headers=extra_headers,
            max_retries=max_retries,
            timeout=timeout,
        )
        response.parse()

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
        location=None if location is None else check.text("location", location),
    )


def build_status_update(
    *, status: str | None, pages_total: int | None, ink_level: float | None
) -> gen.DeviceStatusUpdate:
    """The ``DeviceStatusUpdate`` body for the given values, checked; omitted values stay out."""
    if status is None and pages_total is None and ink_level is None:
        raise InvalidArgumentError(
            "nothing to update: give at least one of status, pages_total, ink_level"
        )
    metrics = None
    if pages_total is not None or ink_level is not None:
        metrics = gen.DeviceStatusUpdateMetrics(
            pages_total=None if pages_total is None else check.count("pages_total", pages_total),
            ink_level=None if ink_level is None else check.percentage("ink_level", ink_level),
        )
    return gen.DeviceStatusUpdate(
        status=None if status is None else check.text("status", status), metrics=metrics
    )
