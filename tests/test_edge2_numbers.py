"""Numbers beyond float range (issue 18, class 1).

``ink_level=10**400`` cannot be converted to a float, ``pages_total=-10**5000`` cannot even be
printed (Python refuses ints of more than 4,300 digits as text). Whatever number a caller passes,
a single call raises InvalidArgumentError naming the argument, the reporter refuses the report
the same way, a bulk batch gives that item its own InvalidArgumentError result and sends the
others, and a generated method given such a number in a model names the field of the body.
The property tests run on the async client; the cases after them on both clients (twins.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from printos_ext import InvalidArgumentError, PrintOSClient, StatusReporter
from printos_ext import _generated as gen

from twins import KINDS, Twin, twin_for

PROFILE = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Ints far beyond float range and beyond int-to-text conversion, plus every kind of float.
huge_ints = st.one_of(
    st.integers(min_value=-(10**5000), max_value=10**5000),
    st.sampled_from([10**308 * 10, 10**400, -(10**400), 10**4300, 10**5000, -(10**5000)]),
    st.integers(min_value=-1000, max_value=1000),
    st.sampled_from([2**63 - 1, 2**63, 10**30]),
)
any_numbers = st.one_of(huge_ints, st.floats(allow_nan=True, allow_infinity=True))

sent: list[dict[str, Any]] = []


def _record(request: httpx.Request) -> httpx.Response:
    sent.append(json.loads(request.content))
    return httpx.Response(200)


@pytest.fixture
async def client() -> AsyncIterator[PrintOSClient]:
    sent.clear()
    async with PrintOSClient(
        base_url="http://127.0.0.1:9", transport=httpx.MockTransport(_record), environ={}
    ) as c:
        yield c


async def _refusal(call: Awaitable[None]) -> InvalidArgumentError | None:
    """The InvalidArgumentError ``call`` raises, or None when it succeeds."""
    try:
        await call
    except InvalidArgumentError as error:
        return error
    return None


def _valid_ink(value: int | float) -> bool:
    return value == value and 0 <= value <= 100  # NaN != NaN


def _valid_pages(value: int | float) -> bool:
    # A 64-bit count: what JSON readers hold, and what the validators accept.
    return isinstance(value, int) and 0 <= value <= 2**63 - 1


@pytest.mark.anyio
@PROFILE
@given(value=any_numbers)
async def test_update_status_ink_level_is_sent_or_refused_by_name(
    client: PrintOSClient, value: int | float
) -> None:
    error = await _refusal(client.devices.update_status("d1", ink_level=value))
    assert (error is None) == _valid_ink(value)
    if error is not None:
        assert "ink_level" in str(error)
        assert len(str(error)) < 400


@pytest.mark.anyio
@PROFILE
@given(value=any_numbers)
async def test_update_status_pages_total_is_sent_or_refused_by_name(
    client: PrintOSClient, value: int | float
) -> None:
    error = await _refusal(client.devices.update_status("d1", pages_total=value))  # type: ignore[arg-type]
    assert (error is None) == _valid_pages(value)
    if error is not None:
        assert "pages_total" in str(error) or "metrics.pagesTotal" in str(error)
        assert len(str(error)) < 400


@pytest.mark.anyio
@PROFILE
@given(ink=any_numbers, pages=any_numbers)
async def test_reporter_report_refuses_any_bad_number_with_invalid_argument(
    client: PrintOSClient, ink: int | float, pages: int | float
) -> None:
    async with StatusReporter(client, interval=0) as reporter:
        valid = _valid_ink(ink) and _valid_pages(pages)
        if valid:
            reporter.report("d1", ink_level=ink, pages_total=pages)  # type: ignore[arg-type]
        else:
            with pytest.raises(InvalidArgumentError, match=r"ink_level|pages_total"):
                reporter.report("d1", ink_level=ink, pages_total=pages)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [10**400, -(10**5000), float("inf"), float("nan"), -1],
    ids=["10^400", "-10^5000", "inf", "nan", "-1"],
)
@pytest.mark.parametrize("name", ["interval", "flush_timeout", "retry_delay", "max_retry_delay"])
def test_a_reporter_setting_beyond_float_range_is_refused_by_name(
    name: str, value: int | float
) -> None:
    # Was an OverflowError (float() of the int) or a ValueError (repr() of 5,001 digits).
    client = PrintOSClient(base_url="http://127.0.0.1:9", environ={})
    with pytest.raises(InvalidArgumentError, match=name) as caught:
        StatusReporter(client, **{name: value})
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize(
    "value", [-(10**5000), 0, float("nan"), "30"], ids=["-10^5000", "0", "nan", "str"]
)
def test_a_client_timeout_that_is_not_a_positive_number_is_refused_by_name(value: object) -> None:
    with pytest.raises(InvalidArgumentError, match="timeout") as caught:
        PrintOSClient(base_url="http://127.0.0.1:9", timeout=value)  # type: ignore[arg-type]
    assert len(str(caught.value)) < 200


def test_a_client_timeout_beyond_float_range_means_no_limit() -> None:
    assert PrintOSClient(base_url="http://127.0.0.1:9", timeout=10**400).timeout == float("inf")


@pytest.fixture(params=KINDS)
def twin(request: pytest.FixtureRequest) -> Iterator[Twin]:
    sent.clear()
    yield from twin_for(request.param)


def _twin_client(twin: Twin) -> Any:
    return twin.client(base_url="http://127.0.0.1:9", transport=httpx.MockTransport(_record))


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        ({"ink_level": 10**400}, "ink_level"),
        ({"ink_level": float("inf")}, "ink_level"),
        ({"pages_total": -(10**5000)}, "pages_total"),
        ({"pages_total": 2**64}, "pages_total"),
    ],
)
def test_a_number_beyond_range_is_refused_by_name_on_both_clients(
    twin: Twin, arguments: dict[str, Any], name: str
) -> None:
    client = _twin_client(twin)
    with pytest.raises(InvalidArgumentError, match=name) as caught:
        twin.run(client.devices.update_status("d1", **arguments))
    assert len(str(caught.value)) < 400
    assert sent == []


def test_update_status_many_gives_per_item_results_for_numbers_beyond_float_range(
    twin: Twin,
) -> None:
    updates = [
        {"device_id": "a", "ink_level": 10**400},
        {"device_id": "b", "pages_total": -(10**5000)},
        {"device_id": "c", "pages_total": 10**5000},
        {"device_id": "d", "ink_level": 50, "pages_total": 7},
    ]
    results = twin.run(_twin_client(twin).devices.update_status_many(updates))
    assert [r.input for r in results] == updates
    assert [r.ok for r in results] == [False, False, False, True]
    for result, name in zip(results[:3], ["ink_level", "pages_total", "pages_total"], strict=True):
        assert isinstance(result.error, InvalidArgumentError)
        assert name in str(result.error)
    assert sent == [{"metrics": {"inkLevel": 50, "pagesTotal": 7}}]


@pytest.mark.parametrize(
    ("metrics", "field", "sent_as"),
    [
        ({"pages_total": 10**5000}, "pages_total", "metrics.pagesTotal"),
        ({"ink_level": float("inf")}, "ink_level", "metrics.inkLevel"),
        ({"ink_level": float("nan")}, "ink_level", "metrics.inkLevel"),
    ],
)
def test_a_generated_method_names_the_body_field_that_cannot_be_sent(
    twin: Twin, metrics: dict[str, Any], field: str, sent_as: str
) -> None:
    # The whole body given as a model: the spec's constraints still name the offending field,
    # by its keyword and by where it is in the body.
    body = gen.DeviceStatusUpdate(metrics=gen.DeviceStatusUpdateMetrics(**metrics))
    client = _twin_client(twin)
    with pytest.raises(InvalidArgumentError, match=f"update_device_status: {field} must be") as e:
        twin.run(client.devices.update_status("d1", body=body))
    assert str(e.value).endswith(f"(sent as {sent_as})")
    assert sent == []
