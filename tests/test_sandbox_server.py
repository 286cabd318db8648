"""printos_ext.sandbox over a real loopback socket: the threaded server and the CLI."""

from __future__ import annotations

import re
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import IO

import httpx
import pytest

from printos_ext.auth import PrintOSHmacAuth
from printos_ext.sandbox import SandboxServer, serve_sandbox
from printos_ext.sandbox.cli import main

pytestmark = pytest.mark.e2e

READY_LINE = re.compile(r"PrintOS sandbox listening on (http://127\.0\.0\.1:(\d+))\n")


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """The server runs on its own thread and loop, so clients on either backend can use it."""
    backend: str = request.param
    return backend


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with serve_sandbox() as running:
        yield running


def test_url_is_loopback_with_the_bound_port(server: SandboxServer) -> None:
    assert server.port > 0
    assert server.url == f"http://127.0.0.1:{server.port}"


def test_provision_and_list_over_a_socket(server: SandboxServer) -> None:
    with httpx.Client(base_url=server.url) as client:
        created = client.post("/devices", json={"model": "HP Indigo 7K", "serialNumber": "SN-1"})
        listed = client.get("/devices")
    assert created.status_code == 201
    assert listed.json()["devices"] == [created.json()]
    assert listed.headers["x-request-id"]


def test_status_update_over_a_socket_has_an_empty_body(server: SandboxServer) -> None:
    device = server.state.provision(model="m", serial_number="SN-1")
    with httpx.Client(base_url=server.url) as client:
        response = client.put(f"/devices/{device.id}/status", json={"status": "READY"})
    assert (response.status_code, response.content) == (200, b"")
    assert server.state.devices[device.id].status == "READY"


def test_dropped_connection_raises_remote_protocol_error_then_recovers(
    server: SandboxServer,
) -> None:
    server.faults.drop_next(1)
    with httpx.Client(base_url=server.url) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/devices")
        assert client.get("/devices").status_code == 200
    assert server.state.request_counts[("GET /devices", None)] == 1


def test_drop_after_processing_applies_the_change_over_a_socket(server: SandboxServer) -> None:
    server.faults.drop_next(1, after_processing=True)
    with httpx.Client(base_url=server.url) as client, pytest.raises(httpx.RemoteProtocolError):
        client.post("/devices", json={"model": "m", "serialNumber": "SN-1"})
    assert [d.serial_number for d in server.state.devices.values()] == ["SN-1"]


def test_rate_limit_over_a_socket_sends_retry_after(server: SandboxServer) -> None:
    server.faults.rate_limit_burst(1, retry_after="2")
    with httpx.Client(base_url=server.url) as client:
        limited = client.get("/devices")
        ok = client.get("/devices")
    assert (limited.status_code, limited.headers["retry-after"], ok.status_code) == (429, "2", 200)


def test_sdk_signing_verifies_against_the_sandbox_for_an_encoded_id() -> None:
    with serve_sandbox(key="k", secret="s") as server:
        server.state.provision(model="m", serial_number="SN-1", device_id="bay 3/A")
        auth = PrintOSHmacAuth(key="k", secret="s")
        with httpx.Client(base_url=server.url, auth=auth) as client:
            response = client.put("/devices/bay%203%2FA/status", json={"status": "READY"})
            unsigned = httpx.get(f"{server.url}/devices")
    assert response.status_code == 200
    assert server.state.devices["bay 3/A"].status == "READY"
    assert unsigned.status_code == 400  # PrintOS answers a missing signature "Not Authorized"


@pytest.mark.anyio
async def test_async_clients_on_either_backend_can_use_the_server(server: SandboxServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        created = await client.post("/devices", json={"model": "m", "serialNumber": "SN-1"})
        listed = await client.get("/devices", params={"limit": 1})
    assert created.status_code == 201
    assert [d["id"] for d in listed.json()["devices"]] == [created.json()["id"]]


def test_two_servers_run_side_by_side_with_separate_state() -> None:
    with serve_sandbox() as first, serve_sandbox() as second:
        first.state.provision(model="m", serial_number="SN-1")
        assert first.port != second.port
        assert len(httpx.get(f"{first.url}/devices").json()["devices"]) == 1
        assert httpx.get(f"{second.url}/devices").json() == {"devices": []}


def test_stopped_server_refuses_connections() -> None:
    with serve_sandbox() as server:
        url = server.url
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/devices")


def test_server_cannot_be_started_twice(server: SandboxServer) -> None:
    with pytest.raises(RuntimeError, match="already running"):
        server.start()


def test_cli_refuses_a_key_without_a_secret(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--key", "k"])
    assert exit_info.value.code == 2
    assert "--secret" in capsys.readouterr().err


def _read_line(stream: IO[str] | None, timeout: float) -> str:
    """One line from a child's pipe, failing instead of hanging if it never comes."""
    assert stream is not None
    ready, _, _ = select.select([stream], [], [], timeout)
    assert ready, f"no output within {timeout}s"
    return stream.readline()


@pytest.mark.skipif(sys.platform == "win32", reason="select() on pipes and SIGTERM are POSIX")
def test_cli_prints_its_url_serves_and_stops_on_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "printos_ext.sandbox", "--port", "0", "--seed", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        match = READY_LINE.fullmatch(_read_line(process.stdout, timeout=15))
        assert match, "expected the 'listening on' line"
        response = httpx.post(
            f"{match[1]}/devices", json={"model": "m", "serialNumber": "SN-1"}, timeout=5
        )
        assert response.status_code == 201
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert stdout == ""
    assert "Traceback" not in stderr
