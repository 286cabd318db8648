"""``PrintOSClient``: the async entry point and its request pipeline. See docs/client.md."""

from __future__ import annotations

import copy
import functools
import logging
import operator
import os
import random
import re
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any, Self, TypeVar

import attrs
import httpx

from . import _async_io as io
from . import _generated as gen
from . import _validate as check
from ._decoding import ACCEPT_ENCODING, BoundedDecoder, DecodingFailed, LimitExceeded
from ._response import RawResponse
from ._text import server_text
from ._transport_errors import UNENCODABLE, built, classify, closed_error, encoding_error
from ._urls import is_loopback, origin, raw_path
from .auth import BASE_PATH_EXTENSION, ENV_KEY, ENV_SECRET, PrintOSHmacAuth, base_path_of
from .bulk import run_many
from .errors import InvalidArgumentError, ResponseDecodingError, ResponseTooLargeError, status_error
from .pagination import Page, next_link, paginate
from .retries import RetryPolicy, parse_retry_after
from .version import __version__

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "PrintOSClient"]

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://printos.api.hp.com"
DEFAULT_TIMEOUT = 30.0
USER_AGENT = f"printos-sdk/{__version__} python-httpx/{httpx.__version__}"

T = TypeVar("T")
ItemT = TypeVar("ItemT")
Timeout = float | httpx.Timeout
Sleep = Callable[[float], Awaitable[None]]


