"""scripts/regenerate.py generates what the stock generator generates, and never writes broken code.

Policy: a spec the validator refuses but openapi-python-client handles is generated, the findings
printed as ``note:`` lines; what the generator omits is an ``omitted:`` line naming it, and the rest
is generated (``--strict`` refuses instead). Before anything is written the temporary tree must
compile, import, pass ``mypy --strict`` and let ``import printos_ext`` work; otherwise the run exits
2, writes nothing and names the operation or schema at fault.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from regen_probe import regenerate, ruff_findings

from scriptload import load_script

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "hp-printos-device-api-openapi.yml"
GENERATED = ROOT / "generated" / "printos_api_client"

# Valid for openapi-python-client, not for openapi-spec-validator: a boolean default given as a
# string, a `title` beside a `$ref`, `$recursiveAnchor`; and one unresolvable `$ref` in a parameter.
LENIENT_SPEC = """\
openapi: 3.1.0
info: {title: Lenient, version: 1.0.0}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
  /broken:
    get:
      operationId: getBroken
      parameters:
        - {name: q, in: query, schema: {$ref: '#/components/schemas/Missing'}}
      responses:
        '204': {description: none}
components:
  schemas:
    Thing:
      type: object
      $recursiveAnchor: true
      properties:
        flag: {type: boolean, default: 'True'}
        part: {title: Part, $ref: '#/components/schemas/Part'}
    Part:
      type: object
      properties:
        name: {type: string}
"""


@pytest.fixture(scope="module")
def lenient(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tree = tmp_path_factory.mktemp("lenient")
    spec = tree / "lenient.yml"
    spec.write_text(LENIENT_SPEC)
    output = tree / "out" / "printos_api_client"
    # Another API: HP's overlay would not apply to it.
    result = regenerate("--spec", spec, "--no-overlay", "--output", output, "--baseline", SPEC)
    assert result.returncode == 0, result.stdout + result.stderr
    return output, result.stdout


# Runs beside the lenient spec's package: printos_ext imports, and sends its operation.
FOREIGN_PROBE = """
import asyncio, httpx
from printos_ext import PrintOSClient

def handler(request):
    return httpx.Response(200, json={"flag": False, "part": {"name": "p"}})

async def main():
    async with PrintOSClient(base_url="https://t.test", environ={}, allow_unauthenticated=True,
                             transport=httpx.MockTransport(handler)) as client:
        thing = await client.default.list_things()
        print(thing.to_dict())
        try:
            client.devices
        except AttributeError as error:  # a resource per tag of the spec: this one has none
            print(error)

