"""Argument parsing shared by ``printos`` and ``printos sandbox``: one line per mistake.

argparse prints the whole usage before an error; for a command run from scripts and CI logs,
one line that names the argument and how to get help reads better. Every value type here turns
a bad value into such a line (exit status 2), never into a traceback from deeper down.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import NoReturn

__all__ = [
    "SANDBOX_EXTRA",
    "OneLineParser",
    "any_terminal",
    "finite_number",
    "non_negative_int",
    "non_negative_seconds",
    "percentage",
    "port",
    "positive_seconds",
    "probability",
    "say",
    "say_warning",
    "utf8_text",
    "whole_number",
]

_SHOWN = 60  # characters of a bad value quoted in a message


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see: {self.prog} --help)\n")


def _shown(text: str) -> str:
    short = text if len(text) <= _SHOWN else text[:_SHOWN] + "..."
    return repr(short)


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {_shown(text)}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {_shown(text)}")
    return value


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {_shown(text)}") from None


def whole_number(text: str) -> int:
    return _whole_number(text)


def finite_number(text: str) -> float:
    return _number(text, "a number")


def utf8_text(text: str) -> str:
    """Text that can be sent: the shell may pass bytes that are not UTF-8 (Python keeps them as
    lone surrogates), which no JSON body or URL can carry."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
        shown = raw if len(raw) <= _SHOWN else raw[:_SHOWN] + b"..."
        raise argparse.ArgumentTypeError(f"not valid UTF-8: {shown!r}") from None
    return text


def non_negative_int(text: str) -> int:
    value = _whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def port(text: str) -> int:
    value = _whole_number(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 0 to 65535, got {value}")
    return value


def percentage(text: str) -> float:
    value = _number(text, "a number")
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be between 0 and 100, got {text}")
    return value


def probability(text: str) -> float:
    value = _number(text, "a probability")
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def positive_seconds(text: str) -> float:
    value = _number(text, "seconds")
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def non_negative_seconds(text: str) -> float:
    value = _number(text, "seconds")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


SANDBOX_EXTRA = "install the sandbox extra: pip install 'printos-sdk[sandbox]'"
"""What ``printos sandbox`` and ``printos demo`` say when Starlette or uvicorn is missing."""


def any_terminal() -> None:
    """Make stdout and stderr print any text, whatever encoding the terminal has.

    On a terminal (or pipe) that is not UTF-8 (``PYTHONIOENCODING=ascii``, a Windows code page),
    printing a device's non-ASCII model name would raise after the server has done the work, and
    a script would believe the command failed and repeat it. A character the encoding lacks is
    printed as its ``\\uXXXX`` escape instead; the exit status stays what the operation earned.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:  # a TextIOWrapper; a replaced stream (tests) is left alone
            reconfigure(errors="backslashreplace")


def say(prog: str, message: str) -> None:
    """One line on stderr, as every failure of these commands is reported."""
    print(f"{prog}: error: {message}", file=sys.stderr)


def say_warning(prog: str, message: str) -> None:
    """One warning line on stderr: the command succeeded, but something deserves notice."""
    print(f"{prog}: warning: {message}", file=sys.stderr)
