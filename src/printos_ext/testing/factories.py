"""Schema-valid models for tests: ``make_device(status="READY")``, and a ``make_<model>`` each.

The factories are not written per model: one generic factory reads a generated model's attrs fields
and type hints, fills every field the caller does not give with a plausible value of its type
(nested models too), and checks the result by a round trip through the model's own strict
``from_dict``, so what a factory returns is what the SDK would accept from the wire. A model the
spec adds gets its ``make_<snake_name>`` at import, with nothing to edit here.

Values are deterministic: each call takes the next number of one counter, so ids and serial
numbers differ between objects and are the same from run to run (``reset_sequence()`` restarts).
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import re
import sys
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from .. import _generated as gen
from .._generated import package_name
from .._transport_errors import UNENCODABLE
from ..errors import InvalidArgumentError

__all__ = ["FACTORIES", "make", "make_device", "reset_sequence"]

M = TypeVar("M")

_models = sys.modules[f"{package_name}.models"]
_counter = itertools.count(1)

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
"""The timestamp every factory-made date-time is based on (plus the object's number in seconds)."""

# Plausible strings for the fields whose name says what they hold; any other string field gets
# "<field>-<n>".
_NAMED: dict[str, Callable[[int], str]] = {
    "id": lambda n: f"dev-{n:012x}",
    "serial_number": lambda n: f"SN-{n:06d}",
    "model": lambda n: "HP Indigo 7K",
    "status": lambda n: "READY",
    "location": lambda n: "Plant 1",
}
_PERCENT = re.compile(r"(level|percent|ratio)")


def reset_sequence() -> None:
    """Restart the counter that numbers factory-made objects (for tests that compare ids)."""
    global _counter
    _counter = itertools.count(1)


def make(model: type[M], /, **fields: Any) -> M:
    """An instance of the generated ``model`` with ``fields`` as given and every other field filled.

    Raises TypeError naming an unknown field, and InvalidArgumentError when the given values make
    an object the schema refuses (a wrong type, say).
    """
    if not attrs.has(model):
        raise TypeError(f"{getattr(model, '__name__', model)!r} is not a generated attrs model")
    settable = {f.name: f for f in attrs.fields(model) if f.init}
    unknown = sorted(set(fields) - set(settable))
    if unknown:
        raise TypeError(
            f"{model.__name__} has no field(s) {', '.join(unknown)} "
            f"(its fields: {', '.join(settable)})"
        )
    number = next(_counter)
    hints = _hints(model)
    values = {
        name: fields[name] if name in fields else _value(name, hints[name], number)
        for name in settable
    }
    instance = typing.cast(M, model(**values))
    # The model's strict decoder is the schema's word: a round trip proves the object valid.
    try:
        model.from_dict(instance.to_dict())  # type: ignore[attr-defined]
    except (gen.DecodeError, *UNENCODABLE) as exc:
        raise InvalidArgumentError(f"make({model.__name__}): not schema-valid: {exc}") from exc
    return instance


def _hints(model: type[Any]) -> dict[str, Any]:
    module = sys.modules[model.__module__]
    return typing.get_type_hints(model, globalns=vars(module), localns=vars(_models))


def _value(name: str, hint: Any, number: int) -> Any:
    """A value of type ``hint`` for the field ``name``; optional fields get one too."""
    options = [a for a in typing.get_args(hint) if a is not type(None) and not _is_unset(a)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        if not options:
            return None
        hint = options[0]
    origin = typing.get_origin(hint)
    if origin is list:
        (item,) = typing.get_args(hint) or (str,)
        return [_value(name, item, number)]
    if origin is dict:
        return {}
    if hint is Any:
        return f"{name}-{number}"
    if attrs.has(hint):
        return make(hint)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return next(iter(hint))
    if hint is bool:
        return True
    if hint is int:
        return number
    if hint is float:
        return 50.0 if _PERCENT.search(name) else float(number)
    if hint is dt.datetime:
        return EPOCH + dt.timedelta(seconds=number)
    if hint is dt.date:
        return EPOCH.date()
    if hint is str:
        named = _NAMED.get(name)
        return named(number) if named else f"{name}-{number}"
    raise TypeError(f"no factory value for field {name!r} of type {hint!r}: pass it yourself")


def _is_unset(annotation: Any) -> bool:
    return getattr(annotation, "__name__", "") == "Unset"


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _factory(model: type[M]) -> Callable[..., M]:
    def factory(**fields: Any) -> M:
        return make(model, **fields)

    factory.__name__ = factory.__qualname__ = f"make_{_snake(model.__name__)}"
    factory.__doc__ = f"A schema-valid ``{model.__name__}``; see :func:`make`."
    return factory


FACTORIES: dict[str, Callable[..., Any]] = {
    f"make_{_snake(name)}": _factory(getattr(_models, name))
    for name in _models.__all__
    if attrs.has(getattr(_models, name))
}
"""``make_<model_snake_name>`` for every generated model, by name."""

globals().update(FACTORIES)
__all__ += sorted(FACTORIES)


def make_device(**fields: Any) -> gen.PrintDevice:
    """A provisioned-looking ``PrintDevice``: id, model, serial number, status, registered_at."""
    return make(gen.PrintDevice, **fields)


def __getattr__(name: str) -> Callable[..., Any]:
    # Only reached for a name not built above; declared so type checkers accept make_<model>.
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
