"""``printos <tag> <method>``: a command for every operation, read off the generated resources.

Nothing here names an operation. The commands come from the resource classes the generated
package defines (``APIResources.RESOURCES``, then each method's signature, type hints and
docstring), so an operation a new spec adds is a command after regeneration alone:

* ``printos <tag> <method>``: the resource attribute and the method name (``devices
  update_status``); a method named ``<verb>_<word>`` also answers to ``<word>`` when no other
  method of the tag does (``devices status``).
* Path parameters are positional arguments (the metavar is the last word of the name:
  ``device_id`` -> ``ID``); query and body keywords are ``--kebab-case`` options (argparse accepts
  an unambiguous prefix: ``--serial`` for ``--serial-number``); ``--body JSON`` or
  ``--body @file.json`` (at most 64 MiB) gives the whole request body instead.
* Output: a table for a list, one line for an object or for nothing (``updated dev-1``), or
  ``--json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import re
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from .. import _generated as gen
from .._text import server_text
from . import _args as cli_args
from ._table import render_table, utc_text

__all__ = ["Command", "commands", "render", "render_json"]

PER_CALL = {"self", "extra_headers", "timeout", "max_retries"}
_ARG = re.compile(r"^\s+(\w+) \(([^)]*)\):[ ]?(.*)$")


@attrs.frozen
class Command:
    """One operation as a command: ``tag`` resource, ``method`` name, its signature."""

    tag: str
    method: str
    signature: inspect.Signature
    hints: dict[str, Any]
    helps: dict[str, str]
    summary: str

    @property
    def positional(self) -> list[str]:
        kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        return [
            name
            for name, p in self.signature.parameters.items()
            if p.kind in kinds and name not in PER_CALL
        ]

    @property
    def keywords(self) -> list[str]:
        return [
            name
            for name, p in self.signature.parameters.items()
            if p.kind is inspect.Parameter.KEYWORD_ONLY and name not in PER_CALL
        ]

    def required(self) -> list[str]:
        """Keywords without which the call fails unless ``--body`` is given."""
        return [
            name
            for name in self.keywords
            if name != "body"
            and (
                self.signature.parameters[name].default is inspect.Parameter.empty
                or type(self.signature.parameters[name].default).__name__ == "Unset"
            )
        ]


def _resource_classes() -> Iterator[tuple[str, type]]:
    for tag in gen.APIResources.RESOURCES:
        factory = getattr(gen.APIResources.__dict__[tag], "func", None)
        yield tag, typing.get_type_hints(factory)["return"]


def commands() -> list[Command]:
    """Every async method of every resource, in the spec's order of tags and methods."""
    found = []
    for tag, resource in _resource_classes():
        for name, function in vars(resource).items():
            if name.startswith("_") or not inspect.iscoroutinefunction(function):
                continue
            doc = inspect.getdoc(function) or ""
            lines = [m for m in map(_ARG.match, doc.splitlines()) if m]
            helps = {m[1]: f"{m[2]} {m[3]}".strip() for m in lines}
            found.append(
                Command(
                    tag=tag,
                    method=name,
                    signature=inspect.signature(function),
                    hints=typing.get_type_hints(function),
                    helps=helps,
                    summary=doc.splitlines()[0] if doc else name,
                )
            )
    return found


def names(command: Command, siblings: Sequence[Command]) -> list[str]:
    """The command's names: its method, and the method's last word when no sibling has it."""
    short = command.method.rpartition("_")[2]
    taken = [c for c in siblings if short in (c.method, c.method.rpartition("_")[2])]
    return (
        [command.method, short] if short != command.method and len(taken) == 1 else [command.method]
    )


