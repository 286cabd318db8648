"""URL details shared by signing, logging and error messages."""

from __future__ import annotations

import ipaddress

import httpx

__all__ = ["is_loopback", "origin", "raw_path"]


def is_loopback(host: str) -> bool:
    """Loopback only: ``localhost`` (and ``*.localhost``, RFC 6761) or a loopback address."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin(url: httpx.URL) -> str:
    """``scheme://host[:port]`` of ``url``, for messages (no path, query or credentials)."""
    return f"{url.scheme}://{url.netloc.decode('ascii')}"  # an IDN host as sent: punycode


def raw_path(request: httpx.Request) -> str:
    """The path as sent on the wire, without the query string: PrintOS signs exactly this, so
    ``/devices/a%2Fb/status`` must not become ``/devices/a/b/...``."""
    return request.url.raw_path.split(b"?", 1)[0].decode("ascii", "replace")
