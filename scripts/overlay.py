"""Apply an OpenAPI Overlay 1.0 document to an OpenAPI description: the effective spec.

Usage: ``python scripts/overlay.py SPEC OVERLAY [-o OUT]`` (stdout without ``-o``; JSON when OUT
ends in ``.json``, else YAML).

Semantics, from the OpenAPI Initiative's Overlay Specification 1.0.0 (with the merge rules 1.1.0
spelled out, which 1.0.0 only calls "recursively merged"):

* actions run in order, each on the result of the previous one;
* ``target`` is an RFC 9535 JSONPath query (the ``jsonpath-rfc9535`` library evaluates it) and
  must select objects or arrays;
* ``update`` on an object merges recursively: a property only in the update is added, an object
  meets an object by merging, an array meets an array by concatenation, a primitive replaces a
  primitive; any other pairing (an object over a string, say) is an error. ``update`` on an array
  appends the value as one entry;
* ``remove: true`` removes every selected node from its parent (``update`` is then ignored).

One deliberate strictness beyond the specification, which lets a zero-match action pass: **an
action whose target selects nothing is an error naming the action** (its number and
description). An overlay written for HP's spec goes stale when HP renames something; silently
skipping the action would drop what it said without anyone noticing.

The output keeps the spec's key order, with added keys after the existing ones, so the same
inputs always give the same bytes.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "OverlayError",
    "apply_overlay",
    "dump_document",
    "effective_spec",
    "load_document",
    "parse_document",
]

_VERSION = re.compile(r"1\.0\.\d+")
_ACTION_FIELDS = {"target", "description", "update", "remove"}
_OVERLAY_FIELDS = {"overlay", "info", "extends", "actions"}


class OverlayError(Exception):
    """The overlay is not a valid Overlay 1.0 document, or one of its actions cannot apply."""


def load_document(path: Path) -> Any:
    """A YAML or JSON file, parsed (JSON is YAML, so one loader reads both)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OverlayError(f"cannot read {path}: {exc}") from exc
    return parse_document(text, str(path))


