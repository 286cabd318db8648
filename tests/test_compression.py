"""Compressed bodies: every Content-Encoding stack is decoded in bounded memory, or refused typed.

The size limit (``max_response_bytes``) is on what a body decompresses to, through every layer,
and it bounds memory, not only the result: decoding is incremental, so a bomb is stopped after
about ``max_response_bytes`` of output has been produced, never inflated in one piece first.
The nested bomb runs in a child process under an address-space limit (``RLIMIT_AS``): inflating
it the way httpx does ends in ``MemoryError`` there; the SDK must stop it with
``ResponseTooLargeError``.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from anyio.abc import SocketStream

from printos_ext import (
    APIConnectionError,
    InternalServerError,
    PrintOSClient,
    ResponseTooLargeError,
)
from printos_ext.errors import ResponseDecodingError

from compressed import answering, gzip_bomb
from rawserver import raw_server

GUARD = 20.0
LIST = b'{"devices": [{"id": "dev-1", "model": "HP Indigo 7K", "serialNumber": "SN-1"}]}'


async def list_via(handler: Any, **options: Any) -> Any:
    options.setdefault("max_retries", 0)
    with anyio.fail_after(GUARD):
        async with (
            raw_server(handler) as url,
            PrintOSClient(base_url=url, environ={}, **options) as client,
        ):
            return await client.devices.list()


# The nested bomb, under a memory limit.

CHILD = """
import resource, sys, anyio
from printos_ext import PrintOSClient
from compressed import answering, gzip_bomb
from rawserver import raw_server

bomb = gzip_bomb(4096)  # 4 GiB of zeros, gzip-compressed...
outer = __import__("gzip").compress(bomb)  # ...then gzip-compressed again: a few kB
answers = [answering("200 OK", b'{"devices": []}', None, Connection="close"),
           answering("200 OK", outer, "gzip, gzip", Connection="close")]

async def handler(stream):
    await answers.pop(0)(stream)

def vm_size():
    for line in open("/proc/self/status"):
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024

async def main():
    async with raw_server(handler) as url:
        async with PrintOSClient(base_url=url, max_response_bytes=1 << 20, max_retries=0,
                                 environ={}) as client:
            await client.devices.list()  # connect first: threads and buffers exist now
            limit = vm_size() + 512 * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            try:
                await client.devices.list()
            except BaseException as exc:
                print(type(exc).__name__, len(outer), flush=True)

anyio.run(main)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_nested_gzip_bomb_is_stopped_under_a_memory_limit() -> None:
    tests = str(Path(__file__).parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([tests, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-3000:]
    name, size = done.stdout.split()
    assert int(size) < 16_000  # a few kB on the wire...
    assert name == "ResponseTooLargeError"  # ...stopped, where inflating it whole is MemoryError


# Memory stays near the limit, not near what one received chunk inflates to.


@pytest.mark.anyio
async def test_a_gzip_bomb_is_stopped_with_memory_near_the_limit() -> None:
    limit = 1 << 20
    bomb = gzip_bomb(256)  # 256 MiB of zeros in ~260 kB
    handler = answering("200 OK", bomb, "gzip")
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError):
            await list_via(handler, max_response_bytes=limit)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The bomb itself (~260 kB, held by the server here), the limit, and a few 64 kB pieces.
    assert peak < 6 * limit, peak


@pytest.mark.anyio
async def test_a_long_encoding_stack_is_refused_typed() -> None:
    body = LIST
    for _ in range(6):
        body = gzip.compress(body)
    handler = answering("200 OK", body, ", ".join(["gzip"] * 6))
    with pytest.raises(ResponseDecodingError, match="6 content codings"):
        await list_via(handler)


# Every supported stack decodes.


def deflate(data: bytes, *, wrapped: bool) -> bytes:
    compressor = zlib.compressobj(wbits=zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", lambda b: deflate(b, wrapped=True)),
        ("deflate", lambda b: deflate(b, wrapped=False)),
        ("gzip, gzip", lambda b: gzip.compress(gzip.compress(b))),
        ("deflate, gzip", lambda b: gzip.compress(deflate(b, wrapped=True))),
        ("identity, gzip", gzip.compress),
        ("GZIP", gzip.compress),
    ],
    ids=["gzip", "x-gzip", "deflate", "raw-deflate", "gzip-gzip", "deflate-gzip", "id", "case"],
)
@pytest.mark.anyio
async def test_supported_encoding_stacks_decode(encoding: str, encode: Any) -> None:
    devices = await list_via(answering("200 OK", encode(LIST), encoding))
    assert [d.id for d in devices] == ["dev-1"]


