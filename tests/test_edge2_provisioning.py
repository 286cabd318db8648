"""Provisioning that is safe to repeat (issue 18, class 13).

A provision whose answer is lost may or may not have created the device; the SDK rightly does
not retry a POST on its own. The README's pattern: repeat the same call; a 409 for the same
serial number carries the id the first attempt created (``ConflictError.existing_id``). This
runs that pattern, as the README writes it, against a sandbox that processes a provision and
then drops the connection.
"""

from __future__ import annotations

from collections.abc import Iterator

import anyio
import pytest

from printos_ext import (
    APIConnectionError,
    ConflictError,
    InternalServerError,
    PrintOSClient,
)
from printos_ext.sandbox import SandboxServer, serve_sandbox

pytestmark = pytest.mark.e2e


async def provision_once(client: PrintOSClient, model: str, serial: str) -> str:
    """The README's pattern, verbatim: the id of the device with this serial number."""
    for attempt in range(5):
        try:
            device = await client.devices.provision(model=model, serial_number=serial)
            return str(device.id)
        except ConflictError as error:
            if error.existing_id is None:
                raise  # a conflict that does not name the device: not ours to resolve
            return error.existing_id
        except (APIConnectionError, InternalServerError):
            if attempt == 4:
                raise
            await anyio.sleep(0.01 * 2**attempt)  # the answer was lost: repeat the same call
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with serve_sandbox() as running:
        yield running


@pytest.mark.anyio
async def test_a_provision_whose_answer_was_lost_is_repeated_and_yields_the_existing_id(
    sandbox: SandboxServer,
) -> None:
    sandbox.state.reset()
    sandbox.faults.drop_next(1, after_processing=True)  # created, then the answer is lost
    async with PrintOSClient(base_url=sandbox.url, environ={}) as client:
        device_id = await provision_once(client, "HP Latex 800", "LX-LOST-1")
    devices = sandbox.state.devices
    assert list(devices) == [device_id]
    assert devices[device_id].serial_number == "LX-LOST-1"


@pytest.mark.anyio
async def test_repeating_a_successful_provision_gives_the_same_id(sandbox: SandboxServer) -> None:
    sandbox.state.reset()
    async with PrintOSClient(base_url=sandbox.url, environ={}) as client:
        first = await provision_once(client, "HP Latex 800", "LX-TWICE")
        second = await provision_once(client, "HP Latex 800", "LX-TWICE")
    assert first == second
    assert len(sandbox.state.devices) == 1


@pytest.mark.anyio
async def test_provision_many_reports_the_existing_id_of_each_repeated_serial(
    sandbox: SandboxServer,
) -> None:
    sandbox.state.reset()
    async with PrintOSClient(base_url=sandbox.url, environ={}) as client:
        first = await client.devices.provision_many(
            [{"model": "M", "serial_number": f"S-{n}"} for n in range(5)]
        )
        again = await client.devices.provision_many(
            [{"model": "M", "serial_number": f"S-{n}"} for n in range(5)]
        )
    assert all(r.ok for r in first)
    ids = [r.value.id for r in first if r.value]
    assert [r.error.existing_id for r in again if isinstance(r.error, ConflictError)] == ids
