"""Compare two OpenAPI documents and say what changed for code written against the generated SDK.

Regenerating from a new spec can silently rename a function's keyword, drop a model attribute or
change a Python type. This lists every such change on one line, marked ``BREAKING`` when code
that worked with the old generated package can stop working with the new one, else ``safe``.

Whether a change breaks depends on which way the data flows. A model built by the caller
(request side) breaks when it gains a required field or loses one the caller may pass; a model
the SDK decodes (response side) breaks when a field the caller may read goes away or may now be
missing or null. The rules are the ``_BREAKS_ON`` table below. A component schema counts as
request and/or response side according to the operations that reach it (following ``$ref``);
an unreferenced one as both, since its generated class is public either way.

Known simplifications: ``allOf``/``oneOf``/``anyOf`` are compared as a whole (any difference is a
retype); ``additionalProperties``, defaults, ``readOnly``/``writeOnly`` and descriptions are
ignored; only local ``$ref``s (``#/...``) are followed.

Usage: ``python scripts/spec_diff.py OLD NEW [--json] [--fail-on-breaking]``; regenerate.py
imports :func:`diff_specs` and :func:`format_report`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "EXIT_BREAKING",
    "Change",
    "SpecDiffError",
    "diff_specs",
    "format_report",
    "load_spec",
    "parse_spec",
    "summary",
]

EXIT_BREAKING = 3
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
REQUEST, RESPONSE = "request", "response"
BOTH = frozenset({REQUEST, RESPONSE})
# String formats that openapi-python-client maps to another Python type than ``str``; changing to
# or from one of them changes the attribute's type. Other formats (email, int64, ...) do not.
TYPED_FORMATS = frozenset({"date-time", "date", "uuid", "binary"})

# On which side(s) each kind of schema change breaks callers.
_BREAKS_ON: dict[str, frozenset[str]] = {
    "field_added_required": frozenset({REQUEST}),  # the model's constructor needs a new argument
    "field_added_optional": frozenset(),
    "field_removed": BOTH,  # callers passing it (request) or reading it (response)
    "retyped": BOTH,
    "made_required": frozenset({REQUEST}),
    "made_optional": frozenset({RESPONSE}),  # readers may now get UNSET
    "null_allowed": frozenset({RESPONSE}),  # readers may now get None
    "null_disallowed": frozenset({REQUEST}),  # callers passing None are now wrong
    "enum_values_added": frozenset({RESPONSE}),  # readers may meet a value they do not handle
    "enum_values_removed": frozenset({REQUEST}),  # callers may send a value no longer allowed
    "format_changed": frozenset(),  # same Python type
}


class SpecDiffError(Exception):
    """A document could not be read; the message says which and why."""


@dataclass(frozen=True)
class Change:
    """One difference, as one report line."""

    kind: str  # "operation" or "schema"
    subject: str  # "PUT /devices/{id}/status (updateDeviceStatus)" or "PrintDevice"
    detail: str  # "field 'serialNumber' removed"
    breaking: bool
    side: str = ""  # "request", "response", "request and response", "unreferenced" or ""

    def line(self) -> str:
        mark = "BREAKING" if self.breaking else "safe"
        side = f" ({self.side})" if self.side else ""
        return f"{mark:<10}{self.kind} {self.subject}: {self.detail}{side}"


def load_spec(path: Path) -> dict[str, Any]:
    """Read a YAML or JSON OpenAPI document."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecDiffError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return parse_spec(text, str(path))


