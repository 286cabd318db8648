"""Plain-text tables of devices, for the CLI and the demo (no dependency needed for this)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from .._generated import PrintDevice
from .._text import server_text

__all__ = ["device_rows", "render_table", "utc_text"]


def utc_text(moment: Any) -> str:
    """``2026-11-24 10:00:00Z``, converted to UTC first; a time without an offset is shown as
    given, without the ``Z`` (its zone is unknown); ``-`` for none."""
    if not isinstance(moment, dt.datetime):
        return "-"
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


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
