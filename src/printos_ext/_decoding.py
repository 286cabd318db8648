"""Decode a ``Content-Encoding`` stack incrementally, in bounded memory.

httpx decodes a compressed body one received chunk at a time, but each chunk in one call: a 64 KB
chunk of a gzip bomb inflates to 64 MB at once, and under ``Content-Encoding: gzip, gzip`` that
64 MB is then inflated by the next layer in one call too (a 6.7 KB body reaches gigabytes before
any size check can run). A size limit checked on what comes out is too late.

:class:`BoundedDecoder` takes the raw bytes as received and runs them through every layer with
zlib's ``max_length``, so no layer ever produces more than :data:`STEP` bytes per call; each
piece goes through the remaining layers before the next is produced, and the decoded output is
counted as it appears. Memory is therefore bounded by the limit plus a few pieces per layer,
whatever the stack, and decoding stops as soon as the limit is passed.

Supported: ``gzip`` (``x-gzip``; every member of a multi-member stream), ``deflate`` (zlib-wrapped
or raw, as browsers accept), ``identity``; at most :data:`MAX_LAYERS` of them. Anything else
(``br``, ``zstd``, ``compress``...) is refused rather than handed over undecoded; the client only
advertises what this module decodes. A compressed stream that ends early, or has data after its
end, is an error: the body is incomplete or not what the server meant to send.

Pure and synchronous: no I/O, no httpx; the client maps the two exceptions to its typed errors.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

__all__ = [
    "ACCEPT_ENCODING",
    "MAX_LAYERS",
    "STEP",
    "BoundedDecoder",
    "DecodingFailed",
    "LimitExceeded",
]

ACCEPT_ENCODING = "gzip, deflate"
MAX_LAYERS = 5
STEP = 64 * 1024
"""The most bytes one layer produces per call."""


class DecodingFailed(Exception):
    """The body is not valid in its declared encoding (or the encoding is not supported)."""


class LimitExceeded(Exception):
    """More than the limit was received, or decoded."""


class _Inflater:
    """One gzip or deflate layer, producing at most STEP bytes per zlib call."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._gzip = coding != "deflate"
        self._raw_deflate = False
        self._started = False  # any input seen (an empty body is an empty body)
        self._new()

    def _new(self) -> None:
        if self._gzip:
            wbits = zlib.MAX_WBITS | 16
        else:
            wbits = -zlib.MAX_WBITS if self._raw_deflate else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(wbits)
        self._member_input = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            self._started = True
            if self._zlib.eof:
                data = self._next_member(data)
                continue
            try:
                out = self._zlib.decompress(data, STEP)
            except zlib.error as exc:
                if not self._gzip and not self._raw_deflate and not self._member_input:
                    # "deflate" is often sent without its zlib wrapper: retry as raw deflate.
                    self._raw_deflate = True
                    self._new()
                    continue
                raise DecodingFailed(f"invalid {self.coding} data ({exc})") from None
            self._member_input = True
            data = self._zlib.unconsumed_tail
            if self._zlib.eof:
                data = self._zlib.unused_data + data
            if out:
                yield out
            if not data and len(out) == STEP:
                yield from self._drain()

    def _drain(self) -> Iterator[bytes]:
        """Output zlib still holds after consuming its input (a full piece may hide more)."""
        while not self._zlib.eof:
            out = self._zlib.decompress(b"", STEP)
            if out:
                yield out
            if len(out) < STEP:
                return

    def _next_member(self, data: bytes) -> bytes:
        if not self._gzip:
            raise DecodingFailed("data after the end of the deflate stream")
        self._new()  # a gzip stream may be several members, one after the other
        return data

    def finish(self) -> Iterator[bytes]:
        yield from self._drain()
        if self._started and not self._zlib.eof:
            raise DecodingFailed(f"the {self.coding} data ends before the end of its stream")


def parse_codings(values: Iterable[str]) -> list[str]:
    """The codings named by ``Content-Encoding`` header values, in the order they were applied."""
    codings = []
    for value in values:
        for part in value.split(","):
            coding = part.strip().lower()
            if coding and coding != "identity":
                codings.append("gzip" if coding == "x-gzip" else coding)
    return codings


class BoundedDecoder:
    """Decodes a body encoded with ``codings`` (in the order applied), refusing over ``limit``.

    ``feed(raw)`` for each received chunk, then ``finish()``; each yields decoded pieces. Raises
    :class:`LimitExceeded` once more than ``limit`` bytes were decoded, or more were received
    than ``limit`` plus what encoding can add to it (headers, trailers, incompressible blocks:
    1/16 and 1 kB per layer; this bounds streams that decode to nothing, such as endless empty
    deflate blocks), and
    :class:`DecodingFailed` for data that does not decode (or an unsupported coding, at once).
    """

    def __init__(self, codings: list[str], limit: int) -> None:
        if len(codings) > MAX_LAYERS:
            raise DecodingFailed(
                f"{len(codings)} content codings, more than the {MAX_LAYERS} the SDK decodes"
            )
        unsupported = sorted({c for c in codings if c not in ("gzip", "deflate")})
        if unsupported:
            raise DecodingFailed(f"unsupported Content-Encoding {', '.join(unsupported)}")
        # Decoding undoes the last coding applied first.
        self._layers = [_Inflater(coding) for coding in reversed(codings)]
        self._limit = limit
        self._raw_limit = limit + limit // 16 + 1024 * len(codings)
        self.received = 0
        self.decoded = 0

    def feed(self, raw: bytes) -> Iterator[bytes]:
        self.received += len(raw)
        if self.received > self._raw_limit:
            raise LimitExceeded
        yield from self._through(raw, 0)

    def finish(self) -> Iterator[bytes]:
        for index, layer in enumerate(self._layers):
            for piece in layer.finish():
                yield from self._through(piece, index + 1)

    def _through(self, data: bytes, index: int) -> Iterator[bytes]:
        if index == len(self._layers):
            self.decoded += len(data)
            if self.decoded > self._limit:
                raise LimitExceeded
            yield data
            return
        for piece in self._layers[index].feed(data):
            yield from self._through(piece, index + 1)
