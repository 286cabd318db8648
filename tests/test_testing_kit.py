"""printos_ext.testing: factories, the in-process transports and the pytest plugin, and the
README's examples (the testing section's test module and the sync section's code) run as written."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import attrs
import httpx
import pytest

import printos_api_client.models as generated_models
from printos_ext import InvalidArgumentError, PrintDevice, PrintOSClient, SyncPrintOSClient
from printos_ext.sandbox import Sandbox, SandboxServer, serve_sandbox
from printos_ext.testing import SyncASGITransport, factories, make, make_device

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_block(heading: str) -> str:
    """The first ```python block after ``heading`` in the README."""
    section = README[README.index(heading) :]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None
    return match.group(1)


@pytest.fixture
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "asyncio")


# Factories


def test_make_device_gives_a_device_the_strict_decoder_accepts() -> None:
    device = make_device()
    assert PrintDevice.from_dict(device.to_dict()) == device
    assert device.id
    assert device.serial_number
    assert device.registered_at is not None


def test_given_fields_are_kept_and_successive_devices_differ() -> None:
    first, second = make_device(status="OFFLINE"), make_device()
    assert first.status == "OFFLINE"
    assert first.id != second.id
    assert first.serial_number != second.serial_number


def test_every_generated_model_has_a_factory_named_after_it() -> None:
    models = [getattr(generated_models, n) for n in generated_models.__all__]
    expected = {"make_" + re.sub(r"(?<!^)(?=[A-Z])", "_", m.__name__).lower() for m in models}
    assert set(factories.FACTORIES) == expected
    for name, factory in factories.FACTORIES.items():
        made = factory()
        assert attrs.has(type(made))
        assert type(made).from_dict(made.to_dict()) == made, name


def test_an_unknown_field_is_a_type_error_naming_it() -> None:
    with pytest.raises(TypeError, match="colour"):
        make_device(colour="red")


def test_a_value_the_schema_refuses_is_an_invalid_argument() -> None:
    with pytest.raises(InvalidArgumentError, match="id"):
        make_device(id=42)


def test_make_refuses_what_is_not_a_generated_model() -> None:
    with pytest.raises(TypeError, match="not a generated attrs model"):
        make(dict)


# The transports


def test_sync_asgi_transport_answers_from_the_app_without_sockets() -> None:
    sandbox = Sandbox()
    with httpx.Client(transport=SyncASGITransport(sandbox), base_url="http://t") as client:
        created = client.post("/devices", json={"model": "m", "serialNumber": "s"})
        assert created.status_code == 201
        assert client.get("/devices").json()["devices"][0]["serialNumber"] == "s"
    assert sandbox.state.requests_seen == 2


def test_sync_asgi_transport_passes_a_dropped_connection_on_as_httpx_sees_it() -> None:
    sandbox = Sandbox()
    sandbox.faults.drop_next(1)
    with (
        httpx.Client(transport=SyncASGITransport(sandbox), base_url="http://t") as client,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        client.get("/devices")


def test_a_closed_sync_asgi_transport_refuses_requests() -> None:
    transport = SyncASGITransport(Sandbox())
    transport.close()
    with pytest.raises(RuntimeError, match="closed"):
        transport.handle_request(httpx.Request("GET", "http://t/devices"))


# The plugin's fixtures (installed with the SDK, so loaded here too)


def test_the_sync_fixture_is_wired_to_the_sandbox(
    printos_sandbox: Sandbox, sync_printos_client: SyncPrintOSClient
) -> None:
    printos_sandbox.state.provision(model="m", serial_number="S-1")
    assert [d.serial_number for d in sync_printos_client.devices.list()] == ["S-1"]


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"], indirect=True)
async def test_the_async_fixture_is_wired_to_the_sandbox_on_both_loops(
    printos_sandbox: Sandbox, printos_client: PrintOSClient
) -> None:
    printos_sandbox.state.provision(model="m", serial_number="A-1")
    printos_sandbox.faults.fail_next(2, 503)
    assert [d.serial_number for d in await printos_client.devices.list()] == ["A-1"]


def test_the_fixture_clients_ignore_the_environment(
    monkeypatch: pytest.MonkeyPatch, printos_client: PrintOSClient
) -> None:
    monkeypatch.setenv("PRINTOS_KEY", "real-key")
    monkeypatch.setenv("PRINTOS_SECRET", "real-secret")
    assert printos_client.auth is None


def test_the_plugin_imports_no_starlette_until_a_fixture_is_used() -> None:
    code = "import sys, printos_ext.testing.plugin; print('starlette' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    from importlib.metadata import entry_points

    (plugin,) = [e for e in entry_points(group="pytest11") if e.name == "printos"]
    assert plugin.value == "printos_ext.testing.plugin"


# The README's examples, as written


def test_the_readme_testing_example_passes(tmp_path: Path) -> None:
    (tmp_path / "test_readme_example.py").write_text(readme_block("### Testing your code"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout  # 2 plain tests, 2 async ones on asyncio and trio


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with serve_sandbox(key="readme-key", secret="readme-secret-0123") as running:
        yield running


def test_the_readme_sync_example_runs(server: SandboxServer, tmp_path: Path) -> None:
    script = readme_block("### Synchronous code") + "\nsync_inventory()\n"
    env = {
        "PRINTOS_BASE_URL": server.url,
        "PRINTOS_KEY": "readme-key",
        "PRINTOS_SECRET": "readme-secret-0123",
        "PATH": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["7K-0001 READY", "True"]
    assert server.state.request_counts[("PUT /devices/{deviceId}/status", 200)] == 2
