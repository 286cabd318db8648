"""README lines that can be checked are checked (issue 18, class 15).

The runtime dependencies it lists are pyproject's; its errors tree names every PrintOSError the
package exports; and the commands it documents for the CLI's new behaviours exist.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import printos_ext
from printos_ext import PrintOSError

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(title)
    end = README.find("\n## ", start + len(title))
    return README[start : end if end != -1 else None]


def test_the_readme_lists_exactly_the_runtime_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=!~\[; ]", dep, maxsplit=1)[0] for dep in project["dependencies"]}
    line = re.search(r"Runtime dependencies: (.*?)\(the", README, re.DOTALL)
    assert line is not None
    assert set(re.findall(r"`([a-z0-9_-]+)`", line.group(1))) == names


def test_the_errors_tree_names_every_exported_error() -> None:
    exported = {
        name
        for name in printos_ext.__all__
        if isinstance(getattr(printos_ext, name), type)
        and issubclass(getattr(printos_ext, name), PrintOSError)
    }
    tree = _section("### Errors")
    missing = sorted(name for name in exported if not re.search(rf"\b{name}\b", tree))
    assert missing == []


def test_the_readme_documents_each_choice_the_sdk_made() -> None:
    for phrase in (
        "allow_unauthenticated=True",
        "Leap seconds are accepted and read as second 59",
        "error.existing_id",
        "install the sandbox extra",
        "Application Connectors",
    ):
        assert phrase in README, phrase