def parse_spec(text: str, label: str) -> dict[str, Any]:
    """Parse a document's text (YAML is a superset of JSON); ``label`` names it in errors."""
    import yaml

    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecDiffError(f"{label} is not readable YAML/JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise SpecDiffError(f"{label} is not an OpenAPI document (not a mapping)")
    return document


def snake_case(name: str) -> str:
    """Roughly the Python name openapi-python-client derives (``deviceId`` -> ``device_id``)."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()


# --- documents --------------------------------------------------------------------------------


class _Spec:
    """A parsed document with local ``$ref`` resolution."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        components = document.get("components") or {}
        self.schemas: dict[str, Any] = dict(components.get("schemas") or {})

    def resolve(self, node: Any) -> Any:
        """``node`` with ``$ref`` chains followed (a dangling or remote ref stays as it is)."""
        seen: set[str] = set()
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#/"):
                return node
            seen.add(ref)
            target: Any = self.document
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, Mapping) or part not in target:
                    return node
                target = target[part]
            node = target
        return node

    def operations(self) -> dict[tuple[str, str], _Operation]:
        found: dict[tuple[str, str], _Operation] = {}
        for path, item in (self.document.get("paths") or {}).items():
            item = self.resolve(item)
            if not isinstance(item, Mapping):
                continue
            shared = [self.resolve(p) for p in item.get("parameters") or []]
            for method in HTTP_METHODS:
                node = item.get(method)
                if isinstance(node, Mapping):
                    found[(method, str(path))] = _Operation(self, method, str(path), node, shared)
        return found

    def usage(self) -> dict[str, set[str]]:
        """For each component schema name, the sides (request/response) that reach it."""
        sides: dict[str, set[str]] = {}

        def visit(node: Any, side: str) -> None:
            for name in _schema_refs(node):
                if side not in sides.setdefault(name, set()):
                    sides[name].add(side)
                    visit(self.schemas.get(name), side)

        for operation in self.operations().values():
            for parameter in operation.parameters():
                visit(parameter.get("schema"), REQUEST)
            body = operation.request_body()
            if body is not None:
                visit(body.get("content"), REQUEST)
            for response in operation.responses().values():
                visit(response.get("content"), RESPONSE)
        return sides


@dataclass
class _Operation:
    spec: _Spec
    method: str
    path: str
    node: Mapping[str, Any]
    shared_parameters: list[Any] = field(default_factory=list)

    @property
    def operation_id(self) -> str | None:
        value = self.node.get("operationId")
        return str(value) if value is not None else None

    @property
    def function(self) -> str:
        """The generated module and function name: from the operationId, else as the generator
        derives one (``get_devices_device_id``)."""
        if self.operation_id:
            return snake_case(self.operation_id)
        derived = self.path.replace("{", "").replace("}", "").replace("/", "_").strip("_")
        return snake_case(f"{self.method}_{derived}")

    def title(self) -> str:
        name = f" ({self.operation_id})" if self.operation_id else ""
        return f"{self.method.upper()} {self.path}{name}"

    def parameters(self) -> list[Mapping[str, Any]]:
        """Path-level parameters overridden by operation-level ones, as OpenAPI specifies."""
        merged: dict[tuple[str, str], Mapping[str, Any]] = {}
        own = [self.spec.resolve(p) for p in self.node.get("parameters") or []]
        for parameter in [*self.shared_parameters, *own]:
            if isinstance(parameter, Mapping):
                merged[(str(parameter.get("in")), str(parameter.get("name")))] = parameter
        return list(merged.values())

    def path_names(self) -> list[str]:
        return re.findall(r"{([^}]+)}", self.path)

    def request_body(self) -> Mapping[str, Any] | None:
        body = self.spec.resolve(self.node.get("requestBody"))
        return body if isinstance(body, Mapping) else None

    def responses(self) -> dict[str, Mapping[str, Any]]:
        responses = self.node.get("responses") or {}
        resolved = {str(status): self.spec.resolve(r) for status, r in responses.items()}
        return {status: r for status, r in resolved.items() if isinstance(r, Mapping)}


def _schema_refs(node: Any) -> Iterator[str]:
    """Names of the component schemas ``node`` refers to, at any depth."""
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            yield ref.rpartition("/")[2].replace("~1", "/").replace("~0", "~")
        for value in node.values():
            yield from _schema_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schema_refs(value)


def _normalised(path: str) -> str:
    return re.sub(r"{[^}]+}", "{}", path)


# --- schema shapes ----------------------------------------------------------------------------


def _variants(schema: Mapping[str, Any]) -> list[Any] | None:
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list):
            return [v for v in schema[key] if not _is_null(v)]
    return None


def _is_null(schema: Any) -> bool:
    return isinstance(schema, Mapping) and schema.get("type") == "null"


def _nullable(schema: Any) -> bool:
    if not isinstance(schema, Mapping):
        return False
    types = schema.get("type")
    if schema.get("nullable") is True or (isinstance(types, list) and "null" in types):
        return True
    return any(_is_null(v) for key in ("oneOf", "anyOf") for v in schema.get(key) or [])


