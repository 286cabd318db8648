"""The async client's contract, held by both clients: each test runs on PrintOSClient and on
SyncPrintOSClient (see twins.py), with respx for the unit cases and the sandbox over loopback
for the end-to-end ones."""

from __future__ import annotations

import gzip
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import anyio
import anyio.abc
import anyio.from_thread
import httpx
import pytest
import respx

from printos_ext import (
    APIConnectionError,
    APITimeoutError,
    BearerTokenAuth,
    ClientClosedError,
    ConflictError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    PrintOSHmacAuth,
    RateLimitError,
    RedirectError,
    ResponseTooLargeError,
    ResponseValidationError,
    RetryPolicy,
)
from printos_ext.sandbox import SandboxServer, serve_sandbox

from rawserver import raw_server, read_request
from twins import KINDS, Twin, twin_for

BASE = "https://printos.api.hp.com"
DEVICE = {"id": "d1", "model": "m", "serialNumber": "s", "status": "READY"}
NO_JITTER = RetryPolicy(initial_delay=0.5, jitter=0)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=KINDS)
def twin(request: pytest.FixtureRequest) -> Iterator[Twin]:
    yield from twin_for(request.param)


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE) as router:
        yield router


def test_a_plain_call_sends_the_request_and_returns_the_model(
    twin: Twin, mock: respx.MockRouter
) -> None:
    route = mock.get("/devices").respond(200, json={"devices": [DEVICE]})
    client = twin.client(base_url=BASE)
    devices = twin.run(client.devices.list())
    assert [d.id for d in devices] == ["d1"]
    sent = route.calls.last.request
    assert sent.headers["user-agent"].startswith("printos-sdk/")
    assert sent.headers["accept"] == "application/json"


def test_hmac_auth_from_the_environment_signs_every_request(
    twin: Twin, mock: respx.MockRouter
) -> None:
    route = mock.put("/devices/d1/status").respond(200)
    client = twin.client(environ={"PRINTOS_KEY": "k", "PRINTOS_SECRET": "s3cret"})
    twin.run(client.devices.update_status("d1", status="READY"))
    assert route.calls.last.request.headers["x-hp-hmac-authentication"].startswith("k:")
    assert isinstance(client.auth, PrintOSHmacAuth)


def test_bearer_auth_sets_the_authorization_header(twin: Twin, mock: respx.MockRouter) -> None:
    route = mock.get("/devices").respond(200, json={"devices": []})
    client = twin.client(base_url=BASE, auth=BearerTokenAuth("tok"))
    twin.run(client.devices.list())
    assert route.calls.last.request.headers["authorization"] == "Bearer tok"


def test_the_base_url_comes_from_the_environment(twin: Twin) -> None:
    client = twin.client(environ={"PRINTOS_BASE_URL": "http://127.0.0.1:9"})
    assert str(client.base_url) == "http://127.0.0.1:9"


def test_a_bad_argument_is_refused_before_sending(twin: Twin, mock: respx.MockRouter) -> None:
    client = twin.client(base_url=BASE)
    with pytest.raises(InvalidArgumentError, match="ink_level"):
        twin.run(client.devices.update_status("d1", ink_level=101))
    assert not mock.calls


@pytest.mark.parametrize(
    ("status", "error"),
    [(404, NotFoundError), (409, ConflictError), (500, InternalServerError)],
)
def test_an_error_status_raises_its_typed_error(
    twin: Twin, mock: respx.MockRouter, status: int, error: type[Exception]
) -> None:
    mock.post("/devices").respond(status, json={"error": {"message": "no"}})
    client = twin.client(base_url=BASE, max_retries=0)
    with pytest.raises(error):
        twin.run(client.devices.provision(model="m", serial_number="s"))


def test_a_body_that_does_not_match_the_spec_is_a_validation_error(
    twin: Twin, mock: respx.MockRouter
) -> None:
    mock.get("/devices").respond(200, json={"devices": "nope"})
    client = twin.client(base_url=BASE)
    with pytest.raises(ResponseValidationError):
        twin.run(client.devices.list())


def test_503_is_retried_with_backoff_until_success(twin: Twin, mock: respx.MockRouter) -> None:
    mock.get("/devices").mock(
        side_effect=[httpx.Response(503), httpx.Response(503), httpx.Response(200, json={})]
    )
    client = twin.client(base_url=BASE, retry=NO_JITTER, rng=random.Random(1))
    assert twin.run(client.devices.list()) == []
    assert twin.delays == [0.5, 1.0]


def test_retry_after_is_honoured(twin: Twin, mock: respx.MockRouter) -> None:
    mock.get("/devices").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(200, json={}),
        ]
    )
    client = twin.client(base_url=BASE, retry=NO_JITTER)
    twin.run(client.devices.list())
    assert twin.delays == [7.0]


def test_retries_give_up_with_the_last_error(twin: Twin, mock: respx.MockRouter) -> None:
    route = mock.get("/devices").respond(429)
    client = twin.client(base_url=BASE, retry=NO_JITTER, max_retries=2)
    with pytest.raises(RateLimitError):
        twin.run(client.devices.list())
    assert route.call_count == 3


