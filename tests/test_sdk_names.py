"""scripts/spec_diff.py in an SDK user's words: resource and method names, keywords, attributes.

The generated client has one resource per tag (``client.devices``) with one method per operation;
``method_name`` is the naming rule the generator's templates follow too. Each change of the
report carries ``sdk`` lines, the words the CHANGELOG uses: pure tests on parsed documents.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scriptload import load_script

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "hp-printos-device-api-openapi.yml"
FIXTURES = ROOT / "tests" / "fixtures" / "specs"


spec_diff = load_script("spec_diff")
BASE: dict[str, Any] = spec_diff.load_spec(SPEC)
DEVICE_OPERATIONS = ["listDevices", "provisionDevice", "updateDeviceStatus", "getDevice"]


def sdk_words(new: dict[str, Any], old: dict[str, Any] = BASE) -> list[tuple[str, list[str]]]:
    return [(c.section(), list(c.sdk)) for c in spec_diff.diff_specs(old, new)]


def edited(edit: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    new = copy.deepcopy(BASE)
    edit(new)
    return new


# --- the naming rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "operation_id", "expected"),
    [
        ("Devices", "listDevices", "list"),
        ("Devices", "provisionDevice", "provision"),
        ("Devices", "updateDeviceStatus", "update_status"),
        ("Devices", "getDevice", "get"),
        ("Devices", "decommissionDevice", "decommission"),
        ("Sites", "listSites", "list"),
        ("Sites", "createSite", "create"),
    ],
)
def test_method_name_drops_the_tag_words(tag: str, operation_id: str, expected: str) -> None:
    siblings = DEVICE_OPERATIONS if tag == "Devices" else ["listSites", "createSite"]

    assert spec_diff.method_name(tag, operation_id, siblings) == expected


@pytest.mark.parametrize(
    ("tag", "operation_id", "expected"),
    [
        ("Categories", "getCategory", "get"),  # singular of ...ies is ...y
        ("Category", "listCategories", "list"),  # plural of consonant + y is ...ies
        ("Key", "rotateKeys", "rotate"),  # vowel + y: plural + s
        ("PrintJobs", "cancelPrintJob", "cancel"),  # every word of the tag
        ("print-jobs", "listPrintJobs", "list"),  # delimiters split words too
    ],
)
def test_method_name_knows_singular_and_plural(tag: str, operation_id: str, expected: str) -> None:
    assert spec_diff.method_name(tag, operation_id, [operation_id]) == expected


@pytest.mark.parametrize(
    ("operation_id", "expected"),
    [
        ("devices", "devices"),  # nothing left
        ("importDevices", "import_devices"),  # a keyword left
        ("device2", "device2"),  # leaves "2": not an identifier
    ],
)
def test_method_name_falls_back_to_the_whole_operation_id(operation_id: str, expected: str) -> None:
    assert spec_diff.method_name("Devices", operation_id, [operation_id]) == expected


def test_colliding_methods_both_keep_their_whole_operation_id() -> None:
    siblings = ["listDevices", "listDevice", "getDevice"]

    names = [spec_diff.method_name("Devices", op, siblings) for op in siblings]

    assert names == ["list_devices", "list_device", "get"]


def test_builtin_names_are_fine_as_methods() -> None:
    assert spec_diff.method_name("Devices", "listDevices", ["listDevices"]) == "list"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Devices", "devices"),
        ("Print Jobs", "print_jobs"),
        ("PrintJobs", "print_jobs"),
        ("HTTPServer", "http_server"),
        ("device-sites", "device_sites"),
    ],
)
def test_resource_name_is_the_tag_in_snake_case(name: str, expected: str) -> None:
    assert spec_diff.resource_name(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("serialNumber", "serial_number"), ("type", "type_"), ("id", "id"), ("2fa", "field_2fa")],
)
def test_keyword_names_follow_the_generator(name: str, expected: str) -> None:
    assert spec_diff.python_identifier(name) == expected


# --- changes in SDK words ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "new_operation.yml",
            [("Added", ["`client.devices.get(device_id)` added (GET /devices/{deviceId})"])],
        ),
        (
            "new_optional_field.yml",
            [("Added", ["`PrintDevice.firmware_version` added: optional string"])],
        ),
        (
            "removed_field.yml",
            [
                (
                    "Breaking",
                    ["`client.devices.provision(location=...)`: keyword `location=` removed"],
                )
            ],
        ),
        (
            "renamed_path_param.yml",
            [
                (
                    "Breaking",
                    [
                        "`client.devices.update_status(id, status=..., metrics=...)`: argument "
                        "`device_id` renamed to `id`"
                    ],
                )
            ],
        ),
    ],
)
def test_fixture_changes_in_sdk_words(fixture: str, expected: list[tuple[str, list[str]]]) -> None:
    assert sdk_words(spec_diff.load_spec(FIXTURES / fixture)) == expected


def test_operation_without_tags_is_under_default() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["paths"]["/ping"] = {"get": {"operationId": "ping", "responses": {"200": {}}}}

    assert sdk_words(edited(edit)) == [("Added", ["`client.default.ping()` added (GET /ping)"])]


def test_added_query_parameter_is_a_keyword() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["paths"]["/devices"]["get"]["parameters"] = [
            {"name": "pageSize", "in": "query", "schema": {"type": "integer"}}
        ]

    assert sdk_words(edited(edit)) == [
        (
            "Added",
            [
                "`client.devices.list(page_size=...)`: keyword `page_size=` added: optional "
                "integer (query parameter 'pageSize')"
            ],
        )
    ]


def test_nested_request_field_names_the_keyword_and_the_path() -> None:
    def edit(d: dict[str, Any]) -> None:
        metrics = d["components"]["schemas"]["DeviceStatusUpdate"]["properties"]["metrics"]
        del metrics["properties"]["inkLevel"]

    assert sdk_words(edited(edit)) == [
        (
            "Breaking",
            ["`client.devices.update_status(metrics=...)`: `metrics.ink_level` removed"],
        )
    ]


def test_a_request_schema_also_returned_is_named_as_a_model_too() -> None:
    def edit(d: dict[str, Any]) -> None:
        response = d["paths"]["/devices"]["post"]["responses"]["201"]["content"]
        response["application/json"]["schema"] = {
            "$ref": "#/components/schemas/DeviceProvisionRequest"
        }

    new = edited(edit)
    del new["components"]["schemas"]["DeviceProvisionRequest"]["properties"]["location"]
    _, words = sdk_words(new, edited(edit))[0]

    assert words == [
        "`client.devices.provision(location=...)`: keyword `location=` removed",
        "`DeviceProvisionRequest.location` removed",
    ]


def test_tag_change_renames_the_method_and_breaks() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["paths"]["/devices"]["get"]["tags"] = ["Inventory"]

    changes = spec_diff.diff_specs(BASE, edited(edit))

    assert [change.line() for change in changes] == [
        "BREAKING  operation GET /devices (listDevices): SDK method client.devices.list becomes "
        "client.inventory.list_devices"
    ]
    assert changes[0].sdk == ("`client.devices.list()` is now `client.inventory.list_devices()`",)


def test_a_new_sibling_that_collides_renames_an_existing_method() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["paths"]["/devices/all"] = {
            "get": {"operationId": "listDevice", "tags": ["Devices"], "responses": {"200": {}}}
        }

    assert sdk_words(edited(edit)) == [
        ("Breaking", ["`client.devices.list()` is now `client.devices.list_devices()`"]),
        ("Added", ["`client.devices.list_device()` added (GET /devices/all)"]),
    ]
