"""A CR, LF or NUL in a header value, or a name that is not a token (issue 18, class 12).

Refused as InvalidArgumentError before anything is sent, whatever the transport (a custom one
would otherwise send it as is), and the message never quotes the value (it may be a secret).
The cases run on PrintOSClient and SyncPrintOSClient (see twins.py); the property test runs on
the async client (the check is one function, ``client._check_headers``, that the sync twin
imports).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printos_ext import InvalidArgumentError, PrintOSClient

from twins import KINDS, Twin, twin_for

sent: list[httpx.Request] = []


def _record(request: httpx.Request) -> httpx.Response:
    sent.append(request)
    return httpx.Response(200, json={"devices": []})


@pytest.fixture(params=KINDS)
def twin(request: pytest.FixtureRequest) -> Iterator[Twin]:
    sent.clear()
    yield from twin_for(request.param)


def _client(twin: Twin, **options: Any) -> Any:
    return twin.client(
        base_url="http://127.0.0.1:9", transport=httpx.MockTransport(_record), **options
    )


BREAKS = ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\x00b", "\r\n", "token\r\n\r\nbody"]


@pytest.mark.parametrize("value", BREAKS)
def test_a_line_break_in_extra_headers_is_refused_and_nothing_is_sent(
    twin: Twin, value: str
) -> None:
    client = _client(twin)
    with pytest.raises(InvalidArgumentError, match="CR, LF or NUL") as caught:
        twin.run(client.devices.list(extra_headers={"X-Trace": value}))
    assert sent == []
    assert value not in str(caught.value)


@pytest.mark.parametrize("value", BREAKS)
def test_a_line_break_in_client_headers_is_refused_at_construction(twin: Twin, value: str) -> None:
    with pytest.raises(InvalidArgumentError, match="X-Trace"):
        _client(twin, headers={"X-Trace": value})


@pytest.mark.parametrize("value", BREAKS)
def test_a_line_break_in_with_options_headers_is_refused(twin: Twin, value: str) -> None:
    client = _client(twin)
    with pytest.raises(InvalidArgumentError, match="CR, LF or NUL"):
        client.with_options(headers={"X-Trace": value})


@pytest.mark.parametrize("name", ["X Trace", "X-Trace:", "", "X-Tr\u00e9ce", "X\r\nY", "(x)"])
def test_a_header_name_that_is_not_a_token_is_refused(twin: Twin, name: str) -> None:
    client = _client(twin)
    with pytest.raises(InvalidArgumentError, match="not a valid HTTP header name"):
        twin.run(client.devices.list(extra_headers={name: "v"}))
    assert sent == []


@pytest.mark.anyio
@settings(max_examples=200, deadline=None, derandomize=True)
@given(value=st.text(max_size=40))
async def test_any_header_value_is_sent_or_refused_with_invalid_argument(value: str) -> None:
    sent.clear()
    async with PrintOSClient(
        base_url="http://127.0.0.1:9", transport=httpx.MockTransport(_record), environ={}
    ) as client:
        try:
            await client.devices.list(extra_headers={"X-Any": value})
        except InvalidArgumentError:
            assert any(c in value for c in "\r\n\x00") or not value.isascii()
        else:
            assert sent[-1].headers["x-any"] == value.strip(" \t")
