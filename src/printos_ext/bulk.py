"""Any method many times, with bounded concurrency and per-item results.

``client.<tag>.<method>_many(items)`` (``client.devices.provision_many(requests)``,
``client.devices.update_status_many(updates)``) runs the generated method once per item over the
client's one connection pool, so every request still gets the client's auth, retries and typed
errors. It works for every operation of the spec, with no code per operation. What it adds:

* Bounded concurrency: at most ``concurrency`` requests in flight, whatever the batch size (a
  fixed pool of worker tasks in one anyio task group, so it runs on asyncio and trio alike and
  holds no more than ``concurrency`` tasks however long the batch is).
* Per-item outcomes: a batch never fails because one item did. Each item gets a
  :class:`BulkResult` (its value or its :class:`~printos_ext.errors.PrintOSError`), in input
  order. An item whose request fails with an exception outside the typed model (a bug in an
  auth or transport you plugged in, say) gets an :class:`~printos_ext.errors.UnexpectedError`
  result with that exception as its cause: it does not cancel the other items. Only errors
  that are not about one item propagate: a non-iterable batch or a bad ``concurrency`` (raised
  before anything is sent), and cancellation.
* Validation first: every item is checked before any request is sent, by building its request
  with the method itself (:func:`check_call`: the same checks, no I/O); an invalid item becomes
  an :class:`~printos_ext.errors.InvalidArgumentError` result and is never sent.
* Order per resource: items whose path parameters are the same (updates of one device) are
  sent one after another, in input order, so the last one in the batch is the one the server
  keeps; other items run side by side.

An item is the method's arguments: a mapping (``{"device_id": "d1", "status": "READY"}``,
convenient for rows read from a file) or an attrs instance whose fields are named like them
(:class:`StatusUpdate`, :class:`ProvisionRequest`, or a generated request model).
"""

from __future__ import annotations

import inspect
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Hashable,
    Iterable,
    Iterator,
    Mapping,
)
from typing import Any, Generic, TypeVar

import anyio
import attrs
import httpx

from . import _generated as gen
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
ItemT = TypeVar("ItemT")
T = TypeVar("T")


@attrs.frozen
class ProvisionRequest:
    """One device to provision: the arguments of ``client.devices.provision``.

    Not validated on construction, so that one bad row becomes one failed result of the batch
    rather than an exception while the batch is being built.
    """

    model: str
    serial_number: str
    location: str | None = None


@attrs.frozen
class StatusUpdate:
    """One status report: the arguments of ``client.devices.update_status``.

    Not validated on construction (see :class:`ProvisionRequest`).
    """

    device_id: str
    status: str | None = None
    pages_total: int | None = None
    ink_level: float | None = None


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


class _Unsent:
    """The response of a request that was built and not sent: it parses to None."""

    status_code = 0
    headers = httpx.Headers()
    request_id = None
    http_response = None

    def parse(self) -> None:
        return None


class _DryRun:
    """A ``Transport`` that builds each request (running every argument check) and sends none."""

    async def request(
        self, operation: gen.Operation[Any], build: Callable[[], dict[str, Any]], **_: Any
    ) -> _Unsent:
        built(operation, build)
        return _Unsent()

    def paginate(
        self, operation: gen.Operation[Any], build: Callable[[], dict[str, Any]], **_: Any
    ) -> Any:
        built(operation, build)
        return _no_items()


async def _no_items() -> AsyncIterator[Any]:
    return
    yield  # an async generator that yields nothing


