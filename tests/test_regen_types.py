"""Any parameter, body and response type regenerates into code that imports, type-checks and works.

tests/fixtures/specs/types_galore.yml is the committed spec plus operations whose types the resource
templates once got wrong: date-time, date, UUID, enum, const (``Literal``) and array query and
path parameters; a binary response (``File``); ``prefixItems``; a multipart body with optional
fields; a JSON body with spec defaults; a ``default``-only response; a ``default`` error response
beside a 200; a 200 whose schema the generator omits (an unresolvable ``$ref``); a model with a
union, a ``type: 'null'`` property and a ``title`` beside a ``$ref``. It is regenerated once
(with mypy --strict on the result, as regenerate.py does by default) and a fresh interpreter calls
every new operation through ``PrintOSClient`` over ``httpx.MockTransport``.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from regen_probe import regenerate_and_probe, ruff_findings

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "specs" / "types_galore.yml"

pytestmark = pytest.mark.e2e

PROBE = textwrap.dedent(
    """
    import asyncio, datetime, io, json, uuid
    import httpx
    from printos_ext import PrintOSClient, APIStatusError
    from printos_api_client.models import Event, Kind, Meta, UploadBody, WidgetCreate
    from printos_api_client.types import File

    EVENT_ID = "0b6f1d7e-8f7a-4d1e-9a55-0f8d2b7c1a11"
    EVENT = {"id": EVENT_ID, "at": "2026-11-29T10:00:00Z", "value": 3, "d": "delta",
             "nothing": None}
    sent = []

    def handler(request):
        path = request.url.path
        sent.append([request.method, request.url.raw_path.decode(),
                     request.headers.get("content-type", ""), request.content.decode("latin-1")])
        if path == "/events":
            return httpx.Response(200, json=[EVENT])
        if path == f"/events/{EVENT_ID}":
            return httpx.Response(200, json=EVENT)
        if path.endswith("/attachment"):
            return httpx.Response(200, content=b"%PDF", headers={"content-type": "application/pdf"})
        if path == "/kinds/only":
            return httpx.Response(200, json=["a", 1])
        if path == "/uploads":
            return httpx.Response(204)
        if path == "/widgets":
            return httpx.Response(201, json={"name": json.loads(request.content)["name"]})
        if path == "/widgets/default":
            return httpx.Response(200, json={"name": "d", "count": 1})
        if path == "/widgets/status":
            return httpx.Response(500, json={"message": "down"})
        if path == "/widgets/lost":
            return httpx.Response(200, json={"anything": [1, 2]})
        if path in ("/widgets/label", "/widgets/meta", "/sections/guides/intro"):
            return httpx.Response(204)
        return httpx.Response(404)

    async def main():
        out = {}
        async with PrintOSClient(base_url="https://t.test", environ={}, max_retries=0,
                                 allow_unauthenticated=True,
                                 transport=httpx.MockTransport(handler)) as client:
            events = await client.events.list(
                since=datetime.datetime(2026, 11, 29, 10, tzinfo=datetime.timezone.utc),
                day=datetime.date(2026, 11, 29), ids=[uuid.UUID(EVENT_ID)], kind=Kind.START,
                mode="fast")
            out["list"] = [type(events[0]).__name__, events[0].value]
            event = await client.events.get(uuid.UUID(EVENT_ID))
            out["event_round_trip"] = event.to_dict()
            absent = Event.from_dict({"id": EVENT_ID, "at": "2026-11-29T10:00:00Z"})
            out["absent_null"] = absent.to_dict()
            attachment = await client.events.download_attachment(uuid.UUID(EVENT_ID))
            out["attachment"] = [type(attachment).__name__, attachment.payload.read().decode()]
            out["kind"] = await client.events.get_kind("only")
            upload = File(payload=io.BytesIO(b"hello"), file_name="a.txt")
            await client.uploads.upload(body=UploadBody(file=upload))
            created = await client.widgets.create(name="w")
            by_body = await client.widgets.create(body=WidgetCreate(name="b", count=7))
            out["created"] = [created.name, by_body.name]
            out["default_only"] = (await client.widgets.get_default()).to_dict()
            try:
                await client.widgets.get_status()
            except APIStatusError as error:
                out["status_error"] = [type(error).__name__, error.status_code]
            out["lost"] = await client.widgets.get_lost()
            await client.widgets.label(body="red")
            await client.widgets.label(body=7)
            await client.widgets.label()
            await client.widgets.annotate(body=Meta(source="s"))
            await client.widgets.annotate()
            await client.sections.get("guides", "intro")
        out["sent"] = sent
        return out

    print(json.dumps(asyncio.run(main())))
    """
)


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return regenerate_and_probe(FIXTURE, tmp_path_factory.mktemp("types_galore"), PROBE)


def requests_to(seen: dict[str, Any], path: str) -> list[list[str]]:
    return [request for request in seen["sent"] if request[1].split("?")[0] == path]


def test_date_time_date_uuid_enum_and_const_query_parameters_are_sent(
    seen: dict[str, Any],
) -> None:
    [request] = requests_to(seen, "/events")
    query = request[1].split("?", 1)[1]

    assert "since=2026-11-29T10%3A00%3A00%2B00%3A00" in query
    assert "day=2026-11-29" in query
    assert "ids=0b6f1d7e-8f7a-4d1e-9a55-0f8d2b7c1a11" in query
    assert "kind=start" in query
    assert "mode=fast" in query
    assert seen["list"] == ["Event", 3]


def test_a_uuid_path_parameter_and_a_binary_response_are_a_file(seen: dict[str, Any]) -> None:
    assert seen["attachment"] == ["File", "%PDF"]


def test_prefix_items_and_a_const_path_parameter(seen: dict[str, Any]) -> None:
    assert seen["kind"] == ["a", 1]
    assert requests_to(seen, "/kinds/only")


def test_an_explicit_null_of_a_null_typed_property_survives_to_dict(seen: dict[str, Any]) -> None:
    assert seen["event_round_trip"]["nothing"] is None
    assert "nothing" in seen["event_round_trip"]
    assert "nothing" not in seen["absent_null"]  # absent stays absent


def test_multipart_body_without_its_optional_fields_is_sent(seen: dict[str, Any]) -> None:
    [request] = requests_to(seen, "/uploads")
    content_type, body = request[2], request[3]

    assert content_type.startswith("multipart/form-data")
    assert 'name="file"; filename="a.txt"' in body
    assert "hello" in body
    for omitted in ("caption", "copies", "tags", "meta"):
        assert f'name="{omitted}"' not in body


def test_body_keywords_and_body_are_both_usable_when_properties_have_defaults(
    seen: dict[str, Any],
) -> None:
    keywords, model = (json.loads(r[3]) for r in requests_to(seen, "/widgets"))

    assert seen["created"] == ["w", "b"]
    assert keywords == {"name": "w", "count": 5, "enabled": True, "colour": "red"}
    assert model["count"] == 7


def test_a_property_named_like_a_local_of_from_dict_round_trips(seen: dict[str, Any]) -> None:
    assert seen["event_round_trip"]["d"] == "delta"


def test_an_optional_body_that_is_a_union_is_sent_as_given_and_absent_sends_nothing(
    seen: dict[str, Any],
) -> None:
    assert [request[3] for request in requests_to(seen, "/widgets/label")] == ['"red"', "7", ""]
    assert [request[3] for request in requests_to(seen, "/widgets/meta")] == ['{"source":"s"}', ""]


def test_a_path_parameter_with_a_spec_default_stays_positional_before_one_without(
    seen: dict[str, Any],
) -> None:
    assert [request[0] for request in requests_to(seen, "/sections/guides/intro")] == ["GET"]


def test_a_default_only_response_is_the_success_shape(seen: dict[str, Any]) -> None:
    assert seen["default_only"] == {"name": "d", "count": 1}


def test_a_default_response_beside_a_2xx_is_the_error_shape(seen: dict[str, Any]) -> None:
    assert seen["status_error"][1] == 500


def test_an_omitted_success_schema_decodes_to_the_json(seen: dict[str, Any]) -> None:
    assert seen["lost"] == {"anything": [1, 2]}
    assert (
        "omitted: GET /widgets/lost (tag widgets): Cannot parse response for status code "
        "(Could not find reference in parsed models or enums)" in seen["report"]
    )


def test_validator_findings_are_report_notes_not_refusals(seen: dict[str, Any]) -> None:
    assert (
        "note: the validator finds the spec not valid OpenAPI: "
        "'/components/schemas/NoSuchSchema' does not exist" in seen["report"]
    )


def test_the_resource_module_imports_what_its_types_need(seen: dict[str, Any]) -> None:
    module = (seen["package"] / "api" / "events" / "__init__.py").read_text()

    for line in (
        "import datetime",
        "from uuid import UUID",
        "from ...models.kind import Kind",
        "File",
        "Literal",
    ):
        assert line in module


@pytest.mark.e2e
def test_the_generated_package_is_ruff_clean(seen: dict[str, Any]) -> None:
    assert ruff_findings(seen["package"]) == ""


RECURSIVE = ROOT / "tests" / "fixtures" / "specs" / "recursive_bodies.yml"

RECURSIVE_PROBE = textwrap.dedent(
    """
    import asyncio, json
    import httpx
    from printos_ext import PrintOSClient, InvalidArgumentError
    from printos_api_client.models import Node, Pair

    def handler(request):
        return httpx.Response(201, json=json.loads(request.content))

    async def main():
        out = {}
        async with PrintOSClient(base_url="https://t.test", environ={}, max_retries=0,
                                 allow_unauthenticated=True,
                                 transport=httpx.MockTransport(handler)) as client:
            node = await client.nodes.create(
                name="leaf", parent=Node(name="root"), pair=Pair(label="p", back=Node(name="b")))
            out["echo"] = node.to_dict()
            try:
                await client.nodes.create(name="")
            except InvalidArgumentError as error:
                out["refused"] = str(error)
        return out

    print(json.dumps(asyncio.run(main())))
    """
)


def test_a_body_model_that_refers_to_itself_is_generated_and_checked(tmp_path: Path) -> None:
    seen = regenerate_and_probe(RECURSIVE, tmp_path, RECURSIVE_PROBE, "--no-overlay")
    assert seen["echo"] == {
        "name": "leaf",
        "parent": {"name": "root"},
        "pair": {"label": "p", "back": {"name": "b"}},
    }
    assert "name" in seen["refused"]
