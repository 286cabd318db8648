"""The pytest plugin: fixtures that put your code's PrintOS calls on an in-process sandbox.

Registered through the ``pytest11`` entry point ``printos``, so installing the SDK (with the
``sandbox`` extra, which the fixtures need) makes them available to every test suite:

* ``printos_sandbox``: a fresh :class:`~printos_ext.sandbox.Sandbox` per test: preload devices
  with ``printos_sandbox.state.provision(model=..., serial_number=...)``, read what your code sent
  in ``printos_sandbox.state.requests``, script failures with ``printos_sandbox.faults``
  (``fail_next``, ``rate_limit_burst``, ``drop_next``, ``latency``...). Device ids are
  deterministic (a seeded generator).
* ``printos_client``: a :class:`~printos_ext.PrintOSClient` wired to it through
  ``httpx.ASGITransport``; works in any async test (anyio on asyncio or trio, pytest-asyncio).
* ``sync_printos_client``: a :class:`~printos_ext.SyncPrintOSClient` wired to it through
  :class:`~printos_ext.testing.SyncASGITransport`.

Both clients ignore ``PRINTOS_*`` environment variables (a developer's real credentials never
reach a test) and retry without waiting out the backoff, so a scripted 503 costs no time. No
sockets are opened. This module imports nothing but pytest until a fixture is used, so the
plugin costs a test suite that does not use it nothing, and needs no Starlette.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .._sync.client import SyncPrintOSClient
    from ..client import PrintOSClient
    from ..sandbox import Sandbox

__all__ = ["printos_client", "printos_sandbox", "sync_printos_client"]

SANDBOX_URL = "http://printos.sandbox.test"
"""The base URL the fixtures' clients use; nothing resolves it, the transport answers in process."""


@pytest.fixture
def printos_sandbox() -> Sandbox:
    """A fresh in-memory PrintOS for this test (no auth, deterministic device ids)."""
    from ..sandbox import Sandbox, SandboxState

    return Sandbox(state=SandboxState(seed=0))


@pytest.fixture
def printos_client(printos_sandbox: Sandbox) -> PrintOSClient:
    """An async ``PrintOSClient`` whose requests the ``printos_sandbox`` answers, in process."""
    import httpx

    from ..client import PrintOSClient
    from . import no_wait

    # The in-process transport holds no connection, so there is nothing to close afterwards:
    # a plain fixture, usable from any async test runner.
    return PrintOSClient(
        base_url=SANDBOX_URL,
        transport=httpx.ASGITransport(app=printos_sandbox),
        environ={},
        allow_unauthenticated=True,  # the sandbox checks no credentials
        sleep=no_wait,
    )


@pytest.fixture
def sync_printos_client(printos_sandbox: Sandbox) -> Iterator[SyncPrintOSClient]:
    """A ``SyncPrintOSClient`` whose requests the ``printos_sandbox`` answers, in process."""
    from .._sync.client import SyncPrintOSClient
    from .transport import SyncASGITransport

    with SyncPrintOSClient(
        base_url=SANDBOX_URL,
        transport=SyncASGITransport(printos_sandbox),
        environ={},
        allow_unauthenticated=True,
        sleep=lambda seconds: None,
    ) as client:
        yield client
