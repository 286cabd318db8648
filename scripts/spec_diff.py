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

Each change also carries ``sdk`` lines: the same change in the words of an SDK user, which the
CHANGELOG uses (release.py). The generated client has one resource per tag (``client.devices``)
with one method per operation, named by :func:`method_name`; an object request body becomes the
method's keyword arguments. So a removed request field reads "``client.devices.provision(
location=...)``: keyword ``location=`` removed", and a method renamed by a new tag or by a new
sibling operation with a colliding name is reported as BREAKING.

Known simplifications: ``allOf``/``oneOf``/``anyOf`` are compared as a whole (any difference is a
retype); ``additionalProperties``, defaults, ``readOnly``/``writeOnly`` and descriptions are
ignored; only local ``$ref``s (``#/...``) are followed.

Usage: ``python scripts/spec_diff.py OLD NEW [--json] [--fail-on-breaking]``; regenerate.py
imports :func:`diff_specs` and :func:`format_report`.
"""

from __future__ import annotations

import argparse
import builtins
import json
import keyword
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
    "method_name",
    "parse_spec",
    "python_identifier",
    "resource_name",
    "snake_case",
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
    # The same change in the words of an SDK user (method calls, keywords, model attributes),
    # for the CHANGELOG: one line per place a caller meets it. Not part of the report line.
    sdk: tuple[str, ...] = field(default=(), compare=False)
    # Something new that breaks nothing (an operation, an optional keyword or field): the
    # CHANGELOG's "Added" rather than "Changed".
    addition: bool = field(default=False, compare=False)

    def section(self) -> str:
        """The CHANGELOG section: ``Breaking``, ``Added`` or ``Changed``."""
        if self.breaking:
            return "Breaking"
        return "Added" if self.addition else "Changed"

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


# --- names as the generated SDK spells them ---------------------------------------------------

_DELIMITERS = ". _-"
# openapi-python-client appends "_" to these names (``type`` -> ``type_``); ``id`` it keeps.
_RESERVED = (set(dir(builtins)) | {"self", "true", "false", "datetime"}) - {"id"}


def _sanitize(value: str) -> str:
    return "".join(c for c in value if c.isidentifier() or c.isdecimal() or c in _DELIMITERS)


def snake_case(name: str) -> str:
    """openapi-python-client's ``snake_case``: split into words on case changes and on the
    delimiters ``. _-`` (other punctuation is dropped), lower them and join with ``_``.

    ``deviceId`` -> ``device_id``, ``updateDeviceStatus`` -> ``update_device_status``,
    ``HTTPServer`` -> ``http_server``.
    """
    value = _sanitize(name)
    if any(c.isupper() for c in value):
        value = " ".join(re.split("([A-Z]?[a-z]+)", value))
    return "_".join(re.findall(r"[^. _\-]+", value)).lower()


def python_identifier(name: str, prefix: str = "field_") -> str:
    """The argument or attribute name the generator gives a parameter or property: its snake
    case, with ``_`` appended to a reserved word and ``prefix`` put before anything that is
    still not an identifier (``serialNumber`` -> ``serial_number``, ``type`` -> ``type_``)."""
    value = _sanitize(name)
    leading_underscore = value.startswith("_")
    value = snake_case(value)
    if value in _RESERVED or keyword.iskeyword(value):
        value = f"{value}_"
    if not value.isidentifier() or leading_underscore:
        value = f"{prefix}{value}"
    return value


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return f"{word[:-3]}y"
    return word[:-1] if word.endswith("s") else word


def _plural(word: str) -> str:
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        return f"{word[:-1]}ies"
    return f"{word}s"


def _without_tag_words(tag: str, operation_id: str) -> str:
    tag_words = snake_case(tag).split("_")
    forms = {form for word in tag_words for form in (word, _singular(word), _plural(word))}
    return "_".join(w for w in snake_case(operation_id).split("_") if w and w not in forms)


def _template_names(name: str) -> frozenset[str]:
    """Names the templates reserve, read from ``openapi/templates/resource_helpers.jinja``.

    That file is the one place they are written (``{% set NAME = [...] %}``); this module follows
    the same naming rule, so it reads them from there.
    """
    text = _HELPERS.read_text(encoding="utf-8")
    match = re.search(rf"{{% set {name} = (\[[^\]]*\]) %}}", text)
    if match is None:
        raise SpecDiffError(f"{_HELPERS} does not define {name}")
    return frozenset(json.loads(match[1]))


_HELPERS = Path(__file__).resolve().parent.parent / "openapi/templates/resource_helpers.jinja"
# The client's own attributes besides its resources, and the names a resource method cannot take.
CLIENT_MEMBERS = _template_names("CLIENT_MEMBERS")
MODULE_NAMES = _template_names("MODULE_NAMES")


def _free(name: str, taken: Iterable[str]) -> str:
    """``name``, with ``_`` appended while it is in ``taken``."""
    taken = set(taken)
    while name in taken:
        name = f"{name}_"
    return name


def method_name(tag: str, operation_id: str, sibling_operation_ids: Iterable[str]) -> str:
    """The name of an operation's method on its resource (``client.<resource_name(tag)>``).

    The rule, shared with the generator's resource template (resource_helpers.jinja): take the
    operationId in snake case (:func:`snake_case`) and drop every word that is a word of the tag's
    snake-cased name, in that word's own, singular or plural form. A word's singular: ``...ies``
    -> ``...y``, else a trailing ``s`` dropped; its plural: consonant + ``y`` -> ``...ies``, else
    ``+ s``. So under tag ``Devices``: ``listDevices`` -> ``list``, ``provisionDevice`` ->
    ``provision``, ``updateDeviceStatus`` -> ``update_status``, ``getDevice`` -> ``get``.

    The whole operationId as a Python name (:func:`python_identifier`: ``import`` -> ``import_``)
    is used instead when the shortened name is empty, is a Python keyword, is not an identifier,
    is one of the names a resource module needs (``MODULE_NAMES``: ``with_raw_response``,
    ``httpx``, ``str``, ...), or when another operation of the same tag
    (``sibling_operation_ids``; the operation's own id may be among them) shortens to the same
    name: then each of them keeps its whole name (with ``_`` appended while that is in
    ``MODULE_NAMES``). The tag is the operation's first tag, or ``default`` for an operation
    without tags; the caller passes that.
    """
    short = _without_tag_words(tag, operation_id)
    whole = _free(python_identifier(operation_id), MODULE_NAMES)
    if not short or keyword.iskeyword(short) or not short.isidentifier() or short in MODULE_NAMES:
        return whole
    others = [other for other in sibling_operation_ids if other != operation_id]
    if any(_without_tag_words(tag, other) == short for other in others):
        return whole
    return short


def resource_name(tag: str) -> str:
    """The client attribute of a tag's resource: ``Devices`` -> ``devices``.

    The generator's Python name of the tag (snake case, ``_`` after a keyword or builtin:
    ``list`` -> ``list_``), with ``_`` appended while it is one of the client's own members
    (``CLIENT_MEMBERS``: ``request`` -> ``request_``).
    """
    return _free(python_identifier(tag, prefix="tag"), CLIENT_MEMBERS)


# --- documents --------------------------------------------------------------------------------


class _Spec:
    """A parsed document with local ``$ref`` resolution."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        components = document.get("components") or {}
        self.schemas: dict[str, Any] = dict(components.get("schemas") or {})
        self._calls: dict[tuple[str, str], str] | None = None

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

    def call(self, operation: _Operation) -> str:
        """``client.devices.get``: how an SDK user reaches ``operation``."""
        if self._calls is None:
            operations = self.operations()
            by_tag: dict[str, list[str]] = {}
            for op in operations.values():
                by_tag.setdefault(op.tag, []).append(op.name)
            self._calls = {}
            for key, op in operations.items():
                method = method_name(op.tag, op.name, by_tag[op.tag])
                self._calls[key] = f"client.{resource_name(op.tag)}.{method}"
        return self._calls.get((operation.method, operation.path), f"client.{operation.function}")

    def flattened(self, name: str) -> list[_Operation]:
        """The operations whose request body is the object schema ``name``: its properties are
        their keyword arguments."""
        found = []
        for op in self.operations().values():
            if op.body_schema_name() == name and op.body_properties() is not None:
                found.append(op)
        return found

    def public_model(self, name: str) -> bool:
        """Whether SDK users meet schema ``name`` as a model class, not only as the keyword
        arguments of the operations that take it as their request body (or when nothing
        refers to it at all: its class is public anyway)."""
        references = sum(1 for ref in _schema_refs(self.document) if ref == name)
        return references == 0 or references > len(self.flattened(name))

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

    @property
    def tag(self) -> str:
        """The operation's first tag (its resource), ``default`` when it has none."""
        tags = self.node.get("tags")
        return str(tags[0]) if isinstance(tags, list) and tags else "default"

    @property
    def name(self) -> str:
        """The operationId, else the name the generator derives for its function."""
        return self.operation_id or self.function

    def title(self) -> str:
        name = f" ({self.operation_id})" if self.operation_id else ""
        return f"{self.method.upper()} {self.path}{name}"

    def route(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def body_schema(self) -> Any:
        body = self.request_body()
        for media in (body or {}).get("content", {}).values():
            if isinstance(media, Mapping):
                return media.get("schema")
        return None

    def body_schema_name(self) -> str | None:
        """The component schema the request body refers to directly, if it does."""
        schema = self.body_schema()
        names = (
            list(_schema_refs({"$ref": schema.get("$ref")})) if isinstance(schema, Mapping) else []
        )
        return names[0] if names else None

    def body_properties(self) -> list[str] | None:
        """The request body's property names when it is an object (the generated method takes
        them as keyword arguments), else None."""
        if self.request_body() is None:
            return None
        schema = _unwrap(self.spec.resolve(self.body_schema()))
        if isinstance(schema, Mapping) and "$ref" in schema:
            schema = self.spec.resolve(schema)
        if _shape(schema) != "object":
            return None
        return [str(name) for name in (schema.get("properties") or {})]

    def arguments(self) -> str:
        """The generated method's arguments: ``device_id, status=..., pages_total=...``."""
        parts = [python_identifier(name) for name in self.path_names()]
        parts += [
            f"{python_identifier(str(parameter.get('name')))}=..."
            for parameter in self.parameters()
            if parameter.get("in") != "path"
        ]
        if self.request_body() is not None:
            properties = self.body_properties()
            if properties is None:
                parts.append("body=...")
            else:
                parts += [f"{python_identifier(name)}=..." for name in properties]
        return ", ".join(parts)

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

# Schema events that add something: when they break nothing, the CHANGELOG lists them as "Added".
ADDITIONS = frozenset({"field_added_optional", "field_added_required", "enum_values_added"})


def _body_words(operation: _Operation, path: Sequence[str], detail: str) -> str:
    """A change inside ``operation``'s request body, as its keyword arguments."""
    call = operation.spec.call(operation)
    if not path:
        return f"`{call}({operation.arguments()})`: request body {detail}"
    if operation.body_properties() is None:
        return f"`{call}(body=...)`: `body.{_attribute(path)}` {detail}"
    argument = python_identifier(path[0])
    if len(path) == 1:
        return f"`{call}({argument}=...)`: keyword `{argument}=` {detail}"
    return f"`{call}({argument}=...)`: `{_attribute(path)}` {detail}"


def _side_label(sides: frozenset[str]) -> str:
    if not sides:
        return "unreferenced"
    return " and ".join(s for s in (REQUEST, RESPONSE) if s in sides)


def _field_name(path: Sequence[str]) -> str:
    text = ""
    for part in path:
        text += part if part == "[]" else (f".{part}" if text else part)
    return text


def _attribute(path: Sequence[str]) -> str:
    """A field path as the generated attributes spell it: ``metrics.ink_level``, ``devices[]``."""
    return _field_name([part if part == "[]" else python_identifier(part) for part in path])


def _compact(value: Any) -> str:
    """A value on one line, keys sorted: ``{"inkLevel": "ink_level"}``."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


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
    operation: _Operation | None = None  # the operation an inline schema belongs to
    model: str | None = None  # the component schema

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
        addition = not breaking and event in ADDITIONS
        sdk = self.schema_words(place, path, detail)
        self.changes.append(Change(place.kind, place.subject, text, breaking, side, sdk, addition))

    def schema_words(self, place: _Place, path: Sequence[str], detail: str) -> tuple[str, ...]:
        """A schema change as SDK users meet it: as keyword arguments of the operations whose
        request body the schema is, as a model attribute, as a parameter, or in a result."""
        if place.model is not None:
            lines = [_body_words(op, path, detail) for op in self.new.flattened(place.model)]
            if not lines or self.new.public_model(place.model):
                attribute = _attribute(path)
                model = place.model
                lines.append(
                    f"`{model}.{attribute}` {detail}" if attribute else f"model `{model}`: {detail}"
                )
            return tuple(lines)
        operation = place.operation
        if operation is None:
            return ()
        call = operation.spec.call(operation)
        inner = f" `{_attribute(path)}`" if path else ""
        if place.prefix == "request body":
            return (_body_words(operation, path, detail),)
        where, found, quoted = place.prefix.partition(" parameter '")
        if found:
            name = python_identifier(quoted.rstrip("'"))
            if where == "path":
                return (f"`{call}({operation.arguments()})`: argument `{name}`{inner} {detail}",)
            return (f"`{call}({name}=...)`: keyword `{name}=`{inner} {detail}",)
        status = place.prefix.split()[1] if place.prefix.startswith("response ") else ""
        result = f"attribute `{_attribute(path)}` of its {status} result" if path else "result"
        return (f"`{call}()`: {result} {detail}",)

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
                words = (f"model `{name}` added",)
                self.changes.append(
                    Change("schema", name, "added", False, _side_label(sides), words, True)
                )
            elif name not in self.new.schemas:
                detail = "removed: its model class goes"
                words = (f"model `{name}` removed",)
                self.changes.append(Change("schema", name, detail, True, _side_label(sides), words))
            else:
                place = _Place("schema", name, sides, model=name)
                self.compare_schema(self.old.schemas[name], self.new.schemas[name], place)

    # operations

    def op_change(
        self,
        operation: _Operation,
        detail: str,
        breaking: bool,
        side: str,
        words: str | None = None,
        addition: bool = False,
    ) -> None:
        """Record a change of ``operation``; ``words`` says it to SDK users (default: the
        method, then the detail)."""
        if words is None:
            words = f"`{operation.spec.call(operation)}()`: {detail}"
        change = Change(
            "operation",
            operation.title(),
            detail,
            breaking,
            side,
            (words,),
            addition and not breaking,
        )
        self.changes.append(change)

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
            words = f"`{op.spec.call(op)}({op.arguments()})` removed ({op.route()})"
            self.op_change(op, "removed: its generated function goes", True, "", words)
        for op in new_ops.values():
            words = f"`{op.spec.call(op)}({op.arguments()})` added ({op.route()})"
            self.op_change(op, "added", False, "", words, addition=True)
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
            words = f"`{new.spec.call(new)}()`: operationId changed from '{was}' to '{now}'"
            if renamed:
                words += f"; its low-level function `{old.function}` is now `{new.function}`"
            self.op_change(
                new, f"operationId changed from '{was}' to '{now}': {effect}", renamed, "", words
            )
        was_call, now_call = old.spec.call(old), new.spec.call(new)
        if was_call != now_call:
            # Another tag, or a sibling operation whose name now collides (see method_name).
            self.op_change(
                new,
                f"SDK method {was_call} becomes {now_call}",
                True,
                "",
                f"`{was_call}()` is now `{now_call}()`",
            )
        if old.method != new.method:
            words = f"`{now_call}()` now sends {new.method.upper()} (was {old.method.upper()})"
            self.op_change(new, f"method changed from {old.method.upper()}", False, "", words)
        if _normalised(old.path) != _normalised(new.path):
            words = f"`{now_call}()` now calls {new.path} (was {old.path})"
            self.op_change(new, f"path changed from {old.path}", False, "", words)
        self.compare_parameters(old, new)
        self.compare_request_body(old, new)
        self.compare_responses(old, new)
        self.compare_conventions(old, new)

    def compare_conventions(self, old: _Operation, new: _Operation) -> None:
        """The SDK's conventions for an operation (the overlay's ``x-printos-*`` extensions, see
        openapi/README.md) decide its method's keywords and result, so a change of one is
        breaking."""
        names = {str(k) for k in (*old.node, *new.node) if str(k).startswith("x-printos-")}
        for name in sorted(names):
            was, now = old.node.get(name), new.node.get(name)
            if was == now:
                continue
            if was is None:
                detail = f"SDK convention {name} added: {_compact(now)}"
            elif now is None:
                detail = f"SDK convention {name} removed (was {_compact(was)})"
            else:
                detail = f"SDK convention {name} changed from {_compact(was)} to {_compact(now)}"
            self.op_change(new, detail, True, "", f"`{new.spec.call(new)}()`: {detail}")

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
            signature = f"`{new.spec.call(new)}({new.arguments()})`"
            if was is None and now is not None:
                self.op_change(
                    new,
                    f"path parameter '{now}' added: a new required argument",
                    True,
                    REQUEST,
                    f"{signature}: new positional argument `{python_identifier(now)}`",
                )
            elif was is not None and now is None:
                self.op_change(
                    new,
                    f"path parameter '{was}' removed",
                    True,
                    REQUEST,
                    f"{signature}: positional argument `{python_identifier(was)}` removed",
                )
            elif was is not None and now is not None:
                if was != now:
                    self.op_change(
                        new,
                        f"path parameter '{was}' renamed to '{now}': keyword "
                        f"{snake_case(was)}= becomes {snake_case(now)}=",
                        True,
                        REQUEST,
                        f"{signature}: argument `{python_identifier(was)}` renamed to "
                        f"`{python_identifier(now)}`",
                    )
                self.compare_schema(
                    old_params.get(("path", was), {}).get("schema"),
                    new_params.get(("path", now), {}).get("schema"),
                    _Place(
                        "operation", new.title(), request, f"path parameter '{now}'", operation=new
                    ),
                )
        call = new.spec.call(new)

        def keyword(name: str) -> str:
            argument = python_identifier(name)
            return f"`{call}({argument}=...)`: keyword `{argument}=`"

        for key in [k for k in new_params if k not in old_params and k[0] != "path"]:
            required = bool(new_params[key].get("required"))
            necessity = "required" if required else "optional"
            what = f"{necessity} {_describe(new_params[key].get('schema'))}"
            self.op_change(
                new,
                f"{key[0]} parameter '{key[1]}' added: {what}",
                required,
                REQUEST,
                f"{keyword(key[1])} added: {what} ({key[0]} parameter '{key[1]}')",
                addition=True,
            )
        for key in [k for k in old_params if k not in new_params and k[0] != "path"]:
            self.op_change(
                new,
                f"{key[0]} parameter '{key[1]}' removed",
                True,
                REQUEST,
                f"{keyword(key[1])} removed",
            )
        for key in [k for k in old_params if k in new_params and k[0] != "path"]:
            was_required = bool(old_params[key].get("required"))
            now_required = bool(new_params[key].get("required"))
            if was_required != now_required:
                state = "required" if now_required else "optional"
                self.op_change(
                    new,
                    f"{key[0]} parameter '{key[1]}' is now {state}",
                    now_required,
                    REQUEST,
                    f"{keyword(key[1])} is now {state}",
                )
            self.compare_schema(
                old_params[key].get("schema"),
                new_params[key].get("schema"),
                _Place(
                    "operation",
                    new.title(),
                    request,
                    f"{key[0]} parameter '{key[1]}'",
                    operation=new,
                ),
            )

    def compare_request_body(self, old: _Operation, new: _Operation) -> None:
        before, after = old.request_body(), new.request_body()
        if before is None and after is None:
            return
        if before is None and after is not None:
            required = bool(after.get("required"))
            necessity = "required" if required else "optional"
            detail = f"request body added, {necessity}{self._body_text(after)}"
            words = f"`{new.spec.call(new)}({new.arguments()})`: {detail}"
            self.op_change(new, detail, required, REQUEST, words, addition=True)
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
            self.op_change(new, f"response {status} added{body}", False, RESPONSE, addition=True)
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
            detail = f"{label} added{self._body_text(new)}"
            self.op_change(operation, detail, False, side, addition=True)
            return
        for media in [m for m in after if m not in before]:
            detail = f"{label} media type {media} added"
            self.op_change(operation, detail, False, side, addition=True)
        for media in [m for m in before if m not in after]:
            self.op_change(operation, f"{label} media type {media} removed", True, side)
        for media in [m for m in before if m in after]:
            self.compare_schema(
                (before[media] or {}).get("schema"),
                (after[media] or {}).get("schema"),
                _Place("operation", operation.title(), sides, label, operation=operation),
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


def _json_fields(items: list[tuple[str, Any]]) -> dict[str, Any]:
    return {
        key: list(value) if key == "sdk" else value for key, value in items if key != "addition"
    }


def report_json(changes: Sequence[Change], old_label: str, new_label: str) -> str:
    return json.dumps(
        {
            "old": old_label,
            "new": new_label,
            "total": len(changes),
            "breaking": sum(change.breaking for change in changes),
            "changes": [
                {**asdict(change, dict_factory=_json_fields), "section": change.section()}
                for change in changes
            ],
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
