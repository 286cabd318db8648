"""The repository's scripts (``scripts/*.py``) as modules, for tests that call their functions.

Each script is loaded once per test session and registered in ``sys.modules`` under its own name,
as the scripts import each other (``release.py`` imports ``spec_diff``) and dataclasses look
their module up by name; every test module then shares that one copy.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def load_script(name: str) -> ModuleType:
    """``scripts/<name>.py`` as the module ``name``."""
    loaded = sys.modules.get(name)
    if loaded is not None and Path(getattr(loaded, "__file__", "")) == SCRIPTS / f"{name}.py":
        return loaded
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
