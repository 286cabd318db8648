"""One corpus spec through a generator and every check: generates, imports, ruff, mypy --strict,
operations callable, round trips.

``run(spec, "ours", workdir)`` regenerates with ``scripts/regenerate.py --no-release`` into a
temporary tree beside an unmodified copy of ``src/printos_ext``; ``run(spec, "stock", workdir)``
runs stock openapi-python-client (no custom templates) on the same spec. The calls happen in one
fresh interpreter per spec (``probe.py``) and mypy runs once per tree, with one cache shared by
the whole run, so a spec costs a generation, a mypy run and an interpreter start.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXT = ROOT / "src" / "printos_ext"
OURS_PACKAGE = "printos_api_client"
STOCK_PACKAGE = "corpus_client"
STOCK_CONFIG = f"project_name_override: corpus-client\npackage_name_override: {STOCK_PACKAGE}\n"
BIN = Path(sys.executable).parent


@dataclass
class Result:
    """What one generator made of one spec."""

    spec: str
    mode: str
    generates: bool = False
    generate_error: str | None = None
    imports: bool = False
    import_error: str | None = None
    ruff: bool = False
    ruff_error: str | None = None
    mypy: bool = False
    mypy_error: str | None = None
    operations: list[dict[str, Any]] = field(default_factory=list)
    omitted: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def kept(self) -> list[dict[str, Any]]:
        """The operations the generator did not report as omitted (``omitted:`` lines of the
        change report, as stock omits them too): each must be a working method."""
        return [op for op in self.operations if _route(op["operation"]) not in self.omitted]

    @property
    def total(self) -> int:
        return len(self.operations)

    @property
    def callable(self) -> int:
        return sum(1 for op in self.operations if op["called"])

    @property
    def reachable(self) -> int:
        return sum(1 for op in self.operations if op["reachable"])

    @property
    def round_trips(self) -> int:
        return sum(1 for op in self.operations if op["round_trip"])

    def worse_than(self, other: Result) -> list[str]:
        """The checks this result fails where ``other`` (stock, on the same spec) passes, and
        the operations ``other`` calls (or round-trips) that this one does not."""
        worse = [
            check
            for check in ("generates", "imports", "ruff", "mypy")
            if getattr(other, check) and not getattr(self, check)
        ]
        for column in ("called", "round_trip"):
            mine = {op["operation"] for op in self.operations if op[column]}
            theirs = {op["operation"] for op in other.operations if op[column]}
            worse += [f"{column}: {name}" for name in sorted(theirs - mine)]
        return worse

    def failures(self) -> list[tuple[str, str]]:
        """(operation, error line) for every check that failed."""
        found = []
        for name in ("generate", "import", "ruff", "mypy"):
            error = getattr(self, f"{name}_error")
            if error:
                found.append(("-", f"{name}: {error}"))
        for op in self.kept():
            if op["error"]:
                found.append((op["operation"], op["error"]))
        return found


def _run(
    args: list[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout, check=False
    )


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "(no output)"


def _reason(text: str) -> str:
    """The line of regenerate.py's output that says why it failed."""
    for line in text.splitlines():
        if line.startswith("regenerate:") or "Error" in line:
            return line.strip()[:300]
    return _last_line(text)


def _first_error(text: str) -> str:
    for line in text.splitlines():
        if ": error:" in line or "Error" in line or "error" in line:
            return line.strip()[:300]
    return _last_line(text)


def _route(title: str) -> str:
    """``GET /pets`` of ``GET /pets (listPets)``."""
    return " ".join(title.split(" ")[:2])


def omissions(report: str) -> list[str]:
    """The operations regenerate.py's report says the generator omitted whole (``GET /pets``;
    not those it generated without a piece, such as a response schema)."""
    found = []
    for line in report.splitlines():
        match = re.match(r"omitted: ([A-Z]+ /\S*)", line)
        whole = "will not be generated" in line or "the generator wrote no code" in line
        if match and whole:
            found.append(match.group(1))
    return found


