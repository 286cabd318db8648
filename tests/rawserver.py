"""A raw TCP server on 127.0.0.1 for tests that need faults below HTTP (resets, short bodies,
trickling bytes, hand-made TLS or gzip answers), which no HTTP framework produces on purpose."""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import anyio
import anyio.abc
from anyio.abc import SocketAttribute
from anyio.streams.tls import TLSListener

Handler = Callable[[anyio.abc.ByteStream], Awaitable[None]]


async def read_request(stream: anyio.abc.ByteStream) -> bytes:
    """The request head (these tests send no request body that matters)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += await stream.receive()
    return data


@asynccontextmanager
async def raw_server(handler: Handler, *, tls: ssl.SSLContext | None = None) -> AsyncIterator[str]:
    """Serve ``handler`` on a fresh loopback port (over TLS with ``tls``); yields the base URL.

    A test failure inside the block is re-raised as itself, not wrapped in an ExceptionGroup.
    """

    async def serve_one(stream: anyio.abc.ByteStream) -> None:
        # The client going away mid-answer is what several tests provoke.
        with contextlib.suppress(
            anyio.BrokenResourceError, anyio.ClosedResourceError, anyio.EndOfStream, OSError
        ):
            async with stream:
                await handler(stream)

    tcp = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = tcp.extra(SocketAttribute.local_port)
    listener: anyio.abc.Listener[anyio.abc.ByteStream] = (
        TLSListener(tcp, tls, standard_compatible=False) if tls is not None else tcp
    )
    scheme = "https" if tls is not None else "http"
    failure: BaseException | None = None
    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, serve_one)
        try:
            yield f"{scheme}://127.0.0.1:{port}"
        except BaseException as exc:
            failure = exc
        finally:
            tg.cancel_scope.cancel()
    if failure is not None:
        raise failure
