"""Run every benchmark once and print one table: each ratio against its baseline, PASS or MISS.

``python benchmarks/run_all.py`` (about two minutes on two cores). Not part of the test run:
timings on a shared machine are too noisy to assert on, so the targets are reported, not
enforced, unless ``--strict`` is given (exit status 1 on any MISS).

The benchmarks named in ``OURS`` also run on their own and define ``run() -> list[Result]``; this
module owns the ``Result`` row and the table format they share. Any other ``bench_*.py`` in this
directory is executed afterwards as a plain script, its output shown as is.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
OURS = ("bench_overhead", "bench_parse", "bench_import")


@dataclass(frozen=True)
class Result:
    """One measured value against its target; ``value`` and ``target`` share ``unit``."""

    name: str
    value: float
    unit: str
    target: float
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.value <= self.target

    def row(self) -> str:
        verdict = "PASS" if self.passed else "MISS"
        measured, target = _show(self.value, self.unit), "<= " + _show(self.target, self.unit)
        return f"{self.name:<50} {measured:>8}  {target:<10} {verdict}  {self.detail}"


def _show(value: float, unit: str) -> str:
    return f"{value:.2f}x" if unit == "x" else f"{value:.0f} {unit}"


def print_table(results: list[Result]) -> None:
    print(f"{'benchmark':<50} {'measured':>8}  {'target':<10} verdict")
    for result in results:
        print(result.row())


def _others() -> list[Path]:
    return [path for path in sorted(HERE.glob("bench_*.py")) if path.stem not in OURS]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="exit 1 if any target is missed")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    started = time.perf_counter()
    results: list[Result] = []
    for name in OURS:
        module = importlib.import_module(name)
        print(f"== {name}: {module.__doc__.splitlines()[0] if module.__doc__ else ''}", flush=True)
        for note in getattr(module, "NOTES", ()):
            print(f"   {note}")
        results += module.run()
    print()
    print_table(results)
    for path in _others():
        print(f"\n== {path.name} (run as a script)", flush=True)
        completed = subprocess.run([sys.executable, str(path)], check=False)
        if completed.returncode:
            print(f"{path.name} exited with status {completed.returncode}")
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    missed = [r for r in results if not r.passed]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
