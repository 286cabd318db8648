"""Strict decoding in the generated models (openapi/templates/ model and property templates).

Every wrong input must raise ``printos_api_client.errors.DecodeError`` carrying the JSON path of the
offending value and a reason; nothing may slip through as a wrongly typed attribute or a bare
KeyError/TypeError.
"""

from __future__ import annotations

import datetime as dt
import pickle
from types import MappingProxyType
from typing import Any

import pytest

from printos_api_client.errors import DecodeError
from printos_api_client.models import (
    DeviceStatusUpdate,
    DeviceStatusUpdateMetrics,
    PrintDevice,
    PrintDeviceList,
)
from printos_api_client.types import parse_datetime


def device(**fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": "dev-0042",
        "model": "HP Indigo 100K",
        "serialNumber": "SN-7781-AX",
        "status": "ONLINE",
        "registeredAt": "2026-11-24T10:00:00.123Z",
    }
    payload.update(fields)
    return payload


def decode_error(payload: object, model: Any = PrintDeviceList) -> DecodeError:
    with pytest.raises(DecodeError) as caught:
        model.from_dict(payload)
    return caught.value


def test_realistic_device_list_decodes_to_typed_models_with_aware_datetimes() -> None:
    payload = {
        "devices": [
            device(),
            device(id="dev-0043", status="OFFLINE", registeredAt="2026-11-24T09:15:30+01:00"),
        ]
    }

    result = PrintDeviceList.from_dict(payload)

    assert result.devices is not None
    first, second = result.devices
    assert isinstance(first, PrintDevice)
    assert (first.id, first.model, first.serial_number, first.status) == (
        "dev-0042",
        "HP Indigo 100K",
        "SN-7781-AX",
        "ONLINE",
    )
    assert first.registered_at == dt.datetime(2026, 11, 24, 10, 0, 0, 123000, tzinfo=dt.UTC)
    assert isinstance(first.registered_at, dt.datetime)
    assert first.registered_at.utcoffset() == dt.timedelta(0)  # "Z" is UTC, not naive
    assert isinstance(second.registered_at, dt.datetime)
    assert second.registered_at.utcoffset() == dt.timedelta(hours=1)
    assert result.to_dict()["devices"][1]["id"] == "dev-0043"


def test_absent_properties_are_none_and_left_out_of_to_dict() -> None:
    result = PrintDevice.from_dict({"id": "x"})

    assert result.id == "x"
    assert result.model is None
    assert result.registered_at is None
    assert result.to_dict() == {"id": "x"}


def test_inline_metrics_object_becomes_its_model_and_round_trips() -> None:
    payload = {"status": "PRINTING", "metrics": {"pagesTotal": 120345, "inkLevel": 0.42}}

    update = DeviceStatusUpdate.from_dict(payload)

    assert isinstance(update.metrics, DeviceStatusUpdateMetrics)
    assert update.metrics.pages_total == 120345
    assert update.metrics.ink_level == 0.42
    assert update.to_dict() == payload


def test_unknown_fields_land_in_additional_properties_and_round_trip() -> None:
    # registeredAt in the form to_dict writes, so the whole payload round-trips exactly
    payload = device(registeredAt="2026-11-24T10:00:00+00:00", firmware={"v": "5.1"}, tags=["a"])

    result = PrintDevice.from_dict(payload)

    assert result.additional_properties == {"firmware": {"v": "5.1"}, "tags": ["a"]}
    assert result["firmware"] == {"v": "5.1"}
    assert result.to_dict() == payload


def test_from_dict_does_not_modify_its_input() -> None:
    payload = {"devices": [device(extra=1)]}
    snapshot = repr(payload)

    PrintDeviceList.from_dict(payload)

    assert repr(payload) == snapshot


