"""Any method many times (``client.<tag>.<method>_many(items)``): bounded concurrency, each item
checked first, one result per item in input order. See docs/bulk-and-paging.md."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from typing import Any, Generic, NoReturn, TypeVar

import attrs
import httpx

from . import _async_io as io
from . import _validate as check
from ._transport_errors import built
from .errors import InvalidArgumentError, PrintOSError, UnexpectedError

__all__ = [
    "DEFAULT_CONCURRENCY",
    "BulkResult",
    "ProvisionRequest",
    "StatusUpdate",
    "check_call",
    "run_many",
]

DEFAULT_CONCURRENCY = 10

InputT = TypeVar("InputT")
ValueT = TypeVar("ValueT")


@attrs.frozen
class ProvisionRequest:
    """One device to provision: the arguments of ``client.devices.provision``, not validated (so
    that one bad row becomes one failed result rather than an exception)."""

    model: str
    serial_number: str
    location: str | None = None


@attrs.frozen
class StatusUpdate:
    """One status report: the arguments of ``client.devices.update_status``, not validated."""

    device_id: str
    status: str | None = None
    pages_total: int | None = None
    ink_level: float | None = None


@attrs.frozen
class BulkResult(Generic[InputT, ValueT]):
    """One item's outcome: ``value``, or ``error`` if it failed; test ``ok`` (value may be None)."""

    input: InputT
    value: ValueT | None = None
    error: PrintOSError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class _Built(Exception):
    """The dry-run transport has built the request: the call stops there, nothing is sent."""


class _DryRun:
    """A ``Transport`` that builds each request (running every argument check) and sends none."""

    def request(self, operation: Any, build: Callable[[], Any], **_: Any) -> NoReturn:
        built(operation, build)
        raise _Built

    paginate = request


def check_call(method: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> None:
    """Check ``method(*args, **kwargs)``'s arguments as the call would, sending nothing: the same
    method, bound to a transport that only builds requests, runs to completion at once."""
    resource = getattr(method, "__self__", None)
    if resource is None:
        raise InvalidArgumentError(f"{method!r} is not a method of a resource")
    dry = getattr(type(resource)(_DryRun()), method.__name__)
    try:
        io.complete_now(dry, *args, **kwargs)
    except _Built:
        pass
    except TypeError as exc:  # unknown or missing arguments
        raise InvalidArgumentError(str(exc)) from None


def _arguments(item: object) -> dict[str, Any]:
    if isinstance(item, Mapping):
        keys = [key for key in item if not isinstance(key, str)]
        if keys:
            raise InvalidArgumentError(f"item keys must be str, got {type(keys[0]).__name__}")
        return dict(item)
    if attrs.has(type(item)):
        return attrs.asdict(item, recurse=False, filter=lambda field, _: field.init)  # type: ignore[arg-type]
    raise InvalidArgumentError(
        f"each item must be a mapping or an attrs instance (such as StatusUpdate), "
        f"got {type(item).__name__}"
    )


def _failed(item: object, index: int, exc: Exception) -> BulkResult[Any, Any]:
    # Anything but a PrintOSError is a bug of a plugged-in auth, transport or check: it becomes
    # this item's UnexpectedError rather than cancelling the other items.
    error = exc if isinstance(exc, PrintOSError) else UnexpectedError(f"item {index}", exc)
    return BulkResult(input=item, error=error)


async def run_many(
    method: Callable[..., Awaitable[ValueT]],
    items: Iterable[Any],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    max_retries: int | None = None,
    timeout: float | httpx.Timeout | None = None,
) -> list[BulkResult[Any, ValueT]]:
    """``method(**arguments)`` per item, ``concurrency`` at a time. See docs/bulk-and-paging.md."""
    limit = check.count("concurrency", concurrency, minimum=1)
    # A str or a single mapping is iterable too, but iterating it would make nonsense items.
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise InvalidArgumentError(
            "the batch must be an iterable of items (a list, a generator...), "
            f"got {type(items).__name__}"
        )
    batch = list(items)
    results: list[BulkResult[Any, ValueT] | None] = [None] * len(batch)
    # Items with the same path parameters (one device) form a chain, sent in order by one worker.
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    path = [p.name for p in inspect.signature(method).parameters.values() if p.kind in positional]
    chains: dict[tuple[str, ...] | int, list[tuple[int, dict[str, Any]]]] = {}
    for index, item in enumerate(batch):
        try:
            arguments = _arguments(item)
            check_call(method, **arguments)
        except Exception as exc:
            results[index] = _failed(item, index, exc)
        else:
            key = tuple(repr(arguments.get(name)) for name in path) if path else index
            chains.setdefault(key, []).append((index, arguments))

    async def worker(queue: Iterator[list[tuple[int, dict[str, Any]]]]) -> None:
        # next() on the shared iterator never awaits (and is atomic for threads): no chain twice.
        for chain in queue:
            for index, arguments in chain:
                try:
                    value = await method(**arguments, max_retries=max_retries, timeout=timeout)
                except Exception as exc:
                    results[index] = _failed(batch[index], index, exc)
                else:
                    results[index] = BulkResult(input=batch[index], value=value)

    if chains:  # a pool of no threads is an error (the sync twin's run_workers)
        await io.run_workers(min(limit, len(chains)), worker, iter(chains.values()))
    return [result for result in results if result is not None]
