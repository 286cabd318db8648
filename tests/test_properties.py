"""Property tests: whatever JSON a server sends, the client either returns models that round-trip
or raises ResponseValidationError, never anything else.

Strategies are built from the spec's schemas: every ``PrintDevice`` property optional, strings
anywhere a string is allowed, ``registeredAt`` as an RFC 3339 date-time (``Z``/``z`` or a numeric
offset, ``T`` or ``t``, 0 to 9 fraction digits), and unknown keys with arbitrary JSON values, as
``additionalProperties`` allows. Responses go through the real client (``httpx.MockTransport``),
so the whole path is exercised: body read, ``json.loads``, ``from_dict``, error mapping.

Examples are derandomized (the same ones every run) and capped at ``MAX_EXAMPLES`` per property.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from printos_ext import (
    InternalServerError,
    PrintDevice,
    PrintDeviceList,
    PrintOSClient,
    ResponseValidationError,
)

MAX_EXAMPLES = 200
GUARD = 10.0
PROFILE = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

STRING_FIELDS = ("id", "model", "serialNumber", "status")
KNOWN_FIELDS = frozenset((*STRING_FIELDS, "registeredAt"))

# JSON values (no NaN or infinities: JSON has none, and they would not compare equal).
json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
) | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def rfc3339(draw: st.DrawFn) -> tuple[str, dt.datetime]:
    """An RFC 3339 date-time and the instant it denotes (to the microsecond, truncated)."""
    local = draw(st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30)))
    digits = draw(st.integers(0, 9))
    fraction = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=digits)))[:digits]
    local = local.replace(microsecond=int(fraction[:6].ljust(6, "0")) if fraction else 0)
    separator = draw(st.sampled_from("Tt"))
    # By hand: strftime("%Y") does not zero-pad years before 1000 on every platform.
    text = (
        f"{local.year:04d}-{local.month:02d}-{local.day:02d}{separator}"
        f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}"
    ) + (f".{fraction}" if fraction else "")
    if draw(st.booleans()):
        text += draw(st.sampled_from("Zz"))
        offset = dt.timedelta(0)
    else:
        hours, minutes = draw(st.integers(0, 23)), draw(st.integers(0, 59))
        sign = draw(st.sampled_from("+-"))
        text += f"{sign}{hours:02d}:{minutes:02d}"
        offset = dt.timedelta(hours=hours, minutes=minutes) * (1 if sign == "+" else -1)
    return text, local.replace(tzinfo=dt.timezone(offset))


extra_keys = st.dictionaries(
    st.text(max_size=12).filter(lambda key: key not in KNOWN_FIELDS), json_values, max_size=3
)


@st.composite
def devices(draw: st.DrawFn) -> tuple[dict[str, Any], dt.datetime | None]:
    """A PrintDevice JSON object allowed by the spec, and its registeredAt instant if any."""
    device: dict[str, Any] = draw(extra_keys)
    for name in STRING_FIELDS:
        if draw(st.booleans()):
            device[name] = draw(st.text(max_size=30))
    instant = None
    if draw(st.booleans()):
        device["registeredAt"], instant = draw(rfc3339())
    return device, instant


@st.composite
def device_lists(draw: st.DrawFn) -> tuple[dict[str, Any], list[dt.datetime | None]]:
    """A PrintDeviceList JSON object allowed by the spec, and each device's instant."""
    document: dict[str, Any] = draw(
        st.dictionaries(
            st.text(max_size=8).filter(lambda k: k != "devices"), json_values, max_size=2
        )
    )
    drawn = draw(st.lists(devices(), max_size=6))
    if drawn or draw(st.booleans()):
        document["devices"] = [device for device, _ in drawn]
    return document, [instant for _, instant in drawn]


