"""Updates of one device in one batch are applied in input order (issue 18, class 9).

The first update of a device is slow to answer, the second fast: run side by side, the server
would end with the first. Chained per device, it ends with the last one in the batch, whatever
the concurrency; other devices still run side by side.
"""

from __future__ import annotations

import json

import anyio
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printos_ext import PrintOSClient, StatusUpdate


class SlowFirst:
    """Applies each update when its answer is sent; slow for statuses starting with "SLOW"."""

    def __init__(self) -> None:
        self.state: dict[str, str] = {}
        self.in_flight: dict[str, int] = {}
        self.peak_devices = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        device_id = request.url.path.split("/")[2]
        status = json.loads(request.content)["status"]
        self.in_flight[device_id] = self.in_flight.get(device_id, 0) + 1
        assert self.in_flight[device_id] == 1, "two updates of one device in flight"
        self.peak_devices = max(self.peak_devices, sum(self.in_flight.values()))
        await anyio.sleep(0.05 if status.startswith("SLOW") else 0)
        self.state[device_id] = status
        self.in_flight[device_id] -= 1
        return httpx.Response(200)


@pytest.mark.anyio
@pytest.mark.parametrize("concurrency", [2, 10])
async def test_two_updates_of_one_device_end_with_the_last_one(concurrency: int) -> None:
    server = SlowFirst()
    async with PrintOSClient(
        base_url="http://127.0.0.1:9", transport=httpx.MockTransport(server), environ={}
    ) as client:
        results = await client.devices.update_status_many(
            [
                StatusUpdate(device_id="d1", status="SLOW-FIRST"),
                StatusUpdate(device_id="d2", status="SLOW-OTHER"),
                StatusUpdate(device_id="d1", status="LAST"),
            ],
            concurrency=concurrency,
        )
    assert all(r.ok for r in results)
    assert server.state == {"d1": "LAST", "d2": "SLOW-OTHER"}
    assert server.peak_devices == 2  # d1 and d2 still ran side by side


@pytest.mark.anyio
@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    devices=st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=12),
    slow=st.lists(st.booleans(), min_size=12, max_size=12),
    concurrency=st.integers(min_value=1, max_value=5),
)
async def test_each_device_ends_with_its_last_update_in_the_batch(
    devices: list[str], slow: list[bool], concurrency: int
) -> None:
    server = SlowFirst()
    updates = [
        {"device_id": d, "status": f"{'SLOW' if slow[i] else 'FAST'}-{i}"}
        for i, d in enumerate(devices)
    ]
    async with PrintOSClient(
        base_url="http://127.0.0.1:9", transport=httpx.MockTransport(server), environ={}
    ) as client:
        results = await client.devices.update_status_many(updates, concurrency=concurrency)
    assert [r.input for r in results] == updates
    last = {u["device_id"]: u["status"] for u in updates}
    assert server.state == last


class CountsInFlight:
    """Answers provisions after a pause, counting how many are in flight at once."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.peak = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await anyio.sleep(0.02)
        self.in_flight -= 1
        body = json.loads(request.content)
        return httpx.Response(201, json={"id": f"dev-{body['serialNumber']}", **body})


@pytest.mark.anyio
async def test_items_of_an_operation_without_path_parameters_run_side_by_side() -> None:
    # Only a path parameter names the resource a call acts on: provisions create, so they are
    # not chained (the server's 409 decides between two of one serial number).
    server = CountsInFlight()
    async with PrintOSClient(
        base_url="http://127.0.0.1:9", transport=httpx.MockTransport(server), environ={}
    ) as client:
        results = await client.devices.provision_many(
            [{"model": "M", "serial_number": s} for s in ["S1", "S2", "S1"]], concurrency=3
        )
    assert all(r.ok for r in results)
    assert server.peak == 3
