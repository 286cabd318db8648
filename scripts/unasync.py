#!/usr/bin/env python3
"""Write the sync twins of the hand-written async modules: ``src/printos_ext/_sync/<name>.py``.

The pipeline is written once, async (``client.py`` and its neighbours); the sync client is that
code with the async keywords taken out, as httpcore does with its ``unasync`` script. Run it after
changing any module in ``TWINS``; ``--check`` (run by the test suite) fails when a twin is stale.

What a twin gets: the module with ``async def``/``async with``/``async for``/``await`` removed and
the async names of ``NAMES`` replaced by their sync counterparts (``httpx.AsyncClient`` becomes
``httpx.Client``, ``_async_io`` becomes ``_sync_io``, ``PrintOSClient`` becomes
``SyncPrintOSClient``...). Every top-level definition that this leaves unchanged (constants,
helpers, validation) is not copied: the twin imports it from the async module, so there is one
copy of it. Then ruff (pinned in the dev extra) removes the imports the twin no longer needs and
formats it, so the output is deterministic.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "printos_ext"
OUT = PACKAGE / "_sync"

TWINS = ["bulk", "client", "pagination"]
"""The async modules that have a sync twin, in ``_sync/`` under the same name."""

NAMES = {
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "__aiter__": "__iter__",
    "__anext__": "__next__",
    "aclose": "close",
    "aread": "read",
    "aiter_raw": "iter_raw",
    "aiter_bytes": "iter_bytes",
    "AsyncIterator": "Iterator",
    "AsyncIterable": "Iterable",
    "AsyncGenerator": "Generator",
    "AsyncByteStream": "SyncByteStream",
    "AsyncClient": "Client",
    "AsyncBaseTransport": "BaseTransport",
    "_async_io": "_sync_io",
    "PrintOSClient": "SyncPrintOSClient",
    "APIResources": "SyncAPIResources",
    "Transport": "SyncTransport",
    "Devices": "SyncDevices",
    "DevicesWithRawResponse": "SyncDevicesWithRawResponse",
}
"""Async names and their sync counterparts, replaced as whole words (in code and docstrings)."""

PHRASES = {
    "An async client": "A sync client",
    "the async entry point": "the sync entry point",
    "an async client": "a sync client",
    "async with ": "with ",
    "async for ": "for ",
    "async def ": "def ",
    "await ": "",
}

_WORDS = re.compile(
    r"\b(" + "|".join(map(re.escape, sorted(NAMES, key=len, reverse=True))) + r")\b"
)
_FROM_DOT = re.compile(r"^(\s*)from \.(\w*) import ", re.MULTILINE)


def _strip_awaitable(text: str) -> str:
    """``Awaitable[X]`` becomes ``X`` (brackets balanced)."""
    while (start := text.find("Awaitable[")) != -1:
        depth, end = 0, start + len("Awaitable")
        while True:
            depth += {"[": 1, "]": -1}.get(text[end], 0)
            if depth == 0:
                break
            end += 1
        text = text[:start] + text[start + len("Awaitable[") : end] + text[end + 1 :]
    return text


def unasync_text(text: str) -> str:
    """The token-level transformation (line numbers are kept)."""
    for old, new in PHRASES.items():
        text = text.replace(old, new)
    text = _strip_awaitable(text)
    return _WORDS.sub(lambda m: NAMES[m.group(1)], text)


def _relative(text: str) -> str:
    """Imports relative to the package now start one level up, except those of other twins."""

    def fix(match: re.Match[str]) -> str:
        indent, module = match.groups()
        if module in TWINS:
            return match.group(0)
        return f"{indent}from ..{module} import "

    return _FROM_DOT.sub(fix, text)


def _shared(source: str) -> list[tuple[int, int, list[str]]]:
    """Top-level definitions the transformation leaves unchanged: (first line, last line, names)."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    shared = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names = [node.name]
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            first = node.lineno
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
            first = node.lineno
        else:
            continue
        if "__all__" in names:
            continue
        last = node.end_lineno or node.lineno
        # A docstring just after an assignment documents it: it goes with it.
        index = tree.body.index(node)
        after = tree.body[index + 1] if index + 1 < len(tree.body) else None
        if (
            isinstance(node, ast.Assign | ast.AnnAssign)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
        ):
            last = after.end_lineno or last
        while first > 1 and lines[first - 2].lstrip().startswith("#"):
            first -= 1  # the comment block above the definition
        segment = textwrap.dedent("".join(lines[first - 1 : last]))
        if _code(unasync_text(segment)) == _code(segment):
            shared.append((first, last, names))
    return shared


def _code(source: str) -> str:
    """The code of ``source`` without its docstrings: a definition whose prose alone names an
    async thing (say ``:meth:`Devices.provision```) is still the same definition."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body[0] = ast.Pass()
    return ast.dump(tree)


def build(name: str) -> str:
    """The sync twin of ``printos_ext/<name>.py``, formatted."""
    path = PACKAGE / f"{name}.py"
    source = path.read_text(encoding="utf-8")
    shared = _shared(source)
    lines = source.splitlines(keepends=True)
    drop: set[int] = set()
    imported: list[str] = []
    for first, last, names in shared:
        drop.update(range(first, last + 1))
        imported.extend(names)
    kept = "".join(line for number, line in enumerate(lines, 1) if number not in drop)
    text = _relative(unasync_text(kept))
    if imported:
        # After the last top-level import of the module's header.
        tree = ast.parse(text)
        last_import = max(
            (n.end_lineno or n.lineno)
            for n in tree.body
            if isinstance(n, ast.Import | ast.ImportFrom)
        )
        out = text.splitlines(keepends=True)
        # "X as X": the twin re-exports them (other twins import them from it).
        names = ", ".join(f"{n} as {n}" for n in imported)
        out.insert(last_import, f"from ..{name} import {names}\n")
        text = "".join(out)
    relative = path.relative_to(ROOT)
    header = (
        f"# Generated by scripts/unasync.py from {relative}: the sync twin of that module.\n"
        f"# Do not edit: change {relative.name} and run scripts/unasync.py.\n"
    )
    return _ruff(header + text, OUT / f"{name}.py")


def _ruff(text: str, target: Path) -> str:
    ruff = [sys.executable, "-m", "ruff"]
    name = str(target.relative_to(ROOT))
    fixed = subprocess.run(
        [*ruff, "check", "--fix", "--select", "F401,I001", "--stdin-filename", name, "-q", "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    formatted = subprocess.run(
        [*ruff, "format", "--stdin-filename", name, "-q", "-"],
        input=fixed.stdout or text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return formatted.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a twin is stale"
    )
    args = parser.parse_args(argv)
    stale = []
    expected = {OUT / "__init__.py": _INIT} | {OUT / f"{name}.py": build(name) for name in TWINS}
    for path, text in expected.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path.relative_to(ROOT))
        if not args.check:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        names = ", ".join(map(str, stale))
        print(f"stale sync twins: {names}; run scripts/unasync.py", file=sys.stderr)
        return 1
    for path in stale:
        print(f"wrote {path}")
    return 0


_INIT = '''\
# Generated by scripts/unasync.py. Do not edit.
"""The sync twins of printos_ext's async modules, generated from them by scripts/unasync.py."""
'''

if __name__ == "__main__":
    sys.exit(main())
