"""Many provisions or status updates at once, with bounded concurrency and per-item results.

``client.devices.provision_many(requests)`` and ``client.devices.update_status_many(updates)``
run the single-item operations side by side over the client's one connection pool, so every
request still gets the client's auth, retries and typed errors. What this module adds:

* Bounded concurrency: at most ``concurrency`` requests in flight, whatever the batch size (a
  fixed pool of ``concurrency`` workers however long the batch is: tasks in one anyio task group
  for the async client, so it runs on asyncio and trio alike; threads for the sync one).
* Per-item outcomes: a batch never fails because one item did. Each item gets a
  :class:`BulkResult` (its value or its :class:`~printos_ext.errors.PrintOSError`), in input
  order. An item whose request fails with an exception outside the typed model (a bug in an
  auth or transport you plugged in, say) gets an :class:`~printos_ext.errors.UnexpectedError`
  result with that exception as its cause: it does not cancel the other items. Only errors
  that are not about one item propagate: a non-iterable batch or a bad ``concurrency`` (raised
  before anything is sent), and cancellation.
* Validation first: every item is checked (with the same rules as the single-item methods)
  before any request is sent; an invalid item becomes an
  :class:`~printos_ext.errors.InvalidArgumentError` result and is never sent.

Items are :class:`ProvisionRequest` / :class:`StatusUpdate`, or plain mappings with the same
keys (``{"device_id": "d1", "status": "READY"}``), which is convenient for rows read from a file.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

import attrs

from . import _async_io as io
from . import _generated as gen
from . import _validate as check
from .client import Timeout
from .devices import build_provision_request, build_status_update
from .errors import InvalidArgumentError, PrintOSError, UnexpectedError

if TYPE_CHECKING:
    from .devices import Devices

__all__ = [
    "DEFAULT_CONCURRENCY",
    "BulkResult",
    "ProvisionInput",
    "ProvisionRequest",
    "ProvisionResults",
    "StatusUpdate",
    "StatusUpdateInput",
    "StatusUpdateResults",
    "provision_many",
    "update_status_many",
]

DEFAULT_CONCURRENCY = 10

InputT = TypeVar("InputT")
ValueT = TypeVar("ValueT")
ItemT = TypeVar("ItemT")


@attrs.frozen
class ProvisionRequest:
    """One device to provision; the arguments of :meth:`Devices.provision`.

    Not validated on construction, so that one bad row becomes one failed result of the batch
    rather than an exception while the batch is being built.
    """

    model: str
    serial_number: str
    location: str | None = None


@attrs.frozen
class StatusUpdate:
    """One status report; the arguments of :meth:`Devices.update_status`.

    Not validated on construction (see :class:`ProvisionRequest`).
    """

    device_id: str
    status: str | None = None
    pages_total: int | None = None
    ink_level: float | None = None


ProvisionInput: TypeAlias = ProvisionRequest | Mapping[str, Any]
StatusUpdateInput: TypeAlias = StatusUpdate | Mapping[str, Any]


@attrs.frozen
class BulkResult(Generic[InputT, ValueT]):
    """The outcome of one item: ``value`` on success, else ``error``.

    ``input`` is the item exactly as it was given (the same object), so results can be matched
    back to whatever produced them. ``value`` is None for operations that return nothing
    (status updates), so test ``ok``, not ``value``.
    """

    input: InputT
    value: ValueT | None = None
    error: PrintOSError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


ProvisionResults: TypeAlias = list[BulkResult[ProvisionInput, gen.PrintDevice]]
StatusUpdateResults: TypeAlias = list[BulkResult[StatusUpdateInput, None]]


def _from_mapping(cls: type[ItemT], item: Mapping[str, Any]) -> ItemT:
    """``cls(**item)``, with unknown or missing keys reported as InvalidArgumentError."""
    fields = attrs.fields_dict(cls)  # type: ignore[arg-type]
    unknown = sorted(str(key) for key in item if key not in fields)
    if unknown:
        raise InvalidArgumentError(
            f"unknown key(s) for {cls.__name__}: {', '.join(unknown)} "
            f"(expected some of: {', '.join(fields)})"
        )
    missing = [
        name for name, f in fields.items() if f.default is attrs.NOTHING and name not in item
    ]
    if missing:
        raise InvalidArgumentError(f"{cls.__name__} is missing {', '.join(missing)}")
    return cls(**item)


def _coerce(cls: type[ItemT], item: object) -> ItemT:
    if isinstance(item, cls):
        return item
    if isinstance(item, Mapping):
        return _from_mapping(cls, item)
    raise InvalidArgumentError(
        f"each item must be a {cls.__name__} or a mapping, got {type(item).__name__}"
    )


def _checked_provision(item: object) -> ProvisionRequest:
    request = _coerce(ProvisionRequest, item)
    build_provision_request(
        model=request.model, serial_number=request.serial_number, location=request.location
    )
    return request


def _checked_update(item: object) -> StatusUpdate:
    update = _coerce(StatusUpdate, item)
    check.text("device_id", update.device_id)
    build_status_update(
        status=update.status, pages_total=update.pages_total, ink_level=update.ink_level
    )
    return update


def _batch(items: object, what: str) -> list[Any]:
    # A str or a single mapping is iterable too, but iterating it would make nonsense items.
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise InvalidArgumentError(
            f"{what} must be an iterable of items (a list, a generator...), "
            f"got {type(items).__name__}"
        )
    return list(items)


async def _run_all(
    items: list[InputT],
    prepare: Callable[[object], ItemT],
    call: Callable[[ItemT], Awaitable[ValueT]],
    concurrency: int,
) -> list[BulkResult[InputT, ValueT]]:
    """Validate every item, then ``call`` the valid ones, ``concurrency`` at a time."""
    results: list[BulkResult[InputT, ValueT] | None] = [None] * len(items)
    ready: list[tuple[int, ItemT]] = []
    for index, item in enumerate(items):
        try:
            ready.append((index, prepare(item)))
        except PrintOSError as exc:
            results[index] = BulkResult(input=item, error=exc)

    async def worker(queue: Iterator[tuple[int, ItemT]]) -> None:
        # Workers share one iterator; next() never awaits (and is atomic for threads), so no two
        # take the same item.
        for index, prepared in queue:
            try:
                value = await call(prepared)
            except PrintOSError as exc:
                results[index] = BulkResult(input=items[index], error=exc)
            except Exception as exc:  # one item's bug must not cancel the other workers
                error = UnexpectedError(f"item {index}", exc)
                results[index] = BulkResult(input=items[index], error=error)
            else:
                results[index] = BulkResult(input=items[index], value=value)

    await io.run_workers(min(concurrency, len(ready)), worker, iter(ready))
    return [result for result in results if result is not None]


async def provision_many(
    devices: Devices,
    requests: Iterable[ProvisionInput],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    max_retries: int | None = None,
    timeout: Timeout | None = None,
) -> ProvisionResults:
    """Provision each request; see :meth:`Devices.provision_many`."""
    limit = check.count("concurrency", concurrency, minimum=1)
    batch: list[ProvisionInput] = _batch(requests, "requests")

    async def call(request: ProvisionRequest) -> gen.PrintDevice:
        return await devices.provision(
            model=request.model,
            serial_number=request.serial_number,
            location=request.location,
            max_retries=max_retries,
            timeout=timeout,
        )

    return await _run_all(batch, _checked_provision, call, limit)


async def update_status_many(
    devices: Devices,
    updates: Iterable[StatusUpdateInput],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    max_retries: int | None = None,
    timeout: Timeout | None = None,
) -> StatusUpdateResults:
    """Send each status update; see :meth:`Devices.update_status_many`."""
    limit = check.count("concurrency", concurrency, minimum=1)
    batch: list[StatusUpdateInput] = _batch(updates, "updates")

    async def call(update: StatusUpdate) -> None:
        await devices.update_status(
            update.device_id,
            status=update.status,
            pages_total=update.pages_total,
            ink_level=update.ink_level,
            max_retries=max_retries,
            timeout=timeout,
        )

    return await _run_all(batch, _checked_update, call, limit)
