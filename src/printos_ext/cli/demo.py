"""The demo (``printos demo``): the SDK end to end against a local sandbox, with HMAC on.

It starts the sandbox on a loopback port with a demo key and secret, then, through the public SDK
only: provisions a small fleet, lists it page by page, reports status and metrics for every
device, shows how typed errors read, and prints the fleet as a table.
"""

from __future__ import annotations

import secrets

import anyio

from ..auth import PrintOSHmacAuth
from ..client import PrintOSClient
from ..errors import ConflictError, NotFoundError
from ._table import device_rows, render_table

FLEET = [
    ("HP Indigo 7K", "SG-7K-0001", "Hall A"),
    ("HP Indigo 12000", "SG-12K-0002", "Hall A"),
    ("HP Latex 800", "LX-800-0003", "Hall B"),
    ("HP PageWide T250", "PW-T250-0004", "Hall B"),
    ("HP Stitch S1000", "ST-S1K-0005", "Finishing"),
]
REPORTS = [
    ("PRINTING", 182_340, 71.5),
    ("IDLE", 960_112, 43.0),
    ("PRINTING", 20_455, 88.25),
    ("ERROR", 5_120, 3.5),
    ("OFFLINE", 1_200, 100.0),
]


async def run(base_url: str, auth: PrintOSHmacAuth) -> None:
    async with PrintOSClient(base_url=base_url, auth=auth) as client:
        print(f"Sandbox at {base_url} (PrintOS HMAC auth, key {auth.key!r})\n")

        print("Provisioning devices:")
        ids = []
        for model, serial, location in FLEET:
            device = await client.devices.provision(
                model=model, serial_number=serial, location=location
            )
            ids.append(str(device.id))
            print(f"  {device.id}  {model:<18} serial {serial}")

        print("\nSending status updates with metrics (concurrently, one connection pool):")

        async def report(device_id: str, status: str, pages: int, ink: float) -> None:
            await client.devices.update_status(
                device_id, status=status, pages_total=pages, ink_level=ink
            )
            print(f"  {device_id}  {status:<9} pages {pages:>7,}  ink {ink:>6.2f}%")

        async with anyio.create_task_group() as group:
            for device_id, (status, pages, ink) in zip(ids, REPORTS, strict=True):
                group.start_soon(report, device_id, status, pages, ink)

        print("\nTyped errors:")
        try:
            await client.devices.provision(model="HP Indigo 7K", serial_number=FLEET[0][1])
        except ConflictError as error:
            print(f"  ConflictError: {error}")
        try:
            await client.devices.update_status("dev-missing", status="IDLE")
        except NotFoundError as error:
            print(f"  NotFoundError: {error}")

        fleet = [device async for device in client.devices.iter(page_size=2)]
        print(f"\nFleet ({len(fleet)} devices, listed in pages of 2):")
        print(render_table(device_rows(fleet)))


def main() -> int:
    """Start a sandbox on 127.0.0.1, run the demo against it, stop it."""
    from ..sandbox import serve_sandbox

    key, secret = "demo-key", secrets.token_hex(16)
    with serve_sandbox(key=key, secret=secret) as server:
        anyio.run(run, server.url, PrintOSHmacAuth(key, secret))
    return 0