def test_any_mapping_is_accepted_as_an_object() -> None:
    result = PrintDevice.from_dict(MappingProxyType({"id": "x"}))

    assert result.id == "x"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "2026-11-24T10:00:00.123456789Z",
            dt.datetime(2026, 11, 24, 10, 0, 0, 123456, tzinfo=dt.UTC),
            id="nanoseconds",
        ),
        pytest.param(
            "2026-11-24T10:00:00.123456789-08:00",
            dt.datetime(2026, 11, 24, 18, 0, 0, 123456, tzinfo=dt.UTC),
            id="nanoseconds-with-offset",
        ),
    ],
)
def test_nanosecond_datetimes_parse(text: str, expected: dt.datetime) -> None:
    result = PrintDevice.from_dict(device(registeredAt=text))

    assert result.registered_at == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "2026-328T10:00:00Z",
            dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC),
            id="ordinal-date",
        ),
        pytest.param(
            "2026-11-24T24:00:00+02:00",
            dt.datetime(2026, 11, 25, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            id="end-of-day-24h",
        ),
    ],
)
def test_iso8601_forms_outside_rfc3339_are_refused(text: str, expected: dt.datetime) -> None:
    # Issue 18: format date-time is RFC 3339's date-time, not any ISO 8601 form.
    del expected
    with pytest.raises(DecodeError, match="registeredAt"):
        PrintDevice.from_dict(device(registeredAt=text))


def test_parse_datetime_rejects_non_iso8601_text() -> None:
    with pytest.raises(ValueError, match=r"not an RFC 3339 date-time .*: 'next tuesday'"):
        parse_datetime("next tuesday")


def test_unparsable_datetime_is_a_decode_error_naming_the_field() -> None:
    error = decode_error({"devices": [device(), device(registeredAt="24/11/2026 10:00")]})

    assert error.path == ("devices", 1, "registeredAt")
    assert error.reason == "expected an RFC 3339 date-time string, got '24/11/2026 10:00'"
    assert str(error) == (
        "devices[1].registeredAt: expected an RFC 3339 date-time string, got '24/11/2026 10:00'"
    )
    assert error.__cause__ is None
    assert error.__suppress_context__


def test_wrong_type_in_a_nested_list_item_gives_the_exact_path() -> None:
    error = decode_error({"devices": [{}, {"id": 5}]})

    assert error.path == ("devices", 1, "id")
    assert error.reason == "expected a string, got int"
    assert str(error) == "devices[1].id: expected a string, got int"


def test_int_for_a_datetime_names_the_path_and_the_json_type() -> None:
    payload = {"devices": [device(), device(), device(), device(registeredAt=1764000000)]}

    error = decode_error(payload)

    assert error.path == ("devices", 3, "registeredAt")
    assert str(error) == "devices[3].registeredAt: expected an RFC 3339 date-time string, got int"


@pytest.mark.parametrize(
    ("payload", "got"),
    [
        pytest.param([], "array", id="array"),
        pytest.param("devices", "string", id="string"),
        pytest.param(None, "null", id="null"),
        pytest.param(7, "int", id="int"),
        pytest.param(True, "boolean", id="boolean"),
    ],
)
def test_non_object_input_is_a_decode_error_at_the_root(payload: object, got: str) -> None:
    error = decode_error(payload)

    assert error.path == ()
    assert error.reason == f"expected an object, got {got}"
    assert str(error) == error.reason


def test_non_object_list_item_is_a_decode_error_at_its_index() -> None:
    error = decode_error({"devices": [device(), "dev-0043"]})

    assert (error.path, error.reason) == (("devices", 1), "expected an object, got string")
    assert str(error) == "devices[1]: expected an object, got string"


