"""The CLI on any terminal, at datetime's edges, and with numbers JSON cannot carry
(issue 18, classes 3, 4, 5 and the CLI part of 14), run as a subprocess.

* On a terminal that is not UTF-8 (``PYTHONIOENCODING=ascii`` and others) a command that
  succeeded on the server exits 0 and prints what it can, escaping the rest.
* A time whose UTC equivalent is beyond year 9999 (or before year 1) is shown as given.
* ``--json`` prints strict JSON: a NaN or Infinity from the server becomes null, with a warning.
* Messages name options as typed (``--pages-total``), and ``printos sandbox`` / ``printos demo``
  without the sandbox extra say how to install it.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printos_ext.cli._args import SANDBOX_EXTRA
from printos_ext.cli._table import utc_text
from printos_ext.sandbox import SandboxServer, serve_sandbox

pytestmark = pytest.mark.e2e

ENCODINGS = ["ascii", "cp1252"]
NON_ASCII_MODEL = "Impresora \u00d1and\u00fa \u2603 \u6f22\u5b57 \U0001f5a8"


def printos(
    *args: str, encoding: str | None = None, base_url: str | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTOS_")}
    env.pop("PYTHONUTF8", None)
    if encoding is not None:
        env["PYTHONIOENCODING"] = encoding
    if base_url is not None:
        env["PRINTOS_BASE_URL"] = base_url
    return subprocess.run(
        [sys.executable, "-m", "printos_ext.cli", *args],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with serve_sandbox() as running:
        yield running


@pytest.fixture(autouse=True)
def clean(sandbox: SandboxServer) -> None:
    sandbox.state.reset()


class FixedApi(http.server.BaseHTTPRequestHandler):
    """Answers GET /devices with a fixed body written as given (NaN included)."""

    body: ClassVar[str] = ""

    def do_GET(self) -> None:
        data = self.body.encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def fixed_api() -> Iterator[type[FixedApi]]:
    handler = type("Handler", (FixedApi,), {"body": ""})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


# Class 3: any terminal encoding


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_provision_succeeds_and_exits_0_on_a_non_utf8_terminal(
    sandbox: SandboxServer, encoding: str
) -> None:
    result = printos(
        "devices", "provision", "--model", NON_ASCII_MODEL, "--serial", "S-\u00e9",
        encoding=encoding, base_url=sandbox.url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert result.stdout.decode(encoding).startswith("provisioned dev-")
    assert len(sandbox.state.devices) == 1


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_devices_list_with_non_ascii_rows_exits_0_on_a_non_utf8_terminal(
    sandbox: SandboxServer, encoding: str
) -> None:
    sandbox.state.provision(model=NON_ASCII_MODEL, serial_number="S\u00f1", location="S\u00e3o")
    result = printos("devices", "list", encoding=encoding, base_url=sandbox.url)
    assert result.returncode == 0, result.stderr
    assert "1 device(s)" in result.stdout.decode(encoding)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_status_update_exits_0_on_a_non_utf8_terminal(
    sandbox: SandboxServer, encoding: str
) -> None:
    device = sandbox.state.provision(model="M", serial_number="S", device_id="d\u00e9v-1")
    result = printos(
        "devices", "status", device.id, "--status", "IMPRIMIENDO \u2603",
        encoding=encoding, base_url=sandbox.url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sandbox.state.device(device.id).status == "IMPRIMIENDO \u2603"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_json_output_is_ascii_json_on_any_terminal(sandbox: SandboxServer, encoding: str) -> None:
    sandbox.state.provision(model=NON_ASCII_MODEL, serial_number="S")
    result = printos("devices", "list", "--json", encoding=encoding, base_url=sandbox.url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.decode("ascii"))[0]["model"] == NON_ASCII_MODEL


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_an_error_about_non_ascii_input_is_one_line_on_a_non_utf8_terminal(
    sandbox: SandboxServer, encoding: str
) -> None:
    result = printos(
        "devices", "status", "no-such-\u00e9", "--status", "IDLE",
        encoding=encoding, base_url=sandbox.url,
    )  # fmt: skip
    assert result.returncode == 4
    assert b"Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


# Class 4: datetime's edges


def test_a_time_beyond_year_9999_in_utc_is_shown_with_its_offset(
    fixed_api: type[FixedApi],
) -> None:
    fixed_api.body = json.dumps(
        {"devices": [{"id": "d1", "registeredAt": "9999-12-31T23:59:59-23:59"}]}
    )
    result = printos("devices", "list", base_url=fixed_api.url)  # type: ignore[attr-defined]
    assert result.returncode == 0, result.stderr
    assert "9999-12-31 23:59:59-23:59" in result.stdout.decode()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    moment=st.datetimes(
        timezones=st.builds(
            dt.timezone,
            st.timedeltas(min_value=-dt.timedelta(hours=23, minutes=59),
                          max_value=dt.timedelta(hours=23, minutes=59)).map(
                lambda d: dt.timedelta(minutes=int(d.total_seconds() // 60))
            ),
        )
    )
)  # fmt: skip
def test_utc_text_never_raises_for_any_aware_datetime(moment: dt.datetime) -> None:
    text = utc_text(moment)
    assert text.startswith(f"{moment.year:04d}") or text.endswith("Z")


# Class 5: --json is JSON


def _strict(text: str) -> Any:
    def refuse(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_output_is_strict_json_when_the_server_sends_a_non_finite_number(
    fixed_api: type[FixedApi], constant: str
) -> None:
    fixed_api.body = (
        '{"devices": [{"id": "d1", "metrics": {"inkLevel": ' + constant + ', "pagesTotal": 5}}]}'
    )
    result = printos("devices", "list", "--json", base_url=fixed_api.url)  # type: ignore[attr-defined]
    assert result.returncode == 0, result.stderr
    devices = _strict(result.stdout.decode())
    assert devices[0]["metrics"] == {"inkLevel": None, "pagesTotal": 5}
    warning = result.stderr.decode()
    assert warning.startswith("printos: warning:")
    assert "$[0].metrics.inkLevel" in warning


# Class 14: option names, the sandbox extra


def test_a_status_update_with_nothing_in_it_names_the_options() -> None:
    result = printos("devices", "status", "d1", base_url="http://127.0.0.1:9")
    assert result.returncode == 2
    message = result.stderr.decode()
    assert "--status, --pages-total, --ink-level" in message
    assert "pages_total" not in message


def _without_sandbox_extra(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI where starlette cannot be imported, as after `pip install printos-sdk`."""
    code = (
        "import sys; sys.modules['starlette'] = None; sys.modules['uvicorn'] = None\n"
        "from printos_ext.cli import main\n"
        f"sys.exit(main({list(args)!r}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("command", [["sandbox"], ["sandbox", "--port", "0"], ["demo"]])
def test_sandbox_and_demo_without_the_extra_say_how_to_install_it(command: list[str]) -> None:
    result = _without_sandbox_extra(*command)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().endswith(SANDBOX_EXTRA)
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["devices", "provision", "--model", "M", "--serial", " "], "--serial must not be empty"),
        (["devices", "status", " ", "--status", "IDLE"], "ID must not be empty"),
        (["devices", "status", "d1", "--status", " "], "--status must not be empty"),
    ],
)
def test_an_invalid_value_is_named_by_its_option(args: list[str], option: str) -> None:
    result = printos(*args, base_url="http://127.0.0.1:9")
    assert result.returncode == 2
    assert f"printos: error: {option}" in result.stderr.decode()
