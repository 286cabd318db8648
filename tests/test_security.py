"""Security properties: TLS verified by default, credentials kept out of logs, reprs and errors,
signatures over the exact bytes of the path, and a response size limit that holds.

Expected signatures are computed here with the ``hmac`` module from the documented scheme, never
with the code under test.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import hmac
import logging
import shutil
import ssl
import subprocess
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import anyio.lowlevel
import httpx
import pytest

from printos_ext import (
    APIConnectionError,
    APIStatusError,
    BearerTokenAuth,
    InvalidArgumentError,
    NotFoundError,
    PrintOSClient,
    PrintOSError,
    PrintOSHmacAuth,
    ResponseTooLargeError,
)
from printos_ext.sandbox import Sandbox, serve_sandbox

from rawserver import raw_server, read_request

GUARD = 10.0
KEY = "key-7c1d"
SECRET = "s3cret/+Zq9-do-not-leak-4b2e"
WRONG_SECRET = "wr0ng/+Xy8-also-private-91aa"
TOKEN = "bearer-tok-5d6e-do-not-leak"
FIXED = dt.datetime(2026, 11, 24, 10, 0, 0, tzinfo=dt.UTC)


def ssl_contexts(client: PrintOSClient) -> list[ssl.SSLContext]:
    """The SSL context of every transport the client's own httpx client may use."""
    http = client.http_client
    transports = [http._transport, *(t for t in http._mounts.values() if t is not None)]
    return [t._pool._ssl_context for t in transports]  # type: ignore[attr-defined]


# TLS verification.


@pytest.mark.anyio
async def test_tls_certificates_and_hostnames_are_verified_by_default() -> None:
    async with PrintOSClient(allow_unauthenticated=True, environ={}) as client:
        assert str(client.base_url).startswith("https://")
        contexts = ssl_contexts(client)
    assert contexts
    for context in contexts:
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.check_hostname is True


@pytest.mark.anyio
async def test_verification_is_off_only_when_asked() -> None:
    async with PrintOSClient(allow_unauthenticated=True, environ={}, verify=False) as client:
        (context,) = ssl_contexts(client)
    assert context.verify_mode == ssl.CERT_NONE
    assert context.check_hostname is False


@pytest.mark.anyio
async def test_verify_cannot_be_combined_with_a_client_of_your_own() -> None:
    async with httpx.AsyncClient() as own:
        with pytest.raises(InvalidArgumentError):
            PrintOSClient(allow_unauthenticated=True, environ={}, http_client=own, verify=False)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Self-signed certificates: one for 127.0.0.1, one for another name only."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    directory = tmp_path_factory.mktemp("tls")
    made = {}
    for name, san in (("loopback", "IP:127.0.0.1"), ("elsewhere", "DNS:elsewhere.test")):
        cert, key = directory / f"{name}.pem", directory / f"{name}.key"
        command = (
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
            f" -subj /CN={name} -addext subjectAltName={san}"
        ).split()
        command += ["-keyout", str(key), "-out", str(cert)]
        subprocess.run(command, check=True, capture_output=True)
        made[name], made[f"{name}.key"] = cert, key
    return made


