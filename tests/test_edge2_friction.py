"""Friction a newcomer meets (issue 18, class 14): the raw body, and unsigned requests.

``RawResponse`` gives the body as ``content``, ``text`` and ``json()``. ``PrintOSClient()``
without credentials refuses a base URL that is not loopback (HP's, by default) unless the caller
passes ``allow_unauthenticated=True``; nothing is sent.
"""

from __future__ import annotations

import httpx
import pytest

from printos_ext import (
    InvalidArgumentError,
    PrintOSClient,
    PrintOSHmacAuth,
    ResponseValidationError,
)

BODY = {"devices": [{"id": "d1", "model": "M\u00e9"}]}


def _answer(content: bytes, content_type: str = "application/json") -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(200, content=content, headers={"content-type": content_type})
    )


@pytest.mark.anyio
async def test_raw_response_has_content_text_and_json() -> None:
    import json

    content = json.dumps(BODY).encode()
    async with PrintOSClient(
        base_url="http://127.0.0.1:9", transport=_answer(content), environ={}
    ) as client:
        raw = await client.devices.with_raw_response.list()
    assert raw.content == content
    assert raw.text == content.decode()
    assert raw.json() == BODY


@pytest.mark.anyio
async def test_raw_response_json_of_a_body_that_is_not_json_is_a_validation_error() -> None:
    async with PrintOSClient(
        base_url="http://127.0.0.1:9", transport=_answer(b"<html>"), environ={}
    ) as client:
        raw = await client.devices.with_raw_response.list()
    with pytest.raises(ResponseValidationError, match="not valid JSON"):
        raw.json()
    assert raw.text == "<html>"


@pytest.mark.parametrize(
    "base_url",
    [None, "https://printos.api.hp.com", "https://printos.api.hp.com/printbeat", "http://10.0.0.5"],
)
def test_no_credentials_and_a_remote_base_url_is_refused(base_url: str | None) -> None:
    with pytest.raises(InvalidArgumentError, match=r"no credentials for .*allow_unauthenticated"):
        PrintOSClient(base_url=base_url, environ={})


@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1:8080", "http://localhost", "http://[::1]:9", "http://a.localhost"],
)
def test_no_credentials_and_a_loopback_base_url_is_allowed(base_url: str) -> None:
    assert PrintOSClient(base_url=base_url, environ={}).auth is None


@pytest.mark.anyio
async def test_allow_unauthenticated_sends_unsigned_requests_to_a_remote_host() -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"devices": []})

    async with PrintOSClient(
        base_url="https://signing-proxy.example",
        transport=httpx.MockTransport(record),
        environ={},
        allow_unauthenticated=True,
    ) as client:
        await client.devices.list()
    assert "x-hp-hmac-authentication" not in seen[0].headers


def test_credentials_from_the_environment_or_auth_need_no_opt_in() -> None:
    env = {"PRINTOS_KEY": "k", "PRINTOS_SECRET": "s"}
    assert isinstance(PrintOSClient(environ=env).auth, PrintOSHmacAuth)
    assert PrintOSClient(auth=PrintOSHmacAuth("k", "s"), environ={}).auth is not None


def test_allow_unauthenticated_must_be_a_bool() -> None:
    with pytest.raises(InvalidArgumentError, match="allow_unauthenticated must be a bool"):
        PrintOSClient(environ={}, allow_unauthenticated="yes")  # type: ignore[arg-type]