def check_call(method: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> None:
    """Check ``method(*args, **kwargs)``'s arguments as the call would, sending nothing.

    ``method`` is a method of a generated resource: the same method of the same resource class,
    bound to a transport that only builds requests, runs to completion at once (it never waits).
    Arguments the method does not take are an InvalidArgumentError too.
    """
    resource = getattr(method, "__self__", None)
    if resource is None:
        raise InvalidArgumentError(f"{method!r} is not a method of a resource")
    dry = getattr(type(resource)(_DryRun()), method.__name__)
    try:
        coroutine = dry(*args, **kwargs)
    except TypeError as exc:  # a synchronous method (iter) with unknown or missing arguments
        raise InvalidArgumentError(str(exc)) from None
    try:
        coroutine.send(None)
    except StopIteration:
        return
    except TypeError as exc:  # unknown or missing arguments
        raise InvalidArgumentError(str(exc)) from None
    finally:
        coroutine.close()
    raise RuntimeError(f"{method.__name__} waited for something while only building a request")


def _arguments(item: object) -> dict[str, Any]:
    """The keyword arguments an item stands for."""
    if isinstance(item, Mapping):
        keys = [key for key in item if not isinstance(key, str)]
        if keys:
            raise InvalidArgumentError(f"item keys must be str, got {type(keys[0]).__name__}")
        return dict(item)
    if attrs.has(type(item)):
        fields = attrs.fields(type(item))  # type: ignore[arg-type]
        return {f.name: getattr(item, f.name) for f in fields if f.init}
    raise InvalidArgumentError(
        f"each item must be a mapping or an attrs instance (such as StatusUpdate), "
        f"got {type(item).__name__}"
    )


def _chain_key(method: Callable[..., Awaitable[Any]]) -> Callable[[dict[str, Any]], Hashable]:
    """What makes two items of ``method`` one chain: the same path parameters (the method's
    positional ones, ``device_id``); a method without any sends each item on its own."""
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = [p.name for p in inspect.signature(method).parameters.values() if p.kind in kinds]

    def key(arguments: dict[str, Any]) -> Hashable:
        if not names:
            return id(arguments)
        return tuple(repr(arguments.get(name)) for name in names)

    return key


def _batch(items: object) -> list[Any]:
    # A str or a single mapping is iterable too, but iterating it would make nonsense items.
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise InvalidArgumentError(
            "the batch must be an iterable of items (a list, a generator...), "
            f"got {type(items).__name__}"
        )
    return list(items)


async def _run_all(
    items: list[InputT],
    prepare: Callable[[object], ItemT],
    call: Callable[[ItemT], Awaitable[ValueT]],
    concurrency: int,
    key: Callable[[ItemT], Hashable],
) -> list[BulkResult[InputT, ValueT]]:
    """Validate every item, then ``call`` the valid ones, ``concurrency`` at a time.

    Items with the same ``key`` (one device) form a chain, sent one after another in input
    order by one worker: two updates of a device in one batch cannot overtake each other, so the
    server ends with the last one, as a loop of single calls would. Different keys run side by
    side.
    """
    results: list[BulkResult[InputT, ValueT] | None] = [None] * len(items)
    chains: dict[Hashable, list[tuple[int, ItemT]]] = {}
    for index, item in enumerate(items):
        try:
            prepared = prepare(item)
        except PrintOSError as exc:
            results[index] = BulkResult(input=item, error=exc)
        except Exception as exc:  # a check that failed in an unforeseen way: this item only
            results[index] = BulkResult(input=item, error=UnexpectedError(f"item {index}", exc))
        else:
            chains.setdefault(key(prepared), []).append((index, prepared))

    async def worker(queue: Iterator[list[tuple[int, ItemT]]]) -> None:
        # Workers share one iterator; next() never awaits, so no two take the same chain.
        for chain in queue:
            for index, prepared in chain:
                try:
                    value = await call(prepared)
                except PrintOSError as exc:
                    results[index] = BulkResult(input=items[index], error=exc)
                except Exception as exc:  # one item's bug must not cancel the other workers
                    error = UnexpectedError(f"item {index}", exc)
                    results[index] = BulkResult(input=items[index], error=error)
                else:
                    results[index] = BulkResult(input=items[index], value=value)

    queue = iter(chains.values())
    async with anyio.create_task_group() as tg:
        for _ in range(min(concurrency, len(chains))):
            tg.start_soon(worker, queue)
    return [result for result in results if result is not None]


async def run_many(
    method: Callable[..., Awaitable[T]],
    items: Iterable[Any],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    max_retries: int | None = None,
    timeout: float | httpx.Timeout | None = None,
) -> list[BulkResult[Any, T]]:
    """``method(**arguments)`` for each item; see the module. ``max_retries`` and ``timeout``
    apply to every request."""
    limit = check.count("concurrency", concurrency, minimum=1)
    batch = _batch(items)

    def prepare(item: object) -> dict[str, Any]:
        arguments = _arguments(item)
        check_call(method, **arguments)
        return arguments

    async def call(arguments: dict[str, Any]) -> T:
        return await method(**arguments, max_retries=max_retries, timeout=timeout)

    return await _run_all(batch, prepare, call, limit, _chain_key(method))
