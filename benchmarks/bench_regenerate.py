"""Regenerating the largest corpus spec: our pipeline against stock openapi-python-client 0.29.1.

The largest spec (in bytes) of the conformance corpus, tests/conformance/corpus.py, is
generated alternately by ``scripts/regenerate.py --no-release`` (validation, change report, the
generator with our templates and ruff hooks, the checks before anything is written) and by stock
``openapi-python-client generate --meta none`` (its own templates and ruff hooks), each into a
fresh temporary directory; the medians of ROUNDS interleaved rounds are printed with their ratio.
What our pipeline adds over stock is the price of "never write broken code".

``python benchmarks/bench_regenerate.py [--spec PATH]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))

import spec_diff  # noqa: E402

from conformance import corpus, harness  # noqa: E402

ROUNDS = 3


def operation_count(path: Path) -> int:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return len(spec_diff._Spec(document).operations())


def largest() -> tuple[str, Path, int]:
    """The corpus spec of the most bytes (GitHub's cut: 48 operations, 330 kB)."""
    found = [(c.name, c.path) for c in corpus.all_cases() if c.path is not None]
    name, path = max(found, key=lambda item: item[1].stat().st_size)
    return name, path, operation_count(path)


def timed(spec: Path, mode: str) -> tuple[float, bool]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        ok, _ = harness.generate(spec, mode, Path(tmp))
        return time.perf_counter() - started, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, help="a spec instead of the corpus's largest")
    args = parser.parse_args(argv)
    if args.spec:
        name, path, count = args.spec.stem, args.spec.resolve(), operation_count(args.spec)
    else:
        name, path, count = largest()
    times: dict[str, list[float]] = {"ours": [], "stock": []}
    generated: dict[str, bool] = {}
    for _ in range(ROUNDS):
        for mode in times:
            seconds, generated[mode] = timed(path, mode)
            times[mode].append(seconds)
    ours, stock = (statistics.median(times[mode]) for mode in ("ours", "stock"))
    size = path.stat().st_size // 1000
    print(
        f"regenerate {name} ({count} operations, {size} kB), median of {ROUNDS} interleaved rounds"
    )
    for mode, median in (("ours", ours), ("stock", stock)):
        status = "" if generated[mode] else "  (generation FAILED)"
        print(f"  {mode:<6} {median:6.2f} s{status}")
    print(f"  ratio ours/stock: {ours / stock:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
