"""What published specs have and hand-written ones avoid (tests/client/specs/real_world.yaml),
over real HTTP against the fake Atlas serving that spec: digit-leading and pydantic-named
properties, tags named like client attributes, constants the server requires, envelope
schemas, bodies that differ per version; requests strict and responses lenient."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from client_support import ROOT, generate_package, import_fresh
from servers.fake_atlas import (
    DEFAULT_PRIVATE_KEY,
    DEFAULT_PUBLIC_KEY,
    EXAMPLE_GROUP_ID,
    FakeAtlas,
    api_requests,
)

SPEC = ROOT / "tests" / "client" / "specs" / "real_world.yaml"
PACKAGE = "atlas_real"
GROUP = EXAMPLE_GROUP_ID
INDEX = {"collection": "places", "2dsphereIndexVersion": 3}


@pytest.fixture(scope="module")
def real_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_package(
        tmp_path_factory.mktemp("real") / "generated", spec=SPEC, package=PACKAGE
    )


@pytest.fixture(scope="module")
def real(real_dir: Path) -> ModuleType:
    return import_fresh(PACKAGE, real_dir)


@pytest.fixture
def fake() -> Iterator[FakeAtlas]:
    with FakeAtlas(spec_path=SPEC) as atlas:
        yield atlas


def client(real: ModuleType, fake: FakeAtlas, **kwargs: Any) -> Any:
    auth = real.DigestApiKeyAuth(DEFAULT_PUBLIC_KEY, DEFAULT_PRIVATE_KEY)
    return real.Client(base_url=fake.url, auth=auth, **kwargs)


# ------------------------------------------------------------------ names
def test_tags_named_like_client_attributes_leave_them_alone(
    real: ModuleType, fake: FakeAtlas
) -> None:
    with client(real, fake) as atlas:
        assert type(atlas.close_).__name__ == "CloseResource"
        assert type(atlas.invoke_).__name__ == "InvokeResource"
        raw = atlas.invoke("getIndex", {"groupId": GROUP, "id": "507f1f77bcf86cd799439011"})
        assert raw.status_code == 200 and raw.parse().id == "507f1f77bcf86cd799439011"
        assert atlas.invoke_.get_index(group_id=GROUP, id="x").kind == "GEO"
    assert atlas._http_client.is_closed  # close() is still the client's


def test_client_attributes_are_all_reserved_names(real: ModuleType) -> None:
    """naming.CLIENT_RESERVED must list what the generated clients define, or a tag could
    replace it; this holds the list to the template."""
    from atlasgen.model import naming

    resources = {"close_", "invoke_", "performance_advisor"}
    for cls in (real.Client, real.AsyncClient):
        instance = cls(base_url="http://127.0.0.1:9", auth=None)  # its attributes too
        own = {name for name in dir(instance) if not name.startswith("_")} - resources
        assert own <= naming.CLIENT_RESERVED, own - naming.CLIENT_RESERVED


def test_the_readme_writes_the_naming_rules_down(real_dir: Path) -> None:
    from atlasgen.model import naming

    readme = (real_dir / "README.md").read_text(encoding="utf-8")
    names = readme.split("## Names", 1)[1].split("\n## ", 1)[0]
    for name in naming.CLIENT_RESERVED | naming.CALL_RESERVED | naming.MODEL_RESERVED:
        assert f"`{name}`" in names, name
    assert "`field_2dsphere_index_version`" in names and "`client.close_`" in names


def test_any_property_name_is_a_field_with_its_exact_wire_name(real: ModuleType) -> None:
    models = real.models
    wire = {
        "id": "507f1f77bcf86cd799439011",
        "kind": "GEO",
        "collection": "places",
        "2dsphereIndexVersion": 2,
        "model_dump": "a",
        "schema": "b",
        "json": "c",
        "copy": "d",
    }
    index = models.GeoIndex.model_validate(wire)
    assert (index.id, index.field_2dsphere_index_version) == ("507f1f77bcf86cd799439011", 2)
    assert (index.model_dump_, index.schema_, index.json_, index.copy_) == ("a", "b", "c", "d")
    assert index.model_dump(by_alias=True, exclude_unset=True, mode="json") == wire
    assert index.model_copy().collection == "places"  # pydantic's own methods still work
    assert "2dsphereIndexVersion" in models.GeoIndex.model_json_schema(by_alias=True)["properties"]
    built = models.GeoIndex(collection="c", field_2dsphere_index_version=1, model_dump_="x")
    assert built.model_dump(by_alias=True, exclude_unset=True) == {
        "collection": "c",
        "2dsphereIndexVersion": 1,
        "model_dump": "x",
    }


def test_digit_leading_parameter_goes_out_under_its_wire_name(
    real: ModuleType, fake: FakeAtlas
) -> None:
    with client(real, fake) as atlas:
        atlas.close_.create_index(group_id=GROUP, body=INDEX, param_2dsphere_index_version=2)
    assert api_requests(fake)[-1].query == {"2dsphereIndexVersion": "2"}


# ------------------------------------------------------------------ constants
def test_a_constant_is_filled_in_and_sent(real: ModuleType, fake: FakeAtlas) -> None:
    with client(real, fake) as atlas:
        created = atlas.close_.create_index(group_id=GROUP, body=INDEX)
    assert api_requests(fake)[-1].json() == {**INDEX, "kind": "GEO"}
    assert created.kind is real.models.GeoIndexKind.GEO
    assert real.models.GeoIndex(collection="c").model_dump(
        by_alias=True, exclude_unset=True, context=real._models.REQUEST_CONTEXT
    ) == {"collection": "c", "kind": "GEO"}


def test_the_fake_refuses_a_body_without_the_constant(real: ModuleType, fake: FakeAtlas) -> None:
    import httpx

    media = "application/vnd.atlas.2025-01-01+json"
    response = httpx.post(
        f"{fake.url}/api/atlas/v2/groups/{GROUP}/indexes",
        json=INDEX,
        headers={"Accept": media, "Content-Type": media},
        auth=httpx.DigestAuth(DEFAULT_PUBLIC_KEY, DEFAULT_PRIVATE_KEY),
    )
    assert response.status_code == 400 and "must be GEO" in response.json()["detail"]


# ------------------------------------------------------------------ strict requests
def test_an_unknown_body_field_is_refused_before_sending(real: ModuleType, fake: FakeAtlas) -> None:
    with client(real, fake) as atlas, pytest.raises(real.RequestBodyError) as refused:
        atlas.close_.create_index(group_id=GROUP, body={**INDEX, "colection": "x"})
    assert "'colection'" in str(refused.value) and "did you mean 'collection'" in str(refused.value)
    assert api_requests(fake) == []
    with pytest.raises(ValueError, match="colection"):
        real.models.GeoIndex.model_validate({"collection": "c", "colection": "x"})
    # only models a request body can hold check: responses keep pydantic's fast path
    request_model = real._models.AtlasRequestModel
    assert issubclass(real.models.LegacyIndex, request_model)
    assert not issubclass(real.models.SlowQueryEnvelope, request_model)


def test_a_misspelled_keyword_argument_is_refused_before_sending(
    real: ModuleType, fake: FakeAtlas
) -> None:
    with client(real, fake) as atlas, pytest.raises(real.ParameterError) as refused:
        atlas.close_.create_index(group_id=GROUP, body=INDEX, prety=True)
    assert refused.value.parameter == "prety" and "did you mean pretty" in str(refused.value)
    assert api_requests(fake) == []


def test_extra_body_query_and_headers_send_what_the_spec_does_not_know(
    real: ModuleType, fake: FakeAtlas
) -> None:
    with client(real, fake) as atlas, pytest.raises(real.BadRequestError):  # the fake refuses it
        atlas.close_.create_index(
            group_id=GROUP,
            body=INDEX,
            extra_body={"hidden": True},
            extra_query={"preview": "1"},
            extra_headers={"X-Trace": "t"},
        )
    request = api_requests(fake)[-1]
    assert request.json() == {**INDEX, "kind": "GEO", "hidden": True}
    assert request.query == {"preview": "1"} and request.headers["x-trace"] == "t"


# ------------------------------------------------------------------ lenient responses
OFF_SCHEMA = {
    "id": "507f1f77bcf86cd799439011",
    "kind": "GEO",
    "sparse": "SOMETIMES",
    "2dsphereIndexVersion": "three",
    "newField": [1],
}


def test_a_response_off_its_schema_still_parses_into_its_model(
    real: ModuleType, fake: FakeAtlas
) -> None:
    """``collection`` (required) is missing, ``sparse`` is a value this client does not
    know, ``2dsphereIndexVersion`` is not an integer."""
    fake.answer_with("getIndex", OFF_SCHEMA)
    with client(real, fake) as atlas:
        index = atlas.invoke_.get_index(group_id=GROUP, id="x")
    assert isinstance(index, real.models.GeoIndex)
    assert index.collection is None and index.sparse == "SOMETIMES"
    assert index.field_2dsphere_index_version == "three"
    assert index.kind is real.models.GeoIndexKind.GEO and index.model_extra == {"newField": [1]}


def test_nested_models_off_their_schema_are_kept_too(real: ModuleType, fake: FakeAtlas) -> None:
    fake.answer_with(
        "listSlowQueries",
        {"status": 200, "content": {"slowQueries": [{"namespace": "a.b"}, {"line": 1}]}},
    )
    with client(real, fake) as atlas:
        result = atlas.performance_advisor.list_slow_queries(group_id=GROUP, process_id="h:1")
    first, second = result.content.slow_queries
    assert isinstance(first, real.models.SlowQuery) and (first.namespace, first.line) == (
        "a.b",
        None,
    )
    assert (second.namespace, second.line) == (None, 1)


def test_strict_response_validation_raises_instead(real: ModuleType, fake: FakeAtlas) -> None:
    fake.answer_with("getIndex", {**OFF_SCHEMA, "collection": "c", "2dsphereIndexVersion": 3})
    with client(real, fake) as lenient:
        assert lenient.invoke_.get_index(group_id=GROUP, id="x").sparse == "SOMETIMES"
    strict = client(real, fake, strict_response_validation=True)
    with strict, pytest.raises(real.APIResponseValidationError) as raised:
        strict.invoke_.get_index(group_id=GROUP, id="x")
    assert "SOMETIMES" in str(raised.value.errors)


# ------------------------------------------------------------------ envelopes
def test_an_envelope_schema_is_not_unwrapped(real: ModuleType, fake: FakeAtlas) -> None:
    with client(real, fake) as atlas:
        for envelope in ({}, {"envelope": True}, {"envelope": False}):
            result = atlas.performance_advisor.list_slow_queries(
                group_id=GROUP, process_id="h:1", **envelope
            )
            assert isinstance(result, real.models.SlowQueryEnvelope), envelope
            assert result.status == 200
            assert result.content.slow_queries[0].namespace == "sales.orders"


def test_an_error_stated_in_the_envelope_raises(real: ModuleType, fake: FakeAtlas) -> None:
    fake.answer_with(
        "listSlowQueries", {"status": 404, "content": {"error": 404, "errorCode": "NOT_FOUND"}}
    )
    with client(real, fake) as atlas, pytest.raises(real.NotFoundError):
        atlas.performance_advisor.list_slow_queries(group_id=GROUP, process_id="h:1")


# ------------------------------------------------------------------ unions and quality
def _union_members(node: ast.expr) -> list[str]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_members(node.left) + _union_members(node.right)
    return [ast.unparse(node)]


def _duplicate_union_members(package: Path) -> list[str]:
    """Every annotation of ``package`` that lists a union member twice (ruff's PYI016)."""
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
                members = _union_members(node)
                if len(members) != len(set(members)):
                    found.append(f"{path.name}: {ast.unparse(node)}")
    return found


def test_a_body_type_lists_each_member_once(real: ModuleType, real_dir: Path) -> None:
    annotation = real.resources.close_.CloseResource.create_index.__annotations__["body"]
    assert annotation == "LegacyIndex | GeoIndex | Mapping[str, Any]"
    for package in (real_dir / PACKAGE, ROOT / "generated" / "python" / "atlas_admin"):
        assert _duplicate_union_members(package) == []


def test_generated_package_passes_mypy_strict_and_ruff(real_dir: Path) -> None:
    for command in (
        ["mypy", "--strict", "--no-incremental", PACKAGE],
        ["ruff", "check", "--no-cache", "--isolated", "--extend-select", "PYI", PACKAGE],
    ):
        result = subprocess.run(
            [sys.executable, "-m", *command],
            cwd=real_dir,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
