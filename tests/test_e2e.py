"""End to end: the public SDK against the sandbox over a real loopback socket, HMAC on."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from printos_ext import (
    APIConnectionError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PrintOSClient,
    PrintOSHmacAuth,
    RetryPolicy,
)
from printos_ext.sandbox import SandboxServer, serve_sandbox

pytestmark = pytest.mark.e2e

KEY, SECRET = "e2e-key", "e2e-secret-0123456789"


class FakeSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with serve_sandbox(key=KEY, secret=SECRET) as running:
        yield running


@pytest.fixture(autouse=True)
def clean(server: SandboxServer) -> None:
    server.state.reset()
    server.faults.reset()


def client_for(server: SandboxServer, **kwargs: object) -> PrintOSClient:
    options: dict[str, object] = {"auth": PrintOSHmacAuth(KEY, SECRET), "environ": {}}
    options.update(kwargs)
    return PrintOSClient(base_url=server.url, **options)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_provision_update_and_list_round_trip(server: SandboxServer) -> None:
    async with client_for(server) as client:
        device = await client.devices.provision(
            model="HP Latex 800", serial_number="LX-1", location="Hall B"
        )
        await client.devices.update_status(
            device.id, status="PRINTING", pages_total=10, ink_level=55
        )
        listed = await client.devices.list()
    assert [d.id for d in listed] == [device.id]
    assert listed[0].status == "PRINTING"
    assert listed[0].additional_properties["metrics"] == {"pagesTotal": 10, "inkLevel": 55}
    stored = server.state.devices[str(device.id)]
    assert (stored.status, stored.location) == ("PRINTING", "Hall B")


@pytest.mark.anyio
async def test_iter_pages_over_the_socket(server: SandboxServer) -> None:
    for i in range(7):
        server.state.provision(model="M", serial_number=f"SN-{i}")
    async with client_for(server) as client:
        serials = [d.serial_number async for d in client.devices.iter(page_size=3)]
    assert serials == [f"SN-{i}" for i in range(7)]
    assert server.state.count("GET /devices") == 3


@pytest.mark.anyio
async def test_percent_encoded_device_id_passes_hmac_verification(server: SandboxServer) -> None:
    server.state.provision(model="M", serial_number="S", device_id="bay 3/A%")
    async with client_for(server) as client:
        await client.devices.update_status("bay 3/A%", status="IDLE")
    assert server.state.devices["bay 3/A%"].status == "IDLE"


@pytest.mark.anyio
async def test_wrong_secret_is_an_authentication_error(server: SandboxServer) -> None:
    async with client_for(server, auth=PrintOSHmacAuth(KEY, "not-the-secret")) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.devices.list()
    assert info.value.status_code == 400  # as PrintOS answers it: 400 "Not Authorized"
    assert "not-the-secret" not in str(info.value)


@pytest.mark.anyio
async def test_unknown_device_duplicate_serial_and_bad_value_are_typed(
    server: SandboxServer,
) -> None:
    async with client_for(server) as client:
        await client.devices.provision(model="M", serial_number="DUP")
        with pytest.raises(ConflictError):
            await client.devices.provision(model="M", serial_number="DUP")
        with pytest.raises(NotFoundError) as info:
            await client.devices.update_status("nope", status="IDLE")
    assert info.value.request_id


@pytest.mark.anyio
async def test_transient_failures_are_retried_until_success(server: SandboxServer) -> None:
    device = server.state.provision(model="M", serial_number="S")
    server.faults.fail_next(1, status=503)
    server.faults.rate_limit_burst(1, retry_after="2")
    server.faults.drop_next(1)
    sleep = FakeSleep()
    policy = RetryPolicy(max_retries=3, jitter=0, initial_delay=0.1)
    async with client_for(server, sleep=sleep, retry=policy) as client:
        await client.devices.update_status(device.id, status="PRINTING")
    assert server.state.devices[device.id].status == "PRINTING"
    assert sleep.delays == [0.1, 2.0, 0.4]


@pytest.mark.anyio
async def test_dropped_provision_is_not_repeated(server: SandboxServer) -> None:
    server.faults.drop_next(1)
    async with client_for(server, sleep=FakeSleep()) as client:
        with pytest.raises(APIConnectionError):
            await client.devices.provision(model="M", serial_number="ONCE")
    assert server.state.count("POST /devices") == 1


@pytest.mark.anyio
async def test_connection_refused_is_an_api_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with PrintOSClient(
        base_url=f"http://127.0.0.1:{port}", max_retries=0, environ={}
    ) as client:
        with pytest.raises(APIConnectionError, match="GET /devices"):
            await client.devices.list()
