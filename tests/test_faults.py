"""Fault injection: every way a server or network can fail ends in the right typed error, in time.

Two kinds of faulty server:

* a raw TCP server on 127.0.0.1 written here, for faults at the byte level that no HTTP framework
  produces on purpose (a reset, a body shorter than its Content-Length, a body that trickles in);
* the sandbox's fault knobs (dropped connections, injected statuses, latency), in process.

Each test is guarded by ``anyio.fail_after``: a hang fails the test instead of stalling the run.
Where retries would only slow a test down, the client has ``max_retries=0``.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest
from anyio.abc import SocketAttribute, SocketStream

from printos_ext import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    PrintOSClient,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
)
from printos_ext.sandbox import Sandbox

from rawserver import Handler, raw_server, read_request

GUARD = 10.0
"""Seconds after which a test counts as hung; far above any timeout configured below."""


def head(status: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode()


def client_for(base_url: str, **options: Any) -> PrintOSClient:
    options.setdefault("max_retries", 0)
    return PrintOSClient(base_url=base_url, environ={}, **options)


# Raw TCP server: byte-level faults.


@pytest.mark.anyio
async def test_connection_reset_is_a_connection_error() -> None:
    async def reset(stream: SocketStream) -> None:
        await read_request(stream)
        sock = stream.extra(SocketAttribute.raw_socket)
        # SO_LINGER with a zero timeout: closing sends RST instead of FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        await stream.aclose()

    with anyio.fail_after(GUARD):
        async with raw_server(reset) as url, client_for(url) as client:
            with pytest.raises(APIConnectionError) as info:
                await client.devices.list()
    assert not isinstance(info.value, APITimeoutError)
    assert isinstance(info.value.__cause__, httpx.TransportError)
    assert "GET /devices" in str(info.value)


@pytest.mark.anyio
async def test_connection_closed_without_a_response_is_a_connection_error() -> None:
    async def hang_up(stream: SocketStream) -> None:
        await read_request(stream)

    with anyio.fail_after(GUARD):
        async with raw_server(hang_up) as url, client_for(url) as client:
            with pytest.raises(APIConnectionError) as info:
                await client.devices.list()
    assert not isinstance(info.value, APITimeoutError)


@pytest.mark.anyio
async def test_connection_refused_is_a_connection_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago, now closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with anyio.fail_after(GUARD):
        async with client_for(f"http://127.0.0.1:{port}") as client:
            with pytest.raises(APIConnectionError) as info:
                await client.devices.list()
    assert not isinstance(info.value, APITimeoutError)


@pytest.mark.anyio
async def test_server_that_never_answers_times_out() -> None:
    async def silent(stream: SocketStream) -> None:
        await read_request(stream)
        await anyio.sleep_forever()

    with anyio.fail_after(GUARD):
        async with raw_server(silent) as url, client_for(url, timeout=0.5) as client:
            with pytest.raises(APITimeoutError) as info:
                await client.devices.list()
    assert "GET /devices" in str(info.value)


@pytest.mark.anyio
async def test_body_shorter_than_its_content_length_is_a_connection_error() -> None:
    async def truncated(stream: SocketStream) -> None:
        await read_request(stream)
        headers = {"Content-Type": "application/json", "Content-Length": "1000"}
        await stream.send(head("200 OK", headers) + b'{"devices": [')

    with anyio.fail_after(GUARD):
        async with raw_server(truncated) as url, client_for(url, timeout=5) as client:
            with pytest.raises(APIConnectionError) as info:
                await client.devices.list()
    assert not isinstance(info.value, APITimeoutError)
    assert isinstance(info.value.__cause__, httpx.RemoteProtocolError)


def answer(status: str, content_type: str, body: bytes) -> Handler:
    async def handler(stream: SocketStream) -> None:
        await read_request(stream)
        headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
        await stream.send(head(status, headers) + body)

    return handler


@pytest.mark.anyio
async def test_invalid_json_is_a_response_validation_error() -> None:
    handler = answer("200 OK", "application/json", b'{"devices": [{"id": "a",]}')
    with anyio.fail_after(GUARD):
        async with raw_server(handler) as url, client_for(url) as client:
            with pytest.raises(ResponseValidationError) as info:
                await client.devices.list()
    assert info.value.field == ""
    assert "not valid JSON" in info.value.reason
    assert info.value.response.status_code == 200


@pytest.mark.anyio
async def test_html_error_page_is_an_internal_server_error_keeping_the_text() -> None:
    page = b"<html><body><h1>502 Bad Gateway</h1><p>upstream fell over</p></body></html>"
    handler = answer("502 Bad Gateway", "text/html", page)
    with anyio.fail_after(GUARD):
        async with raw_server(handler) as url, client_for(url) as client:
            with pytest.raises(InternalServerError) as info:
                await client.devices.list()
    error = info.value
    assert error.status_code == 502
    assert error.body == page.decode()
    assert "upstream fell over" in str(error)


@pytest.mark.anyio
async def test_body_of_the_wrong_shape_names_the_field() -> None:
    body = b'{"devices": [{"id": "dev-1"}, {"id": "dev-2", "registeredAt": 1732442400}]}'
    handler = answer("200 OK", "application/json", body)
    with anyio.fail_after(GUARD):
        async with raw_server(handler) as url, client_for(url) as client:
            with pytest.raises(ResponseValidationError) as info:
                await client.devices.list()
    assert info.value.field == "devices[1].registeredAt"
    assert "devices[1].registeredAt" in str(info.value)


class Firehose:
    """Sends up to ``total`` bytes of body and counts how many the socket accepted."""

    def __init__(self, total: int, *, declare_length: bool) -> None:
        self.total = total
        self.declare_length = declare_length
        self.sent = 0
        self.done = anyio.Event()

    async def __call__(self, stream: SocketStream) -> None:
        await read_request(stream)
        headers = {"Content-Type": "application/json"}
        if self.declare_length:
            headers["Content-Length"] = str(self.total)
        else:
            headers["Connection"] = "close"  # body delimited by closing the connection
        try:
            await stream.send(head("200 OK", headers))
            chunk = b" " * 65536
            while self.sent < self.total:
                await stream.send(chunk)
                self.sent += len(chunk)
        finally:
            self.done.set()


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "close-delimited"])
@pytest.mark.anyio
async def test_huge_body_is_refused_without_reading_it_all(declare_length: bool) -> None:
    firehose = Firehose(256 * 1024 * 1024, declare_length=declare_length)
    with anyio.fail_after(GUARD):
        async with raw_server(firehose) as url:
            async with client_for(url, max_response_bytes=100_000) as client:
                with pytest.raises(ResponseTooLargeError) as info:
                    await client.devices.list()
            await firehose.done.wait()  # the server's writes fail once the client hangs up
    assert info.value.limit == 100_000
    # What the socket took is bounded by kernel buffers, nowhere near the whole body.
    assert firehose.sent < firehose.total // 4


@pytest.mark.anyio
async def test_body_trickling_in_hits_the_overall_deadline() -> None:
    """Each byte arrives well within any read timeout; only an overall deadline stops this."""
    sent = 0

    async def slow_loris(stream: SocketStream) -> None:
        nonlocal sent
        await read_request(stream)
        headers = {"Content-Type": "application/json", "Content-Length": "100"}
        await stream.send(head("200 OK", headers))
        for byte in b'{"devices": []}'.ljust(100):
            await stream.send(bytes([byte]))
            sent += 1
            await anyio.sleep(0.2)

    with anyio.fail_after(GUARD):
        async with raw_server(slow_loris) as url, client_for(url, timeout=1) as client:
            with pytest.raises(APITimeoutError):
                await client.devices.list()
    assert sent < 100


@pytest.mark.anyio
async def test_headers_trickling_in_hit_the_overall_deadline() -> None:
    async def slow_headers(stream: SocketStream) -> None:
        await read_request(stream)
        for byte in head("200 OK", {"Content-Type": "application/json", "X-Padding": "x" * 50}):
            await stream.send(bytes([byte]))
            await anyio.sleep(0.2)

    with anyio.fail_after(GUARD):
        async with raw_server(slow_headers) as url, client_for(url, timeout=1) as client:
            with pytest.raises(APITimeoutError):
                await client.devices.list()


# Sandbox fault knobs, in process.


@asynccontextmanager
async def sandbox_client(sandbox: Sandbox, **options: Any) -> AsyncIterator[PrintOSClient]:
    async def no_wait(seconds: float) -> None:
        await anyio.lowlevel.checkpoint()

    options.setdefault("sleep", no_wait)
    async with PrintOSClient(
        allow_unauthenticated=True,
        base_url="http://sandbox.test",
        transport=httpx.ASGITransport(app=sandbox),
        environ={},
        **options,
    ) as client:
        yield client


@pytest.mark.anyio
async def test_dropped_connection_is_a_connection_error() -> None:
    sandbox = Sandbox()
    sandbox.faults.drop_next()
    with anyio.fail_after(GUARD):
        async with sandbox_client(sandbox, max_retries=0) as client:
            with pytest.raises(APIConnectionError) as info:
                await client.devices.list()
    assert not isinstance(info.value, APITimeoutError)


@pytest.mark.anyio
async def test_provision_dropped_after_processing_is_reported_not_repeated() -> None:
    sandbox = Sandbox()
    sandbox.faults.drop_next(after_processing=True)
    with anyio.fail_after(GUARD):
        async with sandbox_client(sandbox) as client:  # default retries: POST still not repeated
            with pytest.raises(APIConnectionError):
                await client.devices.provision(model="HP Indigo 7K", serial_number="SN-1")
    assert sandbox.state.count("POST /devices") == 1
    assert [d.serial_number for d in sandbox.state.devices.values()] == ["SN-1"]


@pytest.mark.anyio
async def test_persistent_server_errors_end_in_the_last_error_after_retries() -> None:
    sandbox = Sandbox()
    sandbox.faults.error_rate = 1.0
    with anyio.fail_after(GUARD):
        async with sandbox_client(sandbox, max_retries=2) as client:
            with pytest.raises(InternalServerError) as info:
                await client.devices.list()
    assert info.value.status_code == 503
    assert sandbox.state.count("GET /devices") == 3


@pytest.mark.anyio
async def test_rate_limit_with_a_long_retry_after_is_raised_at_once() -> None:
    sandbox = Sandbox()
    sandbox.faults.rate_limit_burst(1, retry_after=3600)
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    with anyio.fail_after(GUARD):
        async with sandbox_client(sandbox, sleep=record) as client:
            with pytest.raises(RateLimitError) as info:
                await client.devices.list()
    assert info.value.response.headers["retry-after"] == "3600"
    assert slept == []


@pytest.mark.anyio
async def test_slow_server_times_out_with_the_configured_timeout() -> None:
    sandbox = Sandbox()
    sandbox.faults.latency = 30.0
    with anyio.fail_after(GUARD):
        async with sandbox_client(sandbox, timeout=0.5, max_retries=0) as client:
            with pytest.raises(APITimeoutError):
                await client.devices.update_status("dev-1", status="READY")
