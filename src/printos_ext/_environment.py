"""Typed errors for an HTTP client that cannot be created from the process environment: httpx
reads ``SSL_CERT_FILE`` and the proxy variables then, and a bad one is a setup mistake, not a bug.
See docs/client.md, "The environment".
"""

from __future__ import annotations

import os
import re
import ssl

import httpx

from ._text import server_text
from .errors import InvalidArgumentError

__all__ = ["SETUP_ERRORS", "setup_error"]

SETUP_ERRORS = (OSError, ImportError, ValueError, ssl.SSLError, httpx.InvalidURL)
"""What creating an ``httpx.AsyncClient`` raises for a bad environment or ``verify=`` value."""

_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")
_USERINFO = re.compile(r"//[^/@\s]*@")


def setup_error(exc: BaseException) -> InvalidArgumentError:
    """The InvalidArgumentError for ``exc``, raised while creating the HTTP client: it names the
    variables that are set, and never quotes a proxy URL's password."""
    env = os.environ
    present = [name for name in _VARIABLES if name in env or name.lower() in env]
    where = (
        f"check the environment variables {', '.join(present)} and the verify= argument"
        if present
        else "check the verify= argument"
    )
    detail = _USERINFO.sub("//***@", str(exc))  # a proxy URL's user and password, if quoted
    if isinstance(exc, OSError) and exc.filename is not None:
        detail = f"{exc.strerror or detail}: {exc.filename}"
    elif isinstance(exc, OSError):  # httpx loads SSL_CERT_FILE without naming it on failure
        cafile = env.get("SSL_CERT_FILE")
        if cafile and not os.path.isfile(cafile):
            detail = f"{exc.strerror or detail}: SSL_CERT_FILE={cafile}"
    return InvalidArgumentError(
        f"cannot create the HTTP client ({where}): {type(exc).__name__}: {server_text(detail, 200)}"
    )