def generate(spec: Path, mode: str, tree: Path) -> tuple[bool, str | None]:
    """Generate ``spec`` into ``tree`` (a directory on PYTHONPATH afterwards); what the
    generator omitted is in ``tree/omitted.txt``."""
    if mode == "ours":
        done = _run(
            [
                sys.executable,
                str(ROOT / "scripts" / "regenerate.py"),
                "--spec",
                str(spec),
                "--output",
                str(tree / OURS_PACKAGE),
                "--no-release",
                "--no-overlay",  # HP's overlay is for HP's spec
                # A corpus spec is another API: printos_ext's Devices helpers cannot import with
                # it (regenerate.py would rightly refuse); the probe imports printos_ext itself.
                "--no-ext-check",
                # Nor does HP's overlay apply to it (its targets would select nothing).
                "--no-overlay",
            ]
        )
        (tree / "omitted.txt").write_text("\n".join(omissions(done.stdout)), encoding="utf-8")
        if done.returncode != 0 or not (tree / OURS_PACKAGE / "__init__.py").exists():
            return False, f"exit {done.returncode}: {_reason(done.stderr + done.stdout)}"
        shutil.copytree(EXT, tree / "printos_ext", ignore=shutil.ignore_patterns("__pycache__"))
        return True, None
    config = tree / "stock-config.yml"
    config.write_text(STOCK_CONFIG, encoding="utf-8")
    done = _run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(spec),
            "--meta",
            "none",
            "--output-path",
            str(tree / STOCK_PACKAGE),
            "--config",
            str(config),
            "--overwrite",
        ],
        cwd=tree,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    if done.returncode != 0 or not (tree / STOCK_PACKAGE / "__init__.py").exists():
        return False, f"exit {done.returncode}: {_last_line(done.stdout + done.stderr)}"
    return True, None


def ruff(package_dir: Path) -> tuple[bool, str | None]:
    """``ruff check`` with ruff's classic default rules, the ones that matter in generated code
    (E4, E7, E9, F: syntax, undefined names, unused imports, redefinitions; the project's style
    rules are not meant for generated code, which pyproject.toml excludes), and ``ruff format
    --check`` as the generator's post-hook formats."""
    rules = ["--select", "E4,E7,E9,F", "--output-format", "concise"]
    for args in (["check", *rules], ["format", "--check"]):
        done = _run([str(BIN / "ruff"), *args, "--isolated", "--no-cache", str(package_dir)])
        if done.returncode != 0:
            lines = (done.stdout + done.stderr).strip().splitlines()
            findings = [line for line in lines if re.search(r":\d+:\d+: [A-Z]+\d+", line)]
            findings = findings or [line for line in lines if "Would reformat" in line] or lines
            first = findings[0].replace(str(package_dir.parent) + "/", "") if findings else "?"
            return False, f"ruff {args[0]} ({len(findings)} findings): {first[:300]}"
    return True, None


def mypy(tree: Path, package: str, cache: Path) -> tuple[bool, str | None]:
    done = _run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(cache),
            "--no-error-summary",
            "-p",
            package,
        ],
        cwd=tree,
        env={**os.environ, "MYPYPATH": str(tree)},
    )
    if done.returncode != 0:
        return False, _first_error(done.stdout + done.stderr)
    return True, None


def probe(spec: Path, mode: str, tree: Path) -> tuple[str | None, list[dict[str, Any]]]:
    package = OURS_PACKAGE if mode == "ours" else STOCK_PACKAGE
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTOS_")}
    env["PYTHONPATH"] = os.pathsep.join([str(tree), str(ROOT / "tests"), str(ROOT / "scripts")])
    done = _run(
        [sys.executable, "-m", "conformance.probe", str(spec), mode, package],
        cwd=tree,
        env=env,
        timeout=600,
    )
    if done.returncode != 0:
        return f"probe crashed: {_last_line(done.stderr)}", []
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    return seen["imports"], seen["operations"]


def run(
    spec: Path,
    mode: str,
    workdir: Path | None = None,
    *,
    name: str | None = None,
    mypy_cache: Path | None = None,
    checks: bool = True,
) -> Result:
    """Every check of ``spec`` with generator ``mode`` ("ours" or "stock")."""
    import time

    spec = spec.resolve()
    result = Result(spec=name or spec.stem, mode=mode)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        tree = Path(tmp)
        result.generates, result.generate_error = generate(spec, mode, tree)
        if result.generates:
            import_error, result.operations = probe(spec, mode, tree)
            omitted = tree / "omitted.txt"
            if omitted.exists():
                result.omitted = [line for line in omitted.read_text().splitlines() if line]
            result.imports, result.import_error = import_error is None, import_error
            if checks:
                package = OURS_PACKAGE if mode == "ours" else STOCK_PACKAGE
                result.ruff, result.ruff_error = ruff(tree / package)
                cache = mypy_cache or tree / ".mypy_cache"
                result.mypy, result.mypy_error = mypy(tree, package, cache)
    result.seconds = time.perf_counter() - started
    return result
