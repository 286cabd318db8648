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
import time
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


def table(rows: list[tuple[harness.Result, harness.Result]]) -> str:
    head = ["spec", "gen", "imp", "ruff", "mypy", "callable", "round trip"]
    lines = [
        ["", "ours", "", "", "", "", "", "|", "stock", "", "", "", "", "", ""],
        [head[0], *head[1:], "|", *head[1:], ""],
    ]
    for ours, stock in rows:
        lines.append(
            [ours.spec, *cell(ours), "|", *cell(stock), "<" if ours.worse_than(stock) else ""]
        )
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


def failure_class(check: str, error: str) -> str:
    """Which class of issue 16 a failure of our pipeline belongs to (a best guess from its text)."""
    text = error.lower()
    if check == "generate":
        if "valid" in text or "refus" in text:
            return "1 validator/warnings"
        if "import" in text:
            return "2 imports"
        return "1/7 generation"
    if check == "import":
        return "7 printos_ext" if "printos_ext" in text else "2 imports"
    if check == "mypy":
        return "6 mypy"
    if check == "ruff":
        return "ruff"
    if "not reachable" in text:
        return "3 names"
    if "documented success" in text or "default" in text:
        return "5 default responses"
    if "both" in text and "body" in text:
        return "4 body defaults"
    if "multipart" in text or "round trip" in text or "encode" in text:
        return "6 models"
    return "calls"


def failures_markdown(rows: list[tuple[harness.Result, harness.Result]]) -> str:
    """Our pipeline's failures as a markdown table: spec, operation, error line, class."""
    lines = ["| spec | operation | error | class |", "| --- | --- | --- | --- |"]
    for ours, _ in rows:
        for operation, error in ours.failures():
            check = error.split(":", 1)[0] if operation == "-" else "operation"
            cls = failure_class(check, error)
            text = error.replace("|", "\\|")
            lines.append(f"| {ours.spec} | {operation} | {text} | {cls} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the specs whose name contains this")
    parser.add_argument("--json", type=Path, help="also write every result (with errors) here")
    parser.add_argument(
        "--failures", type=Path, help="append our failures, as a markdown table, to this file"
    )
    parser.add_argument(
        "--from-json", type=Path, help="print the table of an earlier --json run, run nothing"
    )
    parser.add_argument("--fast", action="store_true", help="only the specs CI runs")
    args = parser.parse_args(argv)
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        rows = [(harness.Result(**ours), harness.Result(**stock)) for ours, stock in saved]
        print(table(rows))
        return 0
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
    rows: list[tuple[harness.Result, harness.Result]] = []
    with tempfile.TemporaryDirectory() as cache:
        for case in cases:
            assert case.path is not None
            ours, stock = (
                harness.run(case.path, mode, name=case.name, mypy_cache=Path(cache) / mode)
                for mode in ("ours", "stock")
            )
            pair = (ours, stock)
            rows.append(pair)
            print(
                f"{case.name}: ours {pair[0].seconds:.1f} s, stock {pair[1].seconds:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    if args.json:
        args.json.write_text(
            json.dumps([[vars(r) for r in pair] for pair in rows], indent=1), encoding="utf-8"
        )
    print(table(rows))
    if args.failures:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        with args.failures.open("a", encoding="utf-8") as out:
            out.write(f"\n## Run of {stamp}\n\n{table(rows)}\n\n{failures_markdown(rows)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
