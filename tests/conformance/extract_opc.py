"""Write openapi-python-client's own end-to-end specs into an external corpus directory.

They exist only in its source repository (its PyPI sdists do not ship ``end_to_end_tests/``), so
they are never committed here: this script reads a checkout (or a bare clone: files are then read
with ``git show``) and writes, under ``OUT/opc/``:

* the files ``baseline_openapi_3.0.json``, ``baseline_openapi_3.1.yaml``,
  ``3.1_specific.openapi.yaml`` and ``openapi_3.1_enums.yaml``;
* every inline spec of its functional tests (the string given to
  ``@with_generated_client_fixture(...)`` or ``inline_spec_should_cause_warnings(...)``; see
  DECORATORS for the ones left out), completed as its test helper completes it
  (``openapi: 3.1.0``, ``info`` and ``paths: {}`` when missing), named
  ``functional/<test module>-<class or function>.yaml``;
* its LICENSE (MIT, Copyright (c) 2020 Triax Technologies) as ``opc/LICENSE``.

Usage: ``python tests/conformance/extract_opc.py REPO OUT`` then ``PRINTOS_CORPUS_DIR=OUT``.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

FILES = (
    "baseline_openapi_3.0.json",
    "baseline_openapi_3.1.yaml",
    "3.1_specific.openapi.yaml",
    "openapi_3.1_enums.yaml",
)
DECORATORS = {
    "with_generated_client_fixture",
    "inline_spec_should_fail",
    "inline_spec_should_cause_warnings",
}
# Left out: a spec given to ``inline_spec_should_fail`` (the generator must refuse it, and does)
# and one given with ``config=...`` (``literal_enums: true``: generated only with a generator
# config of its own, which a regeneration of this project does not take). Neither generator
# generates them as extracted; everything else is kept, the warning cases included.


class Source:
    """A checkout or a bare clone of openapi-python-client."""

    def __init__(self, where: Path) -> None:
        self.where = where
        self.bare = not (where / "end_to_end_tests").is_dir()

    def read(self, path: str) -> str:
        if not self.bare:
            return (self.where / path).read_text(encoding="utf-8")
        return self._git("show", f"HEAD:{path}")

    def list(self, folder: str) -> list[str]:
        if not self.bare:
            return sorted(
                str(p.relative_to(self.where)) for p in (self.where / folder).rglob("*.py")
            )
        names = self._git("ls-tree", "-r", "--name-only", "HEAD", folder).splitlines()
        return sorted(name for name in names if name.endswith(".py"))

    def _git(self, *args: str) -> str:
        return subprocess.run(
            ["git", "--git-dir", str(self.where), *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def completed(spec: str) -> str:
    """The inline spec as openapi-python-client's ``generate_client_from_inline_spec`` feeds it."""
    if not re.search("^openapi:", spec, re.MULTILINE):
        spec += "\nopenapi: '3.1.0'\n"
    if not re.search("^info:", spec, re.MULTILINE):
        spec += "\ninfo: {'title': 'testapi', 'description': 'my test api', 'version': '0.0.1'}\n"
    if not re.search("^paths:", spec, re.MULTILINE):
        spec += "\npaths: {}\n"
    return spec


def inline_specs(source_text: str) -> list[tuple[str, str]]:
    """(owner name, spec) for every inline spec in a functional test module."""
    found: list[tuple[str, str]] = []
    tree = ast.parse(source_text)
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef | ast.FunctionDef):
            continue
        calls = [d for d in node.decorator_list if isinstance(d, ast.Call)]
        calls += [n for n in ast.walk(node) if isinstance(n, ast.Call) and n not in calls]
        for call in calls:
            name = getattr(call.func, "id", getattr(call.func, "attr", ""))
            if name not in DECORATORS or not call.args:
                continue
            if name == "inline_spec_should_fail" or any(k.arg == "config" for k in call.keywords):
                continue  # refused by design, or generated only with a config of its own
            first = call.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((node.name, first.value))
    unique: dict[str, str] = {}
    for owner, spec in found:
        if spec not in unique.values():
            label = owner
            count = 2
            while label in unique:
                label, count = f"{owner}-{count}", count + 1
            unique[label] = spec
    return list(unique.items())


def main(argv: list[str]) -> int:
    source, out = Source(Path(argv[0])), Path(argv[1]) / "opc"
    (out / "functional").mkdir(parents=True, exist_ok=True)
    for name in FILES:
        (out / name).write_text(source.read(f"end_to_end_tests/{name}"), encoding="utf-8")
    count = len(FILES)
    for module in source.list("end_to_end_tests/functional_tests"):
        for owner, spec in inline_specs(source.read(module)):
            target = out / "functional" / f"{Path(module).stem}-{owner}.yaml"
            target.write_text(completed(spec), encoding="utf-8")
            count += 1
    (out / "LICENSE").write_text(source.read("LICENSE"), encoding="utf-8")
    print(f"{count} specs written under {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
