"""Plain-text tables of devices, for the CLI and the demo (no dependency needed for this)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from .._generated import PrintDevice
from .._text import server_text

__all__ = ["device_rows", "render_table", "utc_text"]


def utc_text(moment: Any) -> str:
    """``2026-11-24 10:00:00Z``, converted to UTC first; ``-`` for none.

    A time without an offset is shown as given, without the ``Z`` (its zone is unknown). A time
    whose UTC equivalent falls outside the years 1-9999 that Python can represent (``9999-12-31
    23:59:59-23:59`` is valid RFC 3339) is shown as given, with its offset, rather than failing.
    """
    if not isinstance(moment, dt.datetime):
        return "-"
    offset = moment.utcoffset()
    if offset is None:
        return _date_time(moment)
    try:
        return _date_time(moment.astimezone(dt.UTC)) + "Z"
    except OverflowError:
        sign, minutes = ("-", -offset) if offset < dt.timedelta(0) else ("+", offset)
        hours, rest = divmod(int(minutes.total_seconds()) // 60, 60)
        return f"{_date_time(moment)}{sign}{hours:02d}:{rest:02d}"


def _date_time(moment: dt.datetime) -> str:
    # Not strftime: its %Y does not zero-pad years below 1000 on every platform.
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    )


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return server_text(value)


def device_rows(devices: Iterable[PrintDevice]) -> list[list[str]]:
    """Header plus one row per device; metrics and location come from the server's extra fields."""
    rows = [["ID", "MODEL", "SERIAL", "LOCATION", "STATUS", "PAGES", "INK %", "REGISTERED"]]
    for device in devices:
        extra = device.additional_properties
        reported = extra.get("metrics")
        metrics: dict[str, Any] = reported if isinstance(reported, dict) else {}
        rows.append(
            [
                _text(device.id),
                _text(device.model),
                _text(device.serial_number),
                _text(extra.get("location")),
                _text(device.status),
                _text(metrics.get("pagesTotal")),
                _text(metrics.get("inkLevel")),
                utc_text(device.registered_at),
            ]
        )
    return rows


def render_table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)
