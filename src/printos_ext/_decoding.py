"""Decode a ``Content-Encoding`` stack in bounded memory: a gzip bomb, nested or not, never
inflates past the size limit in any layer. See docs/client.md, "Compressed responses"."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

ACCEPT_ENCODING = "gzip, deflate"
MAX_LAYERS = 5
STEP = 64 * 1024  # the most bytes one layer produces per call


class DecodingFailed(Exception):
    """The body does not decode as its declared (and supported) encoding."""


class LimitExceeded(Exception):
    """More than the limit was received, or decoded."""


class _Inflater:
    """One gzip or deflate layer, producing at most STEP bytes per zlib call."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._wbits = zlib.MAX_WBITS | 16 if coding == "gzip" else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(self._wbits)
        self._fed = False  # any input decoded (an empty body is an empty body)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """``data`` decoded, in pieces; ``b""`` drains the output zlib still holds."""
        while True:
            if self._zlib.eof:
                if not data:
                    return
                if self.coding == "deflate":
                    raise DecodingFailed("data after the end of the deflate stream")
                self._zlib = zlib.decompressobj(self._wbits)  # a gzip stream may be many members
            try:
                out = self._zlib.decompress(data, STEP)
            except zlib.error as exc:
                if self._wbits == zlib.MAX_WBITS and not self._fed:
                    # "deflate" is often sent without its zlib wrapper: retry as raw deflate.
                    self._wbits = -zlib.MAX_WBITS
                    self._zlib = zlib.decompressobj(self._wbits)
                    continue
                raise DecodingFailed(f"invalid {self.coding} data ({exc})") from None
            self._fed = self._fed or bool(data)
            data = self._zlib.unused_data if self._zlib.eof else self._zlib.unconsumed_tail
            if out:
                yield out
            if not data and len(out) < STEP:  # a full piece may hide more: call again
                return

    def finish(self) -> Iterator[bytes]:
        yield from self.feed(b"")
        if self._fed and not self._zlib.eof:
            raise DecodingFailed(f"the {self.coding} data ends before the end of its stream")


class BoundedDecoder:
    """``feed(raw)`` per received chunk, then ``finish()``, each yielding decoded pieces; raises
    LimitExceeded past ``limit`` bytes decoded (or far more received), else DecodingFailed."""

    def __init__(self, content_encoding: Iterable[str], limit: int) -> None:
        codings = [
            "gzip" if coding == "x-gzip" else coding
            for value in content_encoding
            for part in value.split(",")
            if (coding := part.strip().lower()) not in ("", "identity")
        ]
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
        return self._through(raw, 0)

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