def _types(schema: Mapping[str, Any]) -> list[str]:
    types = schema.get("type")
    if isinstance(types, str):
        return [] if types == "null" else [types]
    if isinstance(types, list):
        return [str(t) for t in types if t != "null"]
    if "properties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    return []


def _shape(schema: Any) -> str:
    """What decides the generated Python type at this node, ignoring nested detail.

    Two nodes with the same shape are compared further (object properties, array items); with
    different shapes the node is retyped.
    """
    if not isinstance(schema, Mapping):
        return "any"
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return ref.rpartition("/")[2]
    for key in ("allOf", "oneOf", "anyOf"):
        if isinstance(schema.get(key), list):
            variants = [v for v in schema[key] if not _is_null(v)]
            if len(variants) == 1:
                return _shape(variants[0])
            return _describe(schema)
    if "const" in schema:
        return f"const {schema['const']!r}"
    types = _types(schema)
    if not types:
        return "any"
    if len(types) > 1:
        return " | ".join(_primitive(schema, t) for t in types)
    return _primitive(schema, types[0])


def _primitive(schema: Mapping[str, Any], type_: str) -> str:
    fmt = schema.get("format")
    if type_ == "string" and fmt in TYPED_FORMATS:
        return f"string({fmt})"
    return type_


def _describe(schema: Any) -> str:
    """A short human description: ``array of PrintDevice``, ``string(date-time) | null``."""
    if not isinstance(schema, Mapping):
        return "any"
    for key in ("allOf", "oneOf", "anyOf"):
        if isinstance(schema.get(key), list):
            variants = [v for v in schema[key] if not _is_null(v)]
            if len(variants) == 1:
                text = _describe(variants[0])
            else:
                text = f"{key}[{', '.join(_describe(v) for v in variants)}]"
            return f"{text} | null" if _nullable(schema) else text
    text = _shape(schema)
    if text == "array":
        text = f"array of {_describe(schema.get('items'))}"
    return f"{text} | null" if _nullable(schema) else text


def _unwrap(schema: Any) -> Any:
    """The one non-null variant of a ``oneOf``/``anyOf``/``allOf`` wrapper, else ``schema``."""
    if isinstance(schema, Mapping):
        for key in ("allOf", "oneOf", "anyOf"):
            if isinstance(schema.get(key), list):
                variants = [v for v in schema[key] if not _is_null(v)]
                if len(variants) == 1:
                    return _unwrap(variants[0])
    return schema


# --- comparison -------------------------------------------------------------------------------


def _side_label(sides: frozenset[str]) -> str:
    if not sides:
        return "unreferenced"
    return " and ".join(s for s in (REQUEST, RESPONSE) if s in sides)


def _field_name(path: Sequence[str]) -> str:
    text = ""
    for part in path:
        text += part if part == "[]" else (f".{part}" if text else part)
    return text


def _quoted(values: Iterable[Any]) -> str:
    return ", ".join(repr(v) for v in values)


@dataclass(frozen=True)
class _Place:
    """Where a schema node sits: the report line's subject, the side(s) it is used on, and a
    prefix naming the spot within an operation (``request body``, ``query parameter 'limit'``)."""

    kind: str
    subject: str
    sides: frozenset[str]
    prefix: str = ""

    def label(self, path: Sequence[str]) -> str:
        where = _field_name(path)
        return " ".join(part for part in (self.prefix, f"field '{where}'" if where else "") if part)


