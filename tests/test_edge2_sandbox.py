"""The sandbox cannot be broken by one client (issue 18, class 10).

``limit``/``offset`` of thousands of digits are a 400, not a 500; a body nested deeper than
``MAX_DEPTH`` is refused, so nothing stored can break other clients' lists; a device keeps at
most ``MAX_METRIC_KEYS`` metric keys (``MAX_METRICS_BYTES`` as JSON); a client that sends half a
request head is disconnected after ``head_timeout``; and credentials no client could
authenticate with are refused when the sandbox is made.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from printos_ext import PrintOSClient
from printos_ext.sandbox import Sandbox, serve_sandbox
from printos_ext.sandbox.validation import MAX_DEPTH, MAX_METRIC_KEYS, MAX_METRICS_BYTES


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    sandbox = Sandbox()
    sandbox.state.provision(model="M", serial_number="S", device_id="d1")
    transport = httpx.ASGITransport(app=sandbox)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        yield client


def _nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = {"x": value}
    return value


@pytest.mark.anyio
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(digits=st.integers(min_value=1, max_value=6000), name=st.sampled_from(["limit", "offset"]))
async def test_paging_numbers_of_any_length_are_answered_without_a_server_error(
    http: httpx.AsyncClient, digits: int, name: str
) -> None:
    response = await http.get("/devices", params={name: "9" * digits})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["smsError"]["field"] == name


@pytest.mark.anyio
async def test_a_body_nested_deeper_than_the_limit_is_refused(http: httpx.AsyncClient) -> None:
    body = '{"metrics": {"deep": ' + '{"x": ' * 950 + "1" + "}" * 950 + "}}"
    headers = {"content-type": "application/json"}
    response = await http.put("/devices/d1/status", content=body, headers=headers)
    assert response.status_code == 400
    # Too deep for the limit, or (on a small stack) for the JSON parser itself: refused either way.
    assert response.json()["smsError"]["subCode"] in ("body_too_deep", "malformed_json")
    listed = await http.get("/devices")
    assert listed.status_code == 200
    assert "deep" not in listed.json()["devices"][0].get("metrics", {})


@pytest.mark.anyio
async def test_a_body_one_level_too_deep_is_refused_as_too_deep(http: httpx.AsyncClient) -> None:
    body = {"metrics": {"deep": _nested(MAX_DEPTH - 1)}}
    response = await http.put("/devices/d1/status", json=body)
    assert response.status_code == 400
    assert response.json()["smsError"]["subCode"] == "body_too_deep"


@pytest.mark.anyio
async def test_a_body_nested_up_to_the_limit_is_accepted(http: httpx.AsyncClient) -> None:
    body = {"metrics": {"deep": _nested(MAX_DEPTH - 2)}}
    response = await http.put("/devices/d1/status", json=body)
    assert response.status_code == 200, response.text


@pytest.mark.anyio
async def test_metric_keys_do_not_merge_without_bound(http: httpx.AsyncClient) -> None:
    for batch in range(MAX_METRIC_KEYS // 50):
        metrics = {f"k{batch}-{n}": n for n in range(50)}
        assert (await http.put("/devices/d1/status", json={"metrics": metrics})).status_code == 200
    response = await http.put("/devices/d1/status", json={"metrics": {"one-more": 1}})
    assert response.status_code == 422
    assert response.json()["smsError"]["field"] == "metrics"
    # Updating keys the device already has still works.
    assert (await http.put("/devices/d1/status", json={"metrics": {"k0-0": 2}})).status_code == 200


@pytest.mark.anyio
async def test_a_devices_metrics_are_bounded_in_bytes(http: httpx.AsyncClient) -> None:
    for n in range(4):
        metrics = {f"big{n}": "x" * (MAX_METRICS_BYTES // 4)}
        response = await http.put("/devices/d1/status", json={"metrics": metrics})
    assert response.status_code == 422
    listed = (await http.get("/devices")).json()["devices"][0]
    assert len(json.dumps(listed["metrics"])) <= MAX_METRICS_BYTES


def _closed_within(sock: socket.socket, seconds: float) -> float:
    sock.settimeout(seconds)
    started = time.monotonic()
    while sock.recv(1024):
        pass
    return time.monotonic() - started


def test_a_client_that_sends_half_a_request_head_is_disconnected() -> None:
    with (
        serve_sandbox(head_timeout=0.5) as server,
        socket.create_connection(("127.0.0.1", server.port)) as sock,
    ):
        sock.sendall(b"GET /devices HTTP/1.1\r\nHost: sandbox\r\n")  # and nothing more
        assert _closed_within(sock, 5.0) < 4.0


def test_half_a_head_after_a_complete_request_is_disconnected_too() -> None:
    with (
        serve_sandbox(head_timeout=0.5) as server,
        socket.create_connection(("127.0.0.1", server.port)) as sock,
    ):
        sock.sendall(b"GET /devices HTTP/1.1\r\nHost: sandbox\r\n\r\n")
        assert sock.recv(1024).startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /devices HTTP/1.1\r\nHo")
        assert _closed_within(sock, 5.0) < 4.0


@pytest.mark.anyio
async def test_a_slow_but_complete_client_is_still_served() -> None:
    with serve_sandbox(head_timeout=2.0) as server:
        async with PrintOSClient(base_url=server.url, environ={}) as client:
            assert await client.devices.list() == []


@pytest.mark.parametrize(
    ("key", "secret"),
    [("a:b", "s"), ("", "s"), ("a b", "s"), ("k\u00e9", "s"), ("k", ""), ("k\n", "s")],
)
def test_credentials_no_client_could_use_are_refused(key: str, secret: str) -> None:
    with pytest.raises(ValueError, match=r"key|secret"):
        Sandbox(key=key, secret=secret)
