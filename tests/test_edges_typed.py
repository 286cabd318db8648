"""At the edges, every failure is a typed PrintOSError, and no credential leaks through one.

Each case here is an input or an answer that once escaped the typed model (an AttributeError,
a RuntimeError, an httpx or h11 exception, a UnicodeEncodeError) or put a credential in a
message. The classes of input they stand for are covered by the Hypothesis properties in
``test_properties_edges.py``.
"""

from __future__ import annotations

import traceback
from collections.abc import Generator
from typing import Any

import anyio
import httpx
import pytest
from anyio.abc import SocketStream

from printos_ext import (
    APIConnectionError,
    BearerTokenAuth,
    ClientClosedError,
    InvalidArgumentError,
    PaginationError,
    PrintOSClient,
    PrintOSHmacAuth,
    RedirectError,
    ResponseValidationError,
)

from rawserver import raw_server, read_request

GUARD = 10.0
TOKEN = "tok-3f9a-secret"
EMPTY = b'{"devices": []}'


def mock_client(handler: Any, **options: Any) -> PrintOSClient:
    options.setdefault("max_retries", 0)
    return PrintOSClient(
        allow_unauthenticated=True, transport=httpx.MockTransport(handler), environ={}, **options
    )


def everything_shown(error: BaseException) -> str:
    """All a user or a log could see of an error: str, repr and the whole printed chain."""
    return "\n".join([str(error), repr(error), *traceback.format_exception(error)])


# Undocumented success statuses.


@pytest.mark.parametrize("status", [202, 204, 299])
@pytest.mark.anyio
async def test_list_on_an_undocumented_success_status_is_a_validation_error(status: int) -> None:
    async with mock_client(lambda request: httpx.Response(status)) as client:
        with pytest.raises(ResponseValidationError) as info:
            await client.devices.list()
    assert f"status {status} is not a documented success status" in str(info.value)


# Paging links that are not URLs.


@pytest.mark.parametrize(
    "link",
    [
        "<http://[::1/devices?page=2>; rel=next",
        "<https://printos.api.hp.com:abc/devices>; rel=next",
        "<https://printos.api.hp.com/" + "a" * 70_000 + '>; rel="next"',
    ],
    ids=["bracket", "port", "too-long"],
)
@pytest.mark.anyio
async def test_a_malformed_next_link_is_a_pagination_error(link: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"devices": [{"id": "a"}]}, headers={"Link": link})

    async with mock_client(handler) as client:
        with pytest.raises(PaginationError, match="not a valid URL"):
            await client.devices.list()


# A closed client.


@pytest.mark.anyio
async def test_a_call_after_aclose_is_a_client_closed_error() -> None:
    client = mock_client(lambda request: httpx.Response(200, json={"devices": []}))
    await client.aclose()
    with pytest.raises(ClientClosedError, match="closed"):
        await client.devices.list()


@pytest.mark.anyio
async def test_a_call_on_a_closed_http_client_of_your_own_is_a_client_closed_error() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    await http.aclose()
    async with PrintOSClient(allow_unauthenticated=True, http_client=http, environ={}) as client:
        with pytest.raises(ClientClosedError):
            await client.devices.update_status("d", status="IDLE")


# Input that cannot be sent.


@pytest.mark.anyio
async def test_an_id_over_64_kb_is_an_invalid_argument() -> None:
    async with mock_client(lambda request: httpx.Response(200)) as client:
        with pytest.raises(InvalidArgumentError, match="URL") as info:
            await client.devices.update_status("x" * 70_000, status="IDLE")
    assert len(str(info.value)) < 1000


@pytest.mark.parametrize("key", ["cl\u00e9", "key with space", "key\nx"])
def test_a_hmac_key_that_cannot_be_a_header_is_refused_without_quoting_it(key: str) -> None:
    with pytest.raises(InvalidArgumentError, match="printable ASCII") as info:
        PrintOSHmacAuth(key, "secret")
    assert key not in str(info.value)


def test_a_bearer_token_with_a_newline_is_refused_without_quoting_it() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        BearerTokenAuth(TOKEN + "\nX-Injected: 1")
    assert TOKEN not in everything_shown(info.value)