def _base(hint: Any) -> Any:
    """``T`` from ``T | None | Unset``."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        left = [a for a in typing.get_args(hint) if a is not type(None) and a.__name__ != "Unset"]
        return left[0] if len(left) == 1 else Any
    return hint


MAX_BODY_FILE_BYTES = 64 * 1024 * 1024
"""The most ``--body @file`` reads: a device, a pipe or ``/dev/zero`` may never end."""


def _read_body_file(name: str) -> str:
    try:
        with Path(name).open("rb") as file:
            data = file.read(MAX_BODY_FILE_BYTES + 1)
        if len(data) > MAX_BODY_FILE_BYTES:
            raise argparse.ArgumentTypeError(
                f"cannot read {name!r}: larger than {MAX_BODY_FILE_BYTES} bytes"
            )
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise argparse.ArgumentTypeError(f"cannot read {name!r}: {exc}") from None


def _json(text: str) -> Any:
    if text.startswith("@"):
        text = _read_body_file(text[1:])
    try:
        return json.loads(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not valid JSON ({exc})") from None
    except RecursionError:  # ``[[[[...`` deeper than the interpreter's stack
        raise argparse.ArgumentTypeError("not valid JSON (nested too deeply)") from None


def _boolean(text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")
    return text.lower() == "true"


def _converter(hint: Any) -> Callable[[str], Any]:
    """What turns an option's text into the value the method takes."""
    base = _base(hint)
    if base is str:
        return cli_args.utf8_text
    if base is int:
        return cli_args.whole_number
    if base is float:
        return cli_args.finite_number
    if base is bool:
        return _boolean
    if hasattr(base, "from_dict"):

        def model(text: str) -> Any:
            try:
                return base.from_dict(_json(text))
            except gen.DecodeError as exc:
                raise argparse.ArgumentTypeError(f"does not match {base.__name__}: {exc}") from None

        return model
    return _json


def add_commands(
    commands_parser: argparse._SubParsersAction[Any], common: Sequence[argparse.ArgumentParser]
) -> None:
    """A ``printos <tag>`` parser per resource, with a subparser per method (and alias)."""
    every = commands()
    for tag in dict.fromkeys(c.tag for c in every):
        siblings = [c for c in every if c.tag == tag]
        parser = commands_parser.add_parser(
            tag, help=f"the {tag} operations", description=f"The {tag} operations of the API."
        )
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        for command in siblings:
            for name in names(command, siblings):
                _add_method(actions, name, command, common)


def _add_method(
    actions: argparse._SubParsersAction[Any],
    name: str,
    command: Command,
    common: Sequence[argparse.ArgumentParser],
) -> None:
    summary = command.summary.rstrip(".")
    method = actions.add_parser(
        name, parents=list(common), help=summary, description=f"{summary}.", allow_abbrev=True
    )
    method.set_defaults(command=command)
    for param in command.positional:
        method.add_argument(
            param,
            metavar=param.rpartition("_")[2].upper(),
            type=_converter(command.hints.get(param)),
            help=command.helps.get(param) or param.replace("_", " "),
        )
    for param in command.keywords:
        hint = command.hints.get(param)
        described = command.helps.get(param) or param.replace("_", " ")
        if param == "body":
            described = "the whole request body as JSON, or @file.json, instead of the options"
        method.add_argument(
            f"--{param.replace('_', '-')}",
            dest=param,
            type=_json if param == "body" else _converter(hint),
            default=argparse.SUPPRESS,
            metavar="JSON" if param == "body" else param.rpartition("_")[2].upper(),
            help=described,
        )