@pytest.mark.anyio
async def test_a_decoded_response_describes_its_decoded_body() -> None:
    async with (
        raw_server(answering("200 OK", gzip.compress(LIST), "gzip")) as url,
        PrintOSClient(base_url=url, environ={}, max_retries=0) as client,
    ):
        raw = await client.devices.with_raw_response.list()
    assert raw.content == LIST
    assert "content-encoding" not in raw.headers
    assert raw.headers["content-length"] == str(len(LIST))


@pytest.mark.anyio
async def test_a_multi_member_gzip_body_is_decoded_whole() -> None:
    half = len(LIST) // 2
    body = gzip.compress(LIST[:half]) + gzip.compress(LIST[half:])
    devices = await list_via(answering("200 OK", body, "gzip"))
    assert [d.id for d in devices] == ["dev-1"]


@pytest.mark.anyio
async def test_only_decodable_encodings_are_advertised() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["accept-encoding"])
        return httpx.Response(200, json={"devices": []})

    async with PrintOSClient(
        allow_unauthenticated=True, transport=httpx.MockTransport(handler), environ={}
    ) as client:
        await client.devices.list()
    assert seen == ["gzip, deflate"]


# Bodies that do not decode are typed errors.


@pytest.mark.parametrize(
    ("encoding", "body", "reason"),
    [
        ("gzip", b"this is not gzip at all", "invalid gzip data"),
        ("gzip", gzip.compress(LIST)[:-12], "ends before the end"),
        ("deflate", b"\xff\xfe not deflate", "invalid deflate data"),
        ("br", b"\x0b\x02\x80{}\x03", "unsupported Content-Encoding br"),
        ("gzip", gzip.compress(LIST) + b"garbage after", "invalid gzip data"),
    ],
    ids=["corrupt", "truncated", "corrupt-deflate", "brotli", "trailing-garbage"],
)
@pytest.mark.anyio
async def test_a_body_that_does_not_decode_is_a_response_decoding_error(
    encoding: str, body: bytes, reason: str
) -> None:
    with pytest.raises(ResponseDecodingError) as info:
        await list_via(answering("200 OK", body, encoding))
    error = info.value
    assert isinstance(error, APIConnectionError)
    assert error.status_code == 200
    assert reason in str(error)
    assert "GET /devices" in str(error)
    assert error.response is not None
    assert error.response.headers["content-encoding"] == encoding  # as received


@pytest.mark.anyio
async def test_a_corrupt_gzip_body_on_a_503_is_retried() -> None:
    answers = [
        ("503 Service Unavailable", b"\x1f\x8b corrupt", "gzip"),
        ("200 OK", gzip.compress(LIST), "gzip"),
    ]

    async def handler(stream: SocketStream) -> None:
        status, body, encoding = answers.pop(0)
        await answering(status, body, encoding, Connection="close")(stream)

    async def no_wait(seconds: float) -> None:
        await anyio.lowlevel.checkpoint()

    devices = await list_via(handler, max_retries=1, sleep=no_wait)
    assert [d.id for d in devices] == ["dev-1"]
    assert answers == []


@pytest.mark.anyio
async def test_a_corrupt_gzip_body_on_a_503_ends_typed_when_retries_run_out() -> None:
    with pytest.raises(ResponseDecodingError) as info:
        await list_via(answering("503 Service Unavailable", b"\x1f\x8b corrupt", "gzip"))
    assert info.value.status_code == 503
    assert not isinstance(info.value, InternalServerError)


@pytest.mark.anyio
async def test_a_compressed_error_body_is_decoded_for_the_message() -> None:
    body = gzip.compress(b'{"smsError": {"statusCode": 404, "message": "no such device"}}')
    with pytest.raises(Exception, match="no such device"):
        await list_via(answering("404 Not Found", body, "gzip"))
