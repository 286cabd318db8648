"""Run in a fresh interpreter beside a generated tree: import it, call every operation, report.

``python -m conformance.probe SPEC MODE PACKAGE`` with the tree, ``tests/`` and ``scripts/`` on
PYTHONPATH prints one JSON object: ``imports`` (None, or the first import error) and one entry
per operation of the spec with ``call`` (how a user reaches it), ``reachable``, ``called``,
``round_trip`` and ``error`` (one line).

MODE ``ours``: the operation is a method of ``printos_ext.PrintOSClient`` (as
``scripts/spec_diff.py`` names it); MODE ``stock``: stock openapi-python-client's
``PACKAGE.api.<tag>.<operation>.asyncio`` with PACKAGE's ``Client``. Either way the method is
called with a value for each required argument (made from its type hints), an
``httpx.MockTransport`` answers with a schema-valid sample of the documented response (see
``samples.py``), and the decoded result must encode back (``to_dict``) to the same JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import enum
import importlib
import inspect
import io
import json
import pkgutil
import re
import sys
import types
import typing
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import yaml

from conformance.samples import NoSample, Sampler

BINARY = b"\x00\x01corpus-bytes"
TEXT = "corpus text"
ANYTHING = {"undocumented": "body"}
JSON_TYPES = ("application/json", "+json", "text/json")


def one_line(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".strip().splitlines()
    return text[0][:300] if text else type(error).__name__


# --- the documented answer --------------------------------------------------------------------


def documented_answer(sampler: Sampler, op: Any) -> tuple[int, str | None, Any]:
    """(status, content type, sample): the operation's success response as the spec documents
    it: its first 2xx, else ``default``. Content type None: no body."""
    responses = op.responses()
    statuses = sorted(s for s in responses if s.startswith("2"))
    chosen = statuses[0] if statuses else ("default" if "default" in responses else None)
    if chosen is None:
        return 200, None, None
    status = int(chosen) if chosen.isdigit() else 200
    content = responses[chosen].get("content") or {}
    if not content:
        return status, None, None
    for media, body in content.items():
        if any(marker in media for marker in JSON_TYPES):
            schema = (body or {}).get("schema")
            if not schema:  # no schema: nothing to decode against, any result will do
                return status, media, ANYTHING
            return status, media, sampler.sample(schema)
    media = next(iter(content))
    return status, media, TEXT if media.startswith("text/") else BINARY


# --- arguments from type hints -------------------------------------------------------------------


class Args:
    """Values for a callable's required arguments, made from its type hints."""

    def __init__(self, unset: Any) -> None:
        self.unset = unset

    def for_callable(self, function: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
        signature = inspect.signature(function)
        hints = _hints(function)
        values = {}
        for name, parameter in signature.parameters.items():
            if name in skip or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                continue
            required = parameter.default is parameter.empty or (
                self.unset is not None and parameter.default is self.unset
            )
            if not required:
                continue
            values[name] = self.make(hints.get(name, str), 0)
        return values

    def make(self, hint: Any, depth: int) -> Any:
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin is typing.Union or origin is types.UnionType:
            usable = [a for a in args if a is not type(None) and not _is_unset_type(a)]
            return self.make(usable[0], depth) if usable else None
        if origin is typing.Literal:
            return args[0]
        if origin in (list, typing.List, tuple):  # noqa: UP006
            return [self.make(args[0], depth + 1)] if args else []
        if origin in (dict, Mapping) or hint is dict:
            return {}
        if hint is typing.Any or hint is object:
            return "x"
        if isinstance(hint, type):
            return self._of_class(hint, depth)
        return "x"

    def _of_class(self, cls: type, depth: int) -> Any:
        simple: dict[type, Any] = {
            str: "x",
            bool: True,
            int: 1,
            float: 1.5,
            bytes: b"x",
            datetime.datetime: datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
            datetime.date: datetime.date(2024, 1, 2),
            uuid.UUID: uuid.UUID("12345678-1234-5678-1234-567812345678"),
        }
        if cls in simple:
            return simple[cls]
        if issubclass(cls, enum.Enum):
            return next(iter(cls))
        if cls.__name__ == "File":
            return cls(payload=io.BytesIO(b"data"), file_name="a.bin")  # type: ignore[call-arg]
        if depth > 8:
            raise ValueError(f"cannot build a {cls.__name__}: nested too deep")
        return cls(**self.for_callable(cls, ()))


def _hints(function: Any) -> dict[str, Any]:
    """Type hints of a function or a class's ``__init__``, resolving the names generated code
    imports only under TYPE_CHECKING (``"Category"``) from its package's ``models``."""
    target = function.__init__ if isinstance(function, type) else function
    try:
        return typing.get_type_hints(target)
    except Exception:
        pass
    module = sys.modules.get(getattr(function, "__module__", ""), None)
    namespace = dict(vars(module)) if module else {}
    package = getattr(function, "__module__", "").split(".")[0]
    with contextlib.suppress(ImportError):
        namespace.update(vars(importlib.import_module(f"{package}.models")))
    hints = {}
    for name, annotation in getattr(target, "__annotations__", {}).items():
        try:
            hints[name] = eval(annotation, namespace) if isinstance(annotation, str) else annotation
        except Exception:
            continue
    return hints


def _is_unset_type(hint: Any) -> bool:
    return isinstance(hint, type) and hint.__name__ == "Unset"


# --- the JSON of a decoded value --------------------------------------------------------------


def encode(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "payload"):
        payload = value.payload
        return payload.read() if hasattr(payload, "read") else payload
    if isinstance(value, httpx.Response):
        return value.content
    return value


# --- the run ------------------------------------------------------------------------------------


def import_all(package: str) -> str | None:
    try:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if not info.name.endswith(".__main__"):  # a CLI entry point runs when imported
                importlib.import_module(info.name)
    except BaseException as error:
        return one_line(error)
    return None


async def probe(document: dict[str, Any], mode: str, package: str) -> dict[str, Any]:
    import spec_diff

    spec = spec_diff._Spec(document)
    sampler = Sampler(document)
    out: dict[str, Any] = {"imports": import_all(package), "operations": []}
    if mode == "ours" and out["imports"] is None:
        out["imports"] = import_all("printos_ext")
    answers: dict[str, tuple[int, str | None, Any]] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        status, media, sample = answers["current"]
        if media is None:
            return httpx.Response(status)
        if sample is BINARY or sample is TEXT:
            content = BINARY if sample is BINARY else TEXT.encode()
            return httpx.Response(status, content=content, headers={"content-type": media})
        return httpx.Response(status, json=sample, headers={"content-type": media})

    transport = httpx.MockTransport(handler)
    client, unset = _client(mode, package, transport)
    calls = _stock_functions(package) if mode == "stock" else {}
    args = Args(unset)
    for op in spec.operations().values():
        entry: dict[str, Any] = {
            "operation": op.title(),
            "call": spec.call(op) if mode == "ours" else op.function,
            "reachable": False,
            "called": False,
            "round_trip": False,
            "error": None,
        }
        out["operations"].append(entry)
        try:
            if mode == "ours":
                function = _reach(client, entry["call"])
            else:
                function = calls[_plain(op.function)]
        except (AttributeError, KeyError, TypeError) as error:
            entry["error"] = f"not reachable: {one_line(error)}"
            continue
        entry["reachable"] = client is not None
        if client is None:
            continue
        try:
            answers["current"] = documented_answer(sampler, op)
        except NoSample as error:
            entry["error"] = f"no sample: {error}"
            continue
        try:
            if mode == "ours":
                kwargs = args.for_callable(function)
            else:
                kwargs = {**args.for_callable(function, ("client",)), "client": client}
            result = await asyncio.wait_for(function(**kwargs), 20)
        except BaseException as error:
            entry["error"] = f"call: {one_line(error)}"
            continue
        entry["called"] = True
        _, media, sample = answers["current"]
        expected = None if media is None else sample
        try:
            got = encode(result)
        except BaseException as error:
            entry["error"] = f"encode: {one_line(error)}"
            continue
        # A list operation (an object body with one array property) returns that array's items.
        items = isinstance(got, list) and isinstance(expected, dict) and mode == "ours"
        arrays = [value for value in expected.values() if isinstance(value, list)] if items else []
        listed = any(got == value for value in arrays)
        if (
            got == expected
            or listed
            or expected is ANYTHING
            or (expected is TEXT and got == TEXT.encode())
        ):
            entry["round_trip"] = True
        else:
            entry["error"] = (
                f"round trip: sent {json.dumps(expected, default=repr)[:200]}, "
                f"got back {json.dumps(got, default=repr)[:200]}"
            )
    return out


def _client(mode: str, package: str, transport: httpx.MockTransport) -> tuple[Any, Any]:
    try:
        if mode == "ours":
            from printos_ext import PrintOSClient

            async def no_sleep(delay: float) -> None:
                pass

            unset = importlib.import_module(f"{package}.types").UNSET
            client = PrintOSClient(
                base_url="https://corpus.test",
                environ={},
                allow_unauthenticated=True,
                transport=transport,
                sleep=no_sleep,
                max_retries=0,
            )
            return client, unset
        module = importlib.import_module(package)
        unset = importlib.import_module(f"{package}.types").UNSET
        client = module.Client(base_url="https://corpus.test", httpx_args={"transport": transport})
        return client, unset
    except BaseException:
        return None, None


def _reach(client: Any, call: str) -> Any:
    target = client
    for part in call.split(".")[1:]:
        target = getattr(target, part)
    if not callable(target):
        raise TypeError(f"{call} is not callable")
    return target


def _stock_functions(package: str) -> dict[str, Any]:
    """Stock's operations: ``api/<tag>/<operation>.py`` modules that have ``asyncio``."""
    found: dict[str, Any] = {}
    try:
        api = importlib.import_module(f"{package}.api")
    except BaseException:
        return found
    for info in pkgutil.walk_packages(api.__path__, f"{package}.api."):
        try:
            module = importlib.import_module(info.name)
        except BaseException:
            continue
        function = getattr(module, "asyncio", None) or _parsed(module)
        if function is not None:
            found[_plain(info.name.rsplit(".", 1)[1])] = function
    return found


def _plain(name: str) -> str:
    """A module name without what generators disagree on: case, separators, a trailing ``_``."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _parsed(module: Any) -> Any:
    """An operation without a parsed response has only ``asyncio_detailed``: its ``parsed``."""
    detailed = getattr(module, "asyncio_detailed", None)
    if detailed is None:
        return None

    async def function(**kwargs: Any) -> Any:
        return (await detailed(**kwargs)).parsed

    function.__signature__ = inspect.signature(detailed)  # type: ignore[attr-defined]
    try:
        function.__annotations__ = typing.get_type_hints(detailed)
    except Exception:
        function.__annotations__ = {}
    return function


def main() -> None:
    spec_path, mode, package = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    document = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    print(json.dumps(asyncio.run(probe(document, mode, package))))


if __name__ == "__main__":
    main()