def call_arguments(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> tuple[list[Any], dict[str, Any]]:
    """The positional and keyword arguments of the call the parsed command line describes."""
    command: Command = args.command
    given = vars(args)
    keywords = {name: given[name] for name in command.keywords if name in given}
    if "body" in keywords:
        try:
            keywords["body"] = _converter(command.hints.get("body"))(json.dumps(keywords["body"]))
        except argparse.ArgumentTypeError as exc:  # checked after parsing: argparse cannot word it
            parser.error(f"argument --body: {exc}")
    else:
        missing = [name for name in command.required() if name not in keywords]
        if missing:
            options = ", ".join(f"--{name.replace('_', '-')}" for name in missing)
            parser.error(f"the following arguments are required: {options} (or --body)")
    return [given[name] for name in command.positional], keywords


def _words(key: str) -> list[str]:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower().split("_")


def _past(verb: str) -> str:
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def _fields(item: Any) -> list[tuple[str, Any]]:
    """(python name, value) of a model's declared fields, then its additional properties."""
    pairs = [
        (f.name, getattr(item, f.name))
        for f in attrs.fields(type(item))
        if f.name != "additional_properties"
    ]
    for key, value in getattr(item, "additional_properties", {}).items():
        if isinstance(value, dict):
            pairs += [(f"{key}.{k}", v) for k, v in value.items()]
        else:
            pairs.append(("_".join(_words(key)), value))
    return [(name, value) for name, value in pairs if value is not None and not _unset(value)]


def _unset(value: Any) -> bool:
    return type(value).__name__ == "Unset"


def _cell(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return utc_text(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return server_text(value)
    return server_text(json.dumps(value, default=str))


def _label(name: str) -> str:
    return _words(name.rpartition(".")[2])[0]


def _table(items: Sequence[Any]) -> str:
    rows = [dict(_fields(item)) if attrs.has(type(item)) else {"value": item} for item in items]
    columns = list(dict.fromkeys(name for row in rows for name in row))
    labels = [_label(c) for c in columns]
    header = [
        (label if labels.count(label) == 1 else " ".join(_words(c.replace(".", "_")))).upper()
        for label, c in zip(labels, columns, strict=True)
    ]
    body = [[_cell(row[c]) if c in row else "-" for c in columns] for row in rows]
    return render_table([header, *body])


def _line(command: Command, result: Any, positional: list[Any], keywords: dict[str, Any]) -> str:
    verb = "" if command.method.startswith("get") else _past(command.method.split("_")[0]) + " "
    if not attrs.has(type(result)):
        shown = " ".join(server_text(str(v)) for v in positional)
        return f"{verb}{shown}".strip() if result is None else _cell(result)
    pairs = dict(_fields(result))
    identity = pairs.pop("id", None)
    # What the caller sent first (as the server recorded it), then what the server added.
    order = [name for name in [*command.keywords, *pairs] if name in pairs]
    parts = [
        f"{_label(name)} {_cell(value) if isinstance(value, dt.datetime) else repr_text(value)}"
        for name, value in ((name, pairs[name]) for name in dict.fromkeys(order))
    ]
    head = f"{verb}{_cell(identity)}" if identity is not None else verb.strip()
    return f"{head}: {', '.join(parts)}"


def repr_text(value: Any) -> str:
    return f"'{_cell(value)}'" if isinstance(value, str) else _cell(value)


def render(command: Command, result: Any, positional: list[Any], keywords: dict[str, Any]) -> str:
    """What ``printos`` prints for ``result``: a table and a count, or one line."""
    if isinstance(result, list):
        singular = (
            command.tag[:-3] + "y" if command.tag.endswith("ies") else command.tag.rstrip("s")
        )
        if not result:
            return f"0 {singular}(s)"
        return f"{_table(result)}\n{len(result)} {singular}(s)"
    return _line(command, result, positional, keywords)


def render_json(command: Command, result: Any, positional: list[Any]) -> Any:
    """``result`` as JSON data; for an operation without a body, what was done to what."""
    if isinstance(result, list):
        return [item.to_dict() if hasattr(item, "to_dict") else item for item in result]
    if hasattr(result, "to_dict"):
        return result.to_dict()
    if result is None:
        ids = {
            _words(name)[0] + "".join(w.title() for w in _words(name)[1:]): value
            for name, value in zip(command.positional, positional, strict=True)
        }
        return {**ids, _past(command.method.split("_")[0]): True}
    return result


def as_typed(command: Command, message: str, argv: Sequence[str]) -> str:
    """An SDK message about the call, in the command line's words: ``serial_number`` becomes the
    option as typed (``--serial``), a path parameter its metavar (``ID``), and the operation's
    name in front goes."""
    message = re.sub(r"^\w+: (?=\w+ |nothing to send)", "", message)
    for name in sorted([*command.positional, *command.keywords], key=len, reverse=True):
        if name in command.positional:
            shown = name.rpartition("_")[2].upper()
        else:
            option = f"--{name.replace('_', '-')}"
            typed = [a.split("=")[0] for a in argv if a.startswith("--") and len(a) > 2]
            shown = next((a for a in typed if option.startswith(a.split("=")[0])), option)
        message = re.sub(rf"(?<![\w-]){re.escape(name)}=", shown, message)
        message = re.sub(rf"^{re.escape(name)}(?= )", shown, message)
    return message
