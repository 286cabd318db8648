"""What ``printos --version`` prints: the SDK's version and the spec it was generated from.

The generated package records its spec (``SPEC_VERSION``, ``SPEC_SHA256``; scripts/regenerate.py
writes them), so two installed or vendored copies can be told apart by the hash.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from typing import Any, NoReturn

from .. import _generated
from ..version import __version__


def version_text() -> str:
    """``printos-sdk 0.2.0 (spec 1.0.0, sha256 43a9...)``: one line, the hash in full."""
    generated = importlib.import_module(_generated.package_name)
    spec_version = str(generated.SPEC_VERSION)
    spec_sha256 = str(generated.SPEC_SHA256)
    return f"printos-sdk {__version__} (spec {spec_version}, sha256 {spec_sha256})"


class VersionAction(argparse.Action):
    """``--version``: print :func:`version_text` and exit. Not argparse's own ``version``
    action, which wraps the line at the terminal's width and so breaks the hash in two."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "print the SDK's version and its spec's, then exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> NoReturn:
        print(version_text())
        parser.exit()
