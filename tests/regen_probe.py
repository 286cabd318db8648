"""Regenerate a spec into a temporary tree and run a probe script beside it, for the
``test_regen_*`` modules: what a user gets after ``scripts/regenerate.sh --spec ...``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "hp-printos-device-api-openapi.yml"


def regenerate(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """scripts/regenerate.py with ``args``, in a subprocess."""
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "regenerate.py"), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def regenerate_and_probe(spec: Path, tree: Path, probe: str, *options: str) -> dict[str, Any]:
    """Regenerate ``spec`` into ``tree`` (reported against the committed spec; ``options`` are
    more arguments), then run ``probe`` in a fresh interpreter with the new package and ``src/``
    on PYTHONPATH.

    Returns the JSON object the probe prints last, with ``report`` (regenerate.py's output)
    and ``package`` (the generated package's directory) added.
    """
    package = tree / "printos_api_client"
    generated = regenerate("--spec", spec, "--output", package, "--baseline", SPEC, *options)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTOS_")}
    env["PYTHONPATH"] = os.pathsep.join([str(tree), str(ROOT / "src")])
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        cwd=tree,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    result["report"] = generated.stdout
    result["package"] = package
    return result


def ruff_findings(package: Path) -> str:
    """What ``ruff check`` and ``ruff format --check`` (default rules, no configuration) say about
    a generated package; empty when it is clean."""
    ruff = str(Path(sys.executable).parent / "ruff")
    said = []
    for args in (["check", "--quiet"], ["format", "--check", "--quiet"]):
        done = subprocess.run(
            [ruff, *args, "--isolated", "--no-cache", str(package)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            said.append(done.stdout + done.stderr)
    return "".join(said)


def regenerate_beside_ext(spec: Path, tree: Path, *flags: str) -> None:
    """``scripts/regenerate.py --spec spec --output tree/printos_api_client --no-release *flags``,
    then an unmodified copy of src/printos_ext beside the package (no edit to it, as a user who
    regenerates has none)."""
    command = [sys.executable, str(ROOT / "scripts" / "regenerate.py"), "--spec", str(spec)]
    output = tree / "printos_api_client"
    generated = subprocess.run(
        [*command, "--output", str(output), "--no-release", *flags],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    ext = ROOT / "src" / "printos_ext"
    shutil.copytree(ext, tree / "printos_ext", ignore=shutil.ignore_patterns("__pycache__"))
