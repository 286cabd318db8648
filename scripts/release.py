"""Turn the spec-change report into a release: the next version and a CHANGELOG entry.

Every regeneration from a changed spec is a release of the SDK. Its version follows from the
report (see ``spec_diff.py``): any BREAKING change makes the next major version (0.1.0 -> 1.0.0),
otherwise the next minor one (0.1.0 -> 0.2.0); a regeneration whose report is empty (templates or
generator configuration changed, or only descriptions in the spec) is no release. The CHANGELOG
entry (Keep a Changelog style) says the same changes in the words of SDK users, grouped as
Breaking, Added and Changed.

The version has one home, ``src/printos_ext/version.py``: ``pyproject.toml`` reads it (hatchling's
``[tool.hatch.version]``), ``printos_ext.__version__`` is it and the User-Agent sends it.

regenerate.py calls :func:`release` after writing the regenerated package.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from spec_diff import Change

__all__ = [
    "SECTIONS",
    "ReleaseError",
    "SpecIdentity",
    "changelog_entry",
    "next_version",
    "read_version",
    "release",
    "release_date",
]

SECTIONS = ("Breaking", "Added", "Changed")
VERSION_LINE = re.compile(r'^__version__ = "(?P<version>[^"]*)"$', re.MULTILINE)
SEMVER = re.compile(r"(\d+)\.(\d+)\.(\d+)")
CHANGELOG_HEADER = """\
# Changelog

All notable changes to printos-sdk. The format is based on
[Keep a Changelog](https://keepachangelog.com/en/1.1.0/) and the versions follow
[Semantic Versioning](https://semver.org/spec/v2.0.0.html): `scripts/regenerate.sh` writes an
entry each time it regenerates the SDK from a changed spec, from the spec-change report (any
breaking change: next major version; otherwise: next minor version).
"""


class ReleaseError(Exception):
    """The version or the CHANGELOG could not be read or written; the message says why."""


@dataclass(frozen=True)
class SpecIdentity:
    """Which spec a release was generated from."""

    title: str  # info.title
    version: str  # info.version
    sha256: str  # of the spec file's bytes
    label: str  # the spec's path, for people


def next_version(version: str, changes: Sequence[Change]) -> str | None:
    """The version after ``version`` for these changes, or None when they make no release."""
    if not changes:
        return None
    match = SEMVER.fullmatch(version)
    if match is None:
        raise ReleaseError(f"version {version!r} is not MAJOR.MINOR.PATCH")
    major, minor, _ = (int(part) for part in match.groups())
    if any(change.breaking for change in changes):
        return f"{major + 1}.0.0"
    return f"{major}.{minor + 1}.0"


def read_version(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReleaseError(f"cannot read the version from {path}: {exc.strerror or exc}") from exc
    match = VERSION_LINE.search(text)
    if match is None:
        raise ReleaseError(f'{path} has no line __version__ = "MAJOR.MINOR.PATCH"')
    return match["version"]


def write_version(path: Path, version: str) -> None:
    """Change only the ``__version__`` line of ``path``."""
    text = path.read_text(encoding="utf-8")
    path.write_text(VERSION_LINE.sub(f'__version__ = "{version}"', text, count=1), encoding="utf-8")


def release_date(environ: Mapping[str, str] = os.environ) -> str:
    """Today (UTC), or the day of ``SOURCE_DATE_EPOCH`` for reproducible output."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            moment = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise ReleaseError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time") from exc
    else:
        moment = datetime.datetime.now(datetime.UTC)
    return moment.date().isoformat()


def changelog_entry(version: str, date: str, spec: SpecIdentity, changes: Sequence[Change]) -> str:
    """The Markdown entry: heading, the spec it came from, then Breaking / Added / Changed."""
    lines = [
        f"## [{version}] - {date}",
        "",
        f"Generated from {spec.title} {spec.version} (`{spec.label}`, SHA-256 `{spec.sha256}`).",
    ]
    for section in SECTIONS:
        items: list[str] = []
        for change in changes:
            if change.section() != section:
                continue
            # The report line when a change has no SDK words (it always should have some).
            for word in change.sdk or (change.line(),):
                if word not in items:
                    items.append(word)
        if items:
            lines += ["", f"### {section}", "", *(f"- {item}" for item in items)]
    return "\n".join(lines) + "\n"


def latest_entry(changelog: str) -> str:
    """The text of the newest entry (empty when there is none)."""
    start = changelog.find("\n## [")
    if start < 0:
        return ""
    end = changelog.find("\n## [", start + 1)
    return changelog[start + 1 : end + 1 if end >= 0 else None]


def prepend_entry(changelog: str, entry: str) -> str:
    """``changelog`` with ``entry`` above its newest entry (a new file gets the header first)."""
    text = changelog or CHANGELOG_HEADER
    start = text.find("\n## [")
    if start < 0:
        return f"{text.rstrip()}\n\n{entry}"
    return f"{text[: start + 1]}{entry}\n{text[start + 1 :]}"


def remove_latest_entry(changelog: str) -> str:
    entry = latest_entry(changelog)
    if not entry:
        return changelog
    start = changelog.find("\n## [") + 1
    return changelog[:start] + changelog[start + len(entry) :]


def entry_version(entry: str) -> str | None:
    match = re.match(r"## \[([^\]]*)\]", entry)
    return match[1] if match else None


def release(
    changes: Sequence[Change],
    spec: SpecIdentity,
    version_file: Path,
    changelog: Path,
    base_version: str | None = None,
) -> str | None:
    """Bump the version and prepend the CHANGELOG entry; returns a line saying what was done,
    or None when nothing was.

    ``changes`` are from the baseline spec to ``spec``. ``base_version`` is the version at that
    baseline when it is known (the committed one, when the baseline is git HEAD): a release
    already written on top of it but not committed (an earlier run, before the spec was edited
    again) is then redone rather than stacked, and withdrawn when the spec no longer differs.

    Idempotent: when the newest entry already names this spec's SHA-256 (a second run on the
    same changed spec), nothing is written.
    """
    try:
        existing = changelog.read_text(encoding="utf-8") if changelog.exists() else ""
    except OSError as exc:
        raise ReleaseError(f"cannot read {changelog}: {exc.strerror or exc}") from exc
    latest = latest_entry(existing)
    if changes and f"SHA-256 `{spec.sha256}`" in latest:
        return f"{changelog.name} already has the release for this spec; version unchanged"
    current = redone = read_version(version_file)
    pending = base_version is not None and base_version != current == entry_version(latest)
    if pending:
        assert base_version is not None
        existing, current = remove_latest_entry(existing), base_version
    if not changes:
        if not pending:
            return None
        _write(changelog, existing, version_file, current)
        return f"uncommitted release {redone} withdrawn: back to {current}"
    version = next_version(current, changes)
    assert version is not None
    entry = changelog_entry(version, release_date(), spec, changes)
    _write(changelog, prepend_entry(existing, entry), version_file, version)
    kind = "breaking: major" if any(change.breaking for change in changes) else "minor"
    again = f", replacing the uncommitted {redone}" if pending else ""
    return f"release {current} -> {version} ({kind}){again}; {changelog.name} entry written"


def _write(changelog: Path, text: str, version_file: Path, version: str) -> None:
    try:
        changelog.write_text(text, encoding="utf-8")
        write_version(version_file, version)
    except OSError as exc:
        raise ReleaseError(f"cannot write the release: {exc}") from exc
