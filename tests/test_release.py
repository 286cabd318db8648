"""Regenerating from a changed spec is a release: version bump, CHANGELOG entry, spec identity.

The rules (scripts/release.py) are tested on their own; the whole pipeline runs
scripts/regenerate.py in a temporary copy of the repository (scripts, spec, generated package,
version file, CHANGELOG), never on the repository's own files. ``SOURCE_DATE_EPOCH`` fixes the
entries' date.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import printos_api_client
import printos_ext
from printos_ext.client import USER_AGENT

from scriptload import load_script

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
SPEC = Path("openapi") / "hp-printos-device-api-openapi.yml"
VERSION_FILE = Path("src") / "printos_ext" / "version.py"
FIXTURES = ROOT / "tests" / "fixtures" / "specs"
EPOCH = "1795694400"  # 2026-11-26T12:00:00Z
DATE = "2026-11-26"


spec_diff = load_script("spec_diff")  # release.py imports it by name
release = load_script("release")

IDENTITY = release.SpecIdentity("HP PrintOS Device API", "1.1.0", "ab" * 32, "openapi/spec.yml")
ADDED = spec_diff.Change(
    "operation", "GET /x (getX)", "added", False, "", ("`x.get()` added",), True
)
CHANGED = spec_diff.Change("operation", "GET /x (getX)", "path changed from /y", False, "", ("c",))
BROKEN = spec_diff.Change("schema", "X", "field 'a' removed", True, "request", ("`X.a` removed",))


# --- the rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "changes", "expected"),
    [
        ("0.1.0", [BROKEN], "1.0.0"),
        ("0.1.0", [ADDED, BROKEN], "1.0.0"),
        ("0.1.0", [ADDED], "0.2.0"),
        ("1.4.2", [CHANGED], "1.5.0"),
        ("1.4.2", [], None),
    ],
)
def test_breaking_bumps_major_and_safe_bumps_minor(
    version: str, changes: list[object], expected: str | None
) -> None:
    assert release.next_version(version, changes) == expected


@pytest.mark.parametrize("version", ["1.0", "1.0.0rc1", "v1.0.0", ""])
def test_a_version_that_is_not_major_minor_patch_is_refused(version: str) -> None:
    with pytest.raises(release.ReleaseError, match=r"not MAJOR\.MINOR\.PATCH"):
        release.next_version(version, [ADDED])


def test_entry_groups_changes_breaking_added_changed_in_sdk_words() -> None:
    entry = release.changelog_entry("2.0.0", DATE, IDENTITY, [CHANGED, ADDED, BROKEN, ADDED])

    assert entry == (
        f"## [2.0.0] - {DATE}\n"
        "\n"
        f"Generated from HP PrintOS Device API 1.1.0 (`openapi/spec.yml`, SHA-256 `{'ab' * 32}`).\n"
        "\n"
        "### Breaking\n\n- `X.a` removed\n"
        "\n"
        "### Added\n\n- `x.get()` added\n"
        "\n"
        "### Changed\n\n- c\n"
    )


def test_new_entries_go_above_the_newest_one_below_the_header() -> None:
    first = release.prepend_entry("", "## [0.1.0] - a\n")
    second = release.prepend_entry(first, "## [0.2.0] - b\n")

    assert first.startswith("# Changelog\n")
    assert second.startswith(release.CHANGELOG_HEADER)
    assert second.endswith("\n## [0.2.0] - b\n\n## [0.1.0] - a\n")
    assert release.latest_entry(second) == "## [0.2.0] - b\n\n"


def test_release_date_follows_source_date_epoch() -> None:
    assert release.release_date({"SOURCE_DATE_EPOCH": EPOCH}) == DATE
    with pytest.raises(release.ReleaseError, match="SOURCE_DATE_EPOCH"):
        release.release_date({"SOURCE_DATE_EPOCH": "tomorrow"})


def test_a_second_release_for_the_same_spec_writes_nothing(tmp_path: Path) -> None:
    version_file, changelog = tmp_path / "version.py", tmp_path / "CHANGELOG.md"
    version_file.write_text('"""v"""\n\n__version__ = "0.1.0"\n')

    said = release.release([ADDED], IDENTITY, version_file, changelog)
    written = (version_file.read_text(), changelog.read_text())
    again = release.release([ADDED], IDENTITY, version_file, changelog)

    assert said == "release 0.1.0 -> 0.2.0 (minor); CHANGELOG.md entry written"
    assert written[0] == '"""v"""\n\n__version__ = "0.2.0"\n'
    assert again == "CHANGELOG.md already has the release for this spec; version unchanged"
    assert (version_file.read_text(), changelog.read_text()) == written


def test_an_uncommitted_release_is_redone_not_stacked(tmp_path: Path) -> None:
    version_file, changelog = tmp_path / "version.py", tmp_path / "CHANGELOG.md"
    version_file.write_text('__version__ = "0.1.0"\n')
    changelog.write_text(release.prepend_entry("", "## [0.1.0] - a\n"))
    committed = changelog.read_text()
    other = release.SpecIdentity("T", "1", "cd" * 32, "s.yml")
    release.release([ADDED], IDENTITY, version_file, changelog, base_version="0.1.0")

    said = release.release([BROKEN], other, version_file, changelog, base_version="0.1.0")

    assert said == (
        "release 0.1.0 -> 1.0.0 (breaking: major), replacing the uncommitted 0.2.0; "
        "CHANGELOG.md entry written"
    )
    assert release.read_version(version_file) == "1.0.0"
    assert release.remove_latest_entry(changelog.read_text()) == committed


def test_an_uncommitted_release_is_withdrawn_when_the_spec_is_back(tmp_path: Path) -> None:
    version_file, changelog = tmp_path / "version.py", tmp_path / "CHANGELOG.md"
    version_file.write_text('__version__ = "0.1.0"\n')
    changelog.write_text(release.prepend_entry("", "## [0.1.0] - a\n"))
    committed = changelog.read_text()
    release.release([ADDED], IDENTITY, version_file, changelog, base_version="0.1.0")

    said = release.release([], IDENTITY, version_file, changelog, base_version="0.1.0")

    assert said == "uncommitted release 0.2.0 withdrawn: back to 0.1.0"
    assert (release.read_version(version_file), changelog.read_text()) == ("0.1.0", committed)


def test_a_committed_release_is_never_redone(tmp_path: Path) -> None:
    version_file, changelog = tmp_path / "version.py", tmp_path / "CHANGELOG.md"
    version_file.write_text('__version__ = "0.1.0"\n')
    release.release([ADDED], IDENTITY, version_file, changelog, base_version="0.1.0")
    other = release.SpecIdentity("T", "1", "cd" * 32, "s.yml")

    said = release.release([ADDED], other, version_file, changelog, base_version="0.2.0")

    assert said == "release 0.2.0 -> 0.3.0 (minor); CHANGELOG.md entry written"
    assert release.release([], other, version_file, changelog, base_version="0.3.0") is None


def test_a_version_file_without_a_version_line_is_a_clear_error(tmp_path: Path) -> None:
    version_file = tmp_path / "version.py"
    version_file.write_text("VERSION = '1'\n")

    with pytest.raises(release.ReleaseError, match="has no line __version__"):
        release.release([ADDED], IDENTITY, version_file, tmp_path / "CHANGELOG.md")


# --- one version everywhere -------------------------------------------------------------------


def test_versions_agree_everywhere() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    version_file = (ROOT / VERSION_FILE).read_text()
    # hatchling's default pattern for [tool.hatch.version] path.
    pattern = r"""(?i)^(__version__|VERSION) *= *(['"])v?(?P<version>.+?)\2"""
    match = re.search(pattern, version_file, re.MULTILINE)
    changelog = (ROOT / "CHANGELOG.md").read_text()

    assert "version" not in pyproject["project"]
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == VERSION_FILE.as_posix()
    assert match is not None
    assert match["version"] == printos_ext.__version__
    assert importlib.metadata.version("printos-sdk") == printos_ext.__version__
    assert USER_AGENT.startswith(f"printos-sdk/{printos_ext.__version__} ")
    assert re.findall(r"^## \[(.+?)\]", changelog, re.MULTILINE)[0] == printos_ext.__version__


def test_generated_package_records_the_committed_spec() -> None:
    spec = (ROOT / SPEC).read_bytes()

    recorded = vars(printos_api_client)
    generator = importlib.metadata.version("openapi-python-client")

    assert recorded["SPEC_SHA256"] == hashlib.sha256(spec).hexdigest()
    assert recorded["SPEC_VERSION"] == "1.0.0"
    assert recorded["GENERATOR_VERSION"] == generator


# --- the pipeline, in a copy of the repository ------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """What regenerate.py reads and writes, copied; ``base.yml`` is the committed spec."""
    copy = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__")
    for name in ("scripts", "openapi", "generated"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    for name in ("generator-config.yml", "CHANGELOG.md", "pyproject.toml", VERSION_FILE):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    shutil.copy2(ROOT / SPEC, copy / "base.yml")
    return copy


def regenerate(
    repo: Path, *args: str, baseline: str | None = "base.yml"
) -> subprocess.CompletedProcess[str]:
    """The copy's regenerate.py against ``baseline`` (None: the spec in git HEAD)."""
    against = ["--baseline", baseline] if baseline else []
    return subprocess.run(
        [sys.executable, str(repo / "scripts" / "regenerate.py"), *against, *args],
        capture_output=True,
        text=True,
        cwd=repo,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        timeout=120,
        check=False,
    )


def evolve(repo: Path, fixture: str) -> str:
    """Put the fixture in place of the copy's spec; returns its SHA-256."""
    shutil.copy2(FIXTURES / fixture, repo / SPEC)
    return hashlib.sha256((repo / SPEC).read_bytes()).hexdigest()


def snapshot(repo: Path) -> dict[str, bytes]:
    return {
        path.relative_to(repo).as_posix(): path.read_bytes()
        for path in sorted(repo.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def version(repo: Path) -> str:
    found: str = release.read_version(repo / VERSION_FILE)
    return found


def newest_entry(repo: Path) -> str:
    found: str = release.latest_entry((repo / "CHANGELOG.md").read_text())
    return found


def origin(repo: Path) -> str:
    return (repo / "generated" / "printos_api_client" / "_origin.py").read_text()


@pytest.mark.e2e
def test_added_operation_is_a_minor_release_naming_the_new_method(repo: Path) -> None:
    sha = evolve(repo, "new_operation.yml")
    base, minor = version(repo), release.next_version(version(repo), [ADDED])

    result = regenerate(repo)

    assert result.returncode == 0, result.stderr
    assert f"release {base} -> {minor} (minor); CHANGELOG.md entry written" in result.stdout
    assert version(repo) == minor
    assert newest_entry(repo) == (
        f"## [{minor}] - {DATE}\n"
        "\n"
        "Generated from HP PrintOS Device API 1.0.0 "
        f"(`openapi/hp-printos-device-api-openapi.yml`, SHA-256 `{sha}`).\n"
        "\n"
        "### Added\n"
        "\n"
        "- `client.devices.get(device_id)` added (GET /devices/{deviceId})\n"
        "\n"
    )
    assert f'SPEC_SHA256 = "{sha}"' in origin(repo)
    assert (
        repo / "generated" / "printos_api_client" / "api" / "devices" / "get_device.py"
    ).exists()


@pytest.mark.e2e
def test_removed_field_is_a_major_release_under_breaking(repo: Path) -> None:
    sha = evolve(repo, "removed_field.yml")
    base, major = version(repo), release.next_version(version(repo), [BROKEN])

    result = regenerate(repo)

    assert result.returncode == 0, result.stderr
    assert (
        f"release {base} -> {major} (breaking: major); CHANGELOG.md entry written" in result.stdout
    )
    assert version(repo) == major
    assert newest_entry(repo) == (
        f"## [{major}] - {DATE}\n"
        "\n"
        "Generated from HP PrintOS Device API 1.0.0 "
        f"(`openapi/hp-printos-device-api-openapi.yml`, SHA-256 `{sha}`).\n"
        "\n"
        "### Breaking\n"
        "\n"
        "- `client.devices.provision(location=...)`: keyword `location=` removed\n"
        "\n"
    )


@pytest.mark.e2e
def test_regenerating_the_committed_spec_twice_changes_nothing(repo: Path) -> None:
    before = snapshot(repo)

    first = regenerate(repo)
    second = regenerate(repo)

    for result in (first, second):
        assert result.returncode == 0, result.stderr
        assert "no changes" in result.stdout
        assert "already up to date; nothing written" in result.stdout
        assert "release" not in result.stdout
    assert snapshot(repo) == before


@pytest.mark.e2e
def test_a_second_run_on_the_same_changed_spec_releases_once(repo: Path) -> None:
    evolve(repo, "new_operation.yml")
    assert regenerate(repo).returncode == 0
    released = snapshot(repo)

    again = regenerate(repo)

    assert again.returncode == 0, again.stderr
    assert "already has the release for this spec" in again.stdout
    assert snapshot(repo) == released


@pytest.mark.e2e
@pytest.mark.parametrize(
    "options",
    [["--check"], ["--report-only"], ["--fail-on-breaking"], ["--output", "elsewhere/pkg"]],
)
def test_modes_that_write_no_release(repo: Path, options: list[str]) -> None:
    evolve(repo, "removed_field.yml")
    before = snapshot(repo)

    result = regenerate(repo, *options)

    assert result.returncode in (0, 1, 3), result.stderr
    after = snapshot(repo)
    assert [name for name in after if name in before and after[name] != before[name]] == []
    assert {name.partition("/")[0] for name in after.keys() - before.keys()} <= {"elsewhere"}


@pytest.mark.e2e
def test_no_release_regenerates_without_a_release(repo: Path) -> None:
    sha = evolve(repo, "removed_field.yml")
    before = snapshot(repo)

    result = regenerate(repo, "--no-release")

    assert result.returncode == 0, result.stderr
    after = snapshot(repo)
    assert f'SPEC_SHA256 = "{sha}"' in origin(repo)
    assert after["CHANGELOG.md"] == before["CHANGELOG.md"]
    assert after[VERSION_FILE.as_posix()] == before[VERSION_FILE.as_posix()]


@pytest.mark.e2e
def test_regenerating_again_before_committing_redoes_the_release(repo: Path) -> None:
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run([*git, *command], check=True, capture_output=True, timeout=60)
    committed = snapshot(repo)
    base = version(repo)
    minor, major = release.next_version(base, [ADDED]), release.next_version(base, [BROKEN])
    evolve(repo, "new_operation.yml")
    assert regenerate(repo, baseline=None).returncode == 0
    assert version(repo) == minor
    sha = evolve(repo, "removed_field.yml")

    redone = regenerate(repo, baseline=None)

    assert redone.returncode == 0, redone.stderr
    assert f"replacing the uncommitted {minor}" in redone.stdout
    assert version(repo) == major
    assert f"SHA-256 `{sha}`" in newest_entry(repo)
    assert f"## [{minor}]" not in (repo / "CHANGELOG.md").read_text()
    shutil.copy2(repo / "base.yml", repo / SPEC)

    withdrawn = regenerate(repo, baseline=None)

    assert withdrawn.returncode == 0, withdrawn.stderr
    assert f"uncommitted release {major} withdrawn: back to {base}" in withdrawn.stdout
    assert {k: v for k, v in snapshot(repo).items() if not k.startswith(".git/")} == {
        k: v for k, v in committed.items() if not k.startswith(".git/")
    }
