"""Regenerate ``generated/printos_api_client`` from the committed OpenAPI spec.

What is generated from is the *effective spec*: HP's file (``--spec``) with the OpenAPI Overlay
``openapi/overlay.yaml`` (``--overlay``; ``--no-overlay`` for none) applied by ``overlay.py``.
An overlay action that selects nothing stops the run, naming the action.
``--write-effective-spec PATH`` also writes the effective spec to PATH.

Steps, each of which stops the run with a clear message on failure:

1. validate HP's spec and the effective spec (openapi-spec-validator). The policy is that
   whatever the pinned openapi-python-client generates, this pipeline generates too: the
   validator's findings are printed as ``note:`` lines and generation goes on (``--strict``
   refuses instead, as CI does for the committed spec);
2. print what changed for SDK users between the baseline and this effective spec, each change
   marked BREAKING or safe (see ``spec_diff.py``). The baseline is by default the spec and the
   overlay committed in git HEAD, so an overlay edit is reported like a spec edit;
   ``--baseline PATH`` names another spec, which gets the same overlay as ``--spec``.
   ``--report-only`` stops here; ``--fail-on-breaking`` stops here with exit 3
   when anything is breaking, writing nothing;
3. run the pinned openapi-python-client with ``generator-config.yml`` and the custom templates in
   ``openapi/templates/`` into a temporary directory. What the generator leaves out (an
   unresolvable ``$ref``, an unsupported parameter) is printed as ``omitted:`` lines naming the
   operation or schema, as are the names the templates had to change (``renamed:``, see
   README "Generated resources"); ``--strict`` refuses on any of them. Then write ``_origin.py``
   into it: the spec's ``info.version``, the SHA-256 of HP's spec file
   (``printos_api_client.SPEC_SHA256``), that of the overlay file (``OVERLAY_SHA256``) and the
   generator version;
4. verify the temporary tree, so that broken code is never written: every module compiles and
   imports (in a fresh interpreter), ``mypy --strict`` passes on the package (``--no-mypy`` skips
   that, the slowest check), and ``import printos_ext`` works with it: the hand-written layer
   still finds every operation, argument and model field it uses (``src/printos_ext/_generated.py``
   lists them). A failure exits 2, writes nothing and names the operation or schema at fault;
5. replace ``generated/printos_api_client`` with the result, or with ``--check`` only compare the
   two and list the files that differ (the drift check CI runs);
6. when the report has changes and the output is this repository's package (the default
   ``--output``), release (see ``release.py``): bump the version in ``src/printos_ext/version.py``
   (major for a breaking change, else minor) and prepend the CHANGELOG.md entry.
   ``--check``, ``--report-only`` and ``--no-release`` release nothing.

Running it twice changes nothing: the generator is deterministic, ruff runs ``--isolated`` and the
output is written only when it differs.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import overlay  # the sibling scripts: this directory is sys.path[0] when run as a script
import release
import spec_diff

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "hp-printos-device-api-openapi.yml"
OVERLAY = ROOT / "openapi" / "overlay.yaml"
CONFIG = ROOT / "generator-config.yml"
TEMPLATES = ROOT / "openapi" / "templates"
PACKAGE = "printos_api_client"
OUTPUT = ROOT / "generated" / PACKAGE
VERSION_FILE = ROOT / "src" / "printos_ext" / "version.py"
CHANGELOG = ROOT / "CHANGELOG.md"
ORIGIN = "_origin.py"
GENERATOR_VERSION = "0.29.1"
IGNORED = {".ruff_cache", "__pycache__"}


class RegenerateError(Exception):
    """A step failed; the message says which and why."""


def committed(path: Path) -> subprocess.CompletedProcess[str] | None:
    """``git show HEAD:<path>``; None when git cannot run."""
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "show", f"HEAD:./{path.relative_to(ROOT).as_posix()}"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None


def committed_version() -> str | None:
    """The version in git HEAD, if there is one: the version the baseline spec was released as."""
    result = committed(VERSION_FILE)
    if result is None or result.returncode != 0:
        return None
    match = release.VERSION_LINE.search(result.stdout)
    return match["version"] if match else None


def committed_spec() -> tuple[str, str]:
    """The committed spec's text and a label for it: from git HEAD, else the file on disk.

    HEAD, not the working tree: editing the spec and then regenerating should report the edit.
    """
    relative = SPEC.relative_to(ROOT).as_posix()
    result = committed(SPEC)
    if result is not None and result.returncode == 0:
        return result.stdout, f"HEAD:{relative}"
    why = "git is not available" if result is None else "it is not in git HEAD"
    print(f"regenerate: comparing with {relative} on disk ({why})", file=sys.stderr)
    try:
        return SPEC.read_text(encoding="utf-8"), relative
    except OSError as exc:
        raise RegenerateError(f"cannot read the baseline spec {SPEC}: {exc}") from exc


def committed_overlay(spec_label: str) -> tuple[Any, str] | None:
    """The overlay for the default baseline, and a label: ``openapi/overlay.yaml`` in git HEAD.

    None when HEAD has the spec but no overlay (the baseline is then the bare spec, so adding an
    overlay is reported); the file on disk when the spec, too, came from disk.
    """
    result = committed(OVERLAY)
    if result is not None and result.returncode == 0:
        label = f"HEAD:{OVERLAY.relative_to(ROOT).as_posix()}"
        try:
            return overlay.parse_document(result.stdout, label), label
        except overlay.OverlayError as exc:
            raise RegenerateError(f"cannot read the baseline overlay: {exc}") from exc
    if spec_label.startswith("HEAD:"):
        return None
    return load_overlay(OVERLAY), _display(OVERLAY)


def load_overlay(path: Path) -> Any:
    try:
        return overlay.load_document(path)
    except overlay.OverlayError as exc:
        raise RegenerateError(f"cannot read the overlay: {exc}") from exc


def with_overlay(
    document: dict[str, Any], label: str, layer: tuple[Any, str] | None
) -> tuple[dict[str, Any], str]:
    """``document`` with the overlay ``layer`` (its document and label) applied, and a label for
    the result such as ``openapi/hp-printos-device-api-openapi.yml + openapi/overlay.yaml``."""
    if layer is None:
        return document, label
    overlay_document, overlay_label = layer
    try:
        effective = overlay.apply_overlay(document, overlay_document)
    except overlay.OverlayError as exc:
        raise RegenerateError(f"cannot apply {overlay_label} to {label}: {exc}") from exc
    if not isinstance(effective, dict):
        raise RegenerateError(f"{overlay_label} applied to {label} is not a mapping")
    return effective, f"{label} + {overlay_label}"


def effective_spec(spec: Path, overlay_path: Path | None) -> tuple[dict[str, Any], str]:
    """HP's spec with the overlay applied (the effective spec), and its label."""
    try:
        document = overlay.load_document(spec)
    except overlay.OverlayError as exc:
        raise RegenerateError(f"cannot read the spec: {exc}") from exc
    if not isinstance(document, dict):
        raise RegenerateError(f"the spec {_display(spec)} is not a mapping")
    layer = None if overlay_path is None else (load_overlay(overlay_path), _display(overlay_path))
    return with_overlay(document, _display(spec), layer)