class HeaderAuth(httpx.Auth):
    """An auth of the user's own that sets a header value as given (unchecked)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.update({"Authorization": self.value})  # as httpx encodes headers
        yield request


@pytest.mark.anyio
async def test_a_non_ascii_header_value_from_a_custom_auth_is_typed_and_not_shown() -> None:
    value = f"Bearer {TOKEN}\u00e9"
    async with mock_client(lambda r: httpx.Response(200), auth=HeaderAuth(value)) as client:
        with pytest.raises(InvalidArgumentError, match="ASCII") as info:
            await client.devices.list()
    assert TOKEN not in everything_shown(info.value)


@pytest.mark.anyio
async def test_a_non_ascii_header_of_your_own_is_an_invalid_argument() -> None:
    with pytest.raises(InvalidArgumentError, match="ascii") as info:
        mock_client(lambda r: httpx.Response(200), headers={"X-Site": "M\u00fcnchen"})
    assert "M\u00fcnchen" not in str(info.value)


@pytest.mark.anyio
async def test_a_non_ascii_header_for_one_call_is_an_invalid_argument() -> None:
    async with mock_client(lambda r: httpx.Response(200)) as client:
        with pytest.raises(InvalidArgumentError, match="ascii"):
            await client.devices.list(extra_headers={"X-Site": "M\u00fcnchen"})
        with pytest.raises(InvalidArgumentError, match="ascii"):
            await client.with_options(headers={"X-Site": "M\u00fcnchen"}).devices.list()


@pytest.mark.anyio
async def test_a_header_value_refused_by_h11_is_typed_and_never_shown() -> None:
    """h11 quotes the value it refuses; the error (and its printed chain) must not."""
    seen = 0

    async def handler(stream: SocketStream) -> None:
        nonlocal seen
        seen += 1
        await read_request(stream)

    value = f"Bearer {TOKEN}\r\nX-Injected: yes"
    with anyio.fail_after(GUARD):
        async with (
            raw_server(handler) as url,
            PrintOSClient(base_url=url, auth=HeaderAuth(value), environ={}) as client,
        ):
            with pytest.raises(APIConnectionError) as info:
                await client.devices.list()
    shown = everything_shown(info.value)
    assert TOKEN not in shown
    assert type(info.value) is APIConnectionError
    assert "LocalProtocolError: the request is not valid HTTP" in str(info.value)
    assert "not shown" in str(info.value)
    assert info.value.__cause__ is None


# Redirects.


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.anyio
async def test_a_redirect_is_never_followed_even_by_a_following_http_client(status: int) -> None:
    seen: list[tuple[str, dict[str, str]]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, dict(request.headers)))
        if request.url.host == "attacker.test":
            return httpx.Response(200, json={"devices": []})
        return httpx.Response(status, headers={"Location": "https://attacker.test/devices"})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler), follow_redirects=True)
    auth = PrintOSHmacAuth("key-1", "secret-1")
    async with http, PrintOSClient(http_client=http, auth=auth, max_retries=0, environ={}) as c:
        with pytest.raises(RedirectError) as info:
            await c.devices.list()
    assert [host for host, _ in seen] == ["printos.api.hp.com"]
    error = info.value
    assert error.status_code == status
    assert error.location == "https://attacker.test/devices"
    assert "https://attacker.test/devices" in str(error)
    assert "not followed" in str(error)


@pytest.mark.anyio
async def test_no_hmac_header_reaches_another_origin_over_real_sockets() -> None:
    """A real 302 from one loopback server to another: the second sees no request at all."""
    elsewhere: list[bytes] = []

    async def other(stream: SocketStream) -> None:
        elsewhere.append(await read_request(stream))

    with anyio.fail_after(GUARD):
        async with raw_server(other) as other_url:

            async def redirect(stream: SocketStream) -> None:
                await read_request(stream)
                await stream.send(
                    f"HTTP/1.1 302 Found\r\nLocation: {other_url}/devices\r\n"
                    "Content-Length: 0\r\n\r\n".encode()
                )

            async with raw_server(redirect) as url:
                http = httpx.AsyncClient(follow_redirects=True)
                auth = PrintOSHmacAuth("key-1", "secret-1")
                async with (
                    http,
                    PrintOSClient(base_url=url, http_client=http, auth=auth, environ={}) as c,
                ):
                    with pytest.raises(RedirectError):
                        await c.devices.list()
    assert elsewhere == []


# Whatever a custom transport raises that is not about the exchange stays itself.


@pytest.mark.anyio
async def test_a_bug_in_a_plugged_in_transport_is_not_disguised() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise KeyError("bug in my transport")

    async with mock_client(handler) as client:
        with pytest.raises(KeyError):
            await client.devices.list()
