"""The conformance corpus: which specs, from where, and which are slow.

Three sources, because of what may be committed:

* ``tests/conformance/specs/``: written by this project (hostile names, every type), committed.
* Registry packages, downloaded at test time (``npm pack``) at pinned versions, verified by
  SHA-256 and unpacked into a cache outside the repository (``PRINTOS_CORPUS_CACHE``, default
  ``~/.cache/printos-sdk-corpus``), each package's license notices kept beside its specs:

  - ``@readme/oas-examples`` 8.2.2 (MIT; its OAI examples under Apache-2.0, notice in
    ``.licenses/openapi-specification.md``): the OAI petstore examples and Train Travel (3.1);
  - ``@octokit/openapi`` 23.0.2 (MIT): GitHub's REST API description (OpenAPI 3.0.3), cut by
    :func:`cut_tags` to a few tags, 48 operations, with the components they reach.

* An external directory, never committed: ``PRINTOS_CORPUS_DIR``, else ``../shared/corpus``
  beside the repository. It holds openapi-python-client's own end-to-end specs (MIT, Copyright
  (c) 2020 Triax Technologies), which exist only in its source repository (see
  ``extract_opc.py``). Its cases are skipped, saying why, when the directory is absent.

openapi-python-client's functional-test specs are marked ``slow`` (they run with
``pytest -m slow``; CI runs ``-m "not slow"``, the default in pyproject.toml), the rest are not.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = Path(__file__).resolve().parent / "specs"
SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Package:
    """A pinned npm package and the specs it ships."""

    name: str
    version: str
    sha256: str
    specs: tuple[str, ...]
    licenses: tuple[str, ...]

    @property
    def tarball(self) -> str:
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}.tgz"


OAS_EXAMPLES = Package(
    name="@readme/oas-examples",
    version="8.2.2",
    sha256="df951ee87b5b069c86148bf5bbf3923d6cfd27fb95a45aacb95f06b31f604241",
    specs=(
        "3.0/yaml/petstore.yaml",
        "3.0/yaml/petstore-expanded.yaml",
        "3.1/yaml/petstore.yaml",
        "3.1/yaml/train-travel.yaml",
    ),
    licenses=("LICENSE.md", ".licenses/openapi-specification.md"),
)
OCTOKIT = Package(
    name="@octokit/openapi",
    version="23.0.2",
    sha256="71a18407dd5e8464f4e0525daf03deabbe65abd9287d6adc7b5d98f516cd0d0c",
    specs=("generated/api.github.com.json",),
    licenses=("LICENSE",),
)
# GitHub's description cut to these tags: 48 operations, plain to exotic (gists' files maps,
# git's trees and refs, meta's root links), tags with dashes.
GITHUB_TAGS = (
    "gists",
    "git",
    "licenses",
    "gitignore",
    "markdown",
    "meta",
    "emojis",
    "codes-of-conduct",
)

# openapi-python-client's functional-test specs are many (33) and small: together they are the
# corpus's slow part. Every other spec runs in every CI run.
SLOW_PREFIX = "opc/functional/"


@dataclass(frozen=True)
class Case:
    name: str
    path: Path | None
    source: str
    skip: str | None = None

    @property
    def slow(self) -> bool:
        return self.name.startswith(SLOW_PREFIX)


def cache_dir() -> Path:
    configured = os.environ.get("PRINTOS_CORPUS_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "printos-sdk-corpus"


def external_dir() -> Path:
    configured = os.environ.get("PRINTOS_CORPUS_DIR")
    return Path(configured) if configured else ROOT.parent / "shared" / "corpus"


def committed_cases() -> list[Case]:
    return [Case(p.stem, p, "committed") for p in sorted(COMMITTED.iterdir()) if _spec(p)]


def external_cases() -> list[Case]:
    where = external_dir()
    if not where.is_dir():
        reason = (
            f"external corpus {where} absent: openapi-python-client's end-to-end specs are not "
            "committed (set PRINTOS_CORPUS_DIR; tests/conformance/extract_opc.py makes them)"
        )
        return [Case("external", None, "external", skip=reason)]
    found = [p for p in sorted(where.rglob("*")) if _spec(p)]
    return [Case(str(p.relative_to(where).with_suffix("")), p, "external") for p in found]


def registry_cases() -> list[Case]:
    try:
        examples = fetch(OAS_EXAMPLES)
        github = fetch(OCTOKIT)
    except CorpusUnavailable as error:
        return [Case("registry", None, "registry", skip=str(error))]
    cases = []
    for member in OAS_EXAMPLES.specs:
        version, _, stem = member.split("/")
        cases.append(
            Case(f"oas-examples/{version}/{Path(stem).stem}", examples / member, "registry")
        )
    cut = github / "github-cut.json"
    if not cut.exists():
        document = json.loads((github / OCTOKIT.specs[0]).read_text(encoding="utf-8"))
        partial = cut.with_name(f".{cut.name}.{os.getpid()}")
        partial.write_text(json.dumps(cut_tags(document, GITHUB_TAGS), indent=1), encoding="utf-8")
        partial.replace(cut)
    cases.append(Case("github-cut", cut, "registry"))
    return cases


def all_cases() -> list[Case]:
    return committed_cases() + registry_cases() + external_cases()


def _spec(path: Path) -> bool:
    return path.is_file() and path.suffix in SUFFIXES


# --- registry packages ---------------------------------------------------------------------------


class CorpusUnavailable(Exception):
    """A registry package could not be had (no npm, no network, a wrong checksum)."""


def fetch(package: Package) -> Path:
    """The unpacked package in the cache, downloaded and verified on first use."""
    target = cache_dir() / f"{package.tarball[:-4]}"
    if (target / ".verified").exists():
        return target
    cache_dir().mkdir(parents=True, exist_ok=True)
    tarball = cache_dir() / package.tarball
    if not tarball.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise CorpusUnavailable(f"npm not found: cannot download {package.name}")
        done = subprocess.run(
            [npm, "pack", f"{package.name}@{package.version}", "--pack-destination", cache_dir()],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0 or not tarball.exists():
            raise CorpusUnavailable(f"npm pack {package.name}@{package.version} failed")
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != package.sha256:
        tarball.unlink()
        raise CorpusUnavailable(f"{package.tarball}: sha256 {digest}, expected {package.sha256}")
    wanted = {f"package/{m}": m for m in (*package.specs, *package.licenses)}
    # Unpacked beside the target and renamed into place: a second test run at the same time
    # never reads a half-written spec.
    staging = Path(tempfile.mkdtemp(dir=cache_dir(), prefix=".unpacking-"))
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            if member.name in wanted and member.isfile():
                source = archive.extractfile(member)
                assert source is not None
                out = staging / wanted[member.name]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(source.read())
    missing = [m for m in wanted.values() if not (staging / m).exists()]
    if missing:
        shutil.rmtree(staging)
        raise CorpusUnavailable(f"{package.tarball} lacks {', '.join(missing)}")
    (staging / ".verified").write_text(package.sha256, encoding="utf-8")
    try:
        staging.rename(target)
    except OSError:  # another run put it there first
        shutil.rmtree(staging)
    return target


# --- cutting a large description --------------------------------------------------------------


def cut_tags(document: Mapping[str, Any], tags: Iterable[str]) -> dict[str, Any]:
    """``document`` with only the operations whose first tag is one of ``tags`` and the
    components they reach (transitively); webhooks and the rest of the paths dropped."""
    keep = set(tags)
    paths: dict[str, Any] = {}
    for path, item in (document.get("paths") or {}).items():
        kept = {
            key: value
            for key, value in item.items()
            if not isinstance(value, Mapping)
            or "tags" not in value
            or (value.get("tags") or ["default"])[0] in keep
        }
        if any(isinstance(value, Mapping) and "responses" in value for value in kept.values()):
            paths[path] = kept
    cut: dict[str, Any] = {
        key: value for key, value in document.items() if key not in ("paths", "components")
    }
    cut.pop("webhooks", None)
    cut.pop("x-webhooks", None)
    cut["tags"] = [tag for tag in document.get("tags") or [] if tag.get("name") in keep]
    cut["paths"] = paths
    components: dict[str, dict[str, Any]] = {}
    pending = list(_refs(paths))
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen or not ref.startswith("#/components/"):
            continue
        seen.add(ref)
        _, _, section, name = ref.split("/", 3)
        value = document["components"][section][name]
        components.setdefault(section, {})[name] = value
        pending.extend(_refs(value))
    security = (document.get("components") or {}).get("securitySchemes")
    if security:
        components["securitySchemes"] = security
    cut["components"] = {section: dict(sorted(v.items())) for section, v in components.items()}
    return cut


def _refs(node: Any) -> Iterable[str]:
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)
