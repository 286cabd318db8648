"""URL details shared by signing, logging and error messages."""

from __future__ import annotations

import httpx


def raw_path(request: httpx.Request) -> str:
    """The path as sent on the wire (percent-encoding kept), without the query string.

    PrintOS signs exactly this, so ``/devices/a%2Fb/status`` must not become ``/devices/a/b/...``.
    """
    return request.url.raw_path.split(b"?", 1)[0].decode("ascii", "replace")
