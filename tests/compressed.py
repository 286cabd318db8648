"""Compressed answers for tests: a cheap gzip bomb, and a raw-server handler sending a body."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Awaitable, Callable

from anyio.abc import SocketStream

from rawserver import read_request


def gzip_bomb(mebibytes: int) -> bytes:
    """A gzip stream of ``mebibytes`` MiB of zeros, built without compressing them all.

    Each MiB is compressed once, ending in a full flush so that the next MiB compresses to the
    very same bytes; the stream is that block repeated, with a trailer (CRC-32, size) computed
    for the whole. 4 GiB this way costs well under a second.
    """
    zero = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = compressor.compress(zero) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(zero) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush()[:-8]
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(zero, crc)
    trailer = struct.pack("<II", crc, (mebibytes << 20) & 0xFFFFFFFF)
    return first + block * (mebibytes - 1) + end + trailer


def head(status: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode()


def answering(
    status: str, body: bytes, encoding: str | None, **extra: str
) -> Callable[[SocketStream], Awaitable[None]]:
    async def handler(stream: SocketStream) -> None:
        await read_request(stream)
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        if encoding is not None:
            headers["Content-Encoding"] = encoding
        await stream.send(head(status, {**headers, **extra}) + body)

    return handler