def change_report(
    new: dict[str, Any], new_label: str, baseline: Path | None, overlay_path: Path | None
) -> list[spec_diff.Change]:
    """Print the changes from the effective baseline to the effective spec ``new``; return them.

    The default baseline is what is committed: HEAD's spec with HEAD's ``openapi/overlay.yaml``
    (whichever overlay ``new`` was made with, so an overlay edit is reported). A ``baseline`` file
    gets the overlay at ``overlay_path``, so the report shows what changed in the spec itself.
    Without an overlay (``overlay_path`` None) neither side has one.
    """
    # Read as the new side and the generator read a spec (YAML 1.2), so a word such as `on`
    # means the same on both sides.
    try:
        if baseline is None:
            text, old_label = committed_spec()
            old = overlay.parse_document(text, old_label)
            layer = None if overlay_path is None else committed_overlay(old_label)
        else:
            old, old_label = overlay.load_document(baseline), _display(baseline)
            layer = None
            if overlay_path is not None:
                layer = (load_overlay(overlay_path), _display(overlay_path))
    except overlay.OverlayError as exc:
        raise RegenerateError(f"cannot compare the specs: {exc}") from exc
    if not isinstance(old, dict):
        raise RegenerateError(f"cannot compare the specs: {old_label} is not a mapping")
    old, old_label = with_overlay(old, old_label, layer)
    changes = spec_diff.diff_specs(old, new)
    print(spec_diff.format_report(changes, old_label, new_label))
    return changes


