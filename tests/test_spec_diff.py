"""scripts/spec_diff.py: what each kind of spec change reports, and whether it is BREAKING.

Pure tests on parsed documents (no generation): each starts from the committed spec, changes one
thing, and checks the report lines. The rules under test are about direction: a change breaks
SDK users when code written against the old generated package can stop working, which depends on
whether the model is built by the caller (request) or decoded by the SDK (response).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scriptload import load_script

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "hp-printos-device-api-openapi.yml"
FIXTURES = ROOT / "tests" / "fixtures" / "specs"
SCRIPT = ROOT / "scripts" / "spec_diff.py"


spec_diff = load_script("spec_diff")
BASE: dict[str, Any] = spec_diff.load_spec(SPEC)


def lines(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [change.line() for change in spec_diff.diff_specs(old, new)]


def changed(edit: Callable[[dict[str, Any]], object]) -> list[str]:
    """The report lines for the committed spec changed by ``edit`` (which mutates a copy)."""
    new = copy.deepcopy(BASE)
    edit(new)
    return lines(BASE, new)


def schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["schemas"][name]
    return found


def operation(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]
    return found


PROVISION = "operation POST /devices (provisionDevice)"
LIST = "operation GET /devices (listDevices)"
UPDATE = "operation PUT /devices/{deviceId}/status (updateDeviceStatus)"


# --- the committed fixtures -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "new_operation.yml",
            ["safe      operation GET /devices/{deviceId} (getDevice): added"],
        ),
        (
            "new_optional_field.yml",
            [
                "safe      schema PrintDevice: field 'firmwareVersion' added: optional string "
                "(response)"
            ],
        ),
        (
            "removed_field.yml",
            ["BREAKING  schema DeviceProvisionRequest: field 'location' removed (request)"],
        ),
        (
            "renamed_path_param.yml",
            [
                "BREAKING  operation PUT /devices/{id}/status (updateDeviceStatus): path "
                "parameter 'deviceId' renamed to 'id': keyword device_id= becomes id= (request)"
            ],
        ),
    ],
)
def test_fixture_reports(fixture: str, expected: list[str]) -> None:
    assert lines(BASE, spec_diff.load_spec(FIXTURES / fixture)) == expected


def test_identical_specs_report_no_changes() -> None:
    changes = spec_diff.diff_specs(BASE, copy.deepcopy(BASE))

    assert changes == []
    assert spec_diff.format_report(changes, "a.yml", "b.yml").splitlines() == [
        "spec changes from a.yml to b.yml:",
        "no changes",
    ]


def test_report_has_one_line_per_change_and_a_summary() -> None:
    new = spec_diff.load_spec(FIXTURES / "new_operation.yml")
    del schema(new, "PrintDevice")["properties"]["serialNumber"]

    report = spec_diff.format_report(spec_diff.diff_specs(BASE, new), "old", "new")

    assert report.splitlines() == [
        "spec changes from old to new:",
        "safe      operation GET /devices/{deviceId} (getDevice): added",
        "BREAKING  schema PrintDevice: field 'serialNumber' removed (response)",
        "2 changes: 1 breaking, 1 safe",
    ]


# --- schema fields: direction decides -----------------------------------------------------------


def test_removed_response_field_is_breaking() -> None:
    assert changed(lambda d: schema(d, "PrintDevice")["properties"].pop("serialNumber")) == [
        "BREAKING  schema PrintDevice: field 'serialNumber' removed (response)"
    ]


def test_new_optional_request_field_is_safe() -> None:
    def edit(d: dict[str, Any]) -> None:
        schema(d, "DeviceProvisionRequest")["properties"]["site"] = {"type": "string"}

    assert changed(edit) == [
        "safe      schema DeviceProvisionRequest: field 'site' added: optional string (request)"
    ]


def test_new_required_request_field_is_breaking() -> None:
    def edit(d: dict[str, Any]) -> None:
        request = schema(d, "DeviceProvisionRequest")
        request["properties"]["site"] = {"type": "string"}
        request["required"] = ["site"]

    assert changed(edit) == [
        "BREAKING  schema DeviceProvisionRequest: field 'site' added: required string (request)"
    ]


def test_new_required_response_field_is_safe() -> None:
    def edit(d: dict[str, Any]) -> None:
        device = schema(d, "PrintDevice")
        device["properties"]["site"] = {"type": "string"}
        device["required"] = ["site"]

    assert changed(edit) == [
        "safe      schema PrintDevice: field 'site' added: required string (response)"
    ]


@pytest.mark.parametrize(
    ("name", "field", "expected"),
    [
        (
            "DeviceProvisionRequest",
            "model",
            "BREAKING  schema DeviceProvisionRequest: field 'model' is now required (request)",
        ),
        (
            "PrintDevice",
            "id",
            "safe      schema PrintDevice: field 'id' is now required (response)",
        ),
    ],
)
def test_field_made_required(name: str, field: str, expected: str) -> None:
    assert changed(lambda d: schema(d, name).__setitem__("required", [field])) == [expected]


def test_field_made_optional_breaks_response_readers_only() -> None:
    old = copy.deepcopy(BASE)
    schema(old, "PrintDevice")["required"] = ["id"]
    schema(old, "DeviceProvisionRequest")["required"] = ["model"]

    assert lines(old, BASE) == [
        "safe      schema DeviceProvisionRequest: field 'model' is now optional (request)",
        "BREAKING  schema PrintDevice: field 'id' is now optional (response)",
    ]


def test_retyped_field_is_breaking_on_either_side() -> None:
    def edit(d: dict[str, Any]) -> None:
        schema(d, "PrintDevice")["properties"]["status"] = {"type": "integer"}
        schema(d, "DeviceProvisionRequest")["properties"]["model"] = {"type": "array"}

    assert changed(edit) == [
        "BREAKING  schema DeviceProvisionRequest: field 'model' retyped: string -> array of any "
        "(request)",
        "BREAKING  schema PrintDevice: field 'status' retyped: string -> integer (response)",
    ]


def test_date_time_format_is_a_type() -> None:
    def edit(d: dict[str, Any]) -> None:
        del schema(d, "PrintDevice")["properties"]["registeredAt"]["format"]

    assert changed(edit) == [
        "BREAKING  schema PrintDevice: field 'registeredAt' retyped: string(date-time) -> string "
        "(response)"
    ]


def test_format_that_keeps_the_python_type_is_safe() -> None:
    def edit(d: dict[str, Any]) -> None:
        schema(d, "DeviceStatusUpdate")["properties"]["metrics"]["properties"]["pagesTotal"][
            "format"
        ] = "int64"

    assert changed(edit) == [
        "safe      schema DeviceStatusUpdate: field 'metrics.pagesTotal' format changed: "
        "None -> int64 (request)"
    ]


def test_inline_object_fields_are_followed() -> None:
    def edit(d: dict[str, Any]) -> None:
        metrics = schema(d, "DeviceStatusUpdate")["properties"]["metrics"]
        metrics["properties"]["inkLevel"] = {"type": "string"}
        metrics["properties"]["tonerLevel"] = {"type": "number"}
        del metrics["properties"]["pagesTotal"]

    assert changed(edit) == [
        "safe      schema DeviceStatusUpdate: field 'metrics.tonerLevel' added: optional number "
        "(request)",
        "BREAKING  schema DeviceStatusUpdate: field 'metrics.pagesTotal' removed (request)",
        "BREAKING  schema DeviceStatusUpdate: field 'metrics.inkLevel' retyped: number -> string "
        "(request)",
    ]


def test_array_items_are_followed() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["components"]["schemas"]["Device"] = copy.deepcopy(schema(d, "PrintDevice"))
        schema(d, "PrintDeviceList")["properties"]["devices"]["items"] = {
            "$ref": "#/components/schemas/Device"
        }

    assert changed(edit) == [
        "safe      schema Device: added (response)",
        "BREAKING  schema PrintDeviceList: field 'devices[]' retyped: PrintDevice -> Device "
        "(response)",
    ]


def test_inline_array_items_objects_are_followed() -> None:
    old = copy.deepcopy(BASE)
    new = copy.deepcopy(BASE)
    for document, kind in ((old, "string"), (new, "integer")):
        schema(document, "PrintDeviceList")["properties"]["tags"] = {
            "type": "array",
            "items": {"type": "object", "properties": {"name": {"type": kind}}},
        }

    assert lines(old, new) == [
        "BREAKING  schema PrintDeviceList: field 'tags[].name' retyped: string -> integer "
        "(response)"
    ]


def test_null_allowed_breaks_readers_and_null_disallowed_breaks_callers() -> None:
    def edit(d: dict[str, Any]) -> None:
        schema(d, "PrintDevice")["properties"]["model"]["type"] = ["string", "null"]
        schema(d, "DeviceProvisionRequest")["properties"]["model"]["nullable"] = True

    assert changed(edit) == [
        "safe      schema DeviceProvisionRequest: field 'model' now allows null (request)",
        "BREAKING  schema PrintDevice: field 'model' now allows null (response)",
    ]
    new = copy.deepcopy(BASE)
    edit(new)
    assert lines(new, BASE) == [
        "BREAKING  schema DeviceProvisionRequest: field 'model' no longer allows null (request)",
        "safe      schema PrintDevice: field 'model' no longer allows null (response)",
    ]


def test_enum_values_direction() -> None:
    old = copy.deepcopy(BASE)
    schema(old, "PrintDevice")["properties"]["status"]["enum"] = ["ONLINE"]
    schema(old, "DeviceStatusUpdate")["properties"]["status"]["enum"] = ["ONLINE"]
    new = copy.deepcopy(old)
    schema(new, "PrintDevice")["properties"]["status"]["enum"] = ["ONLINE", "OFFLINE"]
    schema(new, "DeviceStatusUpdate")["properties"]["status"]["enum"] = ["ONLINE", "OFFLINE"]

    assert lines(old, new) == [
        "safe      schema DeviceStatusUpdate: field 'status' enum values added: 'OFFLINE' "
        "(request)",
        "BREAKING  schema PrintDevice: field 'status' enum values added: 'OFFLINE' (response)",
    ]
    assert lines(new, old) == [
        "BREAKING  schema DeviceStatusUpdate: field 'status' enum values removed: 'OFFLINE' "
        "(request)",
        "safe      schema PrintDevice: field 'status' enum values removed: 'OFFLINE' (response)",
    ]


def test_schema_used_both_ways_is_judged_both_ways() -> None:
    def edit(d: dict[str, Any]) -> None:
        # provisionDevice now takes a PrintDevice: the model is request and response side.
        body = operation(d, "/devices", "post")["requestBody"]["content"]["application/json"]
        body["schema"] = {"$ref": "#/components/schemas/PrintDevice"}
        device = schema(d, "PrintDevice")
        device["properties"]["site"] = {"type": "string"}
        device["required"] = ["site"]

    assert changed(edit) == [
        f"BREAKING  {PROVISION}: request body retyped: DeviceProvisionRequest -> PrintDevice "
        "(request)",
        "BREAKING  schema PrintDevice: field 'site' added: required string (request and response)",
    ]


def test_added_removed_and_unreferenced_schemas() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["components"]["schemas"]["Spare"] = {"type": "object"}
        del d["components"]["schemas"]["PrintDeviceList"]
        operation(d, "/devices", "get")["responses"]["200"]["content"]["application/json"][
            "schema"
        ] = {"type": "array", "items": {"$ref": "#/components/schemas/PrintDevice"}}

    assert changed(edit) == [
        "BREAKING  operation GET /devices (listDevices): response 200 body retyped: "
        "PrintDeviceList -> array of PrintDevice (response)",
        "BREAKING  schema PrintDeviceList: removed: its model class goes (response)",
        "safe      schema Spare: added (unreferenced)",
    ]


def test_unreferenced_schema_changes_are_judged_both_ways() -> None:
    old = copy.deepcopy(BASE)
    old["components"]["schemas"]["Spare"] = {"type": "object", "properties": {}}
    new = copy.deepcopy(old)
    schema(new, "Spare")["properties"]["a"] = {"type": "string"}
    schema(new, "Spare")["required"] = ["a"]

    assert lines(old, new) == [
        "BREAKING  schema Spare: field 'a' added: required string (unreferenced)"
    ]


# --- operations ---------------------------------------------------------------------------------


def test_operation_removed_is_breaking() -> None:
    def edit(d: dict[str, Any]) -> None:
        del d["paths"]["/devices"]["post"]

    assert changed(edit) == [
        f"BREAKING  {PROVISION}: removed: its generated function goes",
    ]


def test_operation_id_rename_is_breaking() -> None:
    def edit(d: dict[str, Any]) -> None:
        operation(d, "/devices", "get")["operationId"] = "getDevices"

    assert changed(edit) == [
        "BREAKING  operation GET /devices (getDevices): operationId changed from 'listDevices' "
        "to 'getDevices': generated function list_devices becomes get_devices",
        "BREAKING  operation GET /devices (getDevices): SDK method client.devices.list becomes "
        "client.devices.get",
    ]


def test_operation_id_change_that_keeps_the_function_name_is_safe() -> None:
    def edit(d: dict[str, Any]) -> None:
        operation(d, "/devices", "get")["operationId"] = "list_devices"
        del operation(d, "/devices", "post")["operationId"]

    assert changed(edit) == [
        "safe      operation GET /devices (list_devices): operationId changed from "
        "'listDevices' to 'list_devices': generated function list_devices keeps its name",
        "BREAKING  operation POST /devices: operationId changed from 'provisionDevice' to "
        "'(none)': generated function provision_device becomes post_devices",
        "BREAKING  operation POST /devices: SDK method client.devices.provision becomes "
        "client.devices.post",
    ]


def test_path_change_under_the_same_operation_id_is_safe() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["paths"]["/v2/devices"] = d["paths"].pop("/devices")

    assert changed(edit) == [
        "safe      operation GET /v2/devices (listDevices): path changed from /devices",
        "safe      operation POST /v2/devices (provisionDevice): path changed from /devices",
    ]


def test_query_parameters() -> None:
    old = copy.deepcopy(BASE)
    operation(old, "/devices", "get")["parameters"] = [
        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
        {"name": "offset", "in": "query", "schema": {"type": "integer"}},
        {"name": "site", "in": "query", "schema": {"type": "string"}},
    ]
    new = copy.deepcopy(old)
    operation(new, "/devices", "get")["parameters"] = [
        {"name": "limit", "in": "query", "required": True, "schema": {"type": "integer"}},
        {"name": "offset", "in": "query", "schema": {"type": "string"}},
        {"name": "model", "in": "query", "schema": {"type": "string"}},
        {"name": "cursor", "in": "query", "required": True, "schema": {"type": "string"}},
    ]

    assert lines(old, new) == [
        f"safe      {LIST}: query parameter 'model' added: optional string (request)",
        f"BREAKING  {LIST}: query parameter 'cursor' added: required string (request)",
        f"BREAKING  {LIST}: query parameter 'site' removed (request)",
        f"BREAKING  {LIST}: query parameter 'limit' is now required (request)",
        f"BREAKING  {LIST}: query parameter 'offset' retyped: integer -> string (request)",
    ]
    assert f"safe      {LIST}: query parameter 'limit' is now optional (request)" in lines(new, old)


def test_path_level_and_referenced_parameters_are_resolved() -> None:
    old = copy.deepcopy(BASE)
    item = old["paths"]["/devices/{deviceId}/status"]
    item["parameters"] = [{"$ref": "#/components/parameters/DeviceId"}]
    del item["put"]["parameters"]
    old["components"]["parameters"] = {
        "DeviceId": {
            "name": "deviceId",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
        }
    }

    assert lines(old, BASE) == []
    new = copy.deepcopy(old)
    new["components"]["parameters"]["DeviceId"]["schema"] = {"type": "string", "format": "uuid"}
    assert lines(old, new) == [
        f"BREAKING  {UPDATE}: path parameter 'deviceId' retyped: string -> string(uuid) (request)"
    ]


def test_path_parameter_added_or_removed_is_breaking() -> None:
    def edit(d: dict[str, Any]) -> None:
        item = d["paths"].pop("/devices/{deviceId}/status")
        item["put"]["parameters"].append(
            {"name": "site", "in": "path", "required": True, "schema": {"type": "string"}}
        )
        d["paths"]["/sites/{site}/devices/{deviceId}/status"] = item

    after = changed(edit)
    title = "operation PUT /sites/{site}/devices/{deviceId}/status (updateDeviceStatus)"
    assert after == [
        f"safe      {title}: path changed from /devices/{{deviceId}}/status",
        f"BREAKING  {title}: path parameter 'deviceId' renamed to 'site': keyword device_id= "
        "becomes site= (request)",
        f"BREAKING  {title}: path parameter 'deviceId' added: a new required argument (request)",
    ]


def test_request_body_changes() -> None:
    def optional(d: dict[str, Any]) -> None:
        operation(d, "/devices", "post")["requestBody"]["required"] = False

    def removed(d: dict[str, Any]) -> None:
        del operation(d, "/devices", "post")["requestBody"]

    def inline(d: dict[str, Any]) -> None:
        body = operation(d, "/devices", "post")["requestBody"]["content"]["application/json"]
        body["schema"] = {"type": "object", "properties": {"model": {"type": "string"}}}

    assert changed(optional) == [f"safe      {PROVISION}: request body is now optional (request)"]
    new = copy.deepcopy(BASE)
    optional(new)
    assert lines(new, BASE) == [f"BREAKING  {PROVISION}: request body is now required (request)"]
    assert changed(removed) == [f"BREAKING  {PROVISION}: request body removed (request)"]
    new = copy.deepcopy(BASE)
    removed(new)
    assert lines(new, BASE) == [
        f"BREAKING  {PROVISION}: request body added, required: DeviceProvisionRequest (request)"
    ]
    assert changed(inline) == [
        f"BREAKING  {PROVISION}: request body retyped: DeviceProvisionRequest -> object (request)"
    ]


def test_inline_request_body_fields_are_followed() -> None:
    old = copy.deepcopy(BASE)
    body = operation(old, "/devices", "post")["requestBody"]["content"]["application/json"]
    body["schema"] = {"type": "object", "properties": {"model": {"type": "string"}}}
    new = copy.deepcopy(old)
    body = operation(new, "/devices", "post")["requestBody"]["content"]["application/json"]
    body["schema"]["properties"]["site"] = {"type": "string"}
    body["schema"]["required"] = ["site"]

    assert lines(old, new) == [
        f"BREAKING  {PROVISION}: request body field 'site' added: required string (request)"
    ]


def test_response_changes() -> None:
    def edit(d: dict[str, Any]) -> None:
        responses = operation(d, "/devices", "post")["responses"]
        responses["409"] = {"description": "Conflict"}
        responses["200"] = responses.pop("201")
        operation(d, "/devices/{deviceId}/status", "put")["responses"]["200"]["content"] = {
            "application/json": {"schema": {"$ref": "#/components/schemas/PrintDevice"}}
        }

    assert changed(edit) == [
        f"safe      {PROVISION}: response 409 added (response)",
        f"safe      {PROVISION}: response 200 added: PrintDevice (response)",
        f"BREAKING  {PROVISION}: response 201 removed (response)",
        f"safe      {UPDATE}: response 200 body added: PrintDevice (response)",
    ]
    new = copy.deepcopy(BASE)
    edit(new)
    assert f"BREAKING  {UPDATE}: response 200 body removed (response)" in lines(new, BASE)


def test_media_type_changes() -> None:
    def edit(d: dict[str, Any]) -> None:
        content = operation(d, "/devices", "post")["requestBody"]["content"]
        content["application/x-www-form-urlencoded"] = content.pop("application/json")

    assert changed(edit) == [
        f"safe      {PROVISION}: request body media type application/x-www-form-urlencoded "
        "added (request)",
        f"BREAKING  {PROVISION}: request body media type application/json removed (request)",
    ]


# --- the command line ---------------------------------------------------------------------------


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code = spec_diff.main([str(SPEC), str(FIXTURES / "removed_field.yml"), "--json"])

    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["total"] == 1
    assert report["breaking"] == 1
    assert report["changes"] == [
        {
            "kind": "schema",
            "subject": "DeviceProvisionRequest",
            "detail": "field 'location' removed",
            "breaking": True,
            "side": "request",
            "sdk": ["`client.devices.provision(location=...)`: keyword `location=` removed"],
            "section": "Breaking",
        }
    ]


@pytest.mark.parametrize(
    ("fixture", "code"),
    [("removed_field.yml", 3), ("new_optional_field.yml", 0)],
)
def test_fail_on_breaking_exit_code(
    fixture: str, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert spec_diff.main([str(SPEC), str(FIXTURES / fixture), "--fail-on-breaking"]) == code
    assert spec_diff.main([str(SPEC), str(FIXTURES / fixture)]) == 0
    capsys.readouterr()


def test_unreadable_document_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("paths: [unclosed\n")

    assert spec_diff.main([str(SPEC), str(bad)]) == 2
    assert spec_diff.main([str(SPEC), str(tmp_path / "missing.yml")]) == 2
    err = capsys.readouterr().err
    assert "bad.yml is not readable YAML/JSON" in err
    assert "cannot read" in err


def test_runs_standalone() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(SPEC), str(FIXTURES / "renamed_path_param.yml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "1 change: 1 breaking, 0 safe"
