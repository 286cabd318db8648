"""Request-body checks: the spec's schemas plus the business rules the platform enforces.

Kept free of Starlette so the rules read as plain functions of decoded JSON. Malformed input is a
400 (the body is not a JSON object at all); a well-formed body that breaks a rule is a 422 that
names the offending field by its JSON path.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from .errors import ApiError

__all__ = [
    "MAX_DEPTH",
    "MAX_METRICS_BYTES",
    "MAX_METRIC_KEYS",
    "ProvisionRequest",
    "StatusUpdate",
    "metrics_size",
    "parse_json_object",
    "validate_provision",
    "validate_status_update",
]

INK_LEVEL_MIN = 0
INK_LEVEL_MAX = 100
PAGES_TOTAL_MIN = 0
NON_BLANK = r"[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
"""A character that is not whitespace; text without one is blank. The overlay states the same
pattern (tests/test_conformance.py checks): whitespace spelled out, because ``\\s`` means
different characters in Python (``str.isspace``) and in JSON Schema's ECMA-262 regexes, so this
is both sets."""
_NON_BLANK = re.compile(NON_BLANK)
MAX_DEPTH = 16
"""How deeply a request body may nest objects and arrays. Metrics are stored and served back in
every list: a body nested hundreds deep would be accepted here and then break the JSON parser
of every client that lists devices, depending on its stack."""
MAX_METRIC_KEYS = 100
"""The most metric keys one device keeps: metrics merge key by key, so without a bound one
device's record grows with every update that adds a key."""
MAX_METRIC_KEY_LENGTH = 100
MAX_METRICS_BYTES = 16 * 1024
"""The most a device's merged metrics may take as JSON, so a list stays small."""


@dataclasses.dataclass(frozen=True)
class ProvisionRequest:
    model: str
    serial_number: str
    location: str | None


@dataclasses.dataclass(frozen=True)
class StatusUpdate:
    status: str | None
    metrics: dict[str, Any] | None


def _reject_constant(name: str) -> NoReturn:
    # Python's json accepts NaN and Infinity; JSON does not, and neither does the platform.
    raise ValueError(f"{name} is not valid JSON")


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A repeated key is ambiguous (which one wins depends on the parser), so refuse it outright.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """Decode a request body that must be a JSON object; 400 otherwise."""
    try:
        value = json.loads(
            raw, parse_constant=_reject_constant, object_pairs_hook=_reject_duplicate_keys
        )
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, "malformed_json", f"request body is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ApiError(
            400, "invalid_body", f"request body must be a JSON object, got {json_type(value)}"
        )
    if _depth(value) > MAX_DEPTH:
        raise ApiError(
            400,
            "body_too_deep",
            f"request body nests objects and arrays more than {MAX_DEPTH} levels deep",
        )
    return value


def _depth(value: object) -> int:
    """How deeply ``value`` nests objects and arrays (a scalar is 0); iterative, so a body nested
    as deep as the JSON parser allows cannot exhaust the stack here."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[object] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_DEPTH:
                return deepest
        stack.extend((child, depth) for child in children)
    return deepest


def metrics_size(metrics: Mapping[str, Any]) -> int:
    """Bytes ``metrics`` take as compact JSON, as the sandbox serves them."""
    return len(json.dumps(metrics, separators=(",", ":")).encode("utf-8"))


def json_type(value: object) -> str:
    """The JSON Schema type name of a decoded value, for messages a client developer recognises."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _invalid_type(field: str, expected: str, value: object) -> ApiError:
    return ApiError(
        422, "invalid_type", f"{field} must be {expected}, got {json_type(value)}", field=field
    )


def _invalid_value(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid_value", f"{field} {message}", field=field)


def _required_text(body: Mapping[str, Any], field: str) -> str:
    if field not in body:
        raise ApiError(422, "missing_field", f"{field} is required", field=field)
    return _text(body[field], field)


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise _invalid_type(field, "a string", value)
    if not _NON_BLANK.search(value):
        raise _invalid_value(field, "must not be empty")
    return value


def validate_provision(body: Mapping[str, Any]) -> ProvisionRequest:
    """``DeviceProvisionRequest``: model and serialNumber required and non-empty."""
    model = _required_text(body, "model")
    serial_number = _required_text(body, "serialNumber")
    location = body.get("location")
    if "location" in body and not isinstance(location, str):
        raise _invalid_type("location", "a string", location)
    return ProvisionRequest(model=model, serial_number=serial_number, location=location)


def validate_status_update(body: Mapping[str, Any]) -> StatusUpdate:
    """``DeviceStatusUpdate``: every field optional, but at least one, and each well typed."""
    if not body:
        raise ApiError(422, "empty_update", "nothing to update: give status or metrics")
    status = _text(body["status"], "status") if "status" in body else None
    metrics = _metrics(body["metrics"]) if "metrics" in body else None
    return StatusUpdate(status=status, metrics=metrics)


def _metrics(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _invalid_type("metrics", "an object", value)
    metrics = dict(value)
    if len(metrics) > MAX_METRIC_KEYS:
        raise _invalid_value("metrics", f"must have at most {MAX_METRIC_KEYS} keys")
    for key in metrics:
        if not _NON_BLANK.search(key) or len(key) > MAX_METRIC_KEY_LENGTH:
            raise _invalid_value(
                "metrics", f"keys must be 1 to {MAX_METRIC_KEY_LENGTH} characters, not blank"
            )
    if metrics_size(metrics) > MAX_METRICS_BYTES:
        raise _invalid_value("metrics", f"must take at most {MAX_METRICS_BYTES} bytes as JSON")
    if "pagesTotal" in metrics:
        metrics["pagesTotal"] = _pages_total(metrics["pagesTotal"])
    if "inkLevel" in metrics:
        metrics["inkLevel"] = _ink_level(metrics["inkLevel"])
    return metrics


def _pages_total(value: object) -> int:
    field = "metrics.pagesTotal"
    # JSON Schema counts 5.0 as an integer; a bool is never one, even though Python says so.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid_type(field, "an integer", value)
    if value < PAGES_TOTAL_MIN:
        raise _invalid_value(field, f"must be >= {PAGES_TOTAL_MIN}, got {value}")
    return value


def _ink_level(value: object) -> int | float:
    field = "metrics.inkLevel"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid_type(field, "a number", value)
    if not INK_LEVEL_MIN <= value <= INK_LEVEL_MAX:
        raise _invalid_value(
            field, f"must be between {INK_LEVEL_MIN} and {INK_LEVEL_MAX}, got {value}"
        )
    return value