def _display(path: Path) -> str:
    """``path`` relative to the repository when it is inside it, for shorter report headings."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def validate_spec(spec: Path, *, strict: bool = False) -> list[str]:
    """The validator's findings as ``note:`` lines; with ``strict``, fail on the first instead.

    Not strict, a finding does not stop the run: the generator parses a good deal the validator
    refuses (a ``title`` beside a ``$ref`` in 3.1, ``default: 'True'`` on a boolean,
    ``$recursiveAnchor``), and what it cannot parse it omits and says so (see :func:`generate`).
    """
    from openapi_spec_validator.readers import read_from_filename

    if not spec.is_file():
        raise RegenerateError(f"spec not found: {spec}")
    try:
        document, _ = read_from_filename(str(spec))
    except Exception as exc:  # YAML syntax errors come in several exception types
        raise RegenerateError(f"spec {spec} is not readable YAML/JSON: {exc}") from exc
    return validate_document(document, f"spec {spec}", "the spec", strict=strict)


def validate_document(document: Any, label: str, short: str, *, strict: bool = False) -> list[str]:
    """``validate_spec`` for a parsed document; ``label`` names it in an error, ``short`` in a
    note."""
    from openapi_spec_validator import validate

    try:
        validate(document)
    except Exception as exc:
        # Keep the first line: some validator backends append the whole failing schema.
        message = str(getattr(exc, "message", exc)).strip().splitlines()[0]
        message = message.split(" within {", 1)[0]  # not the whole document after it
        message = re.sub(r"^[\[{].*[\]}] (is|was|has) ", r"the value there \1 ", message)
        if len(message) > 300:
            message = f"{message[:300]}..."
        path = "/".join(str(p) for p in getattr(exc, "path", ()) or ())
        where = f" at {path}" if path else ""
        if strict:
            raise RegenerateError(f"{label} is not valid OpenAPI{where}: {message}") from exc
        return [f"note: the validator finds {short} not valid OpenAPI{where}: {message}"]
    return []


def check_generator_version() -> None:
    """The dev tools are installed, and the generator is the pinned version."""
    for tool in ("openapi-python-client", "openapi-spec-validator", "ruff"):
        try:
            importlib.metadata.version(tool)
        except importlib.metadata.PackageNotFoundError:
            raise RegenerateError(
                f"{tool} is not installed in {sys.prefix}; run: pip install -e '.[dev]'"
            ) from None
    installed = importlib.metadata.version("openapi-python-client")
    if installed != GENERATOR_VERSION:
        raise RegenerateError(
            f"openapi-python-client {installed} is installed but the project pins "
            f"{GENERATOR_VERSION}; run: pip install -e '.[dev]'"
        )


EXTENSIONS_TEMPLATE = "spec_extensions.jinja"
EXTENSION_PREFIX = "x-printos-"
FIELD_PREFIX = "field_"  # the generator's default; generator-config.yml keeps it


def jinja_literal(value: object) -> str:
    """``value`` (parsed YAML/JSON) as a Jinja expression that evaluates to it."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # Jinja reads Python/JSON backslash escapes in string literals
    if isinstance(value, list):
        return "[" + ", ".join(jinja_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{jinja_literal(str(k))}: {jinja_literal(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    raise RegenerateError(f"cannot pass a {type(value).__name__} to the templates: {value!r}")


def operation_extensions(document: dict[str, object]) -> dict[str, dict[str, object]]:
    """The ``x-printos-*`` extensions of each operation, keyed by the generator's name for it.

    That name (``endpoint.name`` in the templates, ``list_devices``) is the operationId, or what
    the generator makes up without one, as a snake_case identifier: computed here with the
    generator's own functions, so both sides agree.
    """
    from openapi_python_client.parser.openapi import generate_operation_id
    from openapi_python_client.strings import PythonIdentifier, UntrustedString

    found: dict[str, dict[str, object]] = {}
    paths = document.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        for method, operation in item.items() if isinstance(item, dict) else ():
            if not isinstance(operation, dict):
                continue
            own = {k: v for k, v in operation.items() if str(k).startswith(EXTENSION_PREFIX)}
            if not own:
                continue
            operation_id = operation.get("operationId")
            if isinstance(operation_id, str):
                name = PythonIdentifier(operation_id, prefix=FIELD_PREFIX)
            else:
                name = generate_operation_id(
                    path=UntrustedString(str(path)), method=str(method), prefix=FIELD_PREFIX
                )
            found[str(name)] = own
    return found


def templates_for(spec: Path, scratch: Path) -> Path:
    """``openapi/templates`` plus the spec's operation extensions, for the generator.

    openapi-python-client 0.29.1 keeps no Operation Object's extensions (``Endpoint`` has no
    ``data``; only schemas and responses keep theirs) and takes no extra Jinja globals, but custom
    templates can import other templates. So the ``x-printos-*`` extensions of every operation
    are written as a Jinja literal into ``spec_extensions.jinja`` of a copy of the templates; the
    committed one declares none, so the stock generator run on ``openapi/templates`` alone still
    works (with the default conventions only).
    """
    try:
        document = spec_diff.parse_spec(spec.read_text(encoding="utf-8"), str(spec))
    except (OSError, UnicodeDecodeError, spec_diff.SpecDiffError) as exc:
        raise RegenerateError(f"cannot read the spec {spec}: {exc}") from exc
    templates = scratch / "templates"
    shutil.copytree(TEMPLATES, templates)
    literal = jinja_literal(operation_extensions(document))
    (templates / EXTENSIONS_TEMPLATE).write_text(
        "{# Written by scripts/regenerate.py from the spec: each operation's x-printos-* "
        "extensions #}\n"
        f"{{% set OPERATIONS = {literal} %}}\n",
        encoding="utf-8",
    )
    return templates


def generate(spec: Path, destination: Path) -> list[str]:
    """Run the generator into ``destination`` (which must not exist yet).

    Returns what the generator left out, one ``omitted:`` line per piece (see
    :func:`omissions`). Only a generator that writes no package at all is a failure here.
    """
    env = dict(os.environ)
    # The post-hooks call `ruff` by name: make sure it is the one installed beside this Python.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    command = [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(spec),
        "--config",
        str(CONFIG),
        "--custom-template-path",
        str(templates_for(spec, destination.parent)),
        "--meta",
        "none",
        "--output-path",
        str(destination),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    if result.returncode != 0 and (destination / "__init__.py").is_file():
        # The templates rendered, but the post-hooks (ruff) failed: most likely on code that does
        # not compile. Name it rather than only "ruff failed".
        compile_all(destination)
    if result.returncode != 0 or not (destination / "__init__.py").is_file():
        raise RegenerateError(
            f"openapi-python-client failed (exit {result.returncode}): {generator_failure(output)}"
        )
    for name in IGNORED:
        for leftover in destination.rglob(name):
            shutil.rmtree(leftover, ignore_errors=True)
    return omissions(output)


_BOX = ("│", "╭", "╰", "┃")  # the frame of a rich traceback


def generator_failure(output: str) -> str:
    """Why the generator wrote nothing, in one line.

    It says "Failed to parse OpenAPI document" followed by pydantic's validation errors (the
    field, then what is wrong with it), or crashes with a framed traceback whose last lines are
    the exception.
    """
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(_BOX)]
    if "Failed to parse OpenAPI document" in lines:
        after = lines[lines.index("Failed to parse OpenAPI document") + 1 :]
        errors = [line for line in after if "validation error" not in line][:2]
        return "cannot parse the document: " + ": ".join(errors)
    for index, line in enumerate(lines):
        if re.match(r"^[A-Z]\w*(Error|Exception): ", line):
            return " ".join(lines[index:])
    noise = ("Generating ", "Error(s) encountered", "If you believe this was a mistake")
    meaningful = [line for line in lines if not line.startswith(noise)]
    return " ".join(meaningful[:3]) or "(no output)"


_OBJECT_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>")


def omissions(output: str) -> list[str]:
    """The generator's warnings as one line each: what it omitted and why.

    openapi-python-client prints each warning as a header line (``WARNING parsing GET /a within
    default.`` or ``Unable to process schema /components/schemas/Bad:``), then its reason on the
    next non-blank line, then the offending JSON.
    """
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    found: list[str] = []
    for index, head in enumerate(lines):
        reason = lines[index + 1] if index + 1 < len(lines) else ""
        reason = _OBJECT_REPR.sub("", reason).replace("status code  (", "status code (")
        if head.startswith("WARNING parsing "):
            what = head.removeprefix("WARNING parsing ").rstrip(".")
            what, _, consequence = what.partition(". ")
            what = re.sub(r" within (\S+)$", r" (tag \1)", what)
            found.append(f"omitted: {what}: {reason}{f' ({consequence})' if consequence else ''}")
        elif head.startswith("Unable to process schema "):
            schema = head.removeprefix("Unable to process schema ").rstrip(":")
            found.append(f"omitted: schema {schema}: {reason}")
        elif head.startswith("Unable to parse this part of your OpenAPI document"):
            # The reason is on the header line; the next lines are the JSON of that part.
            why = _OBJECT_REPR.sub("", head.partition(": ")[2]).strip(" :")
            title = re.search(r'"title": "([^"]*)"', "\n".join(lines[index + 1 : index + 4]))
            what = f"schema {title[1]!r}" if title else "part of the document"
            found.append(f"omitted: {what}: {why}")
    return found


_PATH_PARAMETER = re.compile(r"\{[^}]*\}")


def silently_omitted(spec: Path, package: Path) -> list[str]:
    """The operations of ``spec`` the generator wrote no module for without a warning.

    openapi-python-client drops some operations without a word (a request body of only
    unsupported content types, say); this names them, as ``omitted:`` lines like its warnings.
    Operations are matched by method and path, path parameters ignored (the generated path has
    their Python names).
    """
    try:
        document = spec_diff.load_spec(spec)
    except spec_diff.SpecDiffError:
        return []
    generated: set[tuple[str, str]] = set()
    for module in (package / "api").glob("*/*.py"):
        text = module.read_text(encoding="utf-8")
        method = re.search(r'^    method="([^"]*)",', text, re.M)
        route = re.search(r'^    path="([^"]*)",', text, re.M)
        if method and route:
            generated.add((method[1], _PATH_PARAMETER.sub("{}", route[1])))
    found: list[str] = []
    paths = document.get("paths") if isinstance(document.get("paths"), dict) else {}
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method in spec_diff.HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            if (method.upper(), _PATH_PARAMETER.sub("{}", str(path))) not in generated:
                name = operation.get("operationId") or "no operationId"
                found.append(
                    f"omitted: {method.upper()} {path} ({name}): the generator wrote no code "
                    "for it (stock openapi-python-client neither)"
                )
    return found


def renamed(package: Path) -> list[str]:
    """The names the templates changed to avoid a collision, as the generated code records them.

    Each generated resource module lists them in ``# renamed: ...`` comments (see
    openapi/templates/resource_helpers.jinja); the change report repeats them.
    """
    found: list[str] = []
    for path in sorted((package / "api").rglob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# renamed: ") and line[2:] not in found:
                found.append(line[2:])
    return found


def spec_identity(spec: Path) -> release.SpecIdentity:
    """The spec's title, ``info.version`` and SHA-256 (of the file's exact bytes)."""
    try:
        data = spec.read_bytes()
        document = spec_diff.parse_spec(data.decode("utf-8"), str(spec))
    except (OSError, UnicodeDecodeError, spec_diff.SpecDiffError) as exc:
        raise RegenerateError(f"cannot read the spec {spec}: {exc}") from exc
    info = document.get("info") if isinstance(document.get("info"), dict) else {}
    return release.SpecIdentity(
        title=str(info.get("title", "")),
        version=str(info.get("version", "")),
        sha256=hashlib.sha256(data).hexdigest(),
        label=_display(spec),
    )


def origin_module(
    spec: Path, identity: release.SpecIdentity, overlay_sha256: str | None = None
) -> str:
    """``_origin.py`` for a package generated from ``spec``: deterministic, ruff-formatted."""
    # The header every generated module starts with (openapi/templates/helpers.jinja).
    header = (
        f"# Generated by openapi-python-client {GENERATOR_VERSION} from "
        f"{spec.parent.name}/{spec.name}.\n"
        "# Do not edit by hand: change the spec, generator-config.yml or openapi/templates/, "
        "then run scripts/regenerate.sh.\n"
    )
    return (
        f"{header}\n"
        '"""Where this package came from; scripts/regenerate.py writes it after the generator."""\n'
        "\n"
        f"SPEC_VERSION = {json.dumps(identity.version)}\n"
        '"""The ``info.version`` of the OpenAPI document this package was generated from."""\n'
        f"SPEC_SHA256 = {json.dumps(identity.sha256)}\n"
        '"""SHA-256 of that file: copies with the same hash come from the same spec."""\n'
        f"OVERLAY_SHA256 = {'None' if overlay_sha256 is None else json.dumps(overlay_sha256)}\n"
        '"""SHA-256 of the overlay file applied to it (openapi/overlay.yaml), or None."""\n'
        f"GENERATOR_VERSION = {json.dumps(GENERATOR_VERSION)}\n"
        '"""The openapi-python-client version that generated this package."""\n'
    )


# Imports every module of the package named by argv[1]; on the first failure prints
# "<relative path>:<line>: <error>" (the deepest frame inside the package) and exits 1.
_IMPORT_PROBE = """
import importlib, pathlib, sys, traceback
root = str(pathlib.Path.cwd() / sys.argv[1])
names = []
for path in sorted(pathlib.Path(root).rglob("*.py")):
    parts = path.relative_to(root).with_suffix("").parts
    names.append(".".join([sys.argv[1], *(parts[:-1] if parts[-1] == "__init__" else parts)]))
for name in names:
    try:
        importlib.import_module(name)
    except BaseException as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(root)]
        where = (frames[-1].filename[len(root) + 1:], frames[-1].lineno) if frames else (name, 0)
        print(f"{where[0]}:{where[1]}: {type(exc).__name__}: {exc}".splitlines()[0])
        sys.exit(1)
"""

_LOCATED = re.compile(r"^(?P<path>[^:\n]+\.py):(?P<line>\d+):(?:\d+:)? (?P<message>.*)$", re.M)


def culprit(package: Path, relative: str, line: int) -> str:
    """What in the spec a generated file (and line) comes from, for an error message.

    ``api/<tag>/<operation>.py`` is an operation (its method and path from ``OPERATION``),
    ``api/<tag>/__init__.py`` the resource of a tag (the method around ``line``),
    ``models/<name>.py`` a schema (the class around ``line``).
    """
    path = package / relative
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return relative
    parts = Path(relative).parts

    def around(pattern: str) -> str | None:
        for text in reversed(lines[: max(line, 1)]):
            match = re.match(pattern, text)
            if match:
                return match[1]
        return None

    if len(parts) == 3 and parts[0] == "api" and parts[2] != "__init__.py":
        text = "\n".join(lines)
        method = re.search(r'^    method="([^"]*)",', text, re.M)
        route = re.search(r'^    path="([^"]*)",', text, re.M)
        if method and route:
            return f"operation {method[1]} {route[1]} ({relative})"
        return f"operation {Path(relative).stem} ({relative})"
    if len(parts) == 3 and parts[0] == "api":
        name = around(r"\s*(?:async )?def (\w+)\(")
        return (
            f"resource of tag {parts[1]!r}"
            + (f", method {name}" if name else "")
            + f" ({relative})"
        )
    if len(parts) == 2 and parts[0] == "models" and parts[1] != "__init__.py":
        name = around(r"class (\w+)")
        return f"schema {name or Path(relative).stem} ({relative})"
    return relative


def _first_error(package: Path, output: str) -> str:
    """The first ``path:line: message`` of a tool's output, with what in the spec it is."""
    for match in _LOCATED.finditer(output):
        relative = match["path"]
        marker = f"{package.name}/"
        if marker in relative:
            relative = relative.split(marker, 1)[1]
        if (package / relative).is_file():
            where = culprit(package, relative, int(match["line"]))
            return f"{where}: line {match['line']}: {match['message'].strip()}"
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[0] if lines else "(no output)"


def _python_in(
    directory: Path, *args: str, path: tuple[Path, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """This Python with ``args`` in ``directory``, first on PYTHONPATH (then ``path``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTOS_")}
    env["PYTHONPATH"] = os.pathsep.join(str(entry) for entry in (directory, *path))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=directory, capture_output=True, text=True, check=False
    )


def compile_all(package: Path) -> None:
    """Refuse a package with a module that does not compile, naming it."""
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        try:
            compile(path.read_text(encoding="utf-8"), str(path), "exec")
        except SyntaxError as exc:
            where = culprit(package, relative, exc.lineno or 0)
            raise RegenerateError(
                f"generated code does not compile: {where}: line {exc.lineno}: {exc.msg}; "
                "nothing written"
            ) from None


def verify(package: Path, *, mypy: bool = True) -> None:
    """Refuse a generated package that does not compile, import or type-check.

    Run on the temporary tree before anything is written. The error names the operation or
    schema whose generated code fails, in one line.
    """
    compile_all(package)
    imported = _python_in(package.parent, "-c", _IMPORT_PROBE, package.name)
    if imported.returncode != 0:
        error = _first_error(package, imported.stdout + imported.stderr)
        raise RegenerateError(f"generated code does not import: {error}; nothing written")
    if not mypy:
        return
    cache = Path(tempfile.gettempdir()) / "printos-regenerate-mypy-cache"
    checked = _python_in(
        package.parent,
        *("-m", "mypy", "--strict", "--no-error-summary", "--hide-error-context"),
        *("--no-color-output", "--cache-dir", str(cache), "-p", package.name),
    )
    if checked.returncode != 0:
        error = _first_error(package, checked.stdout + checked.stderr)
        raise RegenerateError(
            f"generated code fails mypy --strict: {error}; nothing written "
            "(--no-mypy skips this check)"
        )


# Imports printos_ext with the package on PYTHONPATH; prints the ImportError's message on failure,
# else what the Devices conveniences lack (empty when nothing).
_EXT_PROBE = """
import sys
try:
    import printos_ext
except Exception as exc:
    print(f"{type(exc).__name__}: {exc}")
    sys.exit(1)
assert printos_ext._generated.__file__.startswith(sys.argv[1]), printos_ext._generated.__file__
print(printos_ext._generated.UNAVAILABLE or "")
"""


def check_ext(package: Path, *, own: bool) -> None:
    """Refuse a package with which printos_ext would not work.

    ``import printos_ext`` must work with every package written. And the code of printos_ext
    that uses an operation or a model field (``src/printos_ext/_generated.py`` lists them) must
    find it: a spec that drops or renames one is refused, naming that code. Only a package of
    another API (no Devices tag at all) written elsewhere than the committed package (``own``)
    passes without them, with a note: printos_ext imports and its device conveniences raise.
    """
    ext = ROOT / "src"
    if not (ext / "printos_ext" / "_generated.py").is_file():
        print("note: no src/printos_ext here to check the package against")
        return
    done = _python_in(package.parent, "-c", _EXT_PROBE, str(ext), path=(ext,))
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    if done.returncode != 0:
        raise RegenerateError(
            "the hand-written layer src/printos_ext would not import with this package, so "
            f"nothing is written: {lines[-1] if lines else '(no output)'}"
        )
    if not lines:
        return
    if own or (package / "api" / "devices").is_dir():
        raise RegenerateError(
            "the hand-written layer src/printos_ext would not import with this package, so "
            f"nothing is written: {lines[-1]}"
        )
    print(
        "note: this package has no Devices tag: printos_ext imports with it, but "
        "client.devices, bulk and the reporter are unavailable"
    )


def file_sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise RegenerateError(f"cannot read {path}: {exc}") from exc


def write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise RegenerateError(f"cannot write {path}: {exc}") from exc


def tree_files(root: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    if not root.is_dir():
        return files
    for path in root.rglob("*"):
        if path.is_file() and not IGNORED.intersection(path.relative_to(root).parts):
            files[path.relative_to(root).as_posix()] = path
    return files


def differences(expected: Path, actual: Path) -> list[str]:
    """Lines such as ``changed: models/print_device.py``, sorted; empty when identical.

    ``expected`` is what the spec generates now, ``actual`` the tree on disk: a file only the
    spec makes is ``new``, one only the disk has is ``removed`` (the spec no longer makes it).
    """
    want, have = tree_files(expected), tree_files(actual)
    lines = [f"new: {name}" for name in sorted(want.keys() - have.keys())]
    lines += [f"removed: {name}" for name in sorted(have.keys() - want.keys())]
    lines += [
        f"changed: {name}"
        for name in sorted(want.keys() & have.keys())
        if not filecmp.cmp(want[name], have[name], shallow=False)
    ]
    return sorted(lines, key=lambda line: line.split(": ", 1)[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--spec", type=Path, default=SPEC, help="OpenAPI document (default: %(default)s)"
    )
    layer = parser.add_mutually_exclusive_group()
    layer.add_argument(
        "--overlay",
        type=Path,
        default=OVERLAY,
        help="OpenAPI Overlay applied to the spec (default: %(default)s)",
    )
    layer.add_argument(
        "--no-overlay",
        action="store_true",
        help="generate from the spec as it is, with no overlay",
    )
    parser.add_argument(
        "--write-effective-spec",
        type=Path,
        metavar="PATH",
        help="also write the effective spec (the spec with the overlay applied) to PATH",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="package directory to write")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 and list the differing files when --output is out of date",
    )
    mode.add_argument(
        "--report-only",
        action="store_true",
        help="print the change report and stop: generate and write nothing",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="spec to compare with in the change report (default: the spec in git HEAD)",
    )
    parser.add_argument(
        "--fail-on-breaking",
        action="store_true",
        help=f"exit {spec_diff.EXIT_BREAKING} and write nothing when a change is breaking",
    )
    parser.add_argument(
        "--no-release",
        action="store_true",
        help="regenerate without bumping the version or writing a CHANGELOG entry",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="refuse a spec the validator finds invalid, anything the generator omits and any "
        "renamed name (CI runs the committed spec this way)",
    )
    parser.add_argument(
        "--no-mypy",
        action="store_true",
        help="skip mypy --strict on the generated tree (it still must compile and import)",
    )
    parser.add_argument(
        "--no-ext-check",
        action="store_true",
        help="do not require that src/printos_ext imports with the result: for a package of "
        "another API, written with --output elsewhere",
    )
    args = parser.parse_args(argv)
    spec, output = args.spec.resolve(), args.output.resolve()
    overlay_path = None if args.no_overlay else args.overlay.resolve()
    try:
        if args.no_ext_check and output == OUTPUT.resolve():
            raise RegenerateError(
                "--no-ext-check needs --output elsewhere: printos_ext uses "
                f"{OUTPUT.relative_to(ROOT)}"
            )
        if not args.report_only:
            check_generator_version()
        notes = validate_spec(spec, strict=args.strict)
        effective, effective_label = effective_spec(spec, overlay_path)
        if overlay_path is not None:
            label = f"the effective spec {effective_label}"
            notes += validate_document(effective, label, "the effective spec", strict=args.strict)
        if notes:
            print("\n".join(notes))
        if args.write_effective_spec is not None:
            write_text(args.write_effective_spec, overlay.dump_document(effective))
        changes = change_report(effective, effective_label, args.baseline, overlay_path)
        breaking = [change for change in changes if change.breaking]
        if breaking and args.fail_on_breaking:
            print(
                f"regenerate: {len(breaking)} breaking change(s) and --fail-on-breaking: "
                f"nothing {'checked' if args.check else 'written'}",
                file=sys.stderr,
            )
            return spec_diff.EXIT_BREAKING
        if args.report_only:
            return 0
        identity = spec_identity(spec)
        overlay_sha256 = None if overlay_path is None else file_sha256(overlay_path)
        with tempfile.TemporaryDirectory(prefix="printos-regen-") as scratch:
            source = spec
            if overlay_path is not None:
                # The effective spec, as JSON (which the generator reads whether the name says
                # YAML or JSON), in a file named like HP's in a directory named like its, so the
                # generated headers name the spec the package came from.
                source = Path(scratch) / "spec" / spec.parent.name / spec.name
                source.parent.mkdir(parents=True)
                source.write_text(overlay.dump_document(effective, as_json=True), encoding="utf-8")
            fresh = Path(scratch) / PACKAGE
            warned = generate(source, fresh)
            silent = [
                line
                for line in silently_omitted(source, fresh)
                if not any(line.split(" (", 1)[0] + " (" in seen for seen in warned)
            ]
            findings = warned + silent + renamed(fresh)
            if findings:
                print("\n".join(findings))
            if findings and args.strict:
                raise RegenerateError(
                    f"--strict: {len(findings)} omitted or renamed piece(s) (listed above); "
                    "nothing written"
                )
            origin = origin_module(spec, identity, overlay_sha256)
            (fresh / ORIGIN).write_text(origin, encoding="utf-8")
            drift = differences(fresh, output)
            if drift and not args.check:
                verify(fresh, mypy=not args.no_mypy)
                if not args.no_ext_check:
                    check_ext(fresh, own=output == OUTPUT.resolve())
            if args.check:
                if drift:
                    print(f"{output} differs from what {spec.name} generates:", file=sys.stderr)
                    print("\n".join(f"  {line}" for line in drift), file=sys.stderr)
                    print("run scripts/regenerate.sh to update it", file=sys.stderr)
                    return 1
                print(f"{output} is up to date with {spec.name}")
                return 0
            if not drift:
                print(f"{output} already up to date; nothing written")
            else:
                if output.exists():
                    shutil.rmtree(output)
                shutil.copytree(fresh, output)
                print(f"regenerated {output} ({len(drift)} file(s) changed)")
                print("\n".join(f"  {line}" for line in drift))
        if args.no_release:
            return 0
        if output != OUTPUT.resolve():
            # The version and the CHANGELOG describe this repository's package, not a copy.
            if changes:
                print(f"no release: --output is not {OUTPUT.relative_to(ROOT)}")
            return 0
        base_version = committed_version() if args.baseline is None else None
        done = release.release(changes, identity, VERSION_FILE, CHANGELOG, base_version)
        if done:
            print(done)
        return 0
    except release.ReleaseError as exc:
        print(f"regenerate: {exc}", file=sys.stderr)
        return 2
    except RegenerateError as exc:
        print(f"regenerate: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