def parse_document(text: str, label: str) -> Any:
    """YAML or JSON text, parsed as YAML 1.2 (``on`` and ``0777`` stay a string and a decimal), as
    openapi-python-client reads a spec; ``label`` names it in the error."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        raise OverlayError(f"{label} is not valid YAML/JSON: {exc}") from exc


def dump_document(document: Any, *, as_json: bool = False) -> str:
    """Deterministic text: key order as in the document, no line wrapping, a final newline."""
    if as_json:
        return json.dumps(document, indent=2, ensure_ascii=False, default=_json_scalar) + "\n"
    import yaml

    return yaml.safe_dump(
        document, sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False
    )


def _json_scalar(value: Any) -> str:
    # YAML timestamps (an unquoted date in an example) load as dates; JSON has only the text.
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON: {value!r}")


def _check_overlay(overlay: Any) -> list[Mapping[str, Any]]:
    """The actions of a structurally valid Overlay 1.0 document; OverlayError otherwise."""
    if not isinstance(overlay, Mapping):
        raise OverlayError("the overlay must be a mapping with 'overlay', 'info' and 'actions'")
    unknown = sorted(k for k in overlay if k not in _OVERLAY_FIELDS and not str(k).startswith("x-"))
    if unknown:
        raise OverlayError(f"the overlay has unknown field(s): {', '.join(map(str, unknown))}")
    version = overlay.get("overlay")
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        raise OverlayError(f"'overlay' must be a 1.0.x version string, got {version!r}")
    info = overlay.get("info")
    if not isinstance(info, Mapping) or not all(
        isinstance(info.get(key), str) for key in ("title", "version")
    ):
        raise OverlayError("'info' must be a mapping with string 'title' and 'version'")
    actions = overlay.get("actions")
    if not isinstance(actions, list) or not actions:
        raise OverlayError("'actions' must be a non-empty list")
    for number, action in enumerate(actions, 1):
        if not isinstance(action, Mapping):
            raise OverlayError(f"action {number} must be a mapping, got {type(action).__name__}")
        name = _name(number, action)
        extra = sorted(k for k in action if k not in _ACTION_FIELDS and not str(k).startswith("x-"))
        if extra:
            raise OverlayError(f"{name} has unknown field(s): {', '.join(map(str, extra))}")
        target = action.get("target")
        if not isinstance(target, str) or not target.startswith("$"):
            raise OverlayError(f"{name}: 'target' must be a JSONPath string starting with '$'")
        if "description" in action and not isinstance(action["description"], str):
            raise OverlayError(f"{name}: 'description' must be a string")
        if not isinstance(action.get("remove", False), bool):
            raise OverlayError(f"{name}: 'remove' must be true or false")
        if "update" not in action and not action.get("remove", False):
            raise OverlayError(f"{name} does nothing: give 'update' or 'remove: true'")
    return actions


def _name(number: int, action: Mapping[str, Any]) -> str:
    description = action.get("description")
    return f"overlay action {number}" + (f" ({description!r})" if description else "")


def _where(location: Sequence[str | int]) -> str:
    return "$" + "".join(f"[{json.dumps(part)}]" for part in location)


def _merge(target: dict[str, Any], update: Mapping[str, Any], at: Sequence[str | int]) -> None:
    for key, value in update.items():
        if key not in target:
            target[key] = copy.deepcopy(value)
            continue
        current = target[key]
        if isinstance(current, dict) and isinstance(value, Mapping):
            _merge(current, value, (*at, key))
        elif isinstance(current, list) and isinstance(value, list):
            current.extend(copy.deepcopy(value))
        elif not isinstance(current, dict | list) and not isinstance(value, Mapping | list):
            target[key] = value
        else:
            raise OverlayError(
                f"cannot merge {type(value).__name__} into {type(current).__name__} at "
                f"{_where((*at, key))}"
            )


def _selected(document: Any, target: str, name: str) -> list[tuple[Any, ...]]:
    """Distinct locations the target selects (RFC 9535 allows one node to be selected twice)."""
    import jsonpath_rfc9535

    try:
        nodes = jsonpath_rfc9535.find(target, document)
    except jsonpath_rfc9535.JSONPathError as exc:
        raise OverlayError(f"{name}: target {target} is not RFC 9535 JSONPath: {exc}") from None
    locations = list(dict.fromkeys(tuple(node.location) for node in nodes))
    if not locations:
        raise OverlayError(
            f"{name}: target {target} selects nothing; the spec no longer has what this action "
            "changes (renamed or removed?), so update or delete the action"
        )
    return locations


def _resolve(document: Any, location: Sequence[str | int]) -> Any:
    node = document
    for part in location:
        node = node[part]
    return node


def _remove(document: Any, locations: list[tuple[Any, ...]], name: str) -> None:
    if () in locations:
        raise OverlayError(f"{name}: the document root cannot be removed")
    # Resolve every parent before changing anything, then delete list items from the back so
    # earlier indices stay valid; a node inside another removed node goes with it.
    parents = [(_resolve(document, location[:-1]), location[-1]) for location in locations]
    parents.sort(key=lambda pair: -pair[1] if isinstance(pair[1], int) else 0)
    for parent, key in parents:
        if isinstance(parent, list):
            del parent[key]
        else:
            parent.pop(key, None)


def _update(document: Any, locations: list[tuple[Any, ...]], update: Any, name: str) -> None:
    for location in locations:
        node = _resolve(document, location)
        if isinstance(node, dict):
            if not isinstance(update, Mapping):
                raise OverlayError(
                    f"{name}: target {_where(location)} is an object, so 'update' must be one too"
                )
            try:
                _merge(node, update, location)
            except OverlayError as exc:
                raise OverlayError(f"{name}: {exc}") from None
        elif isinstance(node, list):
            node.append(copy.deepcopy(update))
        else:
            raise OverlayError(
                f"{name}: target {_where(location)} is a {type(node).__name__}; Overlay 1.0 "
                "updates objects and arrays only (select the containing object instead)"
            )


def apply_overlay(spec: Any, overlay: Any) -> Any:
    """The effective spec: ``spec`` (left untouched) with every action of ``overlay`` applied."""
    actions = _check_overlay(overlay)
    document = copy.deepcopy(spec)
    for number, action in enumerate(actions, 1):
        name = _name(number, action)
        locations = _selected(document, action["target"], name)
        if action.get("remove", False):
            _remove(document, locations, name)
        else:
            _update(document, locations, action["update"], name)
    return document


def effective_spec(spec_path: Path, overlay_path: Path) -> Any:
    """``apply_overlay`` on two files."""
    return apply_overlay(load_document(spec_path), load_document(overlay_path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path, help="the OpenAPI description (YAML or JSON)")
    parser.add_argument("overlay", type=Path, help="the Overlay 1.0 document (YAML or JSON)")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of to stdout")
    args = parser.parse_args(argv)
    try:
        document = effective_spec(args.spec, args.overlay)
    except OverlayError as exc:
        print(f"overlay: {exc}", file=sys.stderr)
        return 2
    as_json = args.output is not None and args.output.suffix.lower() == ".json"
    text = dump_document(document, as_json=as_json)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