def test_a_provision_is_not_repeated_after_a_connection_failure(
    twin: Twin, mock: respx.MockRouter
) -> None:
    route = mock.post("/devices").mock(side_effect=httpx.ReadError("reset"))
    client = twin.client(base_url=BASE, retry=NO_JITTER)
    with pytest.raises(APIConnectionError):
        twin.run(client.devices.provision(model="m", serial_number="s"))
    assert route.call_count == 1


def test_a_redirect_is_never_followed(twin: Twin, mock: respx.MockRouter) -> None:
    mock.get("/devices").respond(302, headers={"Location": "https://elsewhere.example/"})
    client = twin.client(base_url=BASE)
    with pytest.raises(RedirectError):
        twin.run(client.devices.list())
    assert len(mock.calls) == 1


def test_a_body_over_the_size_limit_is_refused(twin: Twin, mock: respx.MockRouter) -> None:
    mock.get("/devices").respond(200, content=b"x" * 2000)
    client = twin.client(base_url=BASE, max_response_bytes=1000)
    with pytest.raises(ResponseTooLargeError):
        twin.run(client.devices.list())


@pytest.mark.parametrize("declared", ["\u00b2", "\u00b9", "-1", "1e9", ""])
def test_a_content_length_that_is_not_ascii_digits_is_not_trusted_and_not_a_crash(
    twin: Twin, declared: str
) -> None:
    # "²" (latin-1 0xb2) passes str.isdigit() and fails int(): it was a bare ValueError.
    def handler(request: httpx.Request) -> httpx.Response:
        headers = [(b"content-length", declared.encode("latin-1", "replace"))]
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(b'{"devices": []}'))

    client = twin.client(base_url=BASE, transport=httpx.MockTransport(handler), max_retries=0)
    assert twin.run(client.devices.list()) == []


def test_a_compressed_body_is_bounded_by_what_it_decompresses_to(
    twin: Twin, mock: respx.MockRouter
) -> None:
    bomb = gzip.compress(b'{"devices": [' + b" " * 100_000 + b"]}")
    mock.get("/devices").respond(200, content=bomb, headers={"Content-Encoding": "gzip"})
    client = twin.client(base_url=BASE, max_response_bytes=10_000)
    with pytest.raises(ResponseTooLargeError):
        twin.run(client.devices.list())


def test_raw_response_gives_status_headers_and_parse(twin: Twin, mock: respx.MockRouter) -> None:
    mock.get("/devices").respond(200, json={"devices": [DEVICE]}, headers={"x-request-id": "r1"})
    client = twin.client(base_url=BASE)
    raw = twin.run(client.devices.with_raw_response.list())
    assert (raw.status_code, raw.request_id) == (200, "r1")
    assert [d.id for d in raw.parse()] == ["d1"]


def test_with_options_adds_headers_and_shares_the_pool(twin: Twin, mock: respx.MockRouter) -> None:
    route = mock.get("/devices").respond(200, json={})
    client = twin.client(base_url=BASE)
    copy = client.with_options(headers={"x-team": "a"}, max_retries=0)
    twin.run(copy.devices.list())
    assert route.calls.last.request.headers["x-team"] == "a"
    assert copy.http_client is client.http_client
    assert copy.retry.max_retries == 0


def test_list_follows_next_links_and_iter_yields_every_device(
    twin: Twin, mock: respx.MockRouter
) -> None:
    second = {**DEVICE, "id": "d2", "serialNumber": "s2"}
    mock.get("/devices", params={"page": "2"}).respond(200, json={"devices": [second]})
    mock.get("/devices").respond(
        200, json={"devices": [DEVICE]}, headers={"Link": '</devices?page=2>; rel="next"'}
    )
    client = twin.client(base_url=BASE)
    assert [d.id for d in twin.run(client.devices.list())] == ["d1", "d2"]
    assert [d.id for d in twin.collect(client.devices.iter(max_items=5))] == ["d1", "d2"]


def test_a_closed_client_raises_client_closed(twin: Twin, mock: respx.MockRouter) -> None:
    client = twin.client(base_url=BASE)
    twin.call(client.aclose if twin.kind == "async" else client.close)
    with pytest.raises(ClientClosedError):
        twin.run(client.devices.list())


def test_the_closed_client_error_names_neither_client_class(
    twin: Twin, mock: respx.MockRouter
) -> None:
    client = twin.client(base_url=BASE)
    twin.call(client.aclose if twin.kind == "async" else client.close)
    with pytest.raises(ClientClosedError) as caught:
        twin.run(client.devices.list())
    assert "PrintOSClient" not in str(caught.value)
    assert "'with'" in str(caught.value)


