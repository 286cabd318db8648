"""The generated sync twins for a spec beyond HP's: tags whose names could collide with a
twin (``sync_devices`` beside ``devices``) or with the sync client's own members (``close``) get
distinct names, and every operation is callable through SyncPrintOSClient."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from regen_probe import SPEC, regenerate_and_probe

EXTRA_PATHS = {
    "/sync-devices": {
        "get": {
            "operationId": "listSyncDevices",
            "tags": ["sync_devices"],
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {"type": "string"}}},
                }
            },
        }
    },
    "/close": {
        "post": {
            "operationId": "closeIt",
            "tags": ["close"],
            "responses": {"204": {"description": "done"}},
        }
    },
}
"""HP's spec plus these: tags that could collide with a sync twin or the sync client's members."""


PROBE = textwrap.dedent(
    """
    import json
    import httpx
    from printos_ext import SyncPrintOSClient

    def handler(request):
        if request.url.path == "/close":
            return httpx.Response(204)
        if request.url.path == "/devices":
            return httpx.Response(200, json={"devices": [{"id": "d1"}]})
        return httpx.Response(200, json=request.url.path)

    with SyncPrintOSClient(base_url="https://t.test", environ={}, allow_unauthenticated=True,
                           transport=httpx.MockTransport(handler)) as client:
        out = {
            "resources": list(type(client).RESOURCES),
            "classes": {n: type(getattr(client, n)).__name__ for n in type(client).RESOURCES},
            "devices": [d.id for d in client.devices.list()],
            "sync_devices": client.sync_devices.list(),
            "closed": client.close_.it(),
            "close_is_the_client_method": callable(client.close),
        }
    print(json.dumps(out))
    """
)


@pytest.mark.e2e
def test_colliding_tags_get_distinct_sync_classes_and_every_operation_is_callable(
    tmp_path: Path,
) -> None:
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    document["paths"].update(EXTRA_PATHS)
    spec = tmp_path / "colliding.yml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False))
    out = regenerate_and_probe(spec, tmp_path, PROBE)
    assert out["classes"] == {
        "close_": "SyncClose",
        "devices": "SyncDevices",
        "sync_devices": "SyncSyncDevicesResource",
    }
    assert out["devices"] == ["d1"]
    assert out["sync_devices"] == "/sync-devices"
    assert out["closed"] is None
    assert out["close_is_the_client_method"] is True
