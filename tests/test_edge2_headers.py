"""A CR, LF or NUL in a header value, or a name that is not a token (issue 18, class 12).

Refused as InvalidArgumentError before anything is sent, whatever the transport (a custom one
would otherwise send it as is), and the message never quotes the value (it may be a secret).
"""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printos_ext import InvalidArgumentError, PrintOSClient

sent: list[httpx.Request] = []


def _client(**options: object) -> PrintOSClient:
    sent.clear()

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"devices": []})

    return PrintOSClient(
        base_url="http://127.0.0.1:9",
        transport=httpx.MockTransport(record),
        environ={},
        **options,  # type: ignore[arg-type]
    )


BREAKS = ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\x00b", "\r\n", "token\r\n\r\nbody"]


@pytest.mark.anyio
@pytest.mark.parametrize("value", BREAKS)
async def test_a_line_break_in_extra_headers_is_refused_and_nothing_is_sent(value: str) -> None:
    async with _client() as client:
        with pytest.raises(InvalidArgumentError, match="CR, LF or NUL") as caught:
            await client.devices.list(extra_headers={"X-Trace": value})
    assert sent == []
    assert value not in str(caught.value)


@pytest.mark.parametrize("value", BREAKS)
def test_a_line_break_in_client_headers_is_refused_at_construction(value: str) -> None:
    with pytest.raises(InvalidArgumentError, match="X-Trace"):
        _client(headers={"X-Trace": value})


@pytest.mark.anyio
@pytest.mark.parametrize("value", BREAKS)
async def test_a_line_break_in_with_options_headers_is_refused(value: str) -> None:
    async with _client() as client:
        with pytest.raises(InvalidArgumentError, match="CR, LF or NUL"):
            client.with_options(headers={"X-Trace": value})


@pytest.mark.anyio
@pytest.mark.parametrize("name", ["X Trace", "X-Trace:", "", "X-Tr\u00e9ce", "X\r\nY", "(x)"])
async def test_a_header_name_that_is_not_a_token_is_refused(name: str) -> None:
    async with _client() as client:
        with pytest.raises(InvalidArgumentError, match="not a valid HTTP header name"):
            await client.devices.list(extra_headers={name: "v"})
    assert sent == []


@pytest.mark.anyio
@settings(max_examples=200, deadline=None, derandomize=True)
@given(value=st.text(max_size=40))
async def test_any_header_value_is_sent_or_refused_with_invalid_argument(value: str) -> None:
    async with _client() as client:
        try:
            await client.devices.list(extra_headers={"X-Any": value})
        except InvalidArgumentError:
            assert any(c in value for c in "\r\n\x00") or not value.isascii()
        else:
            assert sent[-1].headers["x-any"] == value.strip(" \t")
