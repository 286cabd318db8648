"""Regenerating from evolved specs: the change report, the exit codes, and the ext layer's fate.

Each fixture in tests/fixtures/specs/ is the committed spec with one change. It is regenerated
with scripts/regenerate.py into a temporary tree, next to a copy of src/printos_ext, and a fresh
interpreter with that tree first on PYTHONPATH uses the SDK through httpx.MockTransport. The
contract: printos_ext keeps importing and working, whatever the spec changed, because it overrides
no operation; a breaking change shows in the generated signatures only (and the change report).
Generation takes a few seconds per fixture, so each fixture is generated once per module.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "regenerate.py"
SPEC = ROOT / "openapi" / "hp-printos-device-api-openapi.yml"
SPEC_NAME = "openapi/hp-printos-device-api-openapi.yml"
# Reports compare effective specs: each side is a spec with the overlay applied.
OVERLAID = " + openapi/overlay.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "specs"
EXT = ROOT / "src" / "printos_ext"

pytestmark = pytest.mark.e2e

# The report lines regenerate.py prints for each fixture, and whether any is breaking.
REPORTS: dict[str, list[str]] = {
    "new_operation.yml": [
        "safe      operation GET /devices/{deviceId} (getDevice): added",
        "1 change: 0 breaking, 1 safe",
    ],
    "new_optional_field.yml": [
        "safe      schema PrintDevice: field 'firmwareVersion' added: optional string (response)",
        "1 change: 0 breaking, 1 safe",
    ],
    "removed_field.yml": [
        "BREAKING  schema DeviceProvisionRequest: field 'location' removed (request)",
        "1 change: 1 breaking, 0 safe",
    ],
    "renamed_path_param.yml": [
        "BREAKING  operation PUT /devices/{id}/status (updateDeviceStatus): path parameter "
        "'deviceId' renamed to 'id': keyword device_id= becomes id= (request)",
        "1 change: 1 breaking, 0 safe",
    ],
}
SAFE = ["new_operation.yml", "new_optional_field.yml"]
SUMMARY = re.compile(r"no changes|\d+ changes?: \d+ breaking, \d+ safe")

# Runs in the subprocess: import the SDK from the temporary tree and drive it end to end.
PROBE = textwrap.dedent(
    """
    import asyncio
    import inspect
    import json
    import sys
    import traceback
    from pathlib import Path

    import httpx

    tree = Path(sys.argv[1]).resolve()

    import printos_api_client

    def inside(module):
        return Path(module.__file__).resolve().is_relative_to(tree)

    try:
        import printos_ext
    except ImportError as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        print(json.dumps({
            "import_error": str(exc),
            "raised_in": str(Path(frames[-1].filename).resolve().relative_to(tree)),
            "generated_inside": inside(printos_api_client),
        }))
        sys.exit(0)

    import printos_api_client.api.devices.update_device_status as update_device_status

    DEVICE = {
        "id": "dev-1", "model": "HP Indigo 7K", "serialNumber": "SN-1", "status": "IDLE",
        "registeredAt": "2026-11-24T10:00:00Z", "firmwareVersion": "1.2.3",
    }
    sent = []

    def handler(request):
        body = json.loads(request.content) if request.content else None
        sent.append([request.method, request.url.raw_path.decode(), body])
        if request.method == "GET":
            return httpx.Response(200, json={"devices": [DEVICE]})
        if request.method == "POST":
            return httpx.Response(201, json=DEVICE)
        return httpx.Response(200)

    async def main():
        async with printos_ext.PrintOSClient(
            allow_unauthenticated=True,
            base_url="https://printos.test",
            environ={},
            transport=httpx.MockTransport(handler),
            max_retries=0,
        ) as client:
            devices = await client.devices.list()
            keywords = inspect.signature(client.devices.provision).parameters
            where = {"location": "Hall 2"} if "location" in keywords else {}
            provisioned = await client.devices.provision(
                model="HP Indigo 7K", serial_number="SN-1", **where
            )
            await client.devices.update_status(
                "dev 1", status="PRINTING", pages_total=10, ink_level=50.0
            )
        return {
            "inside": {
                name: inside(sys.modules[name])
                for name in ("printos_ext", "printos_api_client")
            }
            | {"update_device_status": inside(update_device_status)},
            "device_ids": [device.id for device in devices],
            "firmware_version": getattr(devices[0], "firmware_version", None),
            "additional_properties": devices[0].additional_properties,
            "provisioned": provisioned.id,
            "provision_keywords": sorted(keywords),
            "update_arguments": list(
                inspect.signature(update_device_status._get_kwargs).parameters
            ),
            "sent": sent,
        }

    print(json.dumps(asyncio.run(main())))
    """
)


def regenerate(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def report_lines(stdout: str) -> list[str]:
    """The change lines and the summary of the report at the top of regenerate.py's output."""
    lines = stdout.splitlines()
    assert lines[0].startswith("spec changes from "), stdout
    end = next(i for i, line in enumerate(lines) if i and SUMMARY.fullmatch(line))
    return lines[1 : end + 1]


