"""Argument checks run before any request is sent: an InvalidArgumentError (a ValueError) naming
the argument, what it must be and what it got."""

from __future__ import annotations

import math
import sys

from ._text import server_text
from .errors import InvalidArgumentError


def shown(value: object) -> str:
    """``repr(value)`` for a message, bounded: an int of thousands of digits (which ``repr``
    refuses beyond ``sys.get_int_max_str_digits()``) is described by its size instead."""
    if isinstance(value, int) and not isinstance(value, bool):
        # 0.30103 = log10(2): the digit count, to within one, without converting to text.
        digits = int(abs(value).bit_length() * 0.30103) + 1
        if digits > 30:
            sign = "a negative" if value < 0 else "an"
            return f"{sign} int of about {digits} digits"
    return server_text(repr(value), 100)


def _got(value: object) -> str:
    return f"got {type(value).__name__} {shown(value)}"


def text(name: str, value: object) -> str:
    """A non-empty string (whitespace alone counts as empty)."""
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{name} must be a str, {_got(value)}")
    if not value.strip():
        raise InvalidArgumentError(f"{name} must not be empty")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError(
            f"{name} is not valid Unicode text: it has a lone surrogate (U+D800 to U+DFFF), "
            "which cannot be encoded as UTF-8 to be sent"
        ) from None
    return value


# What JSON readers in most languages (and OpenAPI's int64) hold: a bigger int could not be sent,
# or read back, as a number.
INT64_MAX = 2**63 - 1


def count(name: str, value: object, *, minimum: int = 0, maximum: int | None = None) -> int:
    """An int (not a bool) within ``[minimum, maximum]``, at most INT64_MAX: it can be sent."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(f"{name} must be an int, {_got(value)}")
    if value < minimum or (maximum is not None and value > maximum):
        bound = f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        raise InvalidArgumentError(f"{name} must be {bound}, got {shown(value)}")
    if value > INT64_MAX:
        raise InvalidArgumentError(
            f"{name} must be at most {INT64_MAX} (a 64-bit integer), got {shown(value)}"
        )
    return value


def optional_count(
    name: str, value: object, *, minimum: int = 0, maximum: int | None = None
) -> int | None:
    return None if value is None else count(name, value, minimum=minimum, maximum=maximum)


def number(
    name: str,
    value: object,
    *,
    maximum: float = math.inf,
    positive: bool = False,
    finite: bool = True,
) -> float:
    """A number (not a bool, not NaN) from 0 to ``maximum``, above 0 if ``positive``, as a float;
    an int too large for a float is infinite (refused if ``finite``), never an OverflowError."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise InvalidArgumentError(f"{name} must be a number, {_got(value)}")
    if value < 0 or (positive and value == 0) or value > maximum:
        bound = (
            f"between 0 and {maximum:g}" if maximum < math.inf else "> 0" if positive else ">= 0"
        )
        raise InvalidArgumentError(f"{name} must be {bound}, got {shown(value)}")
    if value > sys.float_info.max and finite:
        raise InvalidArgumentError(f"{name} must be a finite number, got {shown(value)}")
    return float(value) if value <= sys.float_info.max else math.inf
