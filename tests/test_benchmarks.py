"""The benchmarks still run against the SDK as it is (a smoke test: no timing is asserted).

A benchmark is not part of the test run (machines are too noisy for timed assertions), so an API
change can break one unnoticed: ``bench_parse`` reached for a name ``_generated`` no longer had.
Each one here runs its smallest configuration once and must produce its rows.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def benchmarks() -> Iterator[None]:
    sys.path.insert(0, str(BENCHMARKS))  # the scripts import run_all as a sibling
    yield
    sys.path.remove(str(BENCHMARKS))


def load(name: str) -> ModuleType:
    return importlib.import_module(name)


@pytest.mark.parametrize("name", sorted(path.stem for path in BENCHMARKS.glob("bench_*.py")))
def test_every_benchmark_script_imports(benchmarks: None, name: str) -> None:
    assert load(name).__doc__


def test_the_parse_benchmark_runs(benchmarks: None) -> None:
    rows = load("bench_parse").run(rounds=1)
    assert [row.name for row in rows] == [
        "parse 10k devices, from_dict(json.loads)",
        "parse 10k devices, SDK parse()",
    ]


def test_the_overhead_benchmark_runs_in_process(benchmarks: None) -> None:
    rows = load("bench_overhead").run(rounds=1, batch=1, servers=("asgi",))
    assert len(rows) == 4
    assert all(row.value > 0 for row in rows)