asyncio.run(main())
"""


@pytest.mark.e2e
def test_printos_ext_imports_and_sends_with_another_apis_package(
    lenient: tuple[Path, str],
) -> None:
    output, report = lenient
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTOS_")}
    env["PYTHONPATH"] = os.pathsep.join([str(output.parent), str(ROOT / "src")])

    done = subprocess.run(
        [sys.executable, "-c", FOREIGN_PROBE],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    thing, devices = done.stdout.splitlines()
    assert thing == "{'flag': False, 'part': {'name': 'p'}}"
    assert devices == "'PrintOSClient' object has no attribute 'devices'"
    assert "note: this package has no Devices tag: printos_ext imports with it" in report


@pytest.mark.e2e
def test_a_spec_the_validator_refuses_but_the_generator_handles_is_generated(
    lenient: tuple[Path, str],
) -> None:
    output, report = lenient

    assert "note: the validator finds the spec not valid OpenAPI" in report
    assert (output / "models" / "thing.py").is_file()
    assert (output / "api" / "default" / "list_things.py").is_file()


@pytest.mark.e2e
def test_an_unresolvable_ref_omits_only_its_operation_and_says_so(
    lenient: tuple[Path, str],
) -> None:
    output, report = lenient

    assert not (output / "api" / "default" / "get_broken.py").exists()
    assert (
        "omitted: GET /broken (tag default): cannot parse parameter of endpoint get_broken: "
        "Could not find reference in parsed models or enums (Endpoint will not be generated)"
    ) in report.splitlines()


@pytest.mark.e2e
def test_a_spec_without_operations_or_schemas_gives_a_clean_package_printos_ext_imports(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "empty.yml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: Empty, version: 1.0.0}\npaths: {}\n")
    output = tmp_path / "printos_api_client"

    # Not HP's API: without HP's overlay, whose actions would select nothing here.
    result = regenerate("--spec", spec, "--no-overlay", "--output", output, "--baseline", SPEC)

    assert result.returncode == 0, result.stdout + result.stderr
    assert ruff_findings(output) == ""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTOS_")}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT / "src")])
    probe = "import printos_ext.models; print(printos_ext.models.__all__)"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=False
    )
    assert done.stdout.strip() == "[]", done.stderr


@pytest.mark.e2e
def test_strict_refuses_what_the_generator_would_omit(tmp_path: Path) -> None:
    spec = tmp_path / "lenient.yml"
    spec.write_text(LENIENT_SPEC)
    output = tmp_path / "printos_api_client"

    result = regenerate(
        "--spec", spec, "--no-overlay", "--output", output, "--strict", "--no-ext-check"
    )

    assert result.returncode == 2
    assert "not valid OpenAPI" in result.stderr
    assert not output.exists()


@pytest.mark.e2e
def test_a_spec_dropping_an_operation_still_works_with_printos_ext(tmp_path: Path) -> None:
    # printos_ext overrides no operation, so none is indispensable to it: without HP's overlay
    # (whose actions on listDevices would now select nothing), the package is written and
    # printos_ext imports with it (check_ext ran).
    document = yaml.safe_load(SPEC.read_text())
    del document["paths"]["/devices"]["get"]  # listDevices
    spec = tmp_path / "dropped.yml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False))
    output = tmp_path / "printos_api_client"

    # Without the overlay, whose listDevices action would fail first (naming itself).
    result = regenerate(
        "--spec", spec, "--no-overlay", "--output", output, "--baseline", SPEC, "--no-mypy"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert not (output / "api" / "devices" / "list_devices.py").exists()
    assert (output / "api" / "devices" / "provision_device.py").exists()


def test_no_ext_check_is_refused_for_the_package_printos_ext_uses() -> None:
    result = regenerate("--no-ext-check", "--report-only")

    assert result.returncode == 2
    assert "--no-ext-check needs --output elsewhere" in result.stderr


# --- verify: the checks on the temporary tree, named by what in the spec they come from --------


def regenerate_module() -> Any:
    """scripts/regenerate.py as a module (after the sibling scripts it imports by name)."""
    load_script("overlay")
    load_script("spec_diff")
    load_script("release")
    return load_script("regenerate")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    package = tmp_path / "printos_api_client"
    shutil.copytree(GENERATED, package, ignore=shutil.ignore_patterns("__pycache__"))
    return package


def test_a_model_that_fails_mypy_is_named_as_its_schema(tree: Path) -> None:
    regen = regenerate_module()
    model = tree / "models" / "print_device.py"
    model.write_text(model.read_text() + "\n\ndef broken() -> int:\n    return 'x'\n")

    with pytest.raises(regen.RegenerateError) as raised:
        regen.verify(tree)

    message = str(raised.value)
    assert message.startswith("generated code fails mypy --strict: schema PrintDevice ")
    assert "models/print_device.py" in message
    assert "nothing written" in message
    assert "\n" not in message


def test_an_operation_module_that_does_not_compile_is_named_by_method_and_path(
    tree: Path,
) -> None:
    regen = regenerate_module()
    module = tree / "api" / "devices" / "update_device_status.py"
    module.write_text(module.read_text() + "\ndef (:\n")

    with pytest.raises(regen.RegenerateError) as raised:
        regen.verify(tree, mypy=False)

    assert str(raised.value).startswith(
        "generated code does not compile: operation PUT /devices/{device_id}/status "
        "(api/devices/update_device_status.py)"
    )


def test_a_resource_that_does_not_import_is_named_by_tag_and_method(tree: Path) -> None:
    regen = regenerate_module()
    module = tree / "api" / "devices" / "__init__.py"
    text = module.read_text().replace(
        "from ...models.print_device import PrintDevice\n",
        "from ...models.print_device import PrintDevice\nfrom ...models import Nothing\n",
    )
    module.write_text(text)

    with pytest.raises(regen.RegenerateError) as raised:
        regen.verify(tree, mypy=False)

    message = str(raised.value)
    assert message.startswith("generated code does not import: resource of tag 'devices'")
    assert "ImportError: cannot import name 'Nothing'" in message


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (
            "Generating /tmp/x\nError(s) encountered while generating, client was not created\n\n"
            "Failed to parse OpenAPI document\n\n1 validation error for OpenAPI\ninfo.title\n"
            "  Field required [type=missing]\n",
            "cannot parse the document: info.title: Field required [type=missing]",
        ),
        (
            "Generating /tmp/x\n╭──── Traceback ────╮\n│ cli.py:163 in generate │\n╰────╯\n"
            "ValueError: Duplicate key A in enum my_enum.MyEnum; consider setting\n"
            "literal_enums in your config\n",
            "ValueError: Duplicate key A in enum my_enum.MyEnum; consider setting "
            "literal_enums in your config",
        ),
    ],
)
def test_a_generator_failure_is_said_in_one_line(output: str, expected: str) -> None:
    assert regenerate_module().generator_failure(output) == expected


def test_an_operation_the_generator_drops_without_a_warning_is_named(tmp_path: Path) -> None:
    spec = tmp_path / "two.yml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: Two, version: '1'}\npaths:\n"
        "  /items/{itemId}:\n"
        "    get: {operationId: getItem, responses: {'204': {description: x}}}\n"
        "  /other:\n"
        "    post: {operationId: postOther, responses: {'204': {description: x}}}\n"
    )
    module = tmp_path / "printos_api_client" / "api" / "items" / "get_item.py"
    module.parent.mkdir(parents=True)
    module.write_text('OPERATION = O(\n    method="GET",\n    path="/items/{item_id}",\n)\n')

    found = regenerate_module().silently_omitted(spec, tmp_path / "printos_api_client")

    assert found == [
        "omitted: POST /other (postOther): the generator wrote no code for it "
        "(stock openapi-python-client neither)"
    ]


def test_drift_listing_calls_a_file_the_spec_now_makes_new_and_one_it_no_longer_makes_removed(
    tmp_path: Path,
) -> None:
    regenerate = regenerate_module()
    fresh, committed = tmp_path / "fresh", tmp_path / "committed"
    for tree, names in ((fresh, ("same.py", "get_device.py")), (committed, ("same.py", "old.py"))):
        tree.mkdir()
        for name in names:
            (tree / name).write_text(name, encoding="utf-8")
    (committed / "same.py").write_text("edited", encoding="utf-8")

    assert regenerate.differences(fresh, committed) == [
        "new: get_device.py",
        "removed: old.py",
        "changed: same.py",
    ]
