"""Vendoring: both packages copied under another package must work with no top-level names.

An application may copy ``generated/printos_api_client`` and ``src/printos_ext`` side by side
under its own package (``acme_platform/_vendor/``) to pin the SDK without installing it. That
works only if printos_ext reaches itself by relative imports and the generated package through
``_generated`` (which looks for a sibling first). These tests build such a tree in a temporary
directory and, in a fresh interpreter, block the top-level names so any absolute import fails
loudly instead of silently picking up the installed copy.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXT = ROOT / "src" / "printos_ext"
GENERATED = ROOT / "generated" / "printos_api_client"
TOP_LEVEL = ("printos_api_client", "printos_ext")
VENDOR = "acme_platform._vendor"

# Installed first in the subprocess: any import of a top-level SDK name raises ImportError.
BLOCKER = textwrap.dedent(
    """
    import importlib.abc
    import sys

    BLOCKED = {"printos_api_client", "printos_ext"}

    class BlockTopLevel(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path, target=None):
            if fullname.partition(".")[0] in BLOCKED:
                raise ImportError(f"top-level {fullname} is blocked: use the vendored copy")
            return None

    sys.meta_path.insert(0, BlockTopLevel())
    """
)

USE = textwrap.dedent(
    """
    import asyncio
    import json
    import logging
    from pathlib import Path

    import httpx

    import acme_platform._vendor.printos_ext as sdk

    def handler(request):
        device = {"id": "dev-1", "model": "HP Indigo 7K", "serialNumber": "SN-1"}
        return httpx.Response(200, json={"devices": [device]})

    async def main():
        async with sdk.PrintOSClient(
            allow_unauthenticated=True,
            base_url="https://printos.test", environ={}, transport=httpx.MockTransport(handler)
        ) as client:
            return await client.devices.list()

    devices = asyncio.run(main())
    print(json.dumps({
        "ids": [device.id for device in devices],
        "device_class": f"{type(devices[0]).__module__}.{type(devices[0]).__name__}",
        "package_name": sdk._generated.package_name,
        "files": {
            name: str(Path(sys.modules[name].__file__).resolve())
            for name in (
                "acme_platform._vendor.printos_ext",
                "acme_platform._vendor.printos_api_client",
            )
        },
        "sdk_modules": sorted(
            name for name in sys.modules if "printos_api_client" in name or "printos_ext" in name
        ),
        "loggers": sorted(
            name for name in logging.Logger.manager.loggerDict if "printos" in name
        ),
    }))
    """
)


def vendor(tmp_path: Path) -> Path:
    """``tmp_path/acme_platform/_vendor/{printos_api_client,printos_ext}``; returns tmp_path."""
    vendor_dir = tmp_path / "acme_platform" / "_vendor"
    vendor_dir.mkdir(parents=True)
    (tmp_path / "acme_platform" / "__init__.py").write_text('"""An application."""\n')
    (vendor_dir / "__init__.py").write_text('"""Third-party code, copied in."""\n')
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(GENERATED, vendor_dir / "printos_api_client", ignore=ignore)
    shutil.copytree(EXT, vendor_dir / "printos_ext", ignore=ignore)
    return tmp_path


def run(tree: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTOS_")}
    env["PYTHONPATH"] = str(tree)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tree,
        timeout=60,
        check=False,
    )


def test_vendored_copy_works_without_the_top_level_packages(tmp_path: Path) -> None:
    tree = vendor(tmp_path)

    result = run(tree, BLOCKER + USE)

    assert result.returncode == 0, result.stderr
    seen: dict[str, Any] = json.loads(result.stdout)
    vendored = (tree / "acme_platform" / "_vendor").resolve()
    assert seen["ids"] == ["dev-1"]
    assert seen["package_name"] == f"{VENDOR}.printos_api_client"
    assert seen["device_class"] == f"{VENDOR}.printos_api_client.models.print_device.PrintDevice"
    assert seen["files"] == {
        f"{VENDOR}.printos_ext": str(vendored / "printos_ext" / "__init__.py"),
        f"{VENDOR}.printos_api_client": str(vendored / "printos_api_client" / "__init__.py"),
    }
    assert seen["sdk_modules"]
    assert [name for name in seen["sdk_modules"] if not name.startswith(f"{VENDOR}.")] == []
    assert f"{VENDOR}.printos_ext.client" in seen["loggers"]


def test_vendored_and_installed_copies_stay_apart(tmp_path: Path) -> None:
    """With the SDK also installed, each printos_ext uses its own generated package."""
    tree = vendor(tmp_path)
    code = textwrap.dedent(
        """
        import json

        import printos_ext
        import acme_platform._vendor.printos_ext as vendored

        print(json.dumps([
            printos_ext._generated.package_name,
            vendored._generated.package_name,
            printos_ext.PrintDevice is vendored.PrintDevice,
        ]))
        """
    )

    result = run(tree, code)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "printos_api_client",
        f"{VENDOR}.printos_api_client",
        False,
    ]


@pytest.mark.parametrize(
    "part",
    [
        "core",
        "sandbox",
    ],
)
def test_no_absolute_imports_of_the_sdk_inside_printos_ext(part: str) -> None:
    """Static check, so imports inside functions are covered too (typing-only ones are fine)."""
    found = []
    for path in sorted(EXT.rglob("*.py")):
        relative = path.relative_to(EXT)
        if (relative.parts[0] == "sandbox") != (part == "sandbox"):
            continue
        tree = ast.parse(path.read_text(), str(path))
        typing_only = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and ast.unparse(block.test).endswith("TYPE_CHECKING")
            for statement in block.body
            for node in ast.walk(statement)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            if any(name.partition(".")[0] in TOP_LEVEL for name in names):
                found.append(f"printos_ext/{relative.as_posix()}:{node.lineno}")

    assert found == [], f"absolute SDK imports break vendoring: {found}"


@pytest.mark.parametrize(
    "part",
    [
        "core",
        "sandbox",
    ],
)
def test_every_vendored_module_imports_without_the_top_level_packages(
    part: str, tmp_path: Path
) -> None:
    if part == "sandbox":
        pytest.importorskip("starlette")
    tree = vendor(tmp_path)
    code = BLOCKER + textwrap.dedent(
        f"""
        import importlib
        import json
        import pkgutil

        import acme_platform._vendor.printos_api_client as generated
        import acme_platform._vendor.printos_ext as ext

        failed = {{}}
        for package in (generated, ext):
            for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
                in_sandbox = ".printos_ext.sandbox" in info.name
                if in_sandbox != ({part!r} == "sandbox") or info.name.endswith("__main__"):
                    continue
                try:
                    importlib.import_module(info.name)
                except ImportError as exc:
                    failed[info.name] = str(exc)
        print(json.dumps(failed))
        """
    )

    result = run(tree, code)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {}
