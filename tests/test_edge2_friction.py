"""Friction a newcomer meets (issue 18, class 14): the raw body, and unsigned requests.

``RawResponse`` gives the body as ``content``, ``text`` and ``json()``. A client without
credentials refuses a base URL that is not loopback (HP's, by default) unless the caller passes
``allow_unauthenticated=True``; nothing is sent. Each test runs on PrintOSClient and
SyncPrintOSClient (see twins.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from printos_ext import InvalidArgumentError, PrintOSHmacAuth, ResponseValidationError

from twins import KINDS, Twin, twin_for

BODY = {"devices": [{"id": "d1", "model": "M\u00e9"}]}


@pytest.fixture(params=KINDS)
def twin(request: pytest.FixtureRequest) -> Iterator[Twin]:
    yield from twin_for(request.param)


def _answer(content: bytes, content_type: str = "application/json") -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(200, content=content, headers={"content-type": content_type})
    )


def test_raw_response_has_content_text_and_json(twin: Twin) -> None:
    content = json.dumps(BODY).encode()
    client = twin.client(base_url="http://127.0.0.1:9", transport=_answer(content))
    raw = twin.run(client.devices.with_raw_response.list())
    assert raw.content == content
    assert raw.text == content.decode()
    assert raw.json() == BODY


def test_raw_response_json_of_a_body_that_is_not_json_is_a_validation_error(twin: Twin) -> None:
    client = twin.client(base_url="http://127.0.0.1:9", transport=_answer(b"<html>"))
    raw = twin.run(client.devices.with_raw_response.list())
    with pytest.raises(ResponseValidationError, match="not valid JSON"):
        raw.json()
    assert raw.text == "<html>"


@pytest.mark.parametrize(
    "base_url",
    [None, "https://printos.api.hp.com", "https://printos.api.hp.com/printbeat", "http://10.0.0.5"],
)
def test_no_credentials_and_a_remote_base_url_is_refused(twin: Twin, base_url: str | None) -> None:
    with pytest.raises(InvalidArgumentError, match=r"no credentials for .*allow_unauthenticated"):
        twin.client(base_url=base_url, allow_unauthenticated=False)


@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1:8080", "http://localhost", "http://[::1]:9", "http://a.localhost"],
)
def test_no_credentials_and_a_loopback_base_url_is_allowed(twin: Twin, base_url: str) -> None:
    assert twin.client(base_url=base_url, allow_unauthenticated=False).auth is None


def test_allow_unauthenticated_sends_unsigned_requests_to_a_remote_host(twin: Twin) -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"devices": []})

    client = twin.client(
        base_url="https://signing-proxy.example",
        transport=httpx.MockTransport(record),
        allow_unauthenticated=True,
    )
    twin.run(client.devices.list())
    assert "x-hp-hmac-authentication" not in seen[0].headers


def test_credentials_from_the_environment_or_auth_need_no_opt_in(twin: Twin) -> None:
    env = {"PRINTOS_KEY": "k", "PRINTOS_SECRET": "s"}
    assert isinstance(twin.client(environ=env, allow_unauthenticated=False).auth, PrintOSHmacAuth)
    with_auth = twin.client(auth=PrintOSHmacAuth("k", "s"), allow_unauthenticated=False)
    assert with_auth.auth is not None


def test_allow_unauthenticated_must_be_a_bool(twin: Twin) -> None:
    with pytest.raises(InvalidArgumentError, match="allow_unauthenticated must be a bool"):
        twin.client(allow_unauthenticated="yes")
