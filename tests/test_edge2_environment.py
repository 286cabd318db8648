"""A hostile environment is a typed error, not a raw one (issue 18, class 2).

httpx reads ``SSL_CERT_FILE`` and the proxy variables when a client is created. A missing CA
file, a SOCKS proxy without ``socksio``, a proxy URL of an unknown scheme or a bad port raise
InvalidArgumentError naming the variables, never quoting a proxy password; the CLI prints one
line and exits 2.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from printos_ext import InvalidArgumentError, PrintOSClient

HOSTILE = [
    ({"SSL_CERT_FILE": "/nonexistent/ca.pem"}, "SSL_CERT_FILE"),
    ({"SSL_CERT_FILE": "/etc/hostname"}, "SSL_CERT_FILE"),  # exists, holds no certificate
    ({"ALL_PROXY": "socks5://user:hunter2@127.0.0.1:1080"}, "ALL_PROXY"),
    ({"HTTPS_PROXY": "ftp://user:hunter2@proxy.example:21"}, "HTTPS_PROXY"),
    ({"HTTP_PROXY": "http://[::1"}, "HTTP_PROXY"),
]


def _socksio_installed() -> bool:
    try:
        import socksio  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.parametrize(("env", "variable"), HOSTILE)
def test_a_hostile_environment_is_an_invalid_argument_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], variable: str
) -> None:
    if "ALL_PROXY" in env and _socksio_installed():
        pytest.skip("socksio is installed: a SOCKS proxy is supported")
    if env.get("SSL_CERT_FILE") == "/etc/hostname" and not os.path.isfile("/etc/hostname"):
        pytest.skip("no /etc/hostname here")
    for name in (
        "ALL_PROXY",
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "all_proxy",
        "https_proxy",
        "http_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(InvalidArgumentError, match=variable) as caught:
        PrintOSClient(base_url="https://printos.example", environ={}, allow_unauthenticated=True)
    assert "hunter2" not in str(caught.value)
    assert "cannot create the HTTP client" in str(caught.value)


@pytest.mark.parametrize(("env", "variable"), HOSTILE[:1] + HOSTILE[3:4])
def test_the_cli_reports_a_hostile_environment_in_one_line(
    env: dict[str, str], variable: str
) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PRINTOS_")}
    environ.update(env)
    result = subprocess.run(
        [sys.executable, "-m", "printos_ext.cli", "--base-url", "http://127.0.0.1:9", "devices",
         "list"],
        capture_output=True, text=True, env=environ, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert variable in line
    assert "hunter2" not in line


def test_a_missing_verify_file_is_an_invalid_argument() -> None:
    with pytest.raises(InvalidArgumentError, match="cannot create the HTTP client"):
        PrintOSClient(base_url="http://127.0.0.1:9", environ={}, verify="/nonexistent/ca.pem")