class _Differ:
    def __init__(self, old: _Spec, new: _Spec) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []

    # schemas

    def schema_change(self, place: _Place, path: Sequence[str], event: str, detail: str) -> None:
        label = place.label(path)
        judged = place.sides or BOTH  # an unreferenced model is still public: judge both ways
        breaking = bool(_BREAKS_ON[event] & judged)
        text = f"{label} {detail}" if label else detail
        side = _side_label(place.sides)
        self.changes.append(Change(place.kind, place.subject, text, breaking, side))

    def compare_schema(self, old: Any, new: Any, place: _Place, path: tuple[str, ...] = ()) -> None:
        """Compare two schema nodes; named component schemas behind ``$ref`` are not entered
        (each is compared once on its own), inline objects and array items are."""

        def report(event: str, detail: str) -> None:
            self.schema_change(place, path, event, detail)

        old_shape, new_shape = _shape(old), _shape(new)
        if old_shape != new_shape:
            report("retyped", f"retyped: {_describe(old)} -> {_describe(new)}")
            return
        if _nullable(old) != _nullable(new):
            if _nullable(new):
                report("null_allowed", "now allows null")
            else:
                report("null_disallowed", "no longer allows null")
        old, new = _unwrap(old), _unwrap(new)
        if not isinstance(old, Mapping) or not isinstance(new, Mapping) or "$ref" in old:
            return
        old_format, new_format = old.get("format"), new.get("format")
        if old_format != new_format:  # a typed format would have changed the shape
            report("format_changed", f"format changed: {old_format} -> {new_format}")
        old_enum, new_enum = old.get("enum"), new.get("enum")
        if isinstance(old_enum, list) or isinstance(new_enum, list):
            before, after = list(old_enum or []), list(new_enum or [])
            if not isinstance(old_enum, list):
                report("enum_values_removed", f"restricted to values {_quoted(after)}")
            elif not isinstance(new_enum, list):
                report("enum_values_added", "no longer restricted to enum values")
            else:
                added = [v for v in after if v not in before]
                removed = [v for v in before if v not in after]
                if added:
                    report("enum_values_added", f"enum values added: {_quoted(added)}")
                if removed:
                    report("enum_values_removed", f"enum values removed: {_quoted(removed)}")
        if old_shape == "array":
            self.compare_schema(old.get("items"), new.get("items"), place, (*path, "[]"))
        elif old_shape == "object":
            self.compare_properties(old, new, place, path)

    def compare_properties(
        self, old: Mapping[str, Any], new: Mapping[str, Any], place: _Place, path: tuple[str, ...]
    ) -> None:
        old_props = dict(old.get("properties") or {})
        new_props = dict(new.get("properties") or {})
        old_required = set(old.get("required") or [])
        new_required = set(new.get("required") or [])

        def report(event: str, name: str, detail: str) -> None:
            self.schema_change(place, (*path, name), event, detail)

        for name in [n for n in new_props if n not in old_props]:
            required = name in new_required
            event = "field_added_required" if required else "field_added_optional"
            necessity = "required" if required else "optional"
            report(event, name, f"added: {necessity} {_describe(new_props[name])}")
        for name in [n for n in old_props if n not in new_props]:
            report("field_removed", name, "removed")
        for name in [n for n in old_props if n in new_props]:
            if name in new_required and name not in old_required:
                report("made_required", name, "is now required")
            elif name in old_required and name not in new_required:
                report("made_optional", name, "is now optional")
            self.compare_schema(old_props[name], new_props[name], place, (*path, name))

    def compare_components(self) -> None:
        old_usage, new_usage = self.old.usage(), self.new.usage()
        for name in sorted(self.old.schemas.keys() | self.new.schemas.keys()):
            sides = frozenset(old_usage.get(name, set()) | new_usage.get(name, set()))
            if name not in self.old.schemas:
                self.changes.append(Change("schema", name, "added", False, _side_label(sides)))
            elif name not in self.new.schemas:
                detail = "removed: its model class goes"
                self.changes.append(Change("schema", name, detail, True, _side_label(sides)))
            else:
                place = _Place("schema", name, sides)
                self.compare_schema(self.old.schemas[name], self.new.schemas[name], place)

    # operations

    def op_change(self, operation: _Operation, detail: str, breaking: bool, side: str) -> None:
        self.changes.append(Change("operation", operation.title(), detail, breaking, side))

    def compare_operations(self) -> None:
        old_ops, new_ops = self.old.operations(), self.new.operations()
        pairs: list[tuple[_Operation, _Operation]] = []
        # Match by generated function name first (from the operationId): it is what callers use.
        new_by_function = {op.function: key for key, op in new_ops.items()}
        for key, op in list(old_ops.items()):
            match = new_by_function.get(op.function)
            if match in new_ops:
                pairs.append((op, new_ops.pop(match)))
                del old_ops[key]
        # Then by method and path shape: the same endpoint under a new operationId.
        by_route = {(m, _normalised(p)): (m, p) for (m, p) in new_ops}
        for (method, path), op in list(old_ops.items()):
            route = (method, _normalised(path))
            if route in by_route and by_route[route] in new_ops:
                pairs.append((op, new_ops.pop(by_route[route])))
                del old_ops[(method, path)]
        for op in old_ops.values():
            self.op_change(op, "removed: its generated function goes", True, "")
        for op in new_ops.values():
            self.op_change(op, "added", False, "")
        for old, new in pairs:
            self.compare_operation(old, new)
        # By path, then method; sort is stable, so each operation's own changes keep their order.
        self.changes.sort(key=lambda c: (c.subject.split(" ")[1], c.subject.split(" ")[0]))

    def compare_operation(self, old: _Operation, new: _Operation) -> None:
        if old.operation_id != new.operation_id:
            was, now = old.operation_id or "(none)", new.operation_id or "(none)"
            renamed = old.function != new.function
            effect = (
                f"generated function {old.function} becomes {new.function}"
                if renamed
                else f"generated function {new.function} keeps its name"
            )
            self.op_change(
                new, f"operationId changed from '{was}' to '{now}': {effect}", renamed, ""
            )
        if old.method != new.method:
            self.op_change(new, f"method changed from {old.method.upper()}", False, "")
        if _normalised(old.path) != _normalised(new.path):
            self.op_change(new, f"path changed from {old.path}", False, "")
        self.compare_parameters(old, new)
        self.compare_request_body(old, new)
        self.compare_responses(old, new)

    def compare_parameters(self, old: _Operation, new: _Operation) -> None:
        request = frozenset({REQUEST})
        old_params = {(str(p.get("in")), str(p.get("name"))): p for p in old.parameters()}
        new_params = {(str(p.get("in")), str(p.get("name"))): p for p in new.parameters()}
        # Path parameters are positional in the generated functions: match them by position,
        # so a rename shows as one (breaking: the keyword changes), not a removal plus an addition.
        old_path, new_path = old.path_names(), new.path_names()
        for index in range(max(len(old_path), len(new_path))):
            was = old_path[index] if index < len(old_path) else None
            now = new_path[index] if index < len(new_path) else None
            if was is None and now is not None:
                self.op_change(
                    new, f"path parameter '{now}' added: a new required argument", True, REQUEST
                )
            elif was is not None and now is None:
                self.op_change(new, f"path parameter '{was}' removed", True, REQUEST)
            elif was is not None and now is not None:
                if was != now:
                    self.op_change(
                        new,
                        f"path parameter '{was}' renamed to '{now}': keyword "
                        f"{snake_case(was)}= becomes {snake_case(now)}=",
                        True,
                        REQUEST,
                    )
                self.compare_schema(
                    old_params.get(("path", was), {}).get("schema"),
                    new_params.get(("path", now), {}).get("schema"),
                    _Place("operation", new.title(), request, f"path parameter '{now}'"),
                )
        for key in [k for k in new_params if k not in old_params and k[0] != "path"]:
            required = bool(new_params[key].get("required"))
            necessity = "required" if required else "optional"
            self.op_change(
                new,
                f"{key[0]} parameter '{key[1]}' added: {necessity} "
                f"{_describe(new_params[key].get('schema'))}",
                required,
                REQUEST,
            )
        for key in [k for k in old_params if k not in new_params and k[0] != "path"]:
            self.op_change(new, f"{key[0]} parameter '{key[1]}' removed", True, REQUEST)
        for key in [k for k in old_params if k in new_params and k[0] != "path"]:
            was_required = bool(old_params[key].get("required"))
            now_required = bool(new_params[key].get("required"))
            if was_required != now_required:
                state = "required" if now_required else "optional"
                self.op_change(
                    new, f"{key[0]} parameter '{key[1]}' is now {state}", now_required, REQUEST
                )
            self.compare_schema(
                old_params[key].get("schema"),
                new_params[key].get("schema"),
                _Place("operation", new.title(), request, f"{key[0]} parameter '{key[1]}'"),
            )

    def compare_request_body(self, old: _Operation, new: _Operation) -> None:
        before, after = old.request_body(), new.request_body()
        if before is None and after is None:
            return
        if before is None and after is not None:
            required = bool(after.get("required"))
            necessity = "required" if required else "optional"
            self.op_change(
                new, f"request body added, {necessity}{self._body_text(after)}", required, REQUEST
            )
            return
        if after is None:
            self.op_change(new, "request body removed", True, REQUEST)
            return
        assert before is not None
        if bool(before.get("required")) != bool(after.get("required")):
            now_required = bool(after.get("required"))
            state = "required" if now_required else "optional"
            self.op_change(new, f"request body is now {state}", now_required, REQUEST)
        self.compare_content(new, before, after, "request body", frozenset({REQUEST}))

    def compare_responses(self, old: _Operation, new: _Operation) -> None:
        before, after = old.responses(), new.responses()
        for status in [s for s in after if s not in before]:
            body = self._body_text(after[status])
            self.op_change(new, f"response {status} added{body}", False, RESPONSE)
        for status in [s for s in before if s not in after]:
            self.op_change(new, f"response {status} removed", True, RESPONSE)
        for status in [s for s in before if s in after]:
            self.compare_content(
                new, before[status], after[status], f"response {status} body", frozenset({RESPONSE})
            )

    @staticmethod
    def _body_text(node: Mapping[str, Any]) -> str:
        """``: PrintDevice``: the body schema(s) of a request body or response, if it has any."""
        content = node.get("content") or {}
        schemas = [_describe((media or {}).get("schema")) for media in content.values()]
        return f": {', '.join(schemas)}" if schemas else ""

    def compare_content(
        self,
        operation: _Operation,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        label: str,
        sides: frozenset[str],
    ) -> None:
        side = _side_label(sides)
        before = dict(old.get("content") or {})
        after = dict(new.get("content") or {})
        if before and not after:
            self.op_change(operation, f"{label} removed", True, side)
            return
        if after and not before:
            # A request body is handled by compare_request_body; a response gains a parsed model.
            self.op_change(operation, f"{label} added{self._body_text(new)}", False, side)
            return
        for media in [m for m in after if m not in before]:
            self.op_change(operation, f"{label} media type {media} added", False, side)
        for media in [m for m in before if m not in after]:
            self.op_change(operation, f"{label} media type {media} removed", True, side)
        for media in [m for m in before if m in after]:
            self.compare_schema(
                (before[media] or {}).get("schema"),
                (after[media] or {}).get("schema"),
                _Place("operation", operation.title(), sides, label),
            )


