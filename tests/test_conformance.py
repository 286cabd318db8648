"""The sandbox follows the effective spec (HP's file + openapi/overlay.yaml).

* schemathesis, as its command line runs it with ``--checks all`` and every phase (coverage,
  fuzzing, and the stateful phase, which follows the overlay's link from a provisioned device to
  its status updates), against a real loopback sandbox: no failure, no check switched off. Against
  HP's file alone the same run fails (undocumented 4xx statuses, schema-valid requests refused):
  the overlay is what makes the description true.
* The rules the sandbox enforces in code (``sandbox/validation.py``, ``sandbox/paging.py``) and the
  constraints the overlay states agree value for value, including at the edges.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("schemathesis")
import jsonschema

from printos_ext.sandbox import SandboxServer, serve_sandbox
from printos_ext.sandbox.errors import ApiError
from printos_ext.sandbox.paging import MAX_DIGITS, MAX_LIMIT, parse_page
from printos_ext.sandbox.validation import (
    INK_LEVEL_MAX,
    INK_LEVEL_MIN,
    NON_BLANK,
    PAGES_TOTAL_MIN,
    validate_provision,
    validate_status_update,
)

from scriptload import load_script

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "hp-printos-device-api-openapi.yml"
OVERLAY = ROOT / "openapi" / "overlay.yaml"
overlay = load_script("overlay")
EFFECTIVE: dict[str, Any] = overlay.effective_spec(SPEC, OVERLAY)
SCHEMAS = EFFECTIVE["components"]["schemas"]


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with serve_sandbox() as running:
        running.state.provision(model="HP Indigo 7K", serial_number="SN-CONF-1", device_id="dev-1")
        yield running


def schemathesis_run(spec: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--no-color",
            "run",
            str(spec),
            "--url",
            url,
            "--checks",
            "all",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            "50",
            # The same cases on every run, so CI is repeatable.
            "--generation-deterministic",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=spec.parent,
    )


@pytest.mark.e2e
def test_schemathesis_finds_no_failure_against_the_effective_spec(
    server: SandboxServer, tmp_path: Path
) -> None:
    spec = tmp_path / "effective.yml"
    spec.write_text(overlay.dump_document(EFFECTIVE))

    run = schemathesis_run(spec, server.url)

    assert run.returncode == 0, run.stdout + run.stderr
    assert "No issues found" in run.stdout, run.stdout
    # Every phase ran, the stateful one through the provision -> status link.
    for phase in ("Coverage", "Fuzzing", "Stateful"):
        assert re.search(rf"✅ +{phase}\b", run.stdout), run.stdout
    assert re.search(r"API Links: +2 covered", run.stdout), run.stdout
    generated = re.search(r"(\d+) generated, \1 passed", run.stdout)
    assert generated, run.stdout
    assert int(generated[1]) > 100, run.stdout


# --- the sandbox's code and the overlay's constraints agree --------------------------------


def status_of(check: Any, *args: Any) -> int:
    """200 when the sandbox's ``check`` accepts ``args``, else the status of its refusal."""
    try:
        check(*args)
    except ApiError as error:
        return error.status
    return 200


def accepted(check: Any, body: dict[str, Any]) -> bool:
    status = status_of(check, body)
    assert status in (200, 422), status
    return status == 200


def valid(schema_name: str, body: dict[str, Any]) -> bool:
    validator = jsonschema.Draft202012Validator(
        {**SCHEMAS[schema_name], "components": EFFECTIVE["components"]}
    )
    return bool(validator.is_valid(body))


# Text the service calls blank or not: Unicode whitespace (as Python's str.isspace and the
# pattern's \S both define it) versus other invisible characters.
TEXTS = [
    *["", " ", "\t\n", "\x1c", "\x1d", "\x85", "\u00a0", "\u2003", "\u3000", "\ufeff"],
    *["\u200b", "\x00", "a", " a ", "\x1da", 5, None],
]


def test_the_sandbox_and_the_overlay_state_the_same_bounds() -> None:
    provision = SCHEMAS["DeviceProvisionRequest"]
    update = SCHEMAS["DeviceStatusUpdate"]["properties"]
    metrics = update["metrics"]["properties"]

    assert provision["required"] == ["model", "serialNumber"]
    for schema in (provision["properties"]["model"], provision["properties"]["serialNumber"]):
        assert schema == {"type": "string", "minLength": 1, "pattern": NON_BLANK}
    assert update["status"] == {"type": "string", "minLength": 1, "pattern": NON_BLANK}
    assert metrics["pagesTotal"] == {"type": "integer", "minimum": PAGES_TOTAL_MIN}
    assert metrics["inkLevel"] == {
        "type": "number",
        "minimum": INK_LEVEL_MIN,
        "maximum": INK_LEVEL_MAX,
    }


@pytest.mark.parametrize("model", [*TEXTS, "<missing>"])
@pytest.mark.parametrize("serial_number", ["SN-1", "", "<missing>"])
def test_provision_rules_agree(model: Any, serial_number: Any) -> None:
    body = {"model": model, "serialNumber": serial_number, "location": "Hall 2"}
    body = {key: value for key, value in body.items() if value != "<missing>"}

    assert accepted(validate_provision, body) == valid("DeviceProvisionRequest", body)


@pytest.mark.parametrize(
    "body",
    [
        {},
        *({"status": text} for text in TEXTS),
        *({"metrics": {"inkLevel": level}} for level in (-0.1, 0, 0.5, 100, 100.01, True, "50")),
        *({"metrics": {"pagesTotal": n}} for n in (-1, 0, 5, 5.0, 5.5, False, "5", 10**20)),
        {"metrics": {"other": "kept"}},
        {"metrics": []},
        {"metrics": None},
    ],
)
def test_status_update_rules_agree(body: dict[str, Any]) -> None:
    assert accepted(validate_status_update, body) == valid("DeviceStatusUpdate", body)


def test_paging_bounds_agree() -> None:
    operation = EFFECTIVE["paths"]["/devices"]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}

    assert parameters["limit"] == {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}
    # The sandbox reads at most MAX_DIGITS digits of a paging parameter; the overlay says so.
    assert parameters["offset"] == {"type": "integer", "minimum": 0, "maximum": 10**MAX_DIGITS - 1}
    assert operation["x-printos-paging"]["max-page-size"] == MAX_LIMIT
    for name, schema in parameters.items():
        bounds = (
            schema["minimum"] - 1,
            schema["minimum"],
            schema["maximum"],
            schema["maximum"] + 1,
        )
        for value in bounds:
            spec_says = jsonschema.Draft202012Validator(schema).is_valid(value)
            status = status_of(parse_page, [(name, str(value))])
            assert status == (200 if spec_says else 400), (name, value)
