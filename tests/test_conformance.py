"""The sandbox provably follows the spec: schemathesis generates requests from the OpenAPI
document and validates the sandbox's responses over a real loopback socket.

Two of schemathesis's checks are switched off, for reasons of the spec, not of the sandbox:

* ``status_code_conformance``: the spec documents only the success statuses (200/201), so every
  error the sandbox must give (404 for an unknown device, 409, 422) would count as undocumented.
* ``positive_data_acceptance``: the spec marks no property as required, but a device cannot be
  provisioned without ``model`` and ``serialNumber`` (the sandbox answers 422 naming the field),
  and ``inkLevel`` is a percentage (0-100); schema-valid bodies that break those rules are refused.

Everything else stays on, among them: no 5xx for any input, response bodies match their schemas,
content types and headers conform, and schema-invalid data is rejected with a 4xx.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    positive_data_acceptance,
    status_code_conformance,
)

from printos_ext.sandbox import SandboxServer, serve_sandbox  # noqa: E402

SPEC = Path(__file__).resolve().parent.parent / "openapi" / "hp-printos-device-api-openapi.yml"
schema = schemathesis.openapi.from_path(SPEC)
# Positive and negative cases, the same ones on every run, so CI is repeatable.
schema.config.generation.update(deterministic=True)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with serve_sandbox() as running:
        running.state.provision(model="HP Indigo 7K", serial_number="SN-CONF-1", device_id="dev-1")
        yield running


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_sandbox_conforms_to_the_spec(case: schemathesis.Case, server: SandboxServer) -> None:
    case.call_and_validate(
        base_url=server.url,
        excluded_checks=[status_code_conformance, positive_data_acceptance],
    )