def diff_specs(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every change from ``old`` to ``new``: operations (by path), then schemas (by name)."""
    differ = _Differ(_Spec(old), _Spec(new))
    differ.compare_operations()
    differ.compare_components()
    return differ.changes


def summary(changes: Sequence[Change]) -> str:
    if not changes:
        return "no changes"
    breaking = sum(change.breaking for change in changes)
    noun = "change" if len(changes) == 1 else "changes"
    return f"{len(changes)} {noun}: {breaking} breaking, {len(changes) - breaking} safe"


def format_report(changes: Sequence[Change], old_label: str, new_label: str) -> str:
    """The human report: a heading, one line per change, and the summary line."""
    lines = [f"spec changes from {old_label} to {new_label}:"]
    lines += [change.line() for change in changes]
    lines.append(summary(changes))
    return "\n".join(lines)


def report_json(changes: Sequence[Change], old_label: str, new_label: str) -> str:
    return json.dumps(
        {
            "old": old_label,
            "new": new_label,
            "total": len(changes),
            "breaking": sum(change.breaking for change in changes),
            "changes": [asdict(change) for change in changes],
        },
        indent=2,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="the baseline OpenAPI document")
    parser.add_argument("new", type=Path, help="the changed OpenAPI document")
    parser.add_argument("--json", action="store_true", help="print the changes as JSON")
    parser.add_argument(
        "--fail-on-breaking",
        action="store_true",
        help=f"exit {EXIT_BREAKING} when any change is breaking",
    )
    args = parser.parse_args(argv)
    try:
        old, new = load_spec(args.old), load_spec(args.new)
    except SpecDiffError as exc:
        print(f"spec_diff: {exc}", file=sys.stderr)
        return 2
    changes = diff_specs(old, new)
    render = report_json if args.json else format_report
    print(render(changes, str(args.old), str(args.new)))
    if args.fail_on_breaking and any(change.breaking for change in changes):
        return EXIT_BREAKING
    return 0


if __name__ == "__main__":
    sys.exit(main())