@asynccontextmanager
async def tls_server(cert: Path, key: Path) -> AsyncIterator[str]:
    """A loopback HTTPS server answering every request with an empty device list."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    body = b'{"devices": []}'

    async def handle(stream: anyio.abc.ByteStream) -> None:
        await read_request(stream)
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n"
        await stream.send(head.encode() + b"Content-Type: application/json\r\n\r\n" + body)

    async with raw_server(handle, tls=context) as url:
        yield url


@pytest.fixture
def quiet_handshake_failures(caplog: pytest.LogCaptureFixture) -> None:
    """anyio logs each failed server-side handshake; here they are what is being tested."""
    caplog.set_level(logging.CRITICAL, logger="anyio.streams.tls")


@pytest.mark.usefixtures("quiet_handshake_failures")
@pytest.mark.anyio
async def test_an_untrusted_certificate_is_refused_unless_verify_is_off(
    certificates: dict[str, Path],
) -> None:
    with anyio.fail_after(GUARD):
        async with tls_server(certificates["loopback"], certificates["loopback.key"]) as url:
            async with PrintOSClient(base_url=url, max_retries=0, environ={}) as client:
                with pytest.raises(APIConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
                    await client.devices.list()
            async with PrintOSClient(base_url=url, verify=False, environ={}) as client:
                assert await client.devices.list() == []
            trusted = ssl.create_default_context(cafile=str(certificates["loopback"]))
            async with PrintOSClient(base_url=url, verify=trusted, environ={}) as client:
                assert await client.devices.list() == []


@pytest.mark.usefixtures("quiet_handshake_failures")
@pytest.mark.anyio
async def test_a_trusted_certificate_for_another_host_is_refused(
    certificates: dict[str, Path],
) -> None:
    trusted = ssl.create_default_context(cafile=str(certificates["elsewhere"]))
    server = tls_server(certificates["elsewhere"], certificates["elsewhere.key"])
    with anyio.fail_after(GUARD):
        async with server as url:
            client = PrintOSClient(base_url=url, verify=trusted, max_retries=0, environ={})
            async with client:
                with pytest.raises(APIConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
                    await client.devices.list()


# Credentials stay out of logs, reprs and errors.

SENSITIVE = (SECRET, WRONG_SECRET, TOKEN)


def all_text(error: BaseException) -> str:
    """Everything an error shows: message, repr, chained causes and the traceback."""
    return "\n".join([str(error), repr(error), *traceback.format_exception(error)])


@pytest.fixture
def signatures() -> list[str]:
    """Collects every signature header sent, to check none of them is logged either."""
    return []


def recorder(seen: list[str]) -> Callable[[httpx.Request], Awaitable[None]]:
    async def hook(request: httpx.Request) -> None:
        for name in ("x-hp-hmac-authentication", "authorization"):
            if name in request.headers:
                seen.append(request.headers[name].partition(":")[2] or request.headers[name])

    return hook


@pytest.mark.anyio
async def test_no_credential_in_debug_logs_reprs_or_errors(
    caplog: pytest.LogCaptureFixture, signatures: list[str]
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: every library's records, httpcore too

    async def no_wait(seconds: float) -> None:
        await anyio.lowlevel.checkpoint()

    hooks = {"request": [recorder(signatures)]}
    errors: list[PrintOSError] = []
    with anyio.fail_after(GUARD), serve_sandbox(key=KEY, secret=SECRET) as server:
        server.state.provision(model="HP Indigo 7K", serial_number="SN-0", device_id="a/b c")
        auth = PrintOSHmacAuth(KEY, SECRET)
        async with PrintOSClient(
            base_url=server.url, auth=auth, event_hooks=hooks, sleep=no_wait, environ={}
        ) as client:
            await client.devices.provision(model="HP Latex 800", serial_number="SN-1")
            await client.devices.update_status("a/b c", status="PRINTING", pages_total=3)
            server.faults.fail_next(2)  # two 503s, then success: retries are logged
            await client.devices.list()
            server.faults.drop_next()
            with pytest.raises(APIConnectionError) as dropped:
                await client.devices.list(max_retries=0)
            errors.append(dropped.value)
            with pytest.raises(NotFoundError) as missing:
                await client.devices.update_status("nope", status="IDLE")
            errors.append(missing.value)
            reprs = [repr(client), repr(auth), repr(client.http_client.headers)]
        wrong = PrintOSHmacAuth(KEY, WRONG_SECRET)
        async with PrintOSClient(
            base_url=server.url, auth=wrong, event_hooks=hooks, environ={}
        ) as client:
            with pytest.raises(APIStatusError) as refused:  # HP's 400 "Not Authorized"
                await client.devices.list()
            errors.append(refused.value)
            reprs += [repr(client), repr(wrong), repr(refused.value.request.headers)]
    with anyio.fail_after(GUARD), serve_sandbox() as server:
        bearer = BearerTokenAuth(TOKEN)
        async with PrintOSClient(
            base_url=server.url, auth=bearer, event_hooks=hooks, environ={}
        ) as client:
            with pytest.raises(NotFoundError) as missing:
                await client.devices.update_status("nope", status="IDLE")
            errors.append(missing.value)
            reprs += [repr(client), repr(bearer), repr(missing.value.request.headers)]

    loggers = {record.name.partition(".")[0] for record in caplog.records}
    assert {"printos_ext", "httpx", "httpcore"} <= loggers, loggers
    assert any("retrying" in record.getMessage() for record in caplog.records)
    assert len(signatures) > 8
    logged = caplog.text + "\n".join(repr(record.args) for record in caplog.records)
    shown = "\n".join(reprs + [all_text(error) for error in errors])
    for secret in SENSITIVE:
        assert secret not in logged
        assert secret not in shown
    for signature in signatures:
        assert signature not in logged


# The signature covers the path exactly as sent.

AWKWARD_IDS = ["a/b", "with space", "100%", "caf\u00e9-\u5370\u5237\u673a", "q?x#y", "%2F"]


@pytest.mark.parametrize("device_id", AWKWARD_IDS)
@pytest.mark.parametrize("over", ["asgi", "socket"])
@pytest.mark.anyio
async def test_percent_encoded_ids_get_through_hmac_verification(device_id: str, over: str) -> None:
    sandbox = Sandbox(key=KEY, secret=SECRET)
    sandbox.state.provision(model="HP Indigo 7K", serial_number="SN-1", device_id=device_id)
    auth = PrintOSHmacAuth(KEY, SECRET)
    with anyio.fail_after(GUARD):
        if over == "asgi":
            transport = httpx.ASGITransport(app=sandbox)
            async with PrintOSClient(
                base_url="http://sandbox.test", auth=auth, transport=transport, environ={}
            ) as client:
                await client.devices.update_status(device_id, status="PRINTING")
        else:
            with serve_sandbox(key=KEY, secret=SECRET, state=sandbox.state) as server:
                async with PrintOSClient(base_url=server.url, auth=auth, environ={}) as client:
                    await client.devices.update_status(device_id, status="PRINTING")
    assert sandbox.state.device(device_id).status == "PRINTING"


@pytest.mark.anyio
async def test_signature_is_over_the_encoded_path_computed_independently() -> None:
    device_id = "a/b c%d\u00e9"
    wire_path = "/devices/a%2Fb%20c%25d%C3%A9/status"  # written out by hand
    timestamp = "2026-11-24T10:00:00.000Z"
    expected = hmac.new(
        SECRET.encode(), f"PUT {wire_path}{timestamp}".encode(), hashlib.sha256
    ).hexdigest()
    sent: list[httpx.Request] = []

    async def capture(request: httpx.Request) -> None:
        sent.append(request)

    sandbox = Sandbox(key=KEY, secret=SECRET, clock=lambda: FIXED)
    sandbox.state.provision(model="HP Indigo 7K", serial_number="SN-1", device_id=device_id)
    with (
        anyio.fail_after(GUARD),
        serve_sandbox(key=KEY, secret=SECRET, clock=lambda: FIXED, state=sandbox.state) as server,
    ):
        async with PrintOSClient(
            base_url=server.url,
            auth=PrintOSHmacAuth(KEY, SECRET, clock=lambda: FIXED),
            event_hooks={"request": [capture]},
            environ={},
        ) as client:
            await client.devices.update_status(device_id, status="READY")
    (request,) = sent
    assert request.url.raw_path == wire_path.encode()
    assert request.headers["x-hp-hmac-date"] == timestamp
    assert request.headers["x-hp-hmac-authentication"] == f"{KEY}:{expected}"
    assert sandbox.state.device(device_id).status == "READY"


# Redirects and response sizes.


@pytest.mark.anyio
async def test_redirects_are_not_followed_so_credentials_stay_with_the_api() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url.host))
        return httpx.Response(302, headers={"Location": "https://attacker.test/devices"})

    async with PrintOSClient(
        auth=BearerTokenAuth(TOKEN),
        transport=httpx.MockTransport(handler),
        max_retries=0,
        environ={},
    ) as client:
        with pytest.raises(APIStatusError) as info:
            await client.devices.list()
    assert info.value.status_code == 302
    assert seen == ["printos.api.hp.com"]


@asynccontextmanager
async def gzip_server(body: bytes) -> AsyncIterator[str]:
    """A loopback HTTP server answering every request with ``body`` gzip-compressed."""
    compressed = gzip.compress(body)

    async def handle(stream: anyio.abc.ByteStream) -> None:
        await read_request(stream)
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Encoding: gzip\r\nContent-Length: {len(compressed)}\r\n\r\n"
        )
        await stream.send(head.encode() + compressed)

    async with raw_server(handle) as url:
        yield url


@pytest.mark.anyio
async def test_a_compressed_body_cannot_exceed_the_limit_once_decoded() -> None:
    body = b'{"devices": [' + b" " * 20_000_000 + b"]}"  # 20 MB that gzip to about 20 kB
    with anyio.fail_after(GUARD):
        async with (
            gzip_server(body) as url,
            PrintOSClient(
                base_url=url, max_response_bytes=1_000_000, max_retries=0, environ={}
            ) as client,
        ):
            with pytest.raises(ResponseTooLargeError):
                await client.devices.list()
