"""The Overlay: scripts/overlay.py follows Overlay 1.0, the committed overlay applies to HP's
unchanged file, other Overlay tools agree with ours, and a stale action stops regeneration.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from scriptload import load_script

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "hp-printos-device-api-openapi.yml"
OVERLAY = ROOT / "openapi" / "overlay.yaml"
README = ROOT / "openapi" / "README.md"
SCRIPTS = ROOT / "scripts"
# Where HP's file is published for this project: the shared folder beside the repository.
PUBLISHED = ROOT.parent / "shared" / "spec" / SPEC.name
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}

overlay = load_script("overlay")


def overlay_of(*actions: dict[str, Any]) -> dict[str, Any]:
    return {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)}


def effective() -> dict[str, Any]:
    document: dict[str, Any] = overlay.effective_spec(SPEC, OVERLAY)
    return document


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        op["operationId"]: op
        for item in document["paths"].values()
        for method, op in item.items()
        if method in METHODS
    }


# --- Overlay 1.0 semantics -----------------------------------------------------------------


def test_update_merges_objects_recursively_and_replaces_primitives() -> None:
    spec = {"info": {"title": "old", "contact": {"name": "HP"}}}
    update = {"title": "new", "contact": {"url": "u"}, "x-new": 1}

    result = overlay.apply_overlay(spec, overlay_of({"target": "$.info", "update": update}))

    assert result == {"info": {"title": "new", "contact": {"name": "HP", "url": "u"}, "x-new": 1}}


def test_update_concatenates_an_array_met_inside_an_object() -> None:
    spec = {"s": {"required": ["a"]}}

    result = overlay.apply_overlay(
        spec, overlay_of({"target": "$.s", "update": {"required": ["b"]}})
    )

    assert result == {"s": {"required": ["a", "b"]}}


def test_update_of_an_array_target_appends_the_value_as_one_entry() -> None:
    spec = {"tags": [{"name": "a"}]}

    result = overlay.apply_overlay(spec, overlay_of({"target": "$.tags", "update": {"name": "b"}}))

    assert result == {"tags": [{"name": "a"}, {"name": "b"}]}


def test_update_applies_to_every_selected_node() -> None:
    spec = {"paths": {"/a": {"get": {}}, "/b": {"get": {}, "put": {}}}}

    result = overlay.apply_overlay(
        spec, overlay_of({"target": "$.paths.*.get", "update": {"x-seen": True}})
    )

    assert result == {
        "paths": {"/a": {"get": {"x-seen": True}}, "/b": {"get": {"x-seen": True}, "put": {}}}
    }


def test_a_filter_selects_operations_by_operation_id() -> None:
    spec = {"paths": {"/a": {"get": {"operationId": "x"}, "post": {"operationId": "y"}}}}
    action = {"target": "$.paths.*[?(@.operationId=='y')]", "update": {"x-hit": 1}}

    result = overlay.apply_overlay(spec, overlay_of(action))

    assert result["paths"]["/a"] == {
        "get": {"operationId": "x"},
        "post": {"operationId": "y", "x-hit": 1},
    }


def test_remove_deletes_members_and_array_items() -> None:
    spec = {"a": {"keep": 1, "drop": 2}, "list": [{"n": 0}, {"n": 1, "x": 1}, {"n": 2, "x": 1}]}
    actions = [{"target": "$.a.drop", "remove": True}, {"target": "$.list[?@.x]", "remove": True}]

    result = overlay.apply_overlay(spec, overlay_of(*actions))

    assert result == {"a": {"keep": 1}, "list": [{"n": 0}]}


def test_actions_apply_in_order_each_to_the_previous_result() -> None:
    spec = {"a": {"b": {"old": 1}}}
    actions = [
        {"target": "$.a.b", "remove": True},
        {"target": "$.a", "update": {"b": {"new": 1}}},
        {"target": "$.a.b", "update": {"newer": 2}},
    ]

    assert overlay.apply_overlay(spec, overlay_of(*actions)) == {"a": {"b": {"new": 1, "newer": 2}}}


def test_remove_wins_over_update_in_one_action() -> None:
    spec = {"a": {"b": {}}}
    action = {"target": "$.a.b", "update": {"x": 1}, "remove": True}

    assert overlay.apply_overlay(spec, overlay_of(action)) == {"a": {}}


def test_the_input_documents_are_not_changed() -> None:
    spec = {"a": {"b": [1]}}
    update = {"b": [2], "c": {"d": 1}}
    document = overlay_of({"target": "$.a", "update": update})
    before = copy.deepcopy((spec, document))

    result = overlay.apply_overlay(spec, document)
    result["a"]["c"]["d"] = 99

    assert (spec, document) == before


def test_an_action_selecting_nothing_is_an_error_naming_it() -> None:
    actions = [
        {"target": "$.a", "update": {"x": 1}},
        {"target": "$.missing", "description": "Document the widget", "update": {}},
    ]

    with pytest.raises(overlay.OverlayError) as caught:
        overlay.apply_overlay({"a": {}}, overlay_of(*actions))

    assert str(caught.value).startswith(
        "overlay action 2 ('Document the widget'): target $.missing selects nothing"
    )


@pytest.mark.parametrize(
    ("spec", "action", "message"),
    [
        (
            {"a": {"b": "text"}},
            {"target": "$.a", "update": {"b": {"c": 1}}},
            "cannot merge dict into str",
        ),
        ({"a": {"b": {}}}, {"target": "$.a", "update": {"b": [1]}}, "cannot merge list into dict"),
        ({"a": {}}, {"target": "$.a", "update": [1]}, "is an object, so 'update' must be one too"),
        ({"a": {"b": 1}}, {"target": "$.a.b", "update": 2}, "updates objects and arrays only"),
        ({"a": {}}, {"target": "$", "remove": True}, "the document root cannot be removed"),
        ({"a": {}}, {"target": "$.a[", "update": {}}, "is not RFC 9535 JSONPath"),
        ({"a": {}}, {"target": "$.a"}, "does nothing: give 'update' or 'remove: true'"),
        ({"a": {}}, {"target": "a", "update": {}}, "'target' must be a JSONPath string"),
        ({"a": {}}, {"target": "$.a", "update": {}, "copy": "$.b"}, "unknown field(s): copy"),
    ],
)
def test_an_action_that_cannot_apply_is_refused(spec: Any, action: Any, message: str) -> None:
    with pytest.raises(overlay.OverlayError, match="overlay action 1") as caught:
        overlay.apply_overlay(spec, overlay_of(action))

    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "must be a mapping"),
        ({**overlay_of({"target": "$", "update": {}}), "overlay": "1.1.0"}, "1.0.x version"),
        ({**overlay_of({"target": "$", "update": {}}), "info": {"title": "t"}}, "'info' must"),
        (overlay_of(), "'actions' must be a non-empty list"),
        ({**overlay_of({"target": "$", "update": {}}), "extra": 1}, "unknown field(s): extra"),
    ],
)
def test_a_document_that_is_not_overlay_1_0_is_refused(document: Any, message: str) -> None:
    with pytest.raises(overlay.OverlayError, match=re.escape(message)):
        overlay.apply_overlay({}, document)


def test_the_command_line_writes_yaml_or_json(tmp_path: Path) -> None:
    for name in ("effective.yml", "effective.json"):
        out = tmp_path / name
        done = subprocess.run(
            [sys.executable, str(SCRIPTS / "overlay.py"), str(SPEC), str(OVERLAY), "-o", str(out)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        loaded = (
            json.loads(out.read_text())
            if name.endswith(".json")
            else yaml.safe_load(out.read_text())
        )
        assert loaded == effective()


def test_the_command_line_names_the_failing_action(tmp_path: Path) -> None:
    stale = tmp_path / "stale.yaml"
    stale.write_text(
        yaml.safe_dump(overlay_of({"target": "$.nowhere", "description": "old", "remove": True}))
    )

    done = subprocess.run(
        [sys.executable, str(SCRIPTS / "overlay.py"), str(SPEC), str(stale)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 2
    assert done.stderr.startswith(
        "overlay: overlay action 1 ('old'): target $.nowhere selects nothing"
    )
    assert done.stdout == ""


# --- the committed overlay and HP's file ---------------------------------------------------


def test_hp_spec_is_byte_identical_to_hp_published_file() -> None:
    if not PUBLISHED.is_file():
        pytest.skip(f"HP's published file is not beside the repository ({PUBLISHED})")

    assert (
        hashlib.sha256(SPEC.read_bytes()).hexdigest()
        == hashlib.sha256(PUBLISHED.read_bytes()).hexdigest()
    )


def test_the_effective_spec_is_valid_openapi() -> None:
    from openapi_spec_validator import validate

    validate(effective())


def test_the_effective_spec_is_the_same_text_every_time() -> None:
    first = overlay.dump_document(effective())

    assert overlay.dump_document(effective()) == first
    assert (
        overlay.dump_document(effective(), as_json=True) == json.dumps(effective(), indent=2) + "\n"
    )


def test_every_extension_is_documented_and_on_an_operation() -> None:
    document = effective()
    documented = set(re.findall(r"^### `(x-printos-[a-z-]+)", README.read_text(), re.MULTILINE))
    used: set[str] = set()

    def walk(node: Any, where: tuple[str, ...]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if str(key).startswith("x-printos-"):
                    used.add(key)
                    on_operation = len(where) == 3 and where[0] == "paths" and where[2] in METHODS
                    assert on_operation, (key, where)
                walk(value, (*where, str(key)))
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    walk(document, ())

    assert (
        used
        == documented
        == {
            "x-printos-items",
            "x-printos-paging",
            "x-printos-required-response-fields",
            "x-printos-flatten",
        }
    )


def test_the_overlay_states_the_conventions_of_the_three_operations() -> None:
    ops = operations(effective())

    assert ops["listDevices"]["x-printos-items"] == "devices"
    assert ops["listDevices"]["x-printos-paging"] == {
        "style": "link",
        "limit": "limit",
        "offset": "offset",
        "max-page-size": 1000,
    }
    assert ops["provisionDevice"]["x-printos-required-response-fields"] == ["id"]
    assert ops["updateDeviceStatus"]["x-printos-flatten"] == {
        "metrics": {"pagesTotal": "pages_total", "inkLevel": "ink_level"}
    }


def test_every_operation_documents_its_errors_as_sms_error() -> None:
    document = effective()

    for operation_id, op in operations(document).items():
        errors = {code for code in op["responses"] if not code.startswith("2")}
        assert {"400", "401", "403", "429", "5XX"} <= errors, operation_id
        for code in errors:
            ref = op["responses"][code]["$ref"].rsplit("/", 1)[1]
            schema = document["components"]["responses"][ref]["content"]["application/json"][
                "schema"
            ]
            assert schema == {"$ref": "#/components/schemas/SmsError"}, (operation_id, code)


# --- independent Overlay tools -------------------------------------------------------------


def test_the_overlay_is_valid_against_the_overlay_1_0_json_schema() -> None:
    validator = pytest.importorskip(
        "oas_patch.validator", reason="oas-patch (PyPI, in the dev extra) is not installed"
    )
    # The OpenAPI Initiative's JSON Schema for Overlay 1.0 documents, as oas-patch ships it.
    schema = validator.load_schema("overlay_schema_1.0.0.yml")

    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(OVERLAY.read_text()))


def test_oas_patch_produces_the_same_effective_spec() -> None:
    oas_patch = pytest.importorskip(
        "oas_patch.overlay", reason="oas-patch (PyPI, in the dev extra) is not installed"
    )
    spec = yaml.safe_load(SPEC.read_text())

    theirs = oas_patch.apply_overlay(spec, yaml.safe_load(OVERLAY.read_text()))

    assert theirs == effective()


def openapi_format() -> str | None:
    local = ROOT / ".tools" / "node_modules" / ".bin" / "openapi-format"
    return str(local) if local.is_file() else shutil.which("openapi-format")


def test_openapi_format_produces_the_same_effective_spec(tmp_path: Path) -> None:
    tool = openapi_format()
    if tool is None:
        pytest.skip(
            "openapi-format (npm) is not installed: scripts/test.sh installs it into .tools/"
        )
    out = tmp_path / "effective.yml"

    done = subprocess.run(
        [tool, str(SPEC), "--overlayFile", str(OVERLAY), "--no-sort", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert yaml.safe_load(out.read_text()) == effective()


# --- regeneration --------------------------------------------------------------------------


def regenerate(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPTS / "regenerate.py"), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.e2e
def test_a_stale_overlay_action_fails_regeneration_naming_it(tmp_path: Path) -> None:
    # HP renames a schema the overlay changes: the action no longer selects anything.
    renamed = tmp_path / "renamed.yml"
    renamed.write_text(SPEC.read_text().replace("DeviceProvisionRequest", "ProvisionRequest"))
    output = tmp_path / "out"

    result = regenerate("--spec", renamed, "--output", output)

    assert result.returncode == 2, result.stdout + result.stderr
    assert (
        "overlay action 2 ('The service requires a non-blank model and serial number'): "
        "target $.components.schemas.DeviceProvisionRequest selects nothing"
    ) in result.stderr
    assert not output.exists()


def test_regenerate_writes_the_effective_spec(tmp_path: Path) -> None:
    out = tmp_path / "effective.yml"

    result = regenerate("--report-only", "--write-effective-spec", out)

    assert result.returncode == 0, result.stderr
    assert out.read_text() == overlay.dump_document(effective())


def test_the_generated_package_records_both_files() -> None:
    import printos_api_client

    assert hashlib.sha256(SPEC.read_bytes()).hexdigest() == printos_api_client.SPEC_SHA256
    assert hashlib.sha256(OVERLAY.read_bytes()).hexdigest() == printos_api_client.OVERLAY_SHA256


def test_an_overlay_edit_is_reported_like_a_spec_edit(tmp_path: Path) -> None:
    # The committed overlay, less the rule that makes model and serialNumber required.
    edited = yaml.safe_load(OVERLAY.read_text())
    edited["actions"][1]["update"].pop("required")
    path = tmp_path / "overlay.yaml"
    path.write_text(yaml.safe_dump(edited, sort_keys=False))

    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", "HEAD:openapi/overlay.yaml"],
        capture_output=True,
        check=False,
    )
    if tracked.returncode != 0:
        pytest.skip("no git, or the overlay is not committed")

    # The default baseline: HP's file and the overlay as committed in git HEAD.
    result = regenerate("--overlay", path, "--report-only")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "safe      schema DeviceProvisionRequest: field 'model' is now optional (request)",
        "safe      schema DeviceProvisionRequest: field 'serialNumber' is now optional (request)",
        "2 changes: 0 breaking, 2 safe",
    ]


def test_a_changed_convention_is_reported_as_breaking() -> None:
    spec_diff = load_script("spec_diff")
    old = effective()
    new = copy.deepcopy(old)
    del new["paths"]["/devices/{deviceId}/status"]["put"]["x-printos-flatten"]
    new["paths"]["/devices"]["post"]["x-printos-required-response-fields"] = ["id", "status"]

    lines = [change.line() for change in spec_diff.diff_specs(old, new)]

    assert lines == [
        "BREAKING  operation POST /devices (provisionDevice): SDK convention "
        'x-printos-required-response-fields changed from ["id"] to ["id", "status"]',
        "BREAKING  operation PUT /devices/{deviceId}/status (updateDeviceStatus): SDK convention "
        'x-printos-flatten removed (was {"metrics": {"inkLevel": "ink_level", '
        '"pagesTotal": "pages_total"}})',
    ]


def test_documents_are_read_as_yaml_1_2_like_the_generator_reads_them() -> None:
    # PyYAML (YAML 1.1) would read `on` as true and 0777 as 511; openapi-python-client does not.
    document = overlay.parse_document("enum: [on, off, yes]\nmode: 0777\n", "t")

    assert document == {"enum": ["on", "off", "yes"], "mode": 777}


def test_an_effective_spec_with_a_date_in_an_example_is_written_as_json() -> None:
    document = overlay.parse_document("example: 2026-11-24\n", "t")

    assert overlay.dump_document(document, as_json=True) == '{\n  "example": "2026-11-24"\n}\n'
