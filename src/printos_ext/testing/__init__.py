"""Test your code that uses the SDK: an in-process sandbox, model factories, pytest fixtures.

* :mod:`printos_ext.testing.plugin` (loaded by pytest automatically): the ``printos_sandbox``,
  ``printos_client`` and ``sync_printos_client`` fixtures.
* :mod:`printos_ext.testing.factories`: ``make_device(**fields)`` and a ``make_<model>`` for
  every generated model, schema-valid.
* :class:`SyncASGITransport`: an httpx transport running an ASGI app (the sandbox) for a sync
  client, without sockets; async clients use ``httpx.ASGITransport``.

Nothing here imports Starlette: only the sandbox itself (``printos_ext.sandbox``, the ``sandbox``
extra) does.
"""

from __future__ import annotations

import anyio
import anyio.lowlevel

from .factories import make, make_device, reset_sequence
from .transport import SyncASGITransport

__all__ = ["SyncASGITransport", "make", "make_device", "no_wait", "reset_sequence"]


async def no_wait(seconds: float) -> None:
    """A client ``sleep=`` that skips retry backoff but still yields to the event loop."""
    await anyio.lowlevel.checkpoint()