@pytest.mark.parametrize(
    ("model", "payload", "path", "reason"),
    [
        pytest.param(
            PrintDevice, {"id": None}, ("id",), "expected a string, got null", id="string"
        ),
        pytest.param(
            PrintDevice,
            {"registeredAt": None},
            ("registeredAt",),
            "expected an RFC 3339 date-time string, got null",
            id="datetime",
        ),
        pytest.param(
            PrintDeviceList,
            {"devices": None},
            ("devices",),
            "expected an array, got null",
            id="list",
        ),
        pytest.param(
            PrintDeviceList,
            {"devices": [None]},
            ("devices", 0),
            "expected an object, got null",
            id="list-item",
        ),
        pytest.param(
            DeviceStatusUpdate,
            {"metrics": None},
            ("metrics",),
            "expected an object, got null",
            id="object",
        ),
        pytest.param(
            DeviceStatusUpdate,
            {"metrics": {"pagesTotal": None}},
            ("metrics", "pagesTotal"),
            "expected an integer, got null",
            id="integer",
        ),
        pytest.param(
            DeviceStatusUpdate,
            {"metrics": {"inkLevel": None}},
            ("metrics", "inkLevel"),
            "expected a number, got null",
            id="number",
        ),
    ],
)
def test_null_for_a_non_nullable_property_is_a_decode_error(
    model: Any, payload: dict[str, Any], path: tuple[str | int, ...], reason: str
) -> None:
    error = decode_error(payload, model)

    assert (error.path, error.reason) == (path, reason)


@pytest.mark.parametrize(
    ("devices", "got"),
    [
        pytest.param("dev-0042", "string", id="string"),  # would iterate characters
        pytest.param({"0": device()}, "object", id="object"),
        pytest.param(3, "int", id="int"),
    ],
)
def test_non_list_devices_is_a_decode_error(devices: object, got: str) -> None:
    error = decode_error({"devices": devices})

    assert (error.path, error.reason) == (("devices",), f"expected an array, got {got}")


@pytest.mark.parametrize("value", [True, False])
def test_bool_is_rejected_for_integer_pages_total(value: bool) -> None:
    error = decode_error({"metrics": {"pagesTotal": value}}, DeviceStatusUpdate)

    assert (error.path, error.reason) == (
        ("metrics", "pagesTotal"),
        "expected an integer, got boolean",
    )


def test_float_is_rejected_for_integer_pages_total() -> None:
    error = decode_error({"metrics": {"pagesTotal": 12.5}}, DeviceStatusUpdate)

    assert str(error) == "metrics.pagesTotal: expected an integer, got float"


def test_int_is_accepted_for_number_ink_level() -> None:
    update = DeviceStatusUpdate.from_dict({"metrics": {"inkLevel": 1}})

    assert isinstance(update.metrics, DeviceStatusUpdateMetrics)
    assert update.metrics.ink_level == 1
    assert update.to_dict() == {"metrics": {"inkLevel": 1}}


@pytest.mark.parametrize(("value", "got"), [(True, "boolean"), ("0.5", "string")])
def test_non_numbers_are_rejected_for_number_ink_level(value: object, got: str) -> None:
    error = decode_error({"metrics": {"inkLevel": value}}, DeviceStatusUpdate)

    assert (error.path, error.reason) == (("metrics", "inkLevel"), f"expected a number, got {got}")


def test_decode_error_is_a_value_error_that_pickles_with_its_path() -> None:
    error = decode_error({"devices": [{}, {"id": 5}]})

    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.reason, str(copy)) == (error.path, error.reason, str(error))


def test_decode_error_is_exported() -> None:
    import printos_api_client.errors as errors

    assert "DecodeError" in errors.__all__
    assert errors.DecodeError is DecodeError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-24T10:00:00", None),
        ("2026-11-24", None),
        ("2026-W48-2T10:00:00", None),
        ("2026-11-24T10:00:00,5Z", None),
    ],
)
def test_date_time_without_an_offset_is_refused(text: str, expected: None) -> None:
    # Issue 18: RFC 3339 requires an offset; guessing UTC could shift a time by hours.
    with pytest.raises(DecodeError, match="registeredAt"):
        PrintDevice.from_dict({"registeredAt": text})
