"""The ``printos`` CLI run as a subprocess against a loopback sandbox: output and exit codes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from printos_ext.cli import EXIT_CODES
from printos_ext.sandbox import SandboxServer, serve_sandbox

pytestmark = pytest.mark.e2e

KEY, SECRET = "cli-key", "cli-secret-abcdef"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with serve_sandbox(key=KEY, secret=SECRET) as running:
        yield running


@pytest.fixture(autouse=True)
def clean(server: SandboxServer) -> None:
    server.state.reset()


def printos(
    *args: str, server: SandboxServer | None = None, secret: str = SECRET, base_url: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTOS_")}
    env.update({"PRINTOS_KEY": KEY, "PRINTOS_SECRET": secret})
    env["PRINTOS_BASE_URL"] = base_url or (server.url if server else "")
    return subprocess.run(
        [sys.executable, "-m", "printos_ext.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_provision_prints_the_new_device(server: SandboxServer) -> None:
    result = printos(
        "devices", "provision", "--model", "HP Latex 800", "--serial", "LX-9", server=server
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("provisioned dev-")
    assert "LX-9" in result.stdout


def test_list_prints_a_table(server: SandboxServer) -> None:
    server.state.provision(model="HP Indigo 7K", serial_number="SN-1", location="Hall A")
    result = printos("devices", "list", server=server)
    assert result.returncode == 0, result.stderr
    header, rule, row, total = result.stdout.splitlines()
    assert header.split()[:3] == ["ID", "MODEL", "SERIAL"]
    assert set(rule) <= {"-", " "}
    assert "SN-1" in row
    assert "Hall A" in row
    assert total == "1 device(s)"


def test_list_json_is_machine_readable(server: SandboxServer) -> None:
    server.state.provision(model="M", serial_number="SN-J")
    result = printos("--json", "devices", "list", server=server)
    assert result.returncode == 0, result.stderr
    devices = json.loads(result.stdout)
    assert [d["serialNumber"] for d in devices] == ["SN-J"]


def test_status_update_is_applied(server: SandboxServer) -> None:
    device = server.state.provision(model="M", serial_number="S")
    result = printos(
        "devices",
        "status",
        device.id,
        "--status",
        "IDLE",
        "--pages-total",
        "5",
        "--ink-level",
        "12.5",
        server=server,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"updated {device.id}"
    stored = server.state.devices[device.id]
    assert stored.status == "IDLE"
    assert stored.metrics == {"pagesTotal": 5, "inkLevel": 12.5}


def test_wrong_secret_exits_with_the_auth_code(server: SandboxServer) -> None:
    result = printos("devices", "list", server=server, secret="wrong")
    assert result.returncode == EXIT_CODES["authentication or permission"]
    assert result.stderr.startswith("printos: error: 400 Bad Request from GET /devices")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "wrong" not in result.stderr.replace("wrong signature", "")


def test_unknown_device_exits_with_the_not_found_code(server: SandboxServer) -> None:
    result = printos("devices", "status", "dev-nope", "--status", "IDLE", server=server)
    assert result.returncode == EXIT_CODES["not found"]
    assert "404 Not Found from PUT /devices/dev-nope/status" in result.stderr


def test_duplicate_serial_exits_with_the_conflict_code(server: SandboxServer) -> None:
    server.state.provision(model="M", serial_number="DUP")
    result = printos("devices", "provision", "--model", "M", "--serial", "DUP", server=server)
    assert result.returncode == EXIT_CODES["conflict"]
    assert "409 Conflict" in result.stderr


def test_connection_refused_exits_with_the_connection_code() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = printos("--max-retries", "0", "devices", "list", base_url=f"http://127.0.0.1:{port}")
    assert result.returncode == EXIT_CODES["connection failed or timed out"]
    assert result.stderr.startswith(
        f"printos: error: http://127.0.0.1:{port}: connection error on GET /devices"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["devices", "status", "d", "--ink-level", "150"], "between 0 and 100"),
        (["devices", "status", "d", "--pages-total", "-3"], "must be >= 0"),
        (["devices", "provision", "--model", "M"], "--serial"),
        (["devices", "status", "d"], "nothing to send"),
        (["devices", "provision", "--model", "", "--serial", "S"], "model must not be empty"),
    ],
)
def test_bad_arguments_exit_with_the_usage_code(
    server: SandboxServer, args: list[str], message: str
) -> None:
    result = printos(*args, server=server)
    assert result.returncode == EXIT_CODES["usage or invalid argument"]
    assert message in result.stderr
    assert server.state.requests == []
