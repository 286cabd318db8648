"""A minimal, fast HTTP/1.1 server on 127.0.0.1, run in a subprocess, for load tests.

It answers every request at once with ``200 {"devices": []}`` on keep-alive connections, and
counts them. Run it as ``python tests/fastserver.py``: it prints ``port <n>`` when it listens,
and ``count <n>`` for each line read on its stdin (then exits when stdin closes). A separate
process, so the server does not share the client's event loop or GIL: what is measured or
tested is the client under load, not the two competing for one core.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

BODY = b'{"devices": []}'
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
)


class _Protocol(asyncio.Protocol):
    count = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head, rest = self.buffer[:end], self.buffer[end + 4 :]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(rest) < length:
                return
            self.buffer = rest[length:]
            _Protocol.count += 1
            self.transport.write(RESPONSE)


async def _serve() -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Protocol, "127.0.0.1", 0, backlog=4096)
    port = server.sockets[0].getsockname()[1]
    print(f"port {port}", flush=True)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while await reader.readline():
        print(f"count {_Protocol.count}", flush=True)
    server.close()


@contextmanager
def fast_server() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Start the server in a subprocess; yields (base URL, process). See :func:`served`."""
    process = subprocess.Popen(
        [sys.executable, __file__],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("port "):
            raise RuntimeError(f"fast server did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}", process
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def served(process: subprocess.Popen[str]) -> int:
    """How many requests the server has answered so far."""
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write("\n")
    process.stdin.flush()
    return int(process.stdout.readline().split()[1])


if __name__ == "__main__":
    asyncio.run(_serve())
