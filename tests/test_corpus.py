"""Any real spec regenerates into an SDK that works: the conformance corpus (issue 16).

Each spec of the corpus (tests/conformance/corpus.py says which and from where) is regenerated
with ``scripts/regenerate.py --no-release`` into a temporary tree beside a copy of
src/printos_ext, and then: every module imports, the tree is ruff and ``mypy --strict`` clean,
every operation is a method of ``PrintOSClient`` (named as scripts/spec_diff.py says), and each
method, answered through ``httpx.MockTransport`` with a schema-valid sample of its documented
response, returns a value that encodes back to the same JSON.

Licenses of what the corpus reads (nothing of it is committed but our own specs): the
``@readme/oas-examples`` npm package is MIT (its OAI petstore examples Apache-2.0),
``@octokit/openapi`` is MIT, both downloaded at test time with their notices kept in the cache;
openapi-python-client's end-to-end specs (MIT, Triax Technologies) are read from an external
directory (``PRINTOS_CORPUS_DIR``, else ``../shared/corpus``) and skipped when it is absent.

Small specs run in every CI run; the rest are marked ``slow`` (``pytest -m slow``). Checks that
still fail are listed in KNOWN_FAILURES as strict xfails with the reason, so the list is honest:
a fixed one turns the run red until it is taken off.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conformance import corpus, harness
from conformance.samples import NoSample, Sampler

CASES = corpus.all_cases()

# (spec, check) -> why it still fails; checks: generates, imports, ruff, mypy, methods, calls,
# round_trips. Kept in step with /work/notes/corpus-failures.md.
_BINARY_IN_JSON = (
    "POST /tests/octet_stream answers JSON whose property is a 'format: binary' string: the "
    "client refuses it ('expected binary content, got string'); stock cannot send this "
    "operation's octet-stream body on its async client at all"
)
KNOWN_FAILURES: dict[tuple[str, str], str] = {
    ("opc/baseline_openapi_3.0", "calls"): _BINARY_IN_JSON,
    ("opc/baseline_openapi_3.0", "round_trips"): _BINARY_IN_JSON,
    ("opc/baseline_openapi_3.1", "calls"): _BINARY_IN_JSON,
    ("opc/baseline_openapi_3.1", "round_trips"): _BINARY_IN_JSON,
}

_results: dict[tuple[str, str], harness.Result] = {}


def cases(check: str, *, slow: bool = False) -> list[object]:
    params = []
    for case in CASES:
        marks: list[pytest.MarkDecorator] = []
        if case.skip:
            marks.append(pytest.mark.skip(reason=case.skip))
        if case.slow or slow:
            marks.append(pytest.mark.slow)
        reason = KNOWN_FAILURES.get((case.name, check))
        if reason:
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corpus-mypy-cache")


def _run(case: corpus.Case, mode: str, mypy_cache: Path) -> harness.Result:
    """The spec generated and checked once per session and mode, whichever test asks first."""
    if (case.name, mode) not in _results:
        assert case.path is not None
        cache = mypy_cache / mode
        _results[case.name, mode] = harness.run(case.path, mode, name=case.name, mypy_cache=cache)
    return _results[case.name, mode]


@pytest.fixture
def result(case: corpus.Case, mypy_cache: Path) -> harness.Result:
    return _run(case, "ours", mypy_cache)


@pytest.fixture
def stock(case: corpus.Case, mypy_cache: Path) -> harness.Result:
    return _run(case, "stock", mypy_cache)


def _failing(result: harness.Result, check: str) -> list[str]:
    """The operations (not reported omitted) that fail ``check``, with their error."""
    return [
        f"{op['operation']} ({op['call']}): {op['error']}" for op in result.kept() if not op[check]
    ]


@pytest.mark.parametrize("case", cases("generates"))
def test_the_pipeline_generates_the_spec(result: harness.Result) -> None:
    assert result.generates, result.generate_error


@pytest.mark.parametrize("case", cases("imports"))
def test_every_generated_module_and_printos_ext_import(result: harness.Result) -> None:
    assert result.imports, result.import_error or result.generate_error


@pytest.mark.parametrize("case", cases("ruff"))
def test_the_generated_tree_is_ruff_clean(result: harness.Result) -> None:
    assert result.ruff, result.ruff_error or result.generate_error


@pytest.mark.parametrize("case", cases("mypy"))
def test_the_generated_tree_is_mypy_strict_clean(result: harness.Result) -> None:
    assert result.mypy, result.mypy_error or result.generate_error


@pytest.mark.parametrize("case", cases("methods"))
def test_every_operation_is_a_method_of_the_client(result: harness.Result) -> None:
    assert result.generates, result.generate_error
    assert _failing(result, "reachable") == []


@pytest.mark.parametrize("case", cases("calls"))
def test_every_method_decodes_its_documented_response(result: harness.Result) -> None:
    assert result.generates, result.generate_error
    assert _failing(result, "called") == []


@pytest.mark.parametrize("case", cases("round_trips"))
def test_every_decoded_response_encodes_back_to_the_same_json(result: harness.Result) -> None:
    assert result.generates, result.generate_error
    assert _failing(result, "round_trip") == []


@pytest.mark.parametrize("case", cases("as_good_as_stock", slow=True))
def test_whatever_stock_generates_and_calls_the_pipeline_does_too(
    result: harness.Result, stock: harness.Result
) -> None:
    assert result.worse_than(stock) == []


# --- the harness's own parts ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["types_galore_30", "types_galore_31", "hostile_names"])
def test_a_sample_of_every_component_schema_is_schema_valid(name: str) -> None:
    document = yaml.safe_load((corpus.COMMITTED / f"{name}.yml").read_text(encoding="utf-8"))
    sampler = Sampler(document)
    for schema_name in document["components"]["schemas"]:
        schema = {"$ref": f"#/components/schemas/{schema_name}"}
        assert sampler.errors(schema, sampler.sample(schema)) == []


def test_a_sample_holds_optional_properties_and_formats_that_round_trip() -> None:
    sampler = Sampler({"openapi": "3.1.0"})
    schema = {
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "at": {"type": "string", "format": "date-time"},
            "gone": {"type": "null"},
            "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"const": 3}]},
        },
    }
    assert sampler.sample(schema) == {
        "id": "12345678-1234-5678-1234-567812345678",
        "at": "2024-01-02T03:04:05+00:00",
        "gone": None,
        "pair": ["string", 3],
    }


def test_a_union_sample_is_the_first_variant_that_validates_alone() -> None:
    sampler = Sampler({"openapi": "3.1.0"})
    one_of = {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 2}]}
    assert sampler.sample(one_of) == 1


def test_a_schema_nothing_satisfies_has_no_sample() -> None:
    sampler = Sampler({"openapi": "3.0.3"})
    with pytest.raises(NoSample):
        sampler.sample({"allOf": [{"type": "integer"}, {"type": "string"}]})


def test_a_registry_package_whose_checksum_differs_is_refused_and_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRINTOS_CORPUS_CACHE", str(tmp_path))
    forged = tmp_path / corpus.OAS_EXAMPLES.tarball
    forged.write_bytes(b"not the package")
    with pytest.raises(corpus.CorpusUnavailable, match="sha256"):
        corpus.fetch(corpus.OAS_EXAMPLES)
    assert not forged.exists()
    assert not (tmp_path / corpus.OAS_EXAMPLES.tarball[:-4]).exists()


def test_only_operations_the_generator_leaves_out_whole_count_as_omitted() -> None:
    report = (
        "omitted: GET /octocat (tag meta): Cannot parse response for status code (Unsupported "
        "content_type application/octocat-stream), response will be omitted from generated client\n"
        "omitted: POST /markdown/raw (tag markdown): Unsupported content type text/plain "
        "(Endpoint will not be generated)\n"
        "omitted: schema /components/schemas/base-gist: Could not find reference\n"
        "omitted: GET /x (getX): the generator wrote no code for it (stock neither)\n"
    )
    assert harness.omissions(report) == ["POST /markdown/raw", "GET /x"]


def test_a_cut_keeps_the_tags_operations_and_only_the_components_they_reach() -> None:
    ref = "#/components/schemas/"
    document = {
        "openapi": "3.0.3",
        "tags": [{"name": "a"}, {"name": "b"}],
        "paths": {
            "/a": {
                "get": {"tags": ["a"], "responses": {"200": {"$ref": "#/components/responses/A"}}}
            },
            "/b": {"get": {"tags": ["b"], "responses": {"200": {"description": "b"}}}},
        },
        "components": {
            "responses": {
                "A": {
                    "description": "a",
                    "content": {"application/json": {"schema": {"$ref": f"{ref}Outer"}}},
                }
            },
            "schemas": {
                "Outer": {"properties": {"inner": {"$ref": f"{ref}Inner"}}},
                "Inner": {"type": "string"},
                "Unused": {"type": "integer"},
            },
        },
    }
    cut = corpus.cut_tags(document, ["a"])
    assert list(cut["paths"]) == ["/a"]
    assert cut["tags"] == [{"name": "a"}]
    assert sorted(cut["components"]["schemas"]) == ["Inner", "Outer"]
    assert json.dumps(cut["components"]["responses"]) == json.dumps(
        document["components"]["responses"]
    )