def test_bulk_gives_one_result_per_item_in_input_order(twin: Twin, mock: respx.MockRouter) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        serial = request.read().decode()
        if '"s2"' in serial:
            return httpx.Response(409, json={"error": {"message": "duplicate"}})
        return httpx.Response(201, json={**DEVICE, "id": f"id-{serial[-5:-3]}"})

    mock.post("/devices").mock(side_effect=answer)
    client = twin.client(base_url=BASE, max_retries=0)
    items = [{"model": "m", "serial_number": f"s{i}"} for i in range(6)] + [{"model": ""}]
    results = twin.run(client.devices.provision_many(items, concurrency=3))
    assert [r.input for r in results] == items
    assert [r.ok for r in results] == [True, True, False, True, True, True, False]
    assert isinstance(results[2].error, ConflictError)
    assert isinstance(results[6].error, InvalidArgumentError)


def test_bulk_with_nothing_to_send_returns_at_once(twin: Twin, mock: respx.MockRouter) -> None:
    """An empty batch, or one whose every item is invalid, starts no worker (the sync client's
    thread pool cannot have none) and sends nothing."""
    client = twin.client(base_url=BASE, max_retries=0)
    assert twin.run(client.devices.update_status_many([])) == []
    results = twin.run(client.devices.update_status_many([{"device_id": ""}, {"status": "X"}]))
    assert [type(r.error) for r in results] == [InvalidArgumentError, InvalidArgumentError]
    assert not mock.calls


def test_a_body_trickling_in_hits_the_overall_deadline(twin: Twin) -> None:
    """Each byte arrives well within the read timeout; only the per-attempt deadline stops it
    (the sync client checks it between chunks, see _sync_io)."""
    sent = 0

    async def slow_loris(stream: anyio.abc.ByteStream) -> None:
        nonlocal sent
        await read_request(stream)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n"
        await stream.send(head)
        for byte in b'{"devices": []}'.ljust(60):
            await stream.send(bytes([byte]))
            sent += 1
            await anyio.sleep(0.05)

    with (
        anyio.from_thread.start_blocking_portal() as portal,
        portal.wrap_async_context_manager(raw_server(slow_loris)) as url,
    ):
        client = twin.client(base_url=url, timeout=0.5, max_retries=0)
        with pytest.raises(APITimeoutError):
            twin.run(client.devices.list())
    assert sent < 60


# End to end: the sandbox on a loopback socket, HMAC on.

KEY, SECRET = "twin-key", "twin-secret-0123456789"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with serve_sandbox(key=KEY, secret=SECRET) as running:
        yield running


@pytest.fixture
def sandbox(server: SandboxServer) -> SandboxServer:
    server.state.reset()
    server.faults.reset()
    return server


@pytest.mark.e2e
def test_e2e_provision_update_list_and_bulk(twin: Twin, sandbox: SandboxServer) -> None:
    client = twin.client(base_url=sandbox.url, auth=PrintOSHmacAuth(KEY, SECRET))
    device = twin.run(client.devices.provision(model="m", serial_number="E-1"))
    twin.run(client.devices.update_status(device.id, status="PRINTING", pages_total=3))
    updates = [{"device_id": device.id, "ink_level": level} for level in (10, 20, 30)]
    results = twin.run(client.devices.update_status_many(updates, concurrency=1))
    assert [r.ok for r in results] == [True, True, True]
    (listed,) = twin.run(client.devices.list())
    assert (listed.id, listed.status) == (device.id, "PRINTING")
    assert sandbox.state.device(device.id).metrics == {"pagesTotal": 3, "inkLevel": 30}


@pytest.mark.e2e
def test_e2e_faults_are_retried_and_a_drop_is_a_connection_error(
    twin: Twin, sandbox: SandboxServer
) -> None:
    client = twin.client(base_url=sandbox.url, auth=PrintOSHmacAuth(KEY, SECRET))
    sandbox.faults.fail_next(1, 503)
    sandbox.faults.rate_limit_burst(1, retry_after=2)
    assert twin.run(client.devices.list()) == []
    assert twin.delays[-1] == 2.0
    sandbox.faults.drop_next(1)
    with pytest.raises(APIConnectionError):
        twin.run(client.devices.provision(model="m", serial_number="E-2"))


@pytest.mark.e2e
def test_e2e_the_deadline_bounds_a_slow_server(twin: Twin, sandbox: SandboxServer) -> None:
    client = twin.client(
        base_url=sandbox.url, auth=PrintOSHmacAuth(KEY, SECRET), timeout=0.2, max_retries=0
    )
    sandbox.faults.latency = 1.0
    with pytest.raises(APITimeoutError):
        twin.run(client.devices.list())


@pytest.mark.e2e
def test_e2e_paging_against_the_sandbox(twin: Twin, sandbox: SandboxServer) -> None:
    for i in range(5):
        sandbox.state.provision(model="m", serial_number=f"P-{i}")
    client = twin.client(base_url=sandbox.url, auth=PrintOSHmacAuth(KEY, SECRET))
    pages = twin.collect(client.devices.iter(page_size=2))
    assert [d.serial_number for d in pages] == [f"P-{i}" for i in range(5)]
    assert sandbox.state.count("GET /devices") == 3


def test_the_sync_twins_are_up_to_date() -> None:
    """scripts/unasync.py --check: the committed _sync/ modules are what the script writes."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "unasync.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
