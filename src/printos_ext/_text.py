"""One formatter for text that came from a server (or the network) before it enters a message.

An error message ends up in terminals, log files and dashboards. What a server says is not
trusted there: a 5 MB message would make a 5 MB ``str(error)``, a newline would forge a second log
line, an ANSI escape would rewrite the terminal. So every piece of server text that goes into an
exception message goes through :func:`server_text` first: control and format characters are
escaped as visible ``\\x1b`` / ``\\n`` / ``\\u202e`` sequences, and the result is cut to a bounded
length with a note of how much was left out. The full, unaltered text stays available on the
error's attributes (``.body``, ``.response``), never in the message.
"""

from __future__ import annotations

import unicodedata

__all__ = ["MAX_TEXT", "server_text"]

MAX_TEXT = 300
"""Characters of one piece of server text kept in a message (before escaping)."""

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Categories escaped: controls (C0, C1, DEL), format characters (bidi overrides, zero-width
# ones), line and paragraph separators, surrogates and unassigned code points.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def _escape(char: str) -> str:
    known = _ESCAPES.get(char)
    if known is not None:
        return known
    if char == " " or unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def server_text(value: object, limit: int = MAX_TEXT) -> str:
    """``value`` (any object; bytes are decoded leniently) as one safe, bounded line of text.

    At most ``limit`` characters of the original are kept; when more were there, the text ends
    with ``… (N more characters)``. Escaping makes the line longer than ``limit`` by at most
    ten times (``\\U0001f600`` for one character), so the result is always bounded.
    """
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
