"""One formatter for server (or network) text before it enters an exception message.

Messages end up in terminals and logs, where server text is not trusted: it is escaped and bounded
here, and stays whole on the error's attributes. See docs/errors.md, "Server text in messages".
"""

from __future__ import annotations

import unicodedata

__all__ = ["MAX_TEXT", "server_text"]

MAX_TEXT = 300
"""Characters of one piece of server text kept in a message (before escaping)."""

# Categories escaped: controls (C0, C1, DEL), format characters (bidi overrides, zero-width
# ones), line and paragraph separators, surrogates, private-use and unassigned code points.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def _escape(char: str) -> str:
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    return repr(char)[1:-1]  # Python's escapes (\n, \x1b, \u202e, \U000f0000): none is a quote


def server_text(value: object, limit: int = MAX_TEXT) -> str:
    """``value`` (any object; bytes are decoded leniently) as one safe line: at most ``limit``
    characters of the original (then ``… (N more characters)``), escaping at most ten times that."""
    if isinstance(value, bytes | bytearray):
        text = bytes(value[: limit * 4]).decode("utf-8", "replace")
        cut = len(value) > limit * 4 or len(text) > limit
        suffix = f"… (truncated; {len(value)} bytes in all)"
    else:
        text = value if isinstance(value, str) else str(value)
        cut = len(text) > limit
        suffix = f"… ({len(text) - limit} more characters)"
    if cut:
        text = text[:limit]
    if not (text.isascii() and text.isprintable()):
        text = "".join(map(_escape, text))
    return text + suffix if cut else text
