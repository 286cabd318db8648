"""The sandbox as a long-running server (issue 11, item 10): no client can hold a connection by
stalling its body, bodies must be declared JSON, the request log is bounded, and a client that
goes away mid-body is not a server failure (no ASGI traceback).

Socket-level behaviour is tested over real loopback sockets with a short body timeout; every
blocking read is guarded by a socket timeout, so a regression fails instead of hanging.
"""

from __future__ import annotations

import json
import logging
import select
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from printos_ext.sandbox import (
    RequestRecord,
    Sandbox,
    SandboxServer,
    SandboxState,
    serve_sandbox,
)

pytestmark = pytest.mark.e2e

GUARD = 10.0  # seconds any socket read may block before the test fails
BODY_TIMEOUT = 0.3


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with serve_sandbox(body_timeout=BODY_TIMEOUT) as running:
        yield running


@pytest.fixture(autouse=True)
def clean(server: SandboxServer) -> None:
    server.state.reset()


def connect(server: SandboxServer) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=GUARD)
    return sock


def head(length: int, content_type: str = "application/json") -> bytes:
    return (
        f"POST /devices HTTP/1.1\r\nHost: sandbox\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (socket.timeout if never)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def sms_error(raw_response: bytes) -> dict[str, Any]:
    body = raw_response.split(b"\r\n\r\n", 1)[1]
    error: dict[str, Any] = json.loads(body)["smsError"]
    return error


def wait_for_log(server: SandboxServer, count: int) -> None:
    deadline = time.monotonic() + GUARD
    while len(server.state.requests) < count:
        assert time.monotonic() < deadline, "the sandbox never logged the request"
        time.sleep(0.01)


# Body read timeout


def test_a_stalled_body_is_answered_408_and_the_connection_closed(server: SandboxServer) -> None:
    with connect(server) as sock:
        sock.sendall(head(100) + b'{"model": ')  # 10 of 100 bytes, then nothing
        response = read_until_closed(sock)  # returns only because the server closes
    assert response.startswith(b"HTTP/1.1 408 ")
    assert b"connection: close" in response.lower()
    assert sms_error(response)["subCode"] == "body_timeout"
    assert server.state.devices == {}


def test_a_trickled_body_cannot_outlast_the_body_timeout(server: SandboxServer) -> None:
    # One byte at a time, each well within the timeout: the timeout covers the whole body.
    body = json.dumps({"model": "m", "serialNumber": "SN-1", "location": "x" * 200}).encode()
    with connect(server) as sock:
        sock.sendall(head(len(body)))
        for byte in body:
            if select.select([sock], [], [], 0)[0]:
                break  # the server answered: stop sending, read it
            sock.sendall(bytes([byte]))
            time.sleep(BODY_TIMEOUT / 10)
        response = read_until_closed(sock)
    assert response.startswith(b"HTTP/1.1 408 ")
    assert server.state.devices == {}


def test_a_body_that_arrives_in_time_is_served_on_the_same_server(server: SandboxServer) -> None:
    response = httpx.post(f"{server.url}/devices", json={"model": "m", "serialNumber": "SN-1"})
    assert response.status_code == 201


def test_the_body_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match="body_timeout"):
        Sandbox(body_timeout=0)


# Content type


@pytest.mark.anyio
@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/jsonx",
        "multipart/form-data; boundary=x",
        None,
    ],
)
async def test_a_body_not_declared_json_is_415(content_type: str | None) -> None:
    sandbox = Sandbox()
    headers = {} if content_type is None else {"content-type": content_type}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox), base_url="http://sandbox"
    ) as client:
        response = await client.post(
            "/devices", content=b'{"model": "m", "serialNumber": "SN-1"}', headers=headers
        )
    assert response.status_code == 415
    error = response.json()["smsError"]
    assert error["subCode"] == "unsupported_media_type"
    assert "application/json" in error["message"]
    assert response.headers["connection"] == "close"
    assert sandbox.state.devices == {}


@pytest.mark.anyio
@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/vnd.hp+json",
    ],
)
async def test_json_content_types_are_accepted(content_type: str) -> None:
    sandbox = Sandbox()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox), base_url="http://sandbox"
    ) as client:
        response = await client.post(
            "/devices",
            content=b'{"model": "m", "serialNumber": "SN-1"}',
            headers={"content-type": content_type},
        )
    assert response.status_code == 201


@pytest.mark.anyio
async def test_a_status_update_as_text_plain_is_415_before_any_change() -> None:
    sandbox = Sandbox()
    device = sandbox.state.provision(model="m", serial_number="SN-1")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox), base_url="http://sandbox"
    ) as client:
        response = await client.put(
            f"/devices/{device.id}/status",
            content=b'{"status": "IDLE"}',
            headers={"content-type": "text/plain"},
        )
    assert response.status_code == 415
    assert sandbox.state.devices[device.id].status == "REGISTERED"


# Bounded request log


@pytest.mark.anyio
async def test_the_request_log_keeps_only_the_most_recent_requests() -> None:
    sandbox = Sandbox(state=SandboxState(max_requests=3))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox), base_url="http://sandbox"
    ) as client:
        for n in range(5):
            await client.get("/devices", params={"offset": n})
        await client.get("/nowhere")
    assert [r.route for r in sandbox.state.requests] == [
        "GET /devices",
        "GET /devices",
        "GET /nowhere",
    ]
    assert sandbox.state.requests_seen == 6
    assert sandbox.state.count("GET /devices") == 2  # of the kept ones


def test_the_request_log_is_bounded_by_default() -> None:
    state = SandboxState()
    record = RequestRecord(method="GET", path="/", route="GET /", status=200, request_id="req-1")
    for _ in range(10_050):
        state.record_request(record)
    assert len(state.requests) == 10_000
    assert state.requests_seen == 10_050


@pytest.mark.parametrize("max_requests", [0, -1, 1.5, True])
def test_max_requests_must_be_a_positive_int(max_requests: Any) -> None:
    with pytest.raises(ValueError, match="max_requests"):
        SandboxState(max_requests=max_requests)


# A client that goes away mid-body


def test_a_client_disconnecting_mid_body_is_logged_without_a_traceback(
    server: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with connect(server) as sock:
        sock.sendall(head(100) + b'{"model": ')
    wait_for_log(server, 1)
    (record,) = server.state.requests
    assert (record.route, record.status) == ("POST /devices", 499)
    failures = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert failures == []
    # And the server goes on serving.
    assert httpx.get(f"{server.url}/devices").status_code == 200
