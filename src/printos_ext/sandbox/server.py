"""Runs a ``Sandbox`` under uvicorn on loopback in a background thread with its own event loop.

A thread (rather than a task on the caller's loop) makes one server usable from sync code,
asyncio tests and trio tests alike, and lets a blocking client talk to it without deadlock.
The listening socket is bound before the thread starts, so the port is known at once, and
``start()`` returns only after uvicorn reports that it is serving on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import Iterator
from types import TracebackType

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..auth import Clock
from .app import DEFAULT_BODY_TIMEOUT, DEFAULT_MAX_SKEW, Sandbox
from .fault_injection import ConnectionDropped
from .faults import Faults
from .state import SandboxState, utc_now

__all__ = ["DEFAULT_HEAD_TIMEOUT", "SandboxServer", "serve_sandbox"]

STARTUP_TIMEOUT = 10.0
GRACEFUL_SHUTDOWN_SECONDS = 2
"""How long in-flight requests get to finish on stop before uvicorn cancels them."""
JOIN_TIMEOUT = 5.0


class _QuietDrops(logging.Filter):
    """Hides uvicorn's traceback for connections the sandbox drops on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ConnectionDropped))


_QUIET_DROPS = _QuietDrops()


class _NotifyingServer(uvicorn.Server):
    """A uvicorn server that signals a threading.Event once it is accepting connections."""

    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self._ready.set()


DEFAULT_HEAD_TIMEOUT = 10.0
"""Seconds a client has to send a request's head (request line and headers) in full."""


class _HeadTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, with a limit on how long a request head may take to arrive.

    uvicorn times out an idle keep-alive connection, but the first byte of a request cancels that
    timer, and nothing limits the rest of the head: a client that sends half a head and stops
    holds the connection forever (slowloris). Here a timer starts when a request begins (the
    connection opens, or a byte arrives while no request is in progress) and closes the
    connection unless the whole head has arrived by then. The body has its own limit
    (``body_timeout``, enforced by the routes).
    """

    head_timeout = DEFAULT_HEAD_TIMEOUT

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._head_timer: asyncio.TimerHandle | None = None
        self._start_head_timer()

    def data_received(self, data: bytes) -> None:
        if self._head_timer is None and self.conn.their_state is h11.IDLE:
            self._start_head_timer()
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._stop_head_timer()  # the head is in (or the connection is done)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def _start_head_timer(self) -> None:
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def _protocol(head_timeout: float) -> type[_HeadTimeoutProtocol]:
    return type("HeadTimeoutProtocol", (_HeadTimeoutProtocol,), {"head_timeout": head_timeout})


def _bind(host: str, port: int) -> socket.socket:
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    sock = socket.create_server((host, port), family=family)
    # asyncio sets TCP_NODELAY only on sockets whose proto it recognises, and create_server's
    # reports 0; without it every response with a body waits ~40 ms for delayed ACKs.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class SandboxServer:
    """A running sandbox: ``url``, ``state`` and ``faults``. Use as a context manager."""

    def __init__(
        self,
        sandbox: Sandbox | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
        head_timeout: float = DEFAULT_HEAD_TIMEOUT,
    ) -> None:
        if not head_timeout > 0:
            raise ValueError(f"head_timeout must be > 0 seconds, got {head_timeout}")
        self.head_timeout = head_timeout
        self.sandbox = Sandbox() if sandbox is None else sandbox
        self.host = host
        self._requested_port = port
        self._log_level = log_level
        self._port: int | None = None
        self._server: _NotifyingServer | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def state(self) -> SandboxState:
        return self.sandbox.state

    @property
    def faults(self) -> Faults:
        return self.sandbox.faults

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the sandbox server is not running")
        return self._port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:54321``: the base URL to give a client."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> SandboxServer:
        """Bind, start the server thread, and return once uvicorn is serving the socket."""
        if self._thread is not None:
            raise RuntimeError("the sandbox server is already running")
        self._error = None
        logging.getLogger("uvicorn.error").addFilter(_QUIET_DROPS)
        sock = _bind(self.host, self._requested_port)
        config = uvicorn.Config(
            self.sandbox,
            host=self.host,
            port=sock.getsockname()[1],
            log_config=None,  # leave the host application's logging alone
            log_level=self._log_level,
            access_log=False,
            lifespan="off",
            http=_protocol(self.head_timeout),
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        )
        ready = threading.Event()
        self._server = _NotifyingServer(config, ready)
        self._thread = threading.Thread(
            target=self._run, args=(self._server, sock, ready), name="printos-sandbox", daemon=True
        )
        self._thread.start()
        started = ready.wait(STARTUP_TIMEOUT) and self._server.started
        if not started or self._error is not None:
            self._stop_thread()
            sock.close()
            raise RuntimeError("the sandbox server failed to start") from self._error
        self._port = sock.getsockname()[1]
        return self

    def _run(self, server: uvicorn.Server, sock: socket.socket, ready: threading.Event) -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported by start(); a thread cannot raise to its caller
            self._error = exc
        finally:
            ready.set()

    def stop(self) -> None:
        """Stop accepting, let in-flight requests finish briefly, and join the thread."""
        self._stop_thread()
        self._port = None

    def _stop_thread(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(JOIN_TIMEOUT)
            if self._thread.is_alive() and self._server is not None:
                self._server.force_exit = True
                self._thread.join(JOIN_TIMEOUT)
        self._server = None
        self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self._port is not None else "stopped"
        return f"SandboxServer({where})"


@contextlib.contextmanager
def serve_sandbox(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    key: str | None = None,
    secret: str | None = None,
    clock: Clock = utc_now,
    max_skew: float = DEFAULT_MAX_SKEW,
    faults: Faults | None = None,
    state: SandboxState | None = None,
    body_timeout: float = DEFAULT_BODY_TIMEOUT,
    head_timeout: float = DEFAULT_HEAD_TIMEOUT,
) -> Iterator[SandboxServer]:
    """Serve a new ``Sandbox`` (same keywords) on loopback for the duration of the block.

    ``head_timeout``: seconds a request's head may take to arrive (the connection is closed
    after that), so a client that stalls mid-head cannot hold a connection forever."""
    sandbox = Sandbox(
        key=key,
        secret=secret,
        clock=clock,
        max_skew=max_skew,
        faults=faults,
        state=state,
        body_timeout=body_timeout,
    )
    with SandboxServer(sandbox, host=host, port=port, head_timeout=head_timeout) as server:
        yield server
