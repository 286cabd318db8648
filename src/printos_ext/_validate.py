"""Argument checks run before any request is sent, so mistakes fail fast with a clear message.

Every failure is an :class:`~printos_ext.errors.InvalidArgumentError` (a ``ValueError``) that names
the argument, what it must be and what it got.
"""

from __future__ import annotations

from .errors import InvalidArgumentError


def _got(value: object) -> str:
    return f"got {type(value).__name__} {value!r}"


def text(name: str, value: object) -> str:
    """A non-empty string (whitespace alone counts as empty)."""
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{name} must be a str, {_got(value)}")
    if not value.strip():
        raise InvalidArgumentError(f"{name} must not be empty")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidArgumentError(
                f"{name} is not valid Unicode text: it has a lone surrogate (U+D800 to U+DFFF), "
                "which cannot be encoded as UTF-8 to be sent"
            ) from None
    return value


def count(name: str, value: object, *, minimum: int = 0, maximum: int | None = None) -> int:
    """An int (not a bool) within ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(f"{name} must be an int, {_got(value)}")
    if value < minimum or (maximum is not None and value > maximum):
        bound = f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        raise InvalidArgumentError(f"{name} must be {bound}, got {value}")
    return value


def optional_count(
    name: str, value: object, *, minimum: int = 0, maximum: int | None = None
) -> int | None:
    return None if value is None else count(name, value, minimum=minimum, maximum=maximum)