@dataclass(frozen=True)
class Regenerated:
    tree: Path  # holds printos_api_client (regenerated) and printos_ext (a copy)
    result: subprocess.CompletedProcess[str]

    def probe(self) -> dict[str, Any]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTOS_")}
        env["PYTHONPATH"] = str(self.tree)
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(self.tree)],
            capture_output=True,
            text=True,
            env=env,
            cwd=self.tree,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        result: dict[str, Any] = json.loads(done.stdout)
        return result


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Regenerated]:
    """Generate a fixture's package once per module (safe fixtures with --fail-on-breaking)."""
    cache: dict[str, Regenerated] = {}

    def build(fixture: str) -> Regenerated:
        if fixture not in cache:
            tree = tmp_path_factory.mktemp(fixture.removesuffix(".yml"))
            strict = ["--fail-on-breaking"] if fixture in SAFE else []
            output = tree / "printos_api_client"
            result = regenerate(
                "--spec", FIXTURES / fixture, "--output", output, "--baseline", SPEC, *strict
            )
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(EXT, tree / "printos_ext", ignore=ignore)
            cache[fixture] = Regenerated(tree, result)
        return cache[fixture]

    return build


GENERATES = sorted(set(REPORTS) - {"removed_field.yml"})


@pytest.mark.parametrize("fixture", GENERATES)
def test_regeneration_prints_the_report_and_generates(
    fixture: str, regenerated: Callable[[str], Regenerated]
) -> None:
    run = regenerated(fixture)

    assert run.result.returncode == 0, run.result.stderr
    assert run.result.stdout.splitlines()[0] == (
        f"spec changes from {SPEC_NAME}{OVERLAID} to tests/fixtures/specs/{fixture}{OVERLAID}:"
    )
    assert report_lines(run.result.stdout) == REPORTS[fixture]
    assert f"regenerated {run.tree / 'printos_api_client'}" in run.result.stdout
    header = (run.tree / "printos_api_client" / "models" / "print_device.py").read_text()
    assert header.startswith(
        f"# Generated by openapi-python-client 0.29.1 from specs/{fixture}.\n# Do not edit by hand:"
    )
    assert "scripts/regenerate.sh" in header.splitlines()[1]


@pytest.mark.parametrize("fixture", ["new_operation.yml", "new_optional_field.yml"])
def test_safe_change_keeps_the_ext_layer_working(
    fixture: str, regenerated: Callable[[str], Regenerated]
) -> None:
    seen = regenerated(fixture).probe()

    assert all(seen["inside"].values()), seen["inside"]
    assert seen["device_ids"] == ["dev-1"]
    assert seen["provisioned"] == "dev-1"
    assert seen["update_arguments"] == ["device_id", "body"]
    assert [request[:2] for request in seen["sent"]] == [
        ["GET", "/devices"],
        ["POST", "/devices"],
        ["PUT", "/devices/dev%201/status"],
    ]
    if fixture == "new_optional_field.yml":  # the new field is decoded into its attribute
        assert seen["firmware_version"] == "1.2.3"
        assert seen["additional_properties"] == {}
    else:
        assert seen["firmware_version"] is None
        assert seen["additional_properties"] == {"firmwareVersion": "1.2.3"}


