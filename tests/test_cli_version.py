"""``printos --version``: the SDK's version and the spec the generated package came from."""

from __future__ import annotations

import pytest

import printos_api_client
from printos_ext import __version__
from printos_ext.cli import main


def test_version_prints_the_sdk_and_spec_versions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert exited.value.code == 0
    recorded = vars(printos_api_client)
    assert capsys.readouterr().out == (
        f"printos-sdk {__version__} (spec {recorded['SPEC_VERSION']}, "
        f"sha256 {recorded['SPEC_SHA256']})\n"
    )


def test_version_needs_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version", "devices", "list"])

    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(f"printos-sdk {__version__} ")
