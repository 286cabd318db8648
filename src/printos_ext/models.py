"""Every model of the spec, as generated (``from printos_ext.models import PrintDevice``): the
generated ``models`` package re-exported whole, so a model a new spec adds needs no edit here."""

import importlib
from typing import TYPE_CHECKING

from ._generated import package_name

if TYPE_CHECKING:
    from printos_api_client.models import *  # noqa: F403

_models = importlib.import_module(f"{package_name}.models")
__all__ = list(_models.__all__)
globals().update({name: getattr(_models, name) for name in __all__})
