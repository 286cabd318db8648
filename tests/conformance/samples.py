"""Schema-valid JSON samples of OpenAPI schemas, each checked with openapi-schema-validator.

The corpus answers every operation with a sample of its documented response and checks the SDK
decodes it and encodes it back to the same JSON. A sample holds every property the schema names
(required or not), one item per array and the first variant of a union that validates, so each
generated decoder and encoder meets every field it has. Formats get values that survive a
round trip through the generated models unchanged (``+00:00``, not ``Z``, for a date-time).

A schema's samples are only as good as the check: :func:`sample` refuses to return a value that
``openapi-schema-validator`` (the OAS 3.0 or 3.1 dialect, per the document) rejects.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from openapi_schema_validator import OAS30Validator, OAS31Validator

FORMATS: dict[str, str] = {
    "date-time": "2024-01-02T03:04:05+00:00",
    "date": "2024-01-02",
    "uuid": "12345678-1234-5678-1234-567812345678",
    "email": "someone@example.com",
    "uri": "https://example.com/a",
    "url": "https://example.com/a",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "aGVsbG8=",
}
MAX_DEPTH = 6


class NoSample(Exception):
    """No schema-valid sample could be made (the message says where)."""


class Sampler:
    """Samples of the schemas of one OpenAPI document (``$ref``s resolved within it)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.v31 = str(document.get("openapi", "3.0")).startswith("3.1")
        self._relaxed: Any = None

    # --- references -------------------------------------------------------------------------

    def pointer(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise NoSample(f"remote $ref {ref}")
        node: Any = self.document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, Mapping) or part not in node:
                raise NoSample(f"dangling $ref {ref}")
            node = node[part]
        return node

    # --- checking ---------------------------------------------------------------------------

    def valid(self, schema: Any, value: Any, *, relaxed: bool = False) -> bool:
        validator = self._validator(schema, relaxed)
        return validator.is_valid(value)

    def errors(self, schema: Any, value: Any) -> list[str]:
        return [error.message for error in self._validator(schema, False).iter_errors(value)]

    def _validator(self, schema: Any, relaxed: bool) -> Any:
        # The schema is checked as a part of the whole document, so its local $refs resolve.
        if relaxed and self._relaxed is None:
            self._relaxed = _relaxed(self.document)
        document = self._relaxed if relaxed else self.document
        root = {key: value for key, value in document.items() if key != "$ref"}
        root["$defs_corpus_schema"] = _relaxed(schema) if relaxed else schema
        cls = OAS31Validator if self.v31 else OAS30Validator
        return cls({**root, "$ref": "#/$defs_corpus_schema"})

    # --- sampling ---------------------------------------------------------------------------

    def sample(self, schema: Any) -> Any:
        """A value of ``schema`` that openapi-schema-validator accepts, else NoSample.

        A ``oneOf`` no value can satisfy as written (two variants that accept the same values,
        or a 3.0 ``const``, which OAS 3.0's JSON Schema draft ignores) is read as ``anyOf``, as
        generators decode it: the first variant that parses wins."""
        candidates = list(self._candidates(schema, (), 0, required=True))
        for relaxed in (False, True):
            for candidate in candidates:
                if self.valid(schema, candidate, relaxed=relaxed):
                    return candidate
        raise NoSample(f"no valid sample for {str(schema)[:120]}")

    def _candidates(
        self, schema: Any, refs: tuple[str, ...], depth: int, *, required: bool
    ) -> Iterator[Any]:
        yield from self._own_candidates(schema, refs, depth, required=required)
        if isinstance(schema, Mapping) and schema.get("nullable"):
            yield None

    def _own_candidates(
        self, schema: Any, refs: tuple[str, ...], depth: int, *, required: bool
    ) -> Iterator[Any]:
        if schema is True or schema == {} or schema is None:
            yield "anything"
            return
        if not isinstance(schema, Mapping):
            raise NoSample(f"not a schema: {schema!r}")
        if "$ref" in schema:
            ref = str(schema["$ref"])
            if ref in refs and not required:
                return
            if refs.count(ref) > 1 or depth > MAX_DEPTH:
                return
            target = self.pointer(ref)
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            if self.v31 and siblings:
                target = {"allOf": [target, siblings]}
            yield from self._candidates(target, (*refs, ref), depth + 1, required=required)
            return
        for key in ("const",):
            if key in schema:
                yield copy.deepcopy(schema[key])
                return
        if schema.get("enum"):
            for value in schema["enum"]:
                yield copy.deepcopy(value)
            return
        if "allOf" in schema:
            yield from self._all_of(schema, refs, depth)
            return
        for key in ("oneOf", "anyOf"):
            if key in schema:
                for variant in schema[key]:
                    yield from self._candidates(variant, refs, depth + 1, required=required)
                return
        yield from self._typed(schema, refs, depth)

    def _types(self, schema: Mapping[str, Any]) -> list[str]:
        declared = schema.get("type")
        if isinstance(declared, list):
            types = [str(t) for t in declared]
        elif isinstance(declared, str):
            types = [declared]
        elif "properties" in schema or "additionalProperties" in schema:
            types = ["object"]
        elif "items" in schema or "prefixItems" in schema:
            types = ["array"]
        else:
            types = ["string"]
        # null last: a nullable property's sample is its value, so the decoder meets the value.
        return sorted(types, key=lambda t: t == "null")

    def _typed(self, schema: Mapping[str, Any], refs: tuple[str, ...], depth: int) -> Iterator[Any]:
        for type_ in self._types(schema):
            if type_ == "object":
                yield from self._object(schema, refs, depth)
            elif type_ == "array":
                yield from self._array(schema, refs, depth)
            elif type_ == "string":
                yield from self._string(schema)
            elif type_ == "integer":
                yield self._number(schema, integer=True)
            elif type_ == "number":
                yield self._number(schema, integer=False)
            elif type_ == "boolean":
                yield True
            elif type_ == "null":
                yield None

    def _string(self, schema: Mapping[str, Any]) -> Iterator[str]:
        format_ = schema.get("format")
        if format_ in FORMATS:
            yield FORMATS[str(format_)]
        for example in _examples(schema):
            if isinstance(example, str):
                yield example
        length = int(schema.get("minLength") or 0)
        yield "x" * max(length, 6) if length else "string"
        yield "a" * max(length, 1)

    def _number(self, schema: Mapping[str, Any], *, integer: bool) -> float | int:
        low = schema.get("minimum")
        high = schema.get("maximum")
        value: float = 1 if integer else 1.5
        if isinstance(low, int | float) and value < low:
            value = low + (1 if schema.get("exclusiveMinimum") is True else 0)
        if isinstance(high, int | float) and value > high:
            value = high - (1 if schema.get("exclusiveMaximum") is True else 0)
        multiple = schema.get("multipleOf")
        if isinstance(multiple, int | float) and multiple:
            value = multiple * max(1, round(value / multiple))
        return int(value) if integer else float(value)

    def _array(self, schema: Mapping[str, Any], refs: tuple[str, ...], depth: int) -> Iterator[Any]:
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list):
            items = [self._first(variant, refs, depth, required=True) for variant in prefix]
            yield items
            return
        minimum = int(schema.get("minItems") or 0)
        count = max(minimum, 1 if depth < MAX_DEPTH else 0)
        if count == 0:
            yield []
            return
        try:
            item = self._first(schema.get("items", {}), refs, depth, required=minimum > 0)
        except NoSample:
            if minimum:
                raise
            yield []
            return
        yield [copy.deepcopy(item) for _ in range(count)]
        if not minimum:
            yield []

    def _object(
        self, schema: Mapping[str, Any], refs: tuple[str, ...], depth: int
    ) -> Iterator[Any]:
        required = set(schema.get("required") or [])
        full: dict[str, Any] = {}
        minimal: dict[str, Any] = {}
        for name, prop in (schema.get("properties") or {}).items():
            needed = name in required
            if isinstance(prop, Mapping) and prop.get("writeOnly") and not needed:
                continue  # never in a response
            try:
                value = self._first(prop, refs, depth, required=needed)
            except NoSample:
                if needed:
                    raise
                continue
            full[name] = value
            if needed:
                minimal[name] = value
        for name in required - set(full):
            full[name] = minimal[name] = "string"
        yield full
        yield minimal

    def _all_of(
        self, schema: Mapping[str, Any], refs: tuple[str, ...], depth: int
    ) -> Iterator[Any]:
        merged: Any = None
        for part in schema["allOf"]:
            value = self._first(part, refs, depth, required=True)
            if isinstance(value, dict) and isinstance(merged, dict):
                merged = {**merged, **value}
            elif merged is None:
                merged = value
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        if rest.get("properties"):
            extra = self._first({**rest, "type": "object"}, refs, depth, required=True)
            merged = {**(merged or {}), **extra}
        yield merged

    def _first(self, schema: Any, refs: tuple[str, ...], depth: int, *, required: bool) -> Any:
        """The first candidate of ``schema`` that validates (a part checked on its own)."""
        candidates = list(self._candidates(schema, refs, depth + 1, required=required))
        for relaxed in (False, True):
            for candidate in candidates:
                if self.valid(schema, candidate, relaxed=relaxed):
                    return candidate
        raise NoSample(f"no valid sample for {str(schema)[:120]}")


def _examples(schema: Mapping[str, Any]) -> list[Any]:
    found = []
    if "example" in schema:
        found.append(schema["example"])
    if isinstance(schema.get("examples"), list):
        found.extend(schema["examples"])
    return found


def _relaxed(schema: Any) -> Any:
    """``schema`` (or a whole document) with every ``oneOf`` read as ``anyOf``."""
    if isinstance(schema, list):
        return [_relaxed(item) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    return {("anyOf" if key == "oneOf" else key): _relaxed(value) for key, value in schema.items()}