def test_new_operation_is_generated(regenerated: Callable[[str], Regenerated]) -> None:
    package = regenerated("new_operation.yml").tree / "printos_api_client"
    module = (package / "api" / "devices" / "get_device.py").read_text()

    assert "def _get_kwargs(\n    device_id: str," in module
    assert "async def asyncio_detailed(" in module


def test_renamed_path_parameter_keeps_update_status_working(
    regenerated: Callable[[str], Regenerated],
) -> None:
    seen = regenerated("renamed_path_param.yml").probe()

    assert all(seen["inside"].values()), seen["inside"]
    # The keyword changed, but printos_ext passes the id positionally: the call still works.
    assert seen["update_arguments"] == ["id", "body"]
    assert seen["sent"][2] == [
        "PUT",
        "/devices/dev%201/status",
        {"status": "PRINTING", "metrics": {"pagesTotal": 10, "inkLevel": 50.0}},
    ]


def test_removed_field_removes_its_keyword_and_nothing_else(
    regenerated: Callable[[str], Regenerated],
) -> None:
    seen = regenerated("removed_field.yml").probe()

    assert all(seen["inside"].values()), seen["inside"]
    assert "location" not in seen["provision_keywords"]
    assert {"model", "serial_number", "body"} <= set(seen["provision_keywords"])
    assert seen["sent"][1] == [
        "POST",
        "/devices",
        {"model": "HP Indigo 7K", "serialNumber": "SN-1"},
    ]


@pytest.mark.parametrize("fixture", ["removed_field.yml", "renamed_path_param.yml"])
def test_fail_on_breaking_exits_3_and_writes_nothing(fixture: str, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh" / "printos_api_client"
    existing = tmp_path / "existing" / "printos_api_client"
    existing.mkdir(parents=True)
    (existing / "__init__.py").write_text("# previous generation\n")

    for output in (fresh, existing):
        result = regenerate(
            "--spec",
            FIXTURES / fixture,
            "--output",
            output,
            "--baseline",
            SPEC,
            "--fail-on-breaking",
        )

        assert result.returncode == 3, result.stdout + result.stderr
        assert report_lines(result.stdout) == REPORTS[fixture]
        assert "--fail-on-breaking: nothing written" in result.stderr
    assert not fresh.exists()
    assert [p.name for p in existing.iterdir()] == ["__init__.py"]
    assert (existing / "__init__.py").read_text() == "# previous generation\n"


def test_report_only_generates_nothing(tmp_path: Path) -> None:
    output = tmp_path / "printos_api_client"

    result = regenerate(
        "--spec", FIXTURES / "removed_field.yml", "--output", output, "--report-only"
    )

    assert result.returncode == 0, result.stderr
    assert report_lines(result.stdout) == REPORTS["removed_field.yml"]
    assert len(result.stdout.splitlines()) == 3
    assert not output.exists()


def test_default_baseline_is_the_spec_in_git_head(tmp_path: Path) -> None:
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"HEAD:{SPEC_NAME}"],
        capture_output=True,
        check=False,
    )
    if tracked.returncode != 0:
        pytest.skip("no git, or the spec is not committed")

    result = regenerate("--spec", FIXTURES / "new_operation.yml", "--report-only")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"spec changes from HEAD:{SPEC_NAME} + HEAD:openapi/")


def test_baseline_falls_back_to_the_file_on_disk_without_git(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}  # no git on PATH

    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--spec",
            FIXTURES / "new_optional_field.yml",
            "--report-only",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"spec changes from {SPEC_NAME}{OVERLAID} to ")
    assert report_lines(result.stdout) == REPORTS["new_optional_field.yml"]
    assert "on disk (git is not available)" in result.stderr
