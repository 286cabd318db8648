"""devices.iter()/list() across pages, and the safeguards against servers that page badly."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import respx

from printos_ext import InvalidArgumentError, PaginationError, PrintOSClient

BASE = "https://printos.api.hp.com"
FLEET = [{"id": f"dev-{i}", "serialNumber": f"SN-{i}"} for i in range(7)]


def paging_server(request: httpx.Request) -> httpx.Response:
    """Implements the documented contract: limit/offset in, Link rel=next out."""
    limit = int(request.url.params.get("limit", len(FLEET)))
    offset = int(request.url.params.get("offset", 0))
    headers = {}
    if offset + limit < len(FLEET):
        headers["Link"] = f'</devices?limit={limit}&offset={offset + limit}>; rel="next"'
    return httpx.Response(200, json={"devices": FLEET[offset : offset + limit]}, headers=headers)


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE) as router:
        yield router


def client() -> PrintOSClient:
    return PrintOSClient(allow_unauthenticated=True, base_url=BASE, environ={})


@pytest.mark.anyio
async def test_iter_follows_next_links_and_yields_every_device_once(mock: respx.MockRouter) -> None:
    route = mock.get("/devices").mock(side_effect=paging_server)
    async with client() as c:
        ids = [d.id async for d in c.devices.iter(page_size=3)]
    assert ids == [f"dev-{i}" for i in range(7)]
    sent = [dict(call.request.url.params) for call in route.calls]
    assert sent == [
        {"limit": "3", "offset": "0"},
        {"limit": "3", "offset": "3"},
        {"limit": "3", "offset": "6"},
    ]


@pytest.mark.anyio
async def test_list_follows_next_links_of_a_server_that_pages_by_default(
    mock: respx.MockRouter,
) -> None:
    def pages_of_two(request: httpx.Request) -> httpx.Response:
        if not request.url.params:
            request = httpx.Request("GET", request.url.copy_with(params={"limit": 2, "offset": 0}))
        return paging_server(request)

    route = mock.get("/devices").mock(side_effect=pages_of_two)
    async with client() as c:
        devices = await c.devices.list()
    assert [d.id for d in devices] == [f"dev-{i}" for i in range(7)]
    assert route.calls[0].request.url.query == b""
    assert route.call_count == 4


@pytest.mark.anyio
async def test_server_ignoring_paging_gives_one_page(mock: respx.MockRouter) -> None:
    route = mock.get("/devices").respond(200, json={"devices": FLEET})
    async with client() as c:
        ids = [d.id async for d in c.devices.iter(page_size=2)]
    assert len(ids) == 7
    assert route.call_count == 1


@pytest.mark.anyio
async def test_server_repeating_the_same_page_does_not_loop_or_duplicate(
    mock: respx.MockRouter,
) -> None:
    def stuck(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        link = f'</devices?limit=2&offset={offset + 2}>; rel="next"'
        return httpx.Response(200, json={"devices": FLEET[:2]}, headers={"Link": link})

    route = mock.get("/devices").mock(side_effect=stuck)
    async with client() as c:
        ids = [d.id async for d in c.devices.iter(page_size=2)]
    assert ids == ["dev-0", "dev-1"]
    assert route.call_count == 2


@pytest.mark.anyio
async def test_next_link_pointing_at_itself_stops(mock: respx.MockRouter) -> None:
    link = '</devices?limit=2&offset=0>; rel="next"'
    route = mock.get("/devices").respond(200, json={"devices": FLEET[:2]}, headers={"Link": link})
    async with client() as c:
        ids = [d.id async for d in c.devices.iter(page_size=2)]
    assert ids == ["dev-0", "dev-1"]
    assert route.call_count == 1


@pytest.mark.anyio
async def test_next_link_to_another_host_is_refused(mock: respx.MockRouter) -> None:
    link = '<https://evil.example/devices?offset=2>; rel="next"'
    mock.get("/devices").respond(200, json={"devices": FLEET[:2]}, headers={"Link": link})
    async with client() as c:
        with pytest.raises(PaginationError, match=r"evil\.example"):
            _ = [d async for d in c.devices.iter(page_size=2)]


@pytest.mark.anyio
async def test_max_items_stops_without_fetching_further_pages(mock: respx.MockRouter) -> None:
    route = mock.get("/devices").mock(side_effect=paging_server)
    async with client() as c:
        ids = [d.id async for d in c.devices.iter(page_size=3, max_items=2)]
    assert ids == ["dev-0", "dev-1"]
    assert route.call_count == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 1001}, "page_size"),
        ({"page_size": "10"}, "page_size"),
        ({"max_items": 0}, "max_items"),
    ],
)
def test_iter_arguments_are_checked_when_called(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        client().devices.iter(**kwargs)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_duplicates_within_one_page_are_kept_as_sent(mock: respx.MockRouter) -> None:
    mock.get("/devices").respond(200, json={"devices": [FLEET[0], FLEET[0]]})
    async with client() as c:
        assert [d.id for d in await c.devices.list()] == ["dev-0", "dev-0"]


@pytest.mark.anyio
async def test_item_repeated_on_a_later_page_is_skipped(mock: respx.MockRouter) -> None:
    # Offset paging while a device is inserted: dev-1 shifts onto the second page too.
    pages = {
        "0": ({"devices": FLEET[0:2]}, '</devices?limit=2&offset=2>; rel="next"'),
        "2": ({"devices": [FLEET[1], FLEET[2]]}, None),
    }

    def shifting(request: httpx.Request) -> httpx.Response:
        body, link = pages[request.url.params["offset"]]
        return httpx.Response(200, json=body, headers={"Link": link} if link else {})

    mock.get("/devices").mock(side_effect=shifting)
    async with client() as c:
        ids = [d.id async for d in c.devices.iter(page_size=2)]
    assert ids == ["dev-0", "dev-1", "dev-2"]
