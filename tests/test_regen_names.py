"""One naming rule for every collision: nothing is shadowed, nothing fails to compile.

tests/fixtures/specs/hostile_names.yml is the committed spec plus tags named ``true``, ``None``,
``class``, ``pet`` (also a model), and like the client's own members (``request``, ``auth``,
``with_options``, ``aclose``, ``timeout``); operationIds ``import`` and ``str``; query parameters
and body properties named like the methods' own keywords (``timeout``, ``extra_headers``,
``max_retries``, ``body``, ``self``), a body property named like a query parameter, and a path
parameter named like its endpoint module. It is regenerated once and a fresh interpreter calls
every operation through ``PrintOSClient``. The rule itself is in README ("Generated resources")
and openapi/templates/resource_helpers.jinja; scripts/spec_diff.py follows it too.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from regen_probe import regenerate, regenerate_and_probe, ruff_findings

from scriptload import load_script

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "specs" / "hostile_names.yml"
SPEC = ROOT / "openapi" / "hp-printos-device-api-openapi.yml"

PROBE = textwrap.dedent(
    """
    import asyncio, json
    import httpx
    from printos_ext import PrintOSClient, PrintOSHmacAuth

    sent = []

    def handler(request):
        sent.append([request.method, request.url.raw_path.decode(),
                     json.loads(request.content) if request.content else None])
        path = request.url.path
        if path == "/truth":
            return httpx.Response(200, json="yes")
        if path.startswith("/types/"):
            return httpx.Response(200, json={"id": "i-1"})
        if path == "/items":
            return httpx.Response(201, json={"id": "i-2"})
        if path == "/pets":
            return httpx.Response(200, json=[{"name": "Rex"}])
        return httpx.Response(204)

    async def main():
        out = {}
        async with PrintOSClient(base_url="https://t.test", environ={}, allow_unauthenticated=True,
                                 auth=PrintOSHmacAuth("k", "s"),
                                 transport=httpx.MockTransport(handler)) as client:
            out["resources"] = list(type(client).RESOURCES)
            out["classes"] = {name: type(getattr(client, name)).__name__
                              for name in type(client).RESOURCES}
            out["truth"] = await client.true_.get_truth()
            await client.none.get_nothing()
            await client.class_.list_classes()
            await client.operation.list()
            await client.request_.list()
            await client.auth_.get()
            await client.with_options_.get()
            await client.aclose_.close_it()
            await client.timeout_.get()
            await client.data.import_()
            await client.data.str_()
            item = await client.data.get_item(
                "x/y", timeout_=1, extra_headers_="h", max_retries_=2, body_="b", timeout=5)
            out["item"] = item.id
            created = await client.data.create_item(
                name="query", name_="field", timeout_=9, body_="B", extra_headers_="E", self_="S")
            out["created"] = created.id
            out["pets"] = [pet.name for pet in await client.pet.list()]
            # The client's own members are still what they were.
            out["own"] = [type(client.auth).__name__, callable(client.request),
                          type(client.with_options(timeout=3)).__name__]
        out["sent"] = sent
        return out

    print(json.dumps(asyncio.run(main())))
    """
)


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return regenerate_and_probe(FIXTURE, tmp_path_factory.mktemp("hostile_names"), PROBE)


@pytest.mark.e2e
def test_tags_named_like_client_members_get_an_underscore_and_members_stay(
    seen: dict[str, Any],
) -> None:
    for tag in ("request", "auth", "with_options", "aclose", "timeout"):
        assert f"{tag}_" in seen["resources"]
        assert tag not in seen["resources"]
    assert seen["own"] == ["PrintOSHmacAuth", True, "PrintOSClient"]


@pytest.mark.e2e
def test_keyword_tags_and_a_tag_named_like_a_model_get_distinct_class_names(
    seen: dict[str, Any],
) -> None:
    classes = seen["classes"]

    assert classes["true_"] == "TrueResource"
    assert classes["none"] == "NoneResource"
    assert classes["class_"] == "Class"
    assert classes["pet"] == "PetResource"  # the model Pet keeps its name
    assert classes["operation"] == "OperationResource"  # the client's Operation keeps its name
    assert seen["pets"] == ["Rex"]
    assert seen["truth"] == "yes"


@pytest.mark.e2e
def test_parameters_named_like_the_method_keywords_are_renamed_and_sent_under_their_names(
    seen: dict[str, Any],
) -> None:
    [request] = [r for r in seen["sent"] if r[1].startswith("/types/")]

    assert request[1] == "/types/x%2Fy?timeout=1&extra_headers=h&max_retries=2&body=b"
    assert seen["item"] == "i-1"


@pytest.mark.e2e
def test_body_properties_named_like_keywords_or_parameters_are_renamed_and_sent(
    seen: dict[str, Any],
) -> None:
    [request] = [r for r in seen["sent"] if r[1].startswith("/items")]

    assert request[1] == "/items?name=query"
    assert request[2] == {
        "name": "field",
        "timeout": 9,
        "body": "B",
        "extra_headers": "E",
        "max_retries": 3,  # the spec default
        "self": "S",
    }


@pytest.mark.e2e
def test_keyword_operation_ids_become_methods(seen: dict[str, Any]) -> None:
    paths = [r[1] for r in seen["sent"]]

    assert "/imports" in paths
    assert "/strs" in paths


@pytest.mark.e2e
def test_every_rename_is_a_line_of_the_change_report(seen: dict[str, Any]) -> None:
    lines = [line for line in seen["report"].splitlines() if line.startswith("renamed: ")]

    for expected in (
        'renamed: client.request_: tag "request" (client.request is the client\'s own member)',
        'renamed: client.data.import_(): operation POST /imports ("import" is reserved)',
        "renamed: client.data.get_item(timeout_=...): parameter timeout "
        "(timeout is the method's own keyword)",
        "renamed: client.data.create_item(name_=...): body property name (name is taken)",
        'renamed: class PetResource: tag "pet" (Pet is a keyword or a name the module needs)',
        'renamed: class OperationResource: tag "operation" '
        "(Operation is a keyword or a name the module needs)",
    ):
        assert expected in lines
    assert len(lines) == 20


@pytest.mark.e2e
def test_strict_refuses_a_spec_that_needs_renames(tmp_path: Path) -> None:
    output = tmp_path / "printos_api_client"
    result = regenerate("--spec", FIXTURE, "--output", output, "--baseline", SPEC, "--strict")

    assert result.returncode == 2
    assert "--strict: 20 omitted or renamed piece(s)" in result.stderr
    assert not output.exists()


def test_the_change_report_names_resources_and_methods_as_the_templates_do() -> None:
    spec_diff = load_script("spec_diff")

    assert spec_diff.resource_name("request") == "request_"
    assert spec_diff.resource_name("true") == "true_"
    assert spec_diff.resource_name("with_options") == "with_options_"
    assert spec_diff.method_name("data", "import", ["import"]) == "import_"
    assert spec_diff.method_name("data", "str", ["str"]) == "str_"


@pytest.mark.parametrize("kind", ["PrintOSClient", "SyncPrintOSClient"])
def test_client_members_list_every_attribute_of_the_client(kind: str) -> None:
    """CLIENT_MEMBERS (resource_helpers.jinja, the one place) covers both clients' own names."""
    import printos_ext

    spec_diff = load_script("spec_diff")
    cls = getattr(printos_ext, kind)
    client = cls(base_url="https://t.test", environ={}, allow_unauthenticated=True)
    resources = set(cls.RESOURCES)
    own = {name for name in dir(cls) if not name.startswith("_")}
    own |= {name for name in vars(client) if not name.startswith("_")}

    assert own - resources <= spec_diff.CLIENT_MEMBERS


@pytest.mark.e2e
def test_the_generated_package_is_ruff_clean(seen: dict[str, Any]) -> None:
    assert ruff_findings(seen["package"]) == ""