def responding(status: int, body: bytes, content_type: str = "application/json") -> PrintOSClient:
    """A client whose every request is answered with ``body``."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"Content-Type": content_type})

    return PrintOSClient(
        allow_unauthenticated=True,
        base_url="https://printos.api.hp.com",
        transport=httpx.MockTransport(handler),
        max_retries=0,
        environ={},
    )


def assert_round_trips(
    model: PrintDevice, original: dict[str, Any], instant: dt.datetime | None
) -> None:
    """``model.to_dict()`` says what ``original`` said; date-times compare as instants."""
    assert model.registered_at == instant
    out = model.to_dict()
    assert out.keys() == original.keys()
    for key, value in original.items():
        if key == "registeredAt":
            assert dt.datetime.fromisoformat(out[key]) == instant
        else:
            assert out[key] == value


# Conforming documents parse and round-trip.


@PROFILE
@given(drawn=device_lists(), ensure_ascii=st.booleans())
@pytest.mark.anyio
async def test_any_spec_conforming_list_parses_and_round_trips(
    drawn: tuple[dict[str, Any], list[dt.datetime | None]], ensure_ascii: bool
) -> None:
    document, instants = drawn
    body = json.dumps(document, ensure_ascii=ensure_ascii).encode()
    with anyio.fail_after(GUARD):
        async with responding(200, body) as client:
            models = await client.devices.list()
    # One page: every device exactly as the server sent it, duplicates of an id included.
    expected = list(zip(document.get("devices", []), instants, strict=True))
    assert len(models) == len(expected)
    for model, (original, instant) in zip(models, expected, strict=True):
        assert isinstance(model, PrintDevice)
        assert_round_trips(model, original, instant)
    # The list object itself, unknown top-level keys included.
    parsed = PrintDeviceList.from_dict(json.loads(body))
    again = json.loads(json.dumps(parsed.to_dict()))
    assert again.keys() == document.keys()
    assert {k: v for k, v in again.items() if k != "devices"} == {
        k: v for k, v in document.items() if k != "devices"
    }


@PROFILE
@given(drawn=devices())
@pytest.mark.anyio
async def test_any_spec_conforming_device_with_an_id_is_returned_by_provision(
    drawn: tuple[dict[str, Any], dt.datetime | None],
) -> None:
    device, instant = drawn
    device = {**device, "id": device.get("id") or "dev-1"}  # provision insists on an id
    with anyio.fail_after(GUARD):
        async with responding(201, json.dumps(device).encode()) as client:
            model = await client.devices.provision(model="HP Indigo 7K", serial_number="SN-1")
    assert_round_trips(model, device, instant)


# Non-conforming documents are ResponseValidationError, naming the place.

not_objects = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10)
) | st.lists(json_scalars, max_size=3)
not_strings = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(json_scalars, max_size=3),
    st.dictionaries(st.text(max_size=5), json_scalars, max_size=3),
)
not_date_times = st.sampled_from(
    ["", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T10:00:00Z", "10:00", "2026-11-24T25:00Z"]
)


@st.composite
def broken_lists(draw: st.DrawFn) -> tuple[Any, str]:
    """A conforming document with one value replaced by one of the wrong type; and its path."""
    document, _ = draw(device_lists())
    where = draw(st.sampled_from(["root", "devices", "item", "field"]))
    if where == "root":
        return draw(not_objects), ""
    if where == "devices":
        document["devices"] = draw(not_objects.filter(lambda v: not isinstance(v, list)))
        return document, "devices"
    items = document.setdefault("devices", [])
    if not items:
        items.append({})
    index = draw(st.integers(0, len(items) - 1))
    if where == "item":
        items[index] = draw(not_objects)
        return document, f"devices[{index}]"
    name = draw(st.sampled_from(sorted(KNOWN_FIELDS)))
    if name == "registeredAt":
        items[index][name] = draw(not_strings | not_date_times)
    else:
        items[index][name] = draw(not_strings)
    return document, f"devices[{index}].{name}"


@PROFILE
@given(drawn=broken_lists())
@pytest.mark.anyio
async def test_a_value_of_the_wrong_type_anywhere_is_a_validation_error(
    drawn: tuple[Any, str],
) -> None:
    document, path = drawn
    with anyio.fail_after(GUARD):
        async with responding(200, json.dumps(document).encode()) as client:
            with pytest.raises(ResponseValidationError) as info:
                await client.devices.list()
    assert info.value.field == path
    assert info.value.operation == "list_devices"


# Arbitrary bodies: a model or ResponseValidationError, nothing else.


def conforms(document: Any) -> bool | None:
    """An independent reading of the schema: True, False, or None when a registeredAt string
    decides (whether the SDK's RFC 3339 parser takes a given string is not this oracle's call)."""
    if not isinstance(document, dict):
        return False
    items = document.get("devices", [])
    if not isinstance(items, list):
        return False
    undecided = False
    for item in items:
        if not isinstance(item, dict):
            return False
        if any(name in item and not isinstance(item[name], str) for name in KNOWN_FIELDS):
            return False
        undecided = undecided or "registeredAt" in item
    return None if undecided else True


async def outcome(body: bytes) -> str:
    with anyio.fail_after(GUARD):
        async with responding(200, body) as client:
            try:
                await client.devices.list()
            except ResponseValidationError:
                return "invalid"
    return "parsed"


@PROFILE
@given(document=json_values | st.fixed_dictionaries({"devices": json_values}))
@pytest.mark.anyio
async def test_arbitrary_json_is_parsed_or_refused_as_the_schema_says(document: Any) -> None:
    expected = conforms(document)
    result = await outcome(json.dumps(document).encode())
    if expected is not None:
        assert result == ("parsed" if expected else "invalid")


date_like = st.from_regex(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}(:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,12})?)?)?)?"
    r"([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?",
    fullmatch=True,
)


@PROFILE
@given(text=date_like | st.text(max_size=40))
@pytest.mark.anyio
async def test_any_registered_at_string_is_a_datetime_or_a_validation_error(text: str) -> None:
    document = {"devices": [{"id": "dev-1", "registeredAt": text}]}
    field = None
    with anyio.fail_after(GUARD):
        async with responding(200, json.dumps(document).encode()) as client:
            try:
                (device,) = await client.devices.list()
            except ResponseValidationError as error:
                field = error.field
            else:
                assert isinstance(device.registered_at, dt.datetime)
    assert field in (None, "devices[0].registeredAt")


@PROFILE
@given(body=st.binary(max_size=200))
@pytest.mark.anyio
async def test_arbitrary_bytes_are_parsed_or_refused_never_another_error(body: bytes) -> None:
    try:
        expected = conforms(json.loads(body))
    except ValueError:
        expected = False
    result = await outcome(body)
    if expected is not None:
        assert result == ("parsed" if expected else "invalid")


# Found by looking beyond what Hypothesis generates: nesting deeper than the recursion limit.

DEEP = b"[" * 100_000


@pytest.mark.anyio
async def test_deeply_nested_body_is_a_validation_error() -> None:
    assert await outcome(DEEP) == "invalid"


@pytest.mark.anyio
async def test_deeply_nested_error_body_is_still_a_status_error() -> None:
    with anyio.fail_after(GUARD):
        async with responding(500, DEEP) as client:
            with pytest.raises(InternalServerError):
                await client.devices.list()
