"""Paging edge cases: empty pages end the iteration, rel is a list, the page cap is not silent;
and Retry-After is read exactly as RFC 9110 writes it."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from printos_ext import PaginationError, PrintOSClient
from printos_ext.pagination import Page, paginate
from printos_ext.retries import parse_retry_after

NOW = dt.datetime(2026, 11, 24, 10, 0, 0, tzinfo=dt.UTC)


def mock_client(handler: object) -> PrintOSClient:
    return PrintOSClient(
        allow_unauthenticated=True, transport=httpx.MockTransport(handler), environ={}
    )  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_an_empty_page_ends_the_iteration_whatever_its_links() -> None:
    requests: list[str] = []

    def endless_empty(request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url))
        page = int(request.url.params.get("page", "0"))
        link = f'</devices?page={page + 1}>; rel="next"'
        return httpx.Response(200, json={"devices": []}, headers={"Link": link})

    async with mock_client(endless_empty) as client:
        assert [d async for d in client.devices.iter()] == []
        assert await client.devices.list() == []
    assert len(requests) == 2  # one request each, not 10,000


@pytest.mark.anyio
async def test_an_empty_page_after_full_ones_ends_the_iteration() -> None:
    requested: list[int] = []

    def pages(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "0"))
        requested.append(page)
        devices = [{"id": f"dev-{page}"}] if page < 2 else []
        link = f'</devices?page={page + 1}>; rel="next"'
        return httpx.Response(200, json={"devices": devices}, headers={"Link": link})

    async with mock_client(pages) as client:
        assert [d.id async for d in client.devices.iter()] == ["dev-0", "dev-1"]
    assert requested == [0, 1, 2]


@pytest.mark.parametrize(
    "rel",
    ['rel="prev next"', 'rel="next prev"', "rel=next", 'rel="NEXT"', 'REL="next"'],
    ids=["prev-next", "next-prev", "bare", "upper-value", "upper-name"],
)
@pytest.mark.anyio
async def test_a_rel_list_containing_next_is_a_next_link(rel: str) -> None:
    def pages(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page") == "2":
            return httpx.Response(200, json={"devices": [{"id": "b"}]})
        link = f"</devices?page=2>; {rel}"
        return httpx.Response(200, json={"devices": [{"id": "a"}]}, headers={"Link": link})

    async with mock_client(pages) as client:
        assert [d.id for d in await client.devices.list()] == ["a", "b"]


@pytest.mark.anyio
async def test_rel_prev_alone_is_not_a_next_link() -> None:
    def page(request: httpx.Request) -> httpx.Response:
        link = '</devices?page=0>; rel="prev"'
        return httpx.Response(200, json={"devices": [{"id": "a"}]}, headers={"Link": link})

    async with mock_client(page) as client:
        assert [d.id for d in await client.devices.list()] == ["a"]


@pytest.mark.anyio
async def test_reaching_the_page_cap_with_more_announced_raises() -> None:
    async def fetch(url: httpx.URL | None) -> Page[int]:
        number = 0 if url is None else int(url.params["page"])
        next_url = httpx.URL(f"https://api.test/devices?page={number + 1}")
        return Page(
            items=[number],
            url=httpx.URL(f"https://api.test/devices?page={number}"),
            next_url=next_url,
        )

    seen: list[int] = []

    async def consume() -> None:
        async for item in paginate(fetch, max_pages=5):
            seen.append(item)

    with pytest.raises(PaginationError, match="max_pages=5"):
        await consume()
    assert seen == [0, 1, 2, 3, 4]  # everything fetched was yielded first


@pytest.mark.anyio
async def test_the_last_page_at_the_cap_is_not_an_error() -> None:
    async def fetch(url: httpx.URL | None) -> Page[int]:
        number = 0 if url is None else int(url.params["page"])
        more = httpx.URL(f"https://api.test/devices?page={number + 1}") if number < 4 else None
        return Page(
            items=[number], url=httpx.URL(f"https://api.test/devices?page={number}"), next_url=more
        )

    assert [item async for item in paginate(fetch, max_pages=5)] == [0, 1, 2, 3, 4]


# Retry-After: delay-seconds and the three HTTP-date forms, nothing else.


@pytest.mark.parametrize(
    "value",
    [
        "Tue, 24 Nov 2026 10:00:07 GMT",  # IMF-fixdate
        "Tuesday, 24-Nov-26 10:00:07 GMT",  # rfc850-date
        "Tue Nov 24 10:00:07 2026",  # asctime-date
        " Tue, 24 Nov 2026 10:00:07 GMT\t",  # surrounding whitespace (OWS)
    ],
)
def test_the_three_http_date_forms_are_read(value: str) -> None:
    assert parse_retry_after(value, now=lambda: NOW) == 7.0


def test_asctime_single_digit_days_are_space_padded() -> None:
    assert parse_retry_after("Wed Nov  4 10:00:00 2026", now=lambda: NOW) == 0.0  # past
    later = dt.datetime(2026, 11, 4, 9, 59, 50, tzinfo=dt.UTC)
    assert parse_retry_after("Wed Nov  4 10:00:00 2026", now=lambda: later) == 10.0


def test_a_two_digit_year_more_than_50_years_ahead_is_in_the_past() -> None:
    # In 2026, "77" is 1977 (2077 would be more than 50 years ahead): a date in the past.
    assert parse_retry_after("Thursday, 24-Nov-77 10:00:00 GMT", now=lambda: NOW) == 0.0
    assert parse_retry_after("Tuesday, 24-Nov-26 10:00:30 GMT", now=lambda: NOW) == 30.0


@pytest.mark.parametrize(
    "value",
    [
        "Mon",
        "3_0",
        "1.5",
        "-4",
        "+4",
        "1e3",
        "\u0663\u0660",  # Arabic-Indic digits: str.isdigit() says yes, RFC 9110 says no
        "\uff13",  # fullwidth 3
        "3 0",
        "0x10",
        "inf",
        "tue, 24 Nov 2026 10:00:07 GMT",  # names are case-sensitive
        "Tue, 24 Nov 2026 10:00:07 UTC",
        "Tue, 24 Nov 2026 10:00:07 +0000",
        "Tue, 31 Feb 2026 10:00:07 GMT",
        "Tue, 24 Nov 2026 25:00:07 GMT",
        "2026-11-24T10:00:07Z",
        "Tue, 24 Nov 26 10:00:07 GMT",
        "24 Nov 2026 10:00:07 GMT",
        "Tue,  24 Nov 2026 10:00:07 GMT",
        "next tuesday",
    ],
)
def test_anything_else_is_not_a_retry_after(value: str) -> None:
    assert parse_retry_after(value, now=lambda: NOW) is None


def test_a_huge_delay_is_longer_than_any_limit() -> None:
    assert parse_retry_after("9" * 5000) == float("inf")
