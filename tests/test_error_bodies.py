"""What the server says in an error: read from HP's smsError, {"error": ...} and RFC 7807 bodies,
and quoted in messages through one formatter (bounded, control characters made visible)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from printos_ext import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotAuthorizedError,
    NotFoundError,
    PrintOSClient,
    UnprocessableEntityError,
)
from printos_ext._text import server_text

SMS_404 = {
    "smsError": {
        "statusCode": 404,
        "message": "Device dev-9 was not found",
        "subCode": "DEVICE_NOT_FOUND",
        "developerInfo": "no device with id dev-9 in organization 42",
        "moreInfoUrl": "https://developers.hp.com/printos",
        "serviceName": "device-api",
    }
}


async def error_for(status: int, body: Any, **headers: str) -> APIStatusError:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(body, bytes | str):
            return httpx.Response(status, content=body, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    async with PrintOSClient(
        allow_unauthenticated=True,
        transport=httpx.MockTransport(handler),
        max_retries=0,
        environ={},
    ) as client:
        with pytest.raises(APIStatusError) as info:
            await client.devices.update_status("dev-9", status="IDLE")
    return info.value


# HP's smsError body.


@pytest.mark.anyio
async def test_an_sms_error_404_says_the_servers_message() -> None:
    error = await error_for(404, SMS_404)
    assert isinstance(error, NotFoundError)
    assert "Device dev-9 was not found" in str(error)
    assert "DEVICE_NOT_FOUND" in str(error)
    assert "PUT /devices/dev-9/status" in str(error)


@pytest.mark.anyio
async def test_an_sms_error_is_read_into_attributes() -> None:
    error = await error_for(404, SMS_404)
    assert error.server_message == "Device dev-9 was not found"
    assert error.sub_code == "DEVICE_NOT_FOUND"
    assert error.developer_info == "no device with id dev-9 in organization 42"
    assert error.more_info_url == "https://developers.hp.com/printos"
    assert error.service_name == "device-api"
    assert error.body == SMS_404


@pytest.mark.parametrize(
    "message", ["Not Authorized", "not authorized", " Not Authorized. "], ids=["hp", "lower", "dot"]
)
@pytest.mark.anyio
async def test_a_400_not_authorized_is_an_authentication_error(message: str) -> None:
    body = {"smsError": {"statusCode": 400, "message": message, "subCode": "HMAC"}}
    error = await error_for(400, body)
    assert isinstance(error, AuthenticationError)
    assert isinstance(error, NotAuthorizedError)
    assert isinstance(error, BadRequestError)  # what HP literally sent, still true
    assert error.status_code == 400
    assert "Not Authorized" in str(error) or "not authorized" in str(error)


@pytest.mark.anyio
async def test_except_authentication_error_catches_hps_not_authorized() -> None:
    body = {"smsError": {"statusCode": 400, "message": "Not Authorized"}}
    with pytest.raises(AuthenticationError):
        raise await error_for(400, body)


@pytest.mark.anyio
async def test_another_400_stays_a_bad_request() -> None:
    error = await error_for(400, {"smsError": {"message": "status is required"}})
    assert type(error) is BadRequestError
    assert not isinstance(error, AuthenticationError)


# RFC 7807 problem details, and the {"error": ...} shape.


@pytest.mark.anyio
async def test_problem_json_title_and_detail_are_in_the_message() -> None:
    problem = {
        "type": "https://example.test/problems/bad-ink",
        "title": "Invalid ink level",
        "status": 422,
        "detail": "inkLevel must be between 0 and 100",
    }
    error = await error_for(
        422, json.dumps(problem), **{"content-type": "application/problem+json"}
    )
    assert isinstance(error, UnprocessableEntityError)
    assert "Invalid ink level: inkLevel must be between 0 and 100" in str(error)
    assert error.server_message == "Invalid ink level: inkLevel must be between 0 and 100"
    assert error.more_info_url == "https://example.test/problems/bad-ink"


@pytest.mark.anyio
async def test_problem_json_with_a_title_only() -> None:
    error = await error_for(503, {"title": "Service Unavailable", "status": 503})
    assert isinstance(error, InternalServerError)
    assert str(error).endswith(": Service Unavailable")


@pytest.mark.anyio
async def test_the_error_code_message_field_shape_still_works() -> None:
    body = {"error": {"code": "invalid", "message": "must be 0..100", "field": "metrics.inkLevel"}}
    error = await error_for(422, body)
    assert "must be 0..100 (field: metrics.inkLevel)" in str(error)
    assert error.error_code == "invalid"
    assert error.field == "metrics.inkLevel"


# One formatter for server text: bounded, escaped, full text kept on .body.


@pytest.mark.anyio
async def test_a_5_mb_error_message_makes_a_bounded_message_and_keeps_the_body() -> None:
    huge = "x" * 5_000_000
    error = await error_for(500, {"smsError": {"message": huge}})
    assert len(str(error)) < 1_000
    assert "more characters" in str(error)
    assert error.body["smsError"]["message"] == huge
    assert error.server_message == huge


@pytest.mark.anyio
async def test_a_5_mb_text_error_page_makes_a_bounded_message() -> None:
    error = await error_for(502, "<html>" + "y" * 5_000_000 + "</html>")
    assert len(str(error)) < 1_000


@pytest.mark.parametrize(
    "evil",
    [
        "boom\n2026-11-24 10:00:00 INFO all good",
        "\x1b[2J\x1b[31mfake\x1b[0m",
        "carriage\rreturn",
        "bidi \u202edegnahc\u202c",
        "line\u2028separator",
        "bell\x07 and del\x7f",
    ],
    ids=["newline", "ansi", "cr", "bidi", "u2028", "controls"],
)
@pytest.mark.anyio
async def test_control_characters_from_the_server_are_escaped_in_messages(evil: str) -> None:
    error = await error_for(404, {"smsError": {"message": evil, "subCode": evil}})
    text = str(error)
    assert text.isprintable()
    assert "\\" in text
    assert error.server_message == evil  # the attribute keeps the server's text as it was


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\n", "\\n"),
        ("\t", "\\t"),
        ("\x1b", "\\x1b"),
        ("\x85", "\\x85"),
        ("\u202e", "\\u202e"),
        ("\ud800", "\\ud800"),
        ("\U000f0000", "\\U000f0000"),
        ("\U000e0001", "\\U000e0001"),
        ("\u00e9", "\u00e9"),
        ("\u00a0", "\u00a0"),
        ("\\", "\\"),
        ("'", "'"),
    ],
)
def test_each_unsafe_character_is_shown_as_its_escape_and_the_rest_as_it_is(
    char: str, shown: str
) -> None:
    assert server_text(f"a{char}b") == f"a{shown}b"


@pytest.mark.anyio
async def test_a_request_id_header_is_escaped_and_bounded_too() -> None:
    error = await error_for(404, {}, **{"x-request-id": "r" * 5000})
    assert error.request_id == "r" * 5000
    assert len(str(error)) < 1_000
