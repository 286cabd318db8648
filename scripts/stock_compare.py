"""Our pipeline next to stock openapi-python-client 0.29.1 on the conformance corpus.

For every corpus spec (see tests/conformance/corpus.py: the committed specs, the registry
packages and, when present, the external directory of openapi-python-client's own specs) it runs
both generators and prints one table, spec x (generates, imports, ruff, mypy --strict,
operations callable, round trips), ours beside stock:

* ours: ``scripts/regenerate.py --no-release`` (the custom templates); "callable" means the
  operation is a method of ``PrintOSClient`` that answers a mocked documented response;
* stock: ``openapi-python-client generate --meta none``, no custom templates; "callable" means the
  endpoint module's ``asyncio`` function exists and answers the same mocked response.

A round trip: the decoded response encodes back (``to_dict``) to the JSON sample it came from.
A row is marked ``<`` where ours is worse than stock on any column.

Usage: ``python scripts/stock_compare.py [--only SUBSTRING] [--json OUT] [--fast]``
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conformance import corpus, harness  # noqa: E402


def cell(result: harness.Result) -> list[str]:
    def mark(ok: bool) -> str:
        return "yes" if ok else "NO"

    return [
        mark(result.generates),
        mark(result.imports),
        mark(result.ruff),
        mark(result.mypy),
        f"{result.callable}/{result.total}",
        f"{result.round_trips}/{result.total}",
    ]


def worse(ours: harness.Result, stock: harness.Result) -> bool:
    pairs = [
        (ours.generates, stock.generates),
        (ours.imports, stock.imports),
        (ours.mypy, stock.mypy),
        (ours.callable, stock.callable),
        (ours.round_trips, stock.round_trips),
    ]
    return any(a < b for a, b in pairs)


def table(rows: list[tuple[harness.Result, harness.Result]]) -> str:
    head = ["spec", "gen", "imp", "ruff", "mypy", "callable", "round trip"]
    lines = [
        ["", "ours", "", "", "", "", "", "| stock", "", "", "", "", "", ""],
        [head[0], *head[1:], "|", *head[1:], ""],
    ]
    for ours, stock in rows:
        lines.append([ours.spec, *cell(ours), "|", *cell(stock), "<" if worse(ours, stock) else ""])
    totals = []
    for result_set in (list(r[0] for r in rows), list(r[1] for r in rows)):
        total = sum(r.total for r in result_set)
        totals += [
            f"{sum(r.generates for r in result_set)}/{len(result_set)}",
            f"{sum(r.imports for r in result_set)}",
            f"{sum(r.ruff for r in result_set)}",
            f"{sum(r.mypy for r in result_set)}",
            f"{sum(r.callable for r in result_set)}/{total}",
            f"{sum(r.round_trips for r in result_set)}/{total}",
        ]
    lines.append(["TOTAL", *totals[:6], "|", *totals[6:], ""])
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  ".join(value.ljust(width) for value, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the specs whose name contains this")
    parser.add_argument("--json", type=Path, help="also write every result (with errors) here")
    parser.add_argument("--fast", action="store_true", help="only the specs CI runs")
    args = parser.parse_args(argv)
    cases = [
        case
        for case in corpus.all_cases()
        if case.path is not None
        and (not args.only or args.only in case.name)
        and (not args.fast or not case.slow)
    ]
    for case in corpus.all_cases():
        if case.skip:
            print(f"skipped {case.name}: {case.skip}", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        for case in cases:
            assert case.path is not None
            pair = tuple(
                harness.run(case.path, mode, name=case.name, mypy_cache=Path(cache) / mode)
                for mode in ("ours", "stock")
            )
            rows.append(pair)
            print(
                f"{case.name}: ours {pair[0].seconds:.1f} s, stock {pair[1].seconds:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    print(table(rows))
    if args.json:
        args.json.write_text(
            json.dumps([[vars(r) for r in pair] for pair in rows], indent=1), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
