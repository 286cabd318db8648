"""The ``printos`` CLI at its edges, run as a subprocess (issues 11 and 12).

Options go before or after the subcommand; the table shows times in UTC; what is printed comes
from the server; a connection failure names the server; unsigned requests never leave for a
remote host; and every bad argument or configuration (a port out of range, an unparseable URL,
an id that is not UTF-8 or too long for a URL, a key that cannot go in a header, half of the
credentials) is one line on stderr with exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

import pytest

from printos_ext._urls import is_loopback
from printos_ext.cli import EXIT_CODES, build_parser
from printos_ext.cli._table import utc_text
from printos_ext.sandbox import SandboxServer, serve_sandbox
from printos_ext.sandbox.cli import build_parser as build_sandbox_parser

pytestmark = pytest.mark.e2e

USAGE = EXIT_CODES["usage or invalid argument"]


def printos(
    *args: str | bytes, env: dict[str, str] | None = None, base_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI with a clean PrintOS environment plus ``env``."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PRINTOS_")}
    environ.update(env or {})
    if base_url is not None:
        environ["PRINTOS_BASE_URL"] = base_url
    return subprocess.run(
        [sys.executable, "-m", "printos_ext.cli", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
        check=False,
    )


def one_line_error(result: subprocess.CompletedProcess[str], code: int = USAGE) -> str:
    """The single stderr line of a failed run, after checking there is nothing else."""
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    return lines[0]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with serve_sandbox() as running:  # no key: local, so the CLI may call it unsigned
        yield running


@pytest.fixture(autouse=True)
def clean(sandbox: SandboxServer) -> None:
    sandbox.state.reset()


class FixedApi(http.server.BaseHTTPRequestHandler):
    """A loopback server answering with fixed bodies, to see what the CLI does with them."""

    answers: ClassVar[dict[str, tuple[int, Any]]] = {}

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        status, body = self.answers[f"{self.command} {self.path}"]
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def fixed_api() -> Iterator[tuple[str, dict[str, tuple[int, Any]]]]:
    answers: ClassVar[dict[str, tuple[int, Any]]] = {}
    handler = type("Handler", (FixedApi,), {"answers": answers})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", answers
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


# Options after the subcommand


@pytest.mark.parametrize(
    "args",
    [
        ["devices", "list", "--json"],
        ["--json", "devices", "list"],
        ["devices", "list", "--json", "--max-retries", "0", "--timeout", "5"],
    ],
)
def test_json_goes_before_or_after_the_subcommand(sandbox: SandboxServer, args: list[str]) -> None:
    sandbox.state.provision(model="M", serial_number="SN-J")
    result = printos(*args, base_url=sandbox.url)
    assert result.returncode == 0, result.stderr
    assert [d["serialNumber"] for d in json.loads(result.stdout)] == ["SN-J"]


def test_the_base_url_goes_after_the_subcommand_too(sandbox: SandboxServer) -> None:
    result = printos("devices", "list", "--base-url", sandbox.url, base_url="http://127.0.0.1:9")
    assert result.returncode == 0, result.stderr


def test_json_after_provision_and_status(sandbox: SandboxServer) -> None:
    created = printos(
        "devices", "provision", "--model", "M", "--serial", "SN-1", "--json", base_url=sandbox.url
    )
    device = json.loads(created.stdout)
    updated = printos(
        "devices", "status", device["id"], "--status", "IDLE", "--json", base_url=sandbox.url
    )
    assert json.loads(updated.stdout) == {"deviceId": device["id"], "updated": True}


@pytest.mark.parametrize("action", ["list", "provision", "status"])
def test_each_subcommands_help_shows_json(action: str) -> None:
    result = printos("devices", action, "--help")
    assert result.returncode == 0
    assert "--json" in result.stdout
    assert "print JSON" in result.stdout


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


@pytest.mark.parametrize("parser", [build_parser(), build_sandbox_parser()], ids=["cli", "sandbox"])
def test_every_option_has_a_description(parser: argparse.ArgumentParser) -> None:
    undocumented = [
        f"{sub.prog} {action.option_strings or action.dest}"
        for sub in _parsers(parser)
        for action in sub._actions
        if not action.help and not isinstance(action, argparse._SubParsersAction)
    ]
    assert undocumented == []


# Output comes from the server, in UTC


def test_the_table_converts_times_to_utc(
    fixed_api: tuple[str, dict[str, tuple[int, Any]]],
) -> None:
    url, answers = fixed_api
    device = {"id": "dev-1", "model": "M", "serialNumber": "S", "status": "IDLE"}
    answers["GET /devices"] = (
        200,
        {
            "devices": [
                device | {"registeredAt": "2026-11-24T12:00:00+05:30"},
                device | {"id": "dev-2", "registeredAt": "2026-11-24T23:30:00-01:00"},
                # (A time without an offset is refused since issue 18: RFC 3339 requires one.)
            ]
        },
    )
    result = printos("devices", "list", base_url=url)
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()[2:4]
    assert rows[0].endswith("2026-11-24 06:30:00Z")
    assert rows[1].endswith("2026-11-25 00:30:00Z")


def test_a_time_without_an_offset_is_not_claimed_to_be_utc() -> None:
    naive = dt.datetime(2026, 11, 24, 12, 0, 0)
    assert utc_text(naive) == "2026-11-24 12:00:00"
    assert utc_text(None) == "-"


def test_the_table_escapes_control_characters_from_the_server(
    fixed_api: tuple[str, dict[str, tuple[int, Any]]],
) -> None:
    url, answers = fixed_api
    answers["GET /devices"] = (
        200,
        {"devices": [{"id": "dev-1", "model": "M\nfake row\x1b[31m", "serialNumber": "S"}]},
    )
    result = printos("devices", "list", base_url=url)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert len(result.stdout.splitlines()) == 4  # header, rule, one row, total
    assert "M\\nfake row\\x1b[31m" in result.stdout


def test_provision_prints_what_the_server_returned(
    fixed_api: tuple[str, dict[str, tuple[int, Any]]],
) -> None:
    url, answers = fixed_api
    answers["POST /devices"] = (
        201,
        {
            "id": "dev-42",
            "model": "HP Latex 800 W",  # the server's own spelling, not the argument
            "serialNumber": "LX-9",
            "status": "REGISTERED",
            "registeredAt": "2026-11-24T12:00:00+01:00",
            "location": "Hall B",
        },
    )
    result = printos(
        "devices", "provision", "--model", "latex 800", "--serial", "lx-9", base_url=url
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "provisioned dev-42: model 'HP Latex 800 W', serial 'LX-9', location 'Hall B', "
        "status 'REGISTERED', registered 2026-11-24 11:00:00Z\n"
    )


def test_provision_against_the_sandbox_shows_the_new_device(sandbox: SandboxServer) -> None:
    result = printos(
        "devices", "provision", "--model", "HP Indigo 7K", "--serial", "SN-7", base_url=sandbox.url
    )
    (device,) = sandbox.state.devices.values()
    assert result.stdout.startswith(
        f"provisioned {device.id}: model 'HP Indigo 7K', serial 'SN-7', status 'REGISTERED', "
    )


# Where requests go


def test_a_connection_error_names_the_server() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = printos("devices", "list", "--max-retries", "0", base_url=f"http://127.0.0.1:{port}")
    line = one_line_error(result, EXIT_CODES["connection failed or timed out"])
    assert line.startswith(f"printos: error: http://127.0.0.1:{port}: connection error on GET")


@pytest.mark.parametrize(
    ("base_url", "origin"),
    [
        (None, "https://printos.api.hp.com"),  # the default: HP production
        ("https://printos.api.hp.com/printbeat", "https://printos.api.hp.com"),
        ("http://10.0.0.5:8080", "http://10.0.0.5:8080"),
        ("http://sandbox.example", "http://sandbox.example"),
    ],
)
def test_without_credentials_nothing_is_sent_to_a_remote_host(
    base_url: str | None, origin: str
) -> None:
    result = printos("devices", "list", base_url=base_url)
    assert one_line_error(result) == (
        f"printos: error: no credentials for {origin}: set PRINTOS_KEY and PRINTOS_SECRET "
        "(only a local server, such as 'printos sandbox', is called without them)"
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_without_credentials_a_local_host_is_called(sandbox: SandboxServer, host: str) -> None:
    result = printos("devices", "list", base_url=f"http://{host}:{sandbox.port}")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("localhost", True),
        ("printers.localhost", True),
        ("localhost.example.com", False),
        ("10.0.0.5", False),
        ("::ffff:10.0.0.5", False),
        ("printos.api.hp.com", False),
    ],
)
def test_only_loopback_hosts_count_as_local(host: str, local: bool) -> None:
    assert is_loopback(host) is local


# Bad arguments and configuration: one line, exit 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sandbox", "--port", "99999"], "argument --port: must be a port number from 0 to 65535"),
        (["sandbox", "--port", "-1"], "argument --port: must be a port number"),
        (["sandbox", "--port", "http"], "argument --port: expected a whole number, got 'http'"),
        (["sandbox", "--latency", "-1"], "argument --latency: must be >= 0"),
        (["sandbox", "--latency", "nan"], "argument --latency: expected a finite number"),
        (["sandbox", "--error-rate", "2"], "argument --error-rate: must be between 0 and 1"),
        (["sandbox", "--body-timeout", "0"], "argument --body-timeout: must be > 0"),
        (["sandbox", "--key", "k"], "--key and --secret go together"),
        (["sandbox", "--seed", "x"], "argument --seed"),
        (["sandbox", "--bogus"], "unrecognized arguments: --bogus"),
        (["--timeout", "0", "devices", "list"], "argument --timeout: must be > 0"),
        (["devices", "list", "--timeout", "inf"], "argument --timeout: expected a finite"),
        (["devices", "list", "--max-retries", "-1"], "argument --max-retries: must be >= 0"),
        (["devices", "status", "d", "--ink-level", "150"], "between 0 and 100"),
        (["devices", "status", "d", "--pages-total", "x"], "expected a whole number"),
        (["devices"], "the following arguments are required: ACTION"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_a_bad_argument_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    line = one_line_error(printos(*args, base_url="http://127.0.0.1:9"))
    assert line.startswith("printos")
    assert message in line


def test_a_sandbox_host_that_does_not_resolve_is_a_bad_argument() -> None:
    line = one_line_error(printos("sandbox", "--host", "no-such-host.invalid"))
    assert line.startswith("printos sandbox: error: argument --host: cannot resolve")


def test_a_sandbox_port_in_use_is_one_line_and_exit_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_line_error(printos("sandbox", "--port", str(port)), code=1)
    assert line.startswith(f"printos sandbox: error: cannot listen on 127.0.0.1:{port}: ")


@pytest.mark.parametrize("base_url", ["http://[::1", "http://host:99999", "ftp://host", "::"])
def test_an_unparseable_base_url_is_one_line(base_url: str) -> None:
    line = one_line_error(printos("--base-url", base_url, "devices", "list"))
    assert line.startswith("printos: error: base_url ")


def test_an_id_that_is_not_utf8_is_one_line() -> None:
    # A shell passes arbitrary bytes; Python hands them over as lone surrogates.
    args: Sequence[str | bytes] = ["devices", "status", b"dev-\xff\xfe", "--status", "IDLE"]
    line = one_line_error(printos(*args, base_url="http://127.0.0.1:9"))
    assert line == (
        "printos devices status: error: argument ID: not valid UTF-8: b'dev-\\xff\\xfe' "
        "(see: printos devices status --help)"
    )


@pytest.mark.parametrize("option", ["--model", "--serial", "--location"])
def test_text_options_that_are_not_utf8_are_one_line(option: str) -> None:
    args: dict[str, str | bytes] = {"--model": "M", "--serial": "S", option: b"\xc3("}
    flat = [part for pair in args.items() for part in pair]
    line = one_line_error(printos("devices", "provision", *flat, base_url="http://127.0.0.1:9"))
    # --serial is an abbreviation of the generated option --serial-number, named in full
    name = "--serial-number" if option == "--serial" else option
    assert f"argument {name}: not valid UTF-8" in line


def test_an_id_too_long_for_a_url_is_one_line(sandbox: SandboxServer) -> None:
    line = one_line_error(
        printos("devices", "status", "x" * 100_000, "--status", "IDLE", base_url=sandbox.url)
    )
    assert line.startswith("printos: error: cannot build a request URL from a ")
    assert len(line) < 200
    assert sandbox.state.requests == []


def test_a_non_ascii_key_is_one_line(sandbox: SandboxServer) -> None:
    env = {"PRINTOS_KEY": "clé", "PRINTOS_SECRET": "s"}
    line = one_line_error(printos("devices", "list", env=env, base_url=sandbox.url))
    assert line == (
        "printos: error: PRINTOS_KEY must be printable ASCII without spaces or control "
        "characters (it is sent in an HTTP header); the value is not shown"
    )
    assert sandbox.state.requests == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PRINTOS_KEY": "k"}, "PRINTOS_KEY is set but PRINTOS_SECRET is not"),
        ({"PRINTOS_SECRET": "s"}, "PRINTOS_SECRET is set but PRINTOS_KEY is not"),
    ],
)
def test_half_of_the_credentials_is_a_configuration_error(
    sandbox: SandboxServer, env: dict[str, str], message: str
) -> None:
    line = one_line_error(printos("devices", "list", env=env, base_url=sandbox.url))
    assert line == f"printos: error: {message}: set both to sign requests, or neither"
    assert sandbox.state.requests == []  # nothing was sent unsigned


def test_a_reader_closing_the_pipe_ends_quietly(sandbox: SandboxServer) -> None:
    """`printos devices list --json | head -1`: no BrokenPipeError traceback."""
    for n in range(1000):  # well over a pipe's 64 KiB buffer, so the CLI is still writing
        sandbox.state.provision(model="M", serial_number=f"SN-{n}", device_id=f"dev-{n}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTOS_")}
    env["PRINTOS_BASE_URL"] = sandbox.url
    cli = subprocess.Popen(
        [sys.executable, "-m", "printos_ext.cli", "devices", "list", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert cli.stdout is not None
    assert cli.stdout.read(1) == b"["
    cli.stdout.close()  # the reader goes away after one byte
    _, err = cli.communicate(timeout=30)
    assert b"Traceback" not in err
    assert cli.returncode == 141


def test_provision_output_escapes_what_the_server_returned(
    fixed_api: tuple[str, dict[str, tuple[int, Any]]],
) -> None:
    url, answers = fixed_api
    answers["POST /devices"] = (
        201,
        {"id": "dev-1\x1b[2J", "model": "M\nprovisioned dev-fake", "serialNumber": "S" * 5000},
    )
    result = printos("devices", "provision", "--model", "M", "--serial", "S", base_url=url)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert result.stdout.count("\n") == 1  # one line, whatever the server said
    assert result.stdout.startswith("provisioned dev-1\\x1b[2J: model 'M\\nprovisioned dev-fake'")
    assert len(result.stdout) < 1000


def test_the_demo_piped_into_a_reader_that_leaves_ends_quietly() -> None:
    """`printos demo | head`: its status lines come from a task group; no traceback either."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTOS_")}
    env["PYTHONUNBUFFERED"] = "1"  # every print is a write: the first one after the close fails
    cli = subprocess.Popen(
        [sys.executable, "-m", "printos_ext.cli", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert cli.stdout is not None
    assert cli.stdout.readline().startswith(b"Sandbox at http://127.0.0.1:")
    while not cli.stdout.readline().startswith(b"Sending status updates"):
        pass  # the next lines are printed by the demo's tasks
    cli.stdout.close()
    _, err = cli.communicate(timeout=60)
    assert b"Traceback" not in err
    assert cli.returncode == 141


@pytest.mark.parametrize("body", ["[1, 2]", "5", "null", '"text"'])
def test_a_body_that_is_json_but_not_an_object_is_a_one_line_usage_error(
    sandbox: SandboxServer, body: str
) -> None:
    result = printos("devices", "provision", "--body", body, base_url=sandbox.url)
    line = one_line_error(result)
    assert "argument --body: does not match DeviceProvisionRequest: expected an object" in line


def test_a_body_nested_deeper_than_the_stack_is_a_one_line_usage_error(
    sandbox: SandboxServer,
) -> None:
    result = printos("devices", "provision", "--body", "[" * 100_000, base_url=sandbox.url)
    assert "nested too deeply" in one_line_error(result)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_body_file_that_never_ends_is_a_one_line_usage_error(sandbox: SandboxServer) -> None:
    result = printos("devices", "provision", "--body", "@/dev/zero", base_url=sandbox.url)
    assert "cannot read '/dev/zero': larger than" in one_line_error(result)


def test_a_body_file_over_the_limit_is_refused_before_parsing(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from printos_ext.cli import operations

    monkeypatch.setattr(operations, "MAX_BODY_FILE_BYTES", 10)
    body = tmp_path / "body.json"
    body.write_text('{"model": "m"}')
    with pytest.raises(argparse.ArgumentTypeError, match="larger than 10 bytes"):
        operations._json(f"@{body}")
    body.write_text("[1, 2, 3]")
    assert operations._json(f"@{body}") == [1, 2, 3]
