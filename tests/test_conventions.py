"""The x-printos-* conventions, applied by the templates to an operation that is not HP's.

tests/fixtures/specs/conventions.yml has a Jobs tag: listJobs answers ``{"jobs": [...],
"warnings": [...]}`` (two arrays, so ``x-printos-items`` names the items) and pages with its own
parameter names (``x-printos-paging``: pageSize/start, at most 50); createJob flattens
``options`` into keywords (``x-printos-flatten``, one of them renamed), insists on the job's
``id`` (``x-printos-required-response-fields``) and has bounds in its schema. It is regenerated
(without HP's overlay) beside an unmodified copy of printos_ext, and a fresh interpreter drives
it through httpx.MockTransport.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from regen_probe import regenerate_beside_ext

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "specs" / "conventions.yml"
EXT = ROOT / "src" / "printos_ext"

pytestmark = pytest.mark.e2e

PROBE = textwrap.dedent(
    """
    import asyncio, inspect, json
    import httpx
    from printos_ext import InvalidArgumentError, PrintOSClient, ResponseValidationError

    JOBS = [{"id": f"job-{n}", "name": f"J{n}"} for n in range(3)]
    sent = []
    answer_without_id = False

    def handler(request):
        body = json.loads(request.content) if request.content else None
        sent.append([request.method, str(request.url.raw_path.decode()), body])
        if request.method == "GET":
            start = int(request.url.params.get("start", 0))
            size = int(request.url.params.get("pageSize", 2))
            page = {"jobs": JOBS[start:start + size], "warnings": ["slow"]}
            more = start + size < len(JOBS)
            link = {"Link": f'</jobs?pageSize={size}&start={start + size}>; rel="next"'}
            return httpx.Response(200, json=page, headers=link if more else {})
        job = {"name": body["name"]} if answer_without_id else {"id": "job-9", **body}
        return httpx.Response(201, json=job)

    async def main():
        global answer_without_id
        out = {}
        async with PrintOSClient(
            base_url="https://jobs.test", environ={}, allow_unauthenticated=True,
            transport=httpx.MockTransport(handler),
            max_retries=0,
        ) as client:
            jobs = client.jobs
            out["list"] = [job.id for job in await jobs.list(state="queued")]
            out["iter"] = [job.id async for job in jobs.iter(page_size=50, max_items=2)]
            out["list_keywords"] = sorted(inspect.signature(jobs.list).parameters)
            errors = {}
            try:
                jobs.iter(page_size=51)
            except InvalidArgumentError as exc:
                errors["page_size"] = str(exc)
            for name, arguments in {
                "copies": {"name": "a", "copies": 0},
                "name": {"name": "x" * 21},
                "two_sided": {"name": "a", "two_sided": "yes"},
                "empty": {},
            }.items():
                try:
                    await jobs.create(**arguments)
                except InvalidArgumentError as exc:
                    errors[name] = str(exc)
            out["errors"] = errors
            created = await jobs.create(name="a", copies=2, two_sided=True)
            out["created"] = created.id
            results = await jobs.create_many([{"name": "b"}, {"name": ""}], concurrency=2)
            out["many"] = [r.ok for r in results]
            answer_without_id = True
            try:
                await jobs.create(name="c")
            except ResponseValidationError as exc:
                out["insisted"] = exc.field
        out["sent"] = sent
        return out

    print(json.dumps(asyncio.run(main())))
    """
)


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tree = tmp_path_factory.mktemp("conventions")
    regenerate_beside_ext(FIXTURE, tree, "--no-overlay")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTOS_")}
    env["PYTHONPATH"] = str(tree)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_items_property_x_printos_items_names_is_unwrapped_and_followed(
    seen: dict[str, Any],
) -> None:
    assert seen["list"] == ["job-0", "job-1", "job-2"]
    assert [s[1] for s in seen["sent"][:2]] == ["/jobs?state=queued", "/jobs?pageSize=2&start=2"]


def test_pages_are_asked_for_with_the_parameters_x_printos_paging_names(
    seen: dict[str, Any],
) -> None:
    assert seen["iter"] == ["job-0", "job-1"]
    assert seen["sent"][2][1] == "/jobs?pageSize=50&start=0"
    assert "page_size" in seen["errors"]
    assert "between 1 and 50" in seen["errors"]["page_size"]
    # The paging parameters are the transport's to set: list() does not take them.
    assert seen["list_keywords"] == ["extra_headers", "max_retries", "state", "timeout"]


def test_a_flattened_object_is_built_from_its_keywords(seen: dict[str, Any]) -> None:
    post = next(s for s in seen["sent"] if s[0] == "POST")
    assert post == ["POST", "/jobs", {"name": "a", "options": {"copies": 2, "duplex": True}}]
    assert seen["created"] == "job-9"


def test_the_schema_bounds_are_checked_before_sending(seen: dict[str, Any]) -> None:
    errors = seen["errors"]
    assert "copies must be between 1 and 99, got 0" in errors["copies"]
    assert "name must have at most 20 characters, got 21" in errors["name"]
    assert "two_sided must be a bool, got str 'yes'" in errors["two_sided"]
    assert "missing required keyword argument(s) name=" in errors["empty"]
    # Sent: create, the valid item of create_many, and "c"; no invalid one.
    assert len([s for s in seen["sent"] if s[0] == "POST"]) == 3


def test_bulk_works_for_any_method(seen: dict[str, Any]) -> None:
    assert seen["many"] == [True, False]


def test_an_insisted_response_field_that_is_absent_is_a_validation_error(
    seen: dict[str, Any],
) -> None:
    assert seen["insisted"] == "id"
