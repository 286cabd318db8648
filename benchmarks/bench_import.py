"""Cold ``import printos_ext`` time, from ``python -X importtime`` in fresh interpreters.

Each run is a new subprocess, so nothing is cached in ``sys.modules``; the number reported is the
median over runs of the cumulative time of the top-level ``printos_ext`` import. The same runs
give each module's own ("self") time, from which the five most expensive are listed, and show
whether modules a plain ``import printos_ext`` should not need (the sandbox's Starlette and
uvicorn, dateutil's general parser, httpx's command-line tool) are imported eagerly.

Two environments: this virtualenv as it is, and the same with ``click``, ``rich`` and ``pygments``
made unimportable. httpx imports its command-line entry point (``httpx._main``) whenever those
three are installed; here they come with dev tools, while an application that installs only
``printos-sdk`` usually lacks them.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from run_all import Result, print_table

TARGET_MS = 150.0
RUNS = 7
ROOT = Path(__file__).resolve().parent.parent
WITHOUT_CLI_DEPS = "import sys; sys.modules.update(click=None, rich=None, pygments=None); "
WATCHED = (
    "starlette",
    "uvicorn",
    "printos_ext.sandbox",
    "dateutil.parser",
    "httpx._main",
    "rich",
    "click",
    "pygments",
    "anyio",
    "attrs",
    "ssl",
)

NOTES = (
    f"median of {RUNS} fresh interpreters, python -X importtime -c 'import printos_ext'; "
    "baseline: 'import httpx' alone, in interpreters alternating with those",
)


def _importtime(
    prelude: str = "", module: str = "printos_ext"
) -> tuple[dict[str, tuple[float, float]], set[str]]:
    """``{module: (self ms, cumulative ms)}`` for one fresh interpreter importing ``module``, and
    which of ``WATCHED`` it had loaded afterwards."""
    report = f"import sys; print(*[m for m in {WATCHED!r} if sys.modules.get(m)], sep=',')"
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"{prelude}import {module}; {report}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    times: dict[str, tuple[float, float]] = {}
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        times[name.strip()] = (int(own) / 1000, int(cumulative) / 1000)
    return times, set(filter(None, completed.stdout.strip().split(",")))


def _measure(
    prelude: str, runs: int
) -> tuple[float, float, dict[str, float], dict[str, float], set[str]]:
    """Median ms of printos_ext and of httpx alone (the baseline, in alternate interpreters),
    median self and cumulative ms per module, and the watched modules printos_ext loaded."""
    loaded: set[str] = set()
    totals: list[float] = []
    baseline: list[float] = []
    own: dict[str, list[float]] = defaultdict(list)
    cumulative: dict[str, list[float]] = defaultdict(list)
    for _ in range(runs):
        baseline.append(_importtime(prelude, "httpx")[0]["httpx"][1])
        times, watched = _importtime(prelude)
        loaded |= watched
        totals.append(times["printos_ext"][1])
        for name, (self_ms, cumulative_ms) in times.items():
            own[name].append(self_ms)
            cumulative[name].append(cumulative_ms)
    # A module missing from some runs counts as 0 there (the median then says "usually not").
    return (
        statistics.median(totals),
        statistics.median(baseline),
        {name: statistics.median(v + [0.0] * (runs - len(v))) for name, v in own.items()},
        {name: statistics.median(v + [0.0] * (runs - len(v))) for name, v in cumulative.items()},
        loaded,
    )


def run(*, runs: int = RUNS, verbose: bool = True) -> list[Result]:
    results = []
    for label, prelude in (("this venv", ""), ("no click/rich/pygments", WITHOUT_CLI_DEPS)):
        total, httpx_alone, own, cumulative, loaded = _measure(prelude, runs)
        top = sorted(own.items(), key=lambda item: item[1], reverse=True)[:5]
        eager = [f"{name} {cumulative.get(name, 0.0):.1f} ms" for name in WATCHED if name in loaded]
        if verbose:
            print(f"-- {label}: {total:.0f} ms")
            print("   top self time: " + ", ".join(f"{n} {ms:.1f} ms" for n, ms in top))
            print("   loaded (cumulative time): " + ", ".join(eager))
            absent = [name for name in WATCHED if name not in loaded]
            print("   not imported: " + ", ".join(absent))
        detail = f"{total / httpx_alone:.2f}x 'import httpx' alone ({httpx_alone:.0f} ms); "
        detail += f"in it: attrs {cumulative.get('attrs', 0.0):.0f} ms"
        detail += f", dateutil.parser {cumulative.get('dateutil.parser', 0.0):.0f} ms"
        results.append(Result(f"cold import printos_ext, {label}", total, "ms", TARGET_MS, detail))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    print(*NOTES, sep="\n")
    print_table(run(runs=args.runs))


if __name__ == "__main__":
    main()
