"""Done when (issue 17): a new list operation and a new tag page, iterate and reach the CLI by
regeneration alone.

tests/fixtures/specs/new_resources.yml adds a Sites tag whose listSites answers ``{"sites":
[...]}`` (an object with one array property, and no x-printos-* entry for it). It is regenerated
with ``scripts/regenerate.py --spec ... --output TMP --no-release`` beside an unmodified copy of
src/printos_ext; against a loopback server that pages with ``Link: <...>; rel="next"``:
``client.sites.list()`` returns every site as a list, ``client.sites.iter()`` pages and stops at
``max_items``, and ``printos sites list`` prints them.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from regen_probe import regenerate_beside_ext

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "specs" / "new_resources.yml"
EXT = ROOT / "src" / "printos_ext"
SITES = [{"id": f"site-{n}", "name": f"Hall {n}"} for n in range(5)]

pytestmark = pytest.mark.e2e


class PagingSites(http.server.BaseHTTPRequestHandler):
    """``GET /sites``: two sites a page by default (``limit``/``offset`` when asked), with a next
    link while there are more; records each request line."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self.seen.append(self.path)
        query = parse_qs(url.query)
        limit = int(query.get("limit", ["2"])[0])
        offset = int(query.get("offset", ["0"])[0])
        body = json.dumps({"sites": SITES[offset : offset + limit]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if offset + limit < len(SITES):
            self.send_header("Link", f'</sites?limit={limit}&offset={offset + limit}>; rel="next"')
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PagingSites)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The regenerated package beside an unmodified copy of printos_ext."""
    tree = tmp_path_factory.mktemp("conventions")
    regenerate_beside_ext(FIXTURE, tree)
    assert files(tree / "printos_ext") == files(EXT)  # nothing under printos_ext edited
    return tree


def files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def run(tree: Path, *args: str, base_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTOS_")}
    env.update(PYTHONPATH=str(tree), PRINTOS_BASE_URL=base_url)
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=tree, timeout=60
    )


PROBE = textwrap.dedent(
    """
    import asyncio, json, sys
    from printos_ext import PrintOSClient

    async def main():
        async with PrintOSClient(base_url=sys.argv[1], environ={}) as client:
            every = await client.sites.list()
            iterated = [site.id async for site in client.sites.iter(page_size=3, max_items=4)]
            page = await client.sites.with_raw_response.list()
            return {
                "list": [site.id for site in every],
                "types": sorted({type(site).__name__ for site in every}),
                "iter": iterated,
                "page": [site.id for site in page.parse()],
                "status": page.status_code,
            }

    print(json.dumps(asyncio.run(main())))
    """
)


def test_a_new_list_operation_returns_every_item_and_iterates_in_pages(
    tree: Path, server: str
) -> None:
    PagingSites.seen.clear()
    result = run(tree, "-c", PROBE, server, base_url=server)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)

    assert seen["list"] == [site["id"] for site in SITES]  # list() followed two next links
    assert seen["types"] == ["Site"]
    assert seen["iter"] == ["site-0", "site-1", "site-2", "site-3"]  # max_items=4
    assert seen["page"] == ["site-0", "site-1"]  # the raw twin is one request: one page
    assert seen["status"] == 200
    assert PagingSites.seen == [
        "/sites",
        "/sites?limit=2&offset=2",
        "/sites?limit=2&offset=4",
        "/sites?limit=3&offset=0",  # iter(page_size=3) asks for pages
        "/sites?limit=3&offset=3",
        "/sites",
    ]


def test_the_new_tag_is_a_cli_command_that_lists_every_page(tree: Path, server: str) -> None:
    table = run(tree, "-m", "printos_ext.cli", "sites", "list", base_url=server)
    as_json = run(tree, "-m", "printos_ext.cli", "sites", "list", "--json", base_url=server)

    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME"]
    assert [line.split()[0] for line in lines[2:-1]] == [site["id"] for site in SITES]
    assert lines[-1] == "5 site(s)"
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == SITES
