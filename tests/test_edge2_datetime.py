"""Date-times are read as RFC 3339 says (issue 18, class 7).

``format: date-time`` is RFC 3339's ``date-time``: a full date, ``T``, a full time and an offset.
``2026`` and a time without an offset are refused (ResponseValidationError naming the field)
rather than guessed; ``t``/``z`` in lower case are accepted, as the RFC allows; a leap second
(``23:59:60`` in UTC terms) is read as second 59; any value written in the RFC's grammar is read
back as the instant it names.
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printos_ext import PrintOSClient, ResponseValidationError
from printos_ext._generated import PrintDevice
from printos_ext._generated import package_name as _package

parse_datetime = __import__(f"{_package}.types", fromlist=["parse_datetime"]).parse_datetime

offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59)
fractions = st.one_of(
    st.just(""), st.text("0123456789", min_size=1, max_size=12).map(lambda digits: "." + digits)
)


def _offset_text(minutes: int, z: str) -> str:
    if minutes == 0 and z:
        return z
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    moment=st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
    offset=offsets,
    fraction=fractions,
    t=st.sampled_from("Tt"),
    z=st.sampled_from(["Z", "z", ""]),
)
def test_any_rfc3339_date_time_is_read_as_the_instant_it_names(
    moment: dt.datetime, offset: int, fraction: str, t: str, z: str
) -> None:
    date = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"  # %Y does not pad year 999
    text = f"{date}{t}{moment:%H:%M:%S}{fraction}{_offset_text(offset, z)}"
    parsed = parse_datetime(text)
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    assert parsed.replace(tzinfo=None) == moment.replace(microsecond=micro)
    assert parsed.utcoffset() == dt.timedelta(minutes=offset)


@pytest.mark.parametrize(
    "text",
    [
        "2026",
        "2026-11",
        "2026-11-24",
        "2026-11-24T10:00",
        "2026-11-24T10:00:00",  # no offset: RFC 3339 requires one
        "2026-11-24T10:00:00.5",
        "2026-11-24 10:00:00Z",  # a space is not RFC 3339's date-time production
        "2026-W48-2T10:00:00Z",
        "2026-328T10:00:00Z",
        "20261124T100000Z",
        "2026-11-24T24:00:00Z",
        "2026-02-30T10:00:00Z",
        "2026-11-24T10:00:00+0100",
        "2026-11-24T10:00:00+01",
        "2026-11-24T10:00:00+24:00",
        "2026-11-24T10:00:00.Z",
        "\u0662\u0660\u0662\u0666-11-24T10:00:00Z",  # Arabic-Indic digits
        "2026-11-24T22:59:60Z",  # a leap second is only ever at 23:59:60 UTC
        " 2026-11-24T10:00:00Z",
        "",
    ],
)
def test_what_is_not_an_rfc3339_date_time_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="RFC 3339"):
        parse_datetime(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-12-31T23:59:60Z", dt.datetime(2016, 12, 31, 23, 59, 59, tzinfo=dt.UTC)),
        ("2016-12-31T23:59:60.25Z", dt.datetime(2016, 12, 31, 23, 59, 59, 250000, tzinfo=dt.UTC)),
        ("2016-12-31T15:59:60-08:00", dt.datetime(2016, 12, 31, 23, 59, 59, tzinfo=dt.UTC)),
        ("2017-01-01T00:59:60+01:00", dt.datetime(2016, 12, 31, 23, 59, 59, tzinfo=dt.UTC)),
    ],
)
def test_a_leap_second_is_read_as_second_59(text: str, expected: dt.datetime) -> None:
    assert parse_datetime(text) == expected


def test_negative_zero_offset_is_utc() -> None:
    assert parse_datetime("2026-11-24T10:00:00-00:00").tzinfo is dt.UTC


def test_a_model_refuses_a_date_time_without_an_offset_naming_the_field() -> None:
    with pytest.raises(ValueError, match=r"registeredAt: expected an RFC 3339 date-time string"):
        PrintDevice.from_dict({"id": "d1", "registeredAt": "2026-11-24T10:00:00"})


@pytest.mark.anyio
@pytest.mark.parametrize("value", ["2026", "2026-11-24T10:00:00"])
async def test_a_listed_device_with_a_bare_year_is_a_response_validation_error(value: str) -> None:
    body = {"devices": [{"id": "d1", "registeredAt": value}]}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    async with PrintOSClient(
        base_url="http://127.0.0.1:9", transport=transport, environ={}
    ) as client:
        with pytest.raises(ResponseValidationError) as caught:
            await client.devices.list()
    assert caught.value.field == "devices[0].registeredAt"
