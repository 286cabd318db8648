"""One formatter for server text entering an exception message (docs/errors.md, "Server text")."""

from __future__ import annotations

import unicodedata

# Categories escaped: controls (C0, C1, DEL), format characters (bidi overrides, zero-width
# ones), line and paragraph separators, surrogates, private-use and unassigned code points.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def server_text(value: object, limit: int = 300) -> str:
    """``str(value)`` as one safe line: at most ``limit`` characters of it (then ``… (N more
    characters)``), escaping at most ten times that."""
    text = str(value)
    suffix = f"… ({len(text) - limit} more characters)" if len(text) > limit else ""
    text = text[:limit]
    if not (text.isascii() and text.isprintable()):  # escaped as Python does: none is a quote
        text = "".join(
            repr(char)[1:-1] if unicodedata.category(char) in _UNSAFE_CATEGORIES else char
            for char in text
        )
    return text + suffix
