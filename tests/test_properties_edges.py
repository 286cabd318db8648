"""Property tests for the edges: whatever a server or a caller sends, the outcome is typed,
bounded and escaped.

* Any bytes under any supported ``Content-Encoding`` stack: decoded exactly, or refused with a
  typed error; the decoder never hands out a piece larger than its step (bounded memory).
* Any server text in an error body or header: the message is one printable line of bounded
  length, and the attributes keep the text as it was.
* Any device id, status text or header value from the caller: sent, or refused with
  ``InvalidArgumentError``; never another exception.
* Any ``Retry-After``: None or a delay >= 0; HTTP-dates written by the three RFC 9110 forms are
  read back exactly; delay-seconds exactly as digits.
* Any ``Link`` header: a list, or a ``PaginationError``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import json
import re
import zlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from printos_ext import (
    APIStatusError,
    InvalidArgumentError,
    PaginationError,
    PrintOSClient,
    PrintOSError,
    ResponseDecodingError,
    ResponseTooLargeError,
)
from printos_ext._decoding import STEP, BoundedDecoder, DecodingFailed, LimitExceeded
from printos_ext.retries import parse_retry_after

PROFILE = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NOW = dt.datetime(2026, 11, 24, 10, 0, 0, tzinfo=dt.UTC)

# Text as hostile as Python strings get: controls, escapes, bidi, separators, lone surrogates.
hostile_chars = st.one_of(
    st.characters(),
    st.sampled_from(["\x1b", "\n", "\r", "\x00", "\x7f", "\x85", "\u202e", "\u2028", "\ud800"]),
)
hostile_text = st.lists(hostile_chars, max_size=400).map("".join)


class Streaming(httpx.AsyncBaseTransport):
    """Answers like a network transport: the body is a stream, not read in advance."""

    def __init__(self, answer: Callable[[httpx.Request], tuple[int, dict[str, str], bytes]]):
        self.answer = answer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        status, headers, body = self.answer(request)

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(body), 7):  # small pieces: every boundary is exercised
                yield body[start : start + 7]

        return httpx.Response(status, headers=headers, stream=_Stream(chunks()))


class _Stream(httpx.AsyncByteStream):
    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.chunks:
            yield chunk


# Decoding.


def encode(data: bytes, coding: str) -> bytes:
    if coding == "gzip":
        return gzip.compress(data)
    wrapped = zlib.compressobj(wbits=zlib.MAX_WBITS)
    return wrapped.compress(data) + wrapped.flush()


def decode_all(body: bytes, codings: list[str], limit: int, chunk: int) -> bytes:
    decoder = BoundedDecoder(codings, limit)
    out: list[bytes] = []
    for start in range(0, len(body), chunk):
        for piece in decoder.feed(body[start : start + chunk]):
            assert len(piece) <= STEP
            out.append(piece)
    for piece in decoder.finish():
        assert len(piece) <= STEP
        out.append(piece)
    return b"".join(out)


@PROFILE
@given(
    data=st.binary(max_size=3000) | st.integers(0, 300_000).map(bytes),
    codings=st.lists(st.sampled_from(["gzip", "deflate"]), min_size=1, max_size=3),
    chunk=st.integers(1, 5000),
)
def test_any_body_through_any_stack_decodes_exactly(
    data: bytes, codings: list[str], chunk: int
) -> None:
    body = data
    for coding in codings:
        body = encode(body, coding)
    assert decode_all(body, codings, limit=1 << 20, chunk=chunk) == data


@PROFILE
@given(
    data=st.integers(1, 400_000).map(bytes),
    codings=st.lists(st.sampled_from(["gzip", "deflate"]), min_size=1, max_size=3),
    limit=st.integers(1, 100_000),
)
def test_the_limit_stops_decoding_once_passed(data: bytes, codings: list[str], limit: int) -> None:
    body = data
    for coding in codings:
        body = encode(body, coding)
    if len(data) > limit:
        with pytest.raises(LimitExceeded):
            decode_all(body, codings, limit=limit, chunk=4096)
    else:
        assert decode_all(body, codings, limit=limit, chunk=4096) == data


@PROFILE
@given(
    body=st.binary(max_size=600),
    codings=st.lists(st.sampled_from(["gzip", "deflate"]), min_size=1, max_size=3),
)
def test_arbitrary_bytes_decode_or_fail_typed(body: bytes, codings: list[str]) -> None:
    with contextlib.suppress(DecodingFailed, LimitExceeded):
        decode_all(body, codings, limit=1 << 20, chunk=13)


@PROFILE
@given(body=st.binary(max_size=300), encoding=st.sampled_from(["gzip", "deflate", "gzip, gzip"]))
@pytest.mark.anyio
async def test_arbitrary_compressed_answers_are_parsed_or_typed(body: bytes, encoding: str) -> None:
    def answer(request: httpx.Request) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Encoding": encoding, "Content-Type": "application/json"}, body

    async with PrintOSClient(
        allow_unauthenticated=True,
        transport=Streaming(answer),
        max_retries=0,
        max_response_bytes=10_000,
        environ={},
    ) as client:
        try:
            await client.devices.list()
        except (ResponseDecodingError, ResponseTooLargeError):
            pass
        except PrintOSError:  # decoded, then not a valid list
            pass


# Server text in messages.


def error_body(shape: str, message: str, code: str) -> dict[str, Any]:
    if shape == "smsError":
        return {"smsError": {"message": message, "subCode": code, "developerInfo": message}}
    if shape == "error":
        return {"error": {"code": code, "message": message, "field": code}}
    if shape == "problem":
        return {"title": code, "detail": message, "status": 404}
    return {"message": message}


@PROFILE
@given(
    shape=st.sampled_from(["smsError", "error", "problem", "flat"]),
    message=hostile_text,
    code=hostile_text,
    request_id=st.text(max_size=300),
)
@pytest.mark.anyio
async def test_any_server_text_makes_a_printable_bounded_message(
    shape: str, message: str, code: str, request_id: str
) -> None:
    body = error_body(shape, message, code)

    def answer(request: httpx.Request) -> httpx.Response:
        headers = {}
        if request_id.isascii() and request_id.isprintable() and request_id.strip():
            headers["x-request-id"] = request_id.strip()
        # json.dumps escapes a lone surrogate as \\ud800: valid JSON, a hostile string.
        headers["Content-Type"] = "application/json"
        return httpx.Response(404, content=json.dumps(body).encode(), headers=headers)

    async with PrintOSClient(
        allow_unauthenticated=True, transport=httpx.MockTransport(answer), max_retries=0, environ={}
    ) as client:
        with pytest.raises(APIStatusError) as info:
            await client.devices.list()
    text = str(info.value)
    assert text.isprintable()
    assert len(text) < 12_000  # each quoted piece bounded (escapes at most 10 chars each)
    assert info.value.body == body


# Caller input.

# Over 64 KB once encoded: httpx refuses such a URL.
long_ids = st.tuples(hostile_text, st.integers(22_000, 40_000)).map(
    lambda t: t[0] + "\u00e9" * t[1]
)
ids = st.one_of(hostile_text, long_ids)


@PROFILE
@given(device_id=ids, status=hostile_text)
@pytest.mark.anyio
async def test_any_id_or_status_is_sent_or_an_invalid_argument(device_id: str, status: str) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    async with PrintOSClient(
        allow_unauthenticated=True, transport=httpx.MockTransport(answer), environ={}
    ) as client:
        shown = ""
        try:
            await client.devices.update_status(device_id, status=status)
        except InvalidArgumentError as error:
            shown = str(error)
    assert len(shown) < 2_000
    assert sent == [] if shown else len(sent) == 1


class HeaderAuth(httpx.Auth):
    def __init__(self, value: str) -> None:
        self.value = value

    def auth_flow(self, request: httpx.Request) -> Any:
        request.headers.update({"Authorization": self.value})
        yield request


@PROFILE
@given(value=hostile_text)
@pytest.mark.anyio
async def test_any_header_value_of_a_custom_auth_is_sent_or_typed(value: str) -> None:
    async with PrintOSClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json={"devices": []})),
        auth=HeaderAuth(value),
        environ={},
    ) as client:
        shown = ""
        try:
            await client.devices.list()
        except PrintOSError as error:
            shown = str(error)
    if len(value) > 20:
        assert value not in shown


# Retry-After.


# An independent, plain description of the four accepted shapes (not the parser's own).
ACCEPTED = re.compile(
    r"[0-9]+"
    r"|[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT"
    r"|[A-Z][a-z]{5,8}, [0-9]{2}-[A-Z][a-z]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT"
    r"|[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}"
)
numberish = st.from_regex(r"[ \t]{0,2}[-+]?[0-9_.e]{1,8}[ \t]{0,2}", fullmatch=True)


@PROFILE
@given(value=st.text(max_size=40) | hostile_text | numberish)
def test_any_retry_after_is_none_or_a_delay_read_from_an_accepted_form(value: str) -> None:
    delay = parse_retry_after(value, now=lambda: NOW)
    stripped = value.strip(" \t")
    if delay is not None:
        assert delay >= 0
        assert ACCEPTED.fullmatch(stripped), stripped
    if ACCEPTED.fullmatch(stripped) and stripped.isdigit():
        assert delay == float(stripped)


DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
LONG = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@PROFILE
@given(
    when=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2070, 12, 31)).map(
        lambda d: d.replace(microsecond=0, tzinfo=dt.UTC)
    ),
    form=st.sampled_from(["imf", "rfc850", "asctime"]),
)
def test_http_dates_in_each_form_are_read_exactly(when: dt.datetime, form: str) -> None:
    day, month, clock = DAYS[when.weekday()], MONTHS[when.month - 1], when.strftime("%H:%M:%S")
    if form == "imf":
        text = f"{day}, {when.day:02d} {month} {when.year} {clock} GMT"
    elif form == "rfc850":
        text = f"{LONG[when.weekday()]}, {when.day:02d}-{month}-{when.year % 100:02d} {clock} GMT"
    else:
        text = f"{day} {month} {when.day:2d} {clock} {when.year}"
    expected = max(0.0, (when - NOW).total_seconds())
    assert parse_retry_after(text, now=lambda: NOW) == expected


# Link headers.


url_text = st.text(alphabet="/?#[]:@%.-_~abc019 ", max_size=30)


@PROFILE
@given(
    target=st.one_of(
        url_text,
        url_text.map(lambda t: "https://printos.api.hp.com" + t),
        url_text.map(lambda t: "http://" + t),
    ),
    rel=st.sampled_from(["next", '"next"', '"prev next"', '"next prev"', "NEXT", '"prev"']),
)
@pytest.mark.anyio
async def test_any_next_link_gives_the_pages_or_a_pagination_error(target: str, rel: str) -> None:
    pages = 0

    def answer(request: httpx.Request) -> httpx.Response:
        nonlocal pages
        pages += 1
        headers = {"Link": f"<{target}>; rel={rel}"} if pages == 1 else {}
        return httpx.Response(200, json={"devices": [{"id": str(pages)}]}, headers=headers)

    async with PrintOSClient(
        allow_unauthenticated=True, transport=httpx.MockTransport(answer), max_retries=0, environ={}
    ) as client:
        try:
            devices = await client.devices.list()
        except PaginationError:
            devices = None
    first = httpx.URL("https://printos.api.hp.com/devices")
    is_next = "next" in rel.strip('"').lower().split()
    try:
        resolved: httpx.URL | None = first.join(target.strip(" "))
    except httpx.InvalidURL:
        resolved = None
    if not is_next or resolved == first:
        assert devices is not None
        assert [d.id for d in devices] == ["1"]
    elif resolved is None or (resolved.scheme, resolved.host, resolved.port) != (
        first.scheme,
        first.host,
        first.port,
    ):
        assert devices is None  # not a URL, or another origin: refused
    else:
        assert devices is not None
        assert [d.id for d in devices] == ["1", "2"]