class PrintOSClient(gen.APIResources):
    """An async client for the PrintOS Device API: ``client.<tag>.<operation>(...)``.
    Its arguments and environment variables: docs/client.md, "Configuration"."""

    def __init__(
        self,
        *,
        base_url: str | httpx.URL | None = None,
        auth: httpx.Auth | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        event_hooks: Mapping[str, Sequence[Callable[..., Any]]] | None = None,
        verify: ssl.SSLContext | str | bool = True,
        max_response_bytes: int = 64 * 1024 * 1024,
        environ: Mapping[str, str] | None = None,
        sleep: Sleep | None = None,
        rng: random.Random | None = None,
        allow_unauthenticated: bool = False,
    ) -> None:
        env = os.environ if environ is None else environ
        self.base_url = _base_url(base_url if base_url is not None else env.get("PRINTOS_BASE_URL"))
        key, secret = bool(env.get(ENV_KEY)), bool(env.get(ENV_SECRET))
        if auth is None and key != secret:  # one of the two variables without the other
            present, missing = (ENV_KEY, ENV_SECRET) if key else (ENV_SECRET, ENV_KEY)
            raise InvalidArgumentError(
                f"{present} is set but {missing} is not: set both to sign requests, or neither"
            )
        if auth is None and key:
            auth = PrintOSHmacAuth(environ=env)
        if auth is not None and not isinstance(auth, httpx.Auth):
            raise InvalidArgumentError(f"auth must be an httpx.Auth, got {type(auth).__name__}")
        self.auth = auth
        self._set_timeout(timeout)
        self.retry = _retries(retry if retry is not None else RetryPolicy(), max_retries)
        self.max_response_bytes = check.count("max_response_bytes", max_response_bytes, minimum=1)
        if not isinstance(allow_unauthenticated, bool):
            raise InvalidArgumentError(
                f"allow_unauthenticated must be a bool, got {type(allow_unauthenticated).__name__}"
            )
        if self.auth is None and not allow_unauthenticated and not is_loopback(self.base_url.host):
            # Unsigned requests to HP's API (the default base URL) can only be refused, after
            # leaving the machine; most likely the credentials were forgotten.
            raise InvalidArgumentError(
                f"no credentials for {origin(self.base_url)}: pass auth= (PrintOSHmacAuth(key, "
                "secret)) or set PRINTOS_KEY and PRINTOS_SECRET; without credentials requests go "
                "only to a loopback host, unless you pass allow_unauthenticated=True"
            )
        defaults = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,  # only what _read can decode in bounded memory
            **_check_headers("headers", headers or {}),
        }
        # Headers for every request: on a client we own they are its own defaults (httpx merges
        # those cheaply); a client passed in keeps its defaults and gets ours on each request.
        self._headers: dict[str, str] = defaults if http_client is not None else {}
        if http_client is not None:
            if transport is not None or event_hooks is not None or verify is not True:
                raise InvalidArgumentError(
                    "transport, event_hooks and verify configure a client this object creates; "
                    "with http_client=, configure your own httpx.AsyncClient instead"
                )
            if not isinstance(http_client, httpx.AsyncClient):
                raise InvalidArgumentError(
                    f"http_client must be an httpx.AsyncClient, got {type(http_client).__name__}"
                )
            self._pool = io.Pool(http_client)
        else:
            hooks = {k: list(v) for k, v in event_hooks.items()} if event_hooks else None
            build = functools.partial(
                httpx.AsyncClient,
                headers=defaults,
                transport=transport,
                event_hooks=hooks,
                verify=verify,
                timeout=self._timeouts[0],
            )
            try:
                # A pool of our own making can be made again for another event loop (see
                # io.Pool); a transport passed in is the caller's, with whatever state it keeps.
                self._pool = io.Pool(build(), rebuild=build if transport is None else None)
            except _SETUP_ERRORS as exc:  # SSL_CERT_FILE, a proxy variable, verify=...
                raise _setup_error(exc) from exc
        self._owns_http = http_client is None
        self._sleep: Sleep = sleep or io.sleep
        self._rng = rng or random.Random()
        self._base = str(self.base_url).rstrip("/")
        self._base_path = base_path_of(self.base_url)  # what signed paths are relative to

    def _set_timeout(self, timeout: Timeout) -> None:
        self._timeouts = _split_timeout(timeout)
        phases, deadline = self._timeouts
        self.timeout: Timeout = phases if deadline is None else deadline

    def with_options(
        self,
        *,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Self:
        """A copy with other defaults, sharing (and never closing) this client's connection pool;
        see docs/client.md, "Configuration"."""
        clone = copy.copy(self)
        for name in self.RESOURCES:  # resources are bound to the client that made them
            clone.__dict__.pop(name, None)
        clone._owns_http = False
        if timeout is not None:
            clone._set_timeout(timeout)
        clone.retry = _retries(self.retry, max_retries)
        if headers is not None:
            clone._headers = {**self._headers, **_check_headers("headers", headers)}
        return clone

    def __repr__(self) -> str:
        return f"PrintOSClient(base_url={str(self.base_url)!r}, auth={self.auth!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool, unless it belongs to an ``http_client`` you passed in."""
        if self._owns_http:
            pool = self._pool
            pool.follow()  # the old loop's connections cannot be closed from this one
            try:
                await pool.http.aclose()
            except RuntimeError as exc:
                pool.raise_moved(exc)
                raise

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The underlying ``httpx.AsyncClient`` (shared by every call of this client)."""
        return self._pool.http

    def url_for(self, path: str) -> httpx.URL:
        """``path`` (already percent-encoded, as the generated code builds it) under base_url."""
        try:
            return _parse_url(self._base + path)
        except httpx.InvalidURL as exc:  # a path over httpx's URL length limit, say
            raise InvalidArgumentError(
                f"cannot build a request URL from a {len(path)}-character path: {exc}"
            ) from None

    async def request(
        self,
        operation: gen.Operation[T],
        build: Callable[[], dict[str, Any]],
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> RawResponse[T]:
        """Send a generated operation (the ``Transport`` protocol); ``build`` gives its httpx
        keyword arguments, and a bad argument it finds becomes InvalidArgumentError."""
        return await self.send_operation(
            operation,
            built(operation, build),
            extra_headers=extra_headers,
            timeout=timeout,
            max_retries=max_retries,
        )

    def paginate(
        self,
        operation: gen.Operation[list[ItemT]],
        build: Callable[[], dict[str, Any]],
        *,
        page_size: int | None = None,
        max_items: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> AsyncIterator[ItemT]:
        """Every item of a list operation, following next links (the ``Transport`` protocol's
        ``list()``/``iter()``); see docs/bulk-and-paging.md. Arguments are checked when called."""
        paging = operation.paging
        if paging is None:
            raise InvalidArgumentError(f"{operation.name} is not a list operation")
        size = check.optional_count("page_size", page_size, minimum=1, maximum=paging.max_page_size)
        limit = check.optional_count("max_items", max_items, minimum=1)
        kwargs = built(operation, build)
        params = {paging.limit: size, paging.offset: 0} if size is not None else None

        async def fetch(url: httpx.URL | None) -> Page[ItemT]:
            response = await self.send_operation(
                operation,
                kwargs,
                url=url,
                params=params if url is None else None,
                extra_headers=extra_headers,
                timeout=timeout,
                max_retries=max_retries,
            )
            http = response.http_response
            return Page(items=response.parse(), url=http.request.url, next_url=next_link(http))

        key = operator.attrgetter(paging.key) if paging.key else None
        return paginate(fetch, key=key, max_items=limit)

    # ``client.<tag>.<method>_many(items)`` calls it (the ``Transport`` protocol's ``many``).
    many = staticmethod(run_many)

    async def send_operation(
        self,
        operation: gen.Operation[T],
        kwargs: Mapping[str, Any],
        *,
        url: httpx.URL | None = None,
        params: Mapping[str, str | int] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> RawResponse[T]:
        """Send ``operation`` as its ``kwargs`` describe it; ``url`` replaces its path and query
        (a pagination link, as given), ``params`` add query parameters."""
        phases, deadline = self._timeouts if timeout is None else _split_timeout(timeout)
        method = kwargs["method"].upper()
        headers = {**self._headers, **kwargs.get("headers", {})}
        if extra_headers:
            headers.update(_check_headers("extra_headers", extra_headers))
        if url is None:
            url = self.url_for(kwargs["url"])  # raises its own InvalidArgumentError
            query = {**kwargs.get("params", {}), **params} if params else kwargs.get("params")
        else:
            query = None  # a next link carries its whole query: the server's, not ours
        try:
            request = self._pool.http.build_request(
                method,
                url,
                params=query if query else None,
                json=kwargs.get("json"),
                # A form, multipart or raw body, for operations whose spec declares one.
                data=kwargs.get("data"),
                files=kwargs.get("files"),
                content=kwargs.get("content"),
                headers=headers if headers else None,
                timeout=phases,
                # HMAC signs the path relative to the service base URL; tell the auth where that is.
                extensions={BASE_PATH_EXTENSION: self._base_path},
            )
        except UNENCODABLE as exc:  # a body or header that cannot be sent
            raise encoding_error(method, kwargs["url"], exc, kwargs.get("json")) from exc
        policy = _retries(self.retry, max_retries)
        response = await self._send(request, policy=policy, deadline=deadline)
        return RawResponse(response, operation.parse, operation.name)

    async def _send(
        self, request: httpx.Request, *, policy: RetryPolicy, deadline: float | None
    ) -> httpx.Response:
        # Only worth computing when someone reads the debug log (it is on the hot path).
        debug = logger.isEnabledFor(logging.DEBUG)
        where = f"{request.method} {raw_path(request)}" if debug else ""
        pool = self._pool
        if pool.http.is_closed:
            raise closed_error()
        pool.follow()
        attempt = 0
        while True:
            attempt += 1
            delay: float | None = None
            try:
                response = await self._attempt(request, deadline)
            except Exception as exc:  # typed in one place: _transport_errors.classify
                typed = classify(exc, request, policy, client_closed=pool.http.is_closed)
                if typed is None:
                    pool.raise_moved(exc)
                    raise
                error, retryable, cause = typed
            else:
                logger.debug("%s -> %d (attempt %d)", where, response.status_code, attempt)
                if response.is_success:
                    return response
                error, cause = status_error(response), None
                retryable = policy.retryable_status(response.status_code, request.method)
                delay = parse_retry_after(response.headers.get("retry-after"))
            if delay is not None and delay > policy.max_retry_after:
                logger.debug("%s: Retry-After %.1fs exceeds max_retry_after", where, delay)
                retryable = False
            if not retryable or attempt > policy.max_retries:
                logger.debug("%s failed (attempt %d): %s", where, attempt, error)
                raise error from cause
            if delay is None:
                delay = policy.backoff(attempt, self._rng)
            kind = type(error).__name__
            logger.debug(
                "%s attempt %d failed (%s); retrying in %.2fs", where, attempt, kind, delay
            )
            await self._sleep(delay)

    async def _attempt(self, request: httpx.Request, deadline: float | None) -> httpx.Response:
        """One try, within its deadline once it has an in-flight slot; see docs/client.md."""
        async with self._pool.slots, io.deadline(deadline):
            # Never follow a redirect, whatever the http_client's own setting: following one
            # could send the credentials to another origin. A 3xx becomes a RedirectError.
            response = await self._pool.http.send(
                request, auth=self.auth, stream=True, follow_redirects=False
            )
            try:
                await self._read(response)
            finally:
                await response.aclose()
            return response

    async def _read(self, response: httpx.Response) -> None:
        """Read the body, refusing more than max_response_bytes of it, received or decoded."""
        limit = self.max_response_bytes
        io.check_deadline()
        if response.is_stream_consumed:  # in-memory transports hand over a read body
            if len(response.content) > limit:
                raise ResponseTooLargeError(response, limit)
            return
        declared = response.headers.get("content-length", "")
        # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            raise ResponseTooLargeError(response, limit)
        received = response.headers
        codings = received.get_list("content-encoding")
        try:
            decoder = BoundedDecoder(codings, limit)
            if codings:  # decoded here, so not by httpx: the header no longer describes the body
                response.headers = received.copy()
                del response.headers["content-encoding"]
            response.stream = _Bounded(response, decoder)
            await response.aread()
        except LimitExceeded:
            raise ResponseTooLargeError(response, limit) from None
        except DecodingFailed as exc:
            response.headers = received  # the error's response shows the headers as they came
            raise ResponseDecodingError(response.request, str(exc), response) from None
        if codings:
            response.headers["content-length"] = str(len(response.content))


class _Bounded(httpx.AsyncByteStream):
    """A response's stream as ``decoder`` decodes and counts it, within the attempt's deadline."""

    def __init__(self, response: httpx.Response, decoder: BoundedDecoder) -> None:
        self._stream = response.stream
        self._decoder = decoder

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for raw in self._stream:  # type: ignore[union-attr]
            io.check_deadline()
            for piece in self._decoder.feed(raw):
                yield piece
        for piece in self._decoder.finish():
            yield piece

    async def aclose(self) -> None:
        await self._stream.aclose()  # type: ignore[union-attr]


# Parsing a URL costs more than the rest of building a request: keep recent ones.
_parse_url = functools.lru_cache(maxsize=256)(httpx.URL)


def _retries(policy: RetryPolicy, max_retries: int | None) -> RetryPolicy:
    return policy if max_retries is None else attrs.evolve(policy, max_retries=max_retries)


# What httpx raises creating its client from a bad environment or verify= value.
_SETUP_ERRORS = (OSError, ImportError, ValueError, ssl.SSLError, httpx.InvalidURL)
_SETUP_VARIABLES = (
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
)
_USERINFO = re.compile(r"//[^/@\s]*@")


def _setup_error(exc: BaseException) -> InvalidArgumentError:
    """``exc`` from httpx creating its client, as an error naming the environment variables set
    and never quoting a proxy URL's password; see docs/client.md, "The environment"."""
    env = os.environ
    present = [name for name in _SETUP_VARIABLES if name in env or name.lower() in env]
    variables = f"the environment variables {', '.join(present)} and " if present else ""
    detail = _USERINFO.sub("//***@", str(exc))  # a proxy URL's user and password, if quoted
    cafile = env.get("SSL_CERT_FILE")
    if isinstance(exc, OSError) and cafile and not os.path.isfile(cafile):
        detail = f"{exc.strerror or detail}: SSL_CERT_FILE={cafile}"  # httpx does not name it
    return InvalidArgumentError(
        f"cannot create the HTTP client (check {variables}the verify= argument): "
        f"{type(exc).__name__}: {server_text(detail, 200)}"
    )


def _base_url(value: str | httpx.URL | None) -> httpx.URL:
    try:
        url = httpx.URL(value if value is not None else DEFAULT_BASE_URL)
    except (httpx.InvalidURL, TypeError) as exc:
        raise InvalidArgumentError(f"base_url is not a valid URL ({exc}): {value!r}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidArgumentError(f"base_url must be an absolute http(s) URL, got {str(url)!r}")
    if url.query or url.fragment:
        raise InvalidArgumentError(f"base_url must not have a query or fragment, got {str(url)!r}")
    if url.port is not None and not 0 < url.port <= 65535:
        raise InvalidArgumentError(f"base_url has no valid port (1-65535), got {str(url)!r}")
    return url


def _split_timeout(value: Timeout) -> tuple[httpx.Timeout, float | None]:
    """httpx's per-phase limits and our per-attempt deadline: seconds set both, a Timeout phases."""
    if isinstance(value, httpx.Timeout):
        return value, None
    seconds = check.number(
        "timeout (seconds, or an httpx.Timeout)", value, positive=True, finite=False
    )
    return httpx.Timeout(seconds), seconds


def _check_headers(name: str, headers: Mapping[str, str]) -> Mapping[str, str]:
    """``headers`` if it maps str to str; the error names the offending key, never a value."""
    if not isinstance(headers, Mapping):
        raise InvalidArgumentError(
            f"{name} must be a mapping of str to str, got {type(headers).__name__}"
        )
    for key, value in headers.items():
        if not isinstance(key, str):
            raise InvalidArgumentError(
                f"{name} must map str to str; it has a key of type {type(key).__name__}"
            )
        if not isinstance(value, str):
            raise InvalidArgumentError(
                f"{name} must map str to str; {key!r} maps to a {type(value).__name__}"
            )
        if not _HEADER_NAME.fullmatch(key):
            raise InvalidArgumentError(
                f"{name}: {server_text(key, 100)!r} is not a valid HTTP header name "
                "(letters, digits and !#$%&'*+-.^_`|~ only)"
            )
        if _BAD_VALUE_CHAR.search(value):
            # A CR or LF would start another header (or the body), and httpx sends values as
            # ASCII: refused before anything is sent. The value may be a credential: never shown.
            raise InvalidArgumentError(
                f"{name}: the value of {key!r} contains a CR, LF or NUL character, or a non-ascii "
                "one, which HTTP header values cannot carry (the value is not shown)"
            )
    return headers


_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110 token: a field name
_BAD_VALUE_CHAR = re.compile(r"[\r\n\x00\x80-\U0010ffff]")  # CR, LF, NUL or beyond ASCII
