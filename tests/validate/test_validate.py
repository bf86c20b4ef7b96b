"""The validation stage: one bad spec per rule, the shipped spec, and what must never crash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from atlasgen.load import LoadedSpec, load_spec, parse_spec_text
from atlasgen.validate import Problem, format_problem, validate_spec
from atlasgen.validate.rules import RULES

ROOT = Path(__file__).resolve().parents[2]
BAD_SPECS = sorted((Path(__file__).parent / "specs").glob("*.yaml"))
MARKER = "# expect: "
SEVERITY = {rule.id: rule.severity for rule in RULES}


def expected_problems(spec: Path) -> list[tuple[str, int, int]]:
    """(rule id, line, column) of every line marked ``# expect: rule-id``; the column is where
    the line's key or list item starts."""
    expected = []
    for number, line in enumerate(spec.read_text().splitlines(), start=1):
        if MARKER in line:
            content = line.lstrip(" ").removeprefix("- ")
            expected.append((line.split(MARKER)[1].strip(), number, len(line) - len(content) + 1))
    return expected


def found_position(location: str) -> tuple[int, int]:
    line, column = location.split(":")[-2:]
    return int(line), int(column)


def found(problems: list[Problem]) -> list[tuple[str, int, int]]:
    return [(p.rule_id, *found_position(p.location)) for p in problems]


def validate_data(data: dict[str, Any], *, strict: bool = False) -> list[Problem]:
    text = yaml.safe_dump(data, sort_keys=False)
    return validate_spec(parse_spec_text(text, Path("inline.yaml")), strict=strict)


def make_spec(schemas: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    """A valid spec with one GET operation (completed with what every operation needs)."""
    get = {"operationId": "listItems", "tags": ["Items"], **operation}
    get.setdefault(
        "responses",
        {
            "204": {
                "description": "No content",
                "content": {"application/vnd.atlas.2023-01-01+json": {}},
            }
        },
    )
    return {
        "openapi": "3.0.1",
        "info": {"title": "Inline", "version": "2.0"},
        "tags": [{"name": "Items"}],
        "paths": {"/api/atlas/v2/items": {"get": get}},
        "components": {"schemas": schemas},
    }


def ok_response(schema: dict[str, Any], example: Any) -> dict[str, Any]:
    media = {"schema": schema, "example": example}
    return {
        "200": {"description": "OK", "content": {"application/vnd.atlas.2024-05-30+json": media}}
    }


def request_body(schema: dict[str, Any], example: Any) -> dict[str, Any]:
    media = {"schema": schema, "example": example}
    return {"content": {"application/vnd.atlas.2024-05-30+json": media}}


# ------------------------------------------------------------------ one bad spec per rule
@pytest.mark.parametrize("spec", BAD_SPECS, ids=[spec.stem for spec in BAD_SPECS])
def test_bad_spec_reports_its_rule_at_the_marked_place(spec: Path) -> None:
    problems = validate_spec(load_spec(spec))
    assert found(problems) == expected_problems(spec), "\n".join(map(format_problem, problems))
    assert {p.rule_id for p in problems} == {spec.stem}
    assert {p.severity for p in problems} == {SEVERITY[spec.stem]}


def test_every_rule_has_a_bad_spec() -> None:
    assert sorted(SEVERITY) == sorted(spec.stem for spec in BAD_SPECS)


def test_strict_turns_warnings_into_errors() -> None:
    spec = load_spec(Path(__file__).parent / "specs" / "tag-declared.yaml")
    assert [p.severity for p in validate_spec(spec)] == ["warning"]
    assert [p.severity for p in validate_spec(spec, strict=True)] == ["error"]


def test_problem_is_rendered_on_one_line() -> None:
    spec = Path(__file__).parent / "specs" / "operation-single-tag.yaml"
    [problem] = validate_spec(load_spec(spec, display_path="bad.yaml"))
    assert format_problem(problem) == (
        "bad.yaml:12:7: operation-single-tag: GET /api/atlas/v2/items has 2 tags; it needs "
        "exactly one (at /paths/~1api~1atlas~1v2~1items/get/tags)"
    )


def test_problems_are_in_file_order_and_deterministic() -> None:
    spec = load_spec(Path(__file__).parent / "specs" / "path-params-match.yaml")
    first, second = validate_spec(spec), validate_spec(spec)
    assert first == second
    assert [p.location for p in first] == sorted((p.location for p in first), key=found_position)


def test_one_of_failures_name_the_error_of_the_branch_meant() -> None:
    parameter = {"name": "x", "in": "path", "required": False, "schema": {"type": "string"}}
    spec = make_spec({}, {"parameters": [parameter]})
    spec["paths"]["/api/atlas/v2/items/{x}"] = spec["paths"].pop("/api/atlas/v2/items")
    spec["components"]["securitySchemes"] = {"Digest": {"type": "http"}}
    messages = {p.pointer: p.message for p in validate_data(spec)}
    required = "/paths/~1api~1atlas~1v2~1items~1{x}/get/parameters/0/required"
    assert messages == {
        required: "False is not one of [True]",
        "/components/securitySchemes/Digest": "'scheme' is a required property",
    }


# ------------------------------------------------------------------ specs that must pass
@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_shipped_spec_validates(strict: bool) -> None:
    problems = validate_spec(load_spec(ROOT / "specs" / "atlas-admin.yaml"), strict=strict)
    assert [format_problem(p) for p in problems] == []


def test_constructs_fixture_validates() -> None:
    """Keywords, polymorphism, ECMA patterns, YAML timestamps, float epochs, write-only fields."""
    assert validate_spec(load_spec(ROOT / "tests" / "specs" / "constructs.yaml"), strict=True) == []


def polymorphic_spec(families: int) -> dict[str, Any]:
    """Atlas polymorphism ``families`` times: the parent lists its children in ``oneOf`` (with a
    discriminator) and each child is ``allOf: [parent, ...]``; parents also refer to each other."""
    schemas: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for family in range(families):
        parent, children = f"Parent{family}", [f"Parent{family}Child{n}" for n in range(2)]
        neighbour = f"Parent{(family + 1) % families}"
        schemas[parent] = {
            "type": "object",
            "required": ["kind"],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {child: f"#/components/schemas/{child}" for child in children},
            },
            "oneOf": [{"$ref": f"#/components/schemas/{child}"} for child in children],
            "properties": {
                "kind": {"type": "string"},
                "next": {"$ref": f"#/components/schemas/{neighbour}"},
            },
        }
        for child in children:
            own = {"type": "object", "properties": {"kind": {"type": "string", "enum": [child]}}}
            schemas[child] = {
                "allOf": [{"$ref": f"#/components/schemas/{parent}"}, own],
                "example": {"kind": child},
            }
        example = {"kind": children[1], "next": {"kind": f"{neighbour}Child0"}}
        paths[f"/api/atlas/v2/family{family}"] = {
            "get": {
                "operationId": f"getFamily{family}",
                "tags": ["Items"],
                "responses": ok_response({"$ref": f"#/components/schemas/{parent}"}, example),
            }
        }
    spec = make_spec(schemas, {})
    spec["paths"] = paths
    return spec


@pytest.mark.timeout(120)  # a hang guard for exponential walks, not a speed target
def test_forty_polymorphic_cycles_validate() -> None:
    assert validate_data(polymorphic_spec(40)) == []


def test_polymorphic_examples_are_still_checked() -> None:
    spec = polymorphic_spec(2)
    media = spec["paths"]["/api/atlas/v2/family0"]["get"]["responses"]["200"]["content"]
    media["application/vnd.atlas.2024-05-30+json"]["example"] = {"kind": "Nope"}
    [problem] = validate_data(spec)
    assert problem.rule_id == "example-valid" and problem.pointer.endswith("/example")
    assert "'#/components/schemas/Nope' could not be resolved" in problem.message


# ------------------------------------------------------------------ patterns
@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (r"^[\p{L}\p{N}][\p{L}\p{N}-]*$", "Ünïcode-Cluster0", "-leading-dash"),
        (r"^(?<prefix>[A-Za-z])[\w-]*$", "cluster-1", "1cluster"),
    ],
    ids=["unicode-property", "named-group"],
)
def test_ecma_patterns_compile_and_apply(pattern: str, good: str, bad: str) -> None:
    schemas = {"Name": {"type": "string", "pattern": pattern}}
    ref = {"$ref": "#/components/schemas/Name"}
    assert validate_data(make_spec(schemas, {"responses": ok_response(ref, good)})) == []
    [problem] = validate_data(make_spec(schemas, {"responses": ok_response(ref, bad)}))
    assert problem.rule_id == "example-valid" and "does not match" in problem.message


def test_invalid_pattern_is_one_problem_not_a_traceback() -> None:
    schema = {"type": "string", "pattern": r"(?<name[a-z]", "format": "regex", "example": "x"}
    problems = validate_data(make_spec({"Name": schema}, {}))
    assert [p.rule_id for p in problems] == ["pattern-invalid"]


# ------------------------------------------------------------------ OpenAPI example semantics
ACCOUNT = {
    "type": "object",
    "required": ["id", "password", "created"],
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "password": {"type": "string", "writeOnly": True},
        "created": {"type": "integer", "format": "int64"},
        "note": {"type": "string", "nullable": True},
        "parent": {"nullable": True, "allOf": [{"$ref": "#/components/schemas/Account"}]},
        "when": {"type": "string", "format": "date-time"},
    },
}
ACCOUNT_REF = {"$ref": "#/components/schemas/Account"}


def test_request_example_may_omit_read_only_and_response_example_write_only() -> None:
    request = {"password": "x", "created": 1.636481348e09, "note": None, "parent": None}
    response = {"id": "a1", "created": 1636481348, "when": "2024-01-01T00:00:00Z", "password": ""}
    operation = {
        "requestBody": request_body(ACCOUNT_REF, request),
        "responses": ok_response(ACCOUNT_REF, response),
    }
    assert validate_data(make_spec({"Account": ACCOUNT}, operation)) == []


def test_response_example_may_not_omit_read_only() -> None:
    operation = {"responses": ok_response(ACCOUNT_REF, {"created": 1})}
    [problem] = validate_data(make_spec({"Account": ACCOUNT}, operation))
    assert problem.rule_id == "example-valid" and "'id' is a required property" in problem.message


def test_fractional_number_is_not_an_integer() -> None:
    operation = {"responses": ok_response(ACCOUNT_REF, {"id": "a", "created": 1.5})}
    [problem] = validate_data(make_spec({"Account": ACCOUNT}, operation))
    assert problem.pointer.endswith("/example/created")


def test_named_examples_are_checked_where_their_value_is_written() -> None:
    operation = {"responses": ok_response(ACCOUNT_REF, {"id": "a", "created": 1})}
    media = operation["responses"]["200"]["content"]["application/vnd.atlas.2024-05-30+json"]
    del media["example"]
    media["examples"] = {
        "inline": {"value": {"id": "b", "created": 2}},
        "shared": {"$ref": "#/components/examples/Shared"},
    }
    spec = make_spec({"Account": ACCOUNT}, operation)
    spec["components"]["examples"] = {"Shared": {"value": {"id": "c", "created": "soon"}}}
    [problem] = validate_data(spec)
    assert problem.pointer == "/components/examples/Shared/value/created"


def test_yaml_timestamp_example_is_a_date_time_string() -> None:
    text = yaml.safe_dump(make_spec({"Account": ACCOUNT}, {}), sort_keys=False)
    text += "      example: {id: a, created: 1, when: 2024-01-01T00:00:00Z}\n"
    assert validate_spec(parse_spec_text(text, Path("inline.yaml"))) == []


# ------------------------------------------------------------------ never a traceback
def test_dangling_refs_everywhere_are_reported_once_each() -> None:
    missing = {"$ref": "#/components/schemas/Missing"}
    operation = {
        "parameters": [{"$ref": "#/components/parameters/missing"}],
        "requestBody": request_body(missing, {"a": 1}),
        "responses": ok_response({"type": "object", "properties": {"a": missing}}, {"a": 1}),
    }
    problems = validate_data(make_spec({"Loop": {"$ref": "#/components/schemas/Loop"}}, operation))
    assert sorted(p.rule_id for p in problems) == ["ref-resolves"] * 4
    assert any("leads back to itself" in p.message for p in problems)


def test_external_and_non_object_refs_are_problems() -> None:
    schemas = {"Other": {"$ref": "other.yaml#/Item"}, "Title": {"$ref": "#/info/title"}}
    messages = [p.message for p in validate_data(make_spec(schemas, {}))]
    assert len(messages) == 2
    assert "only '#/...' references" in messages[0] and "names a str" in messages[1]


@pytest.mark.parametrize(
    ("schema", "example"),
    [
        ({"type": "integer", "multipleOf": 0}, 4),
        ({"type": "strin"}, "x"),
        ({"type": ["string", "null"]}, None),
        ({"type": "object", "discriminator": "kind", "oneOf": [{"type": "object"}]}, {"kind": 1}),
        ({"type": "object", "properties": ["a"]}, {"a": 1}),
        ({"type": "string", "enum": 5}, "x"),
        ({"allOf": {"a": {"type": "string"}}}, "x"),
        ({"type": "object", "required": "name"}, {}),
    ],
    ids=[
        "zero-multiple",
        "unknown-type",
        "type-list",
        "discriminator",
        "properties",
        "enum",
        "all-of",
        "required",
    ],
)
def test_malformed_schema_with_an_example_is_reported_not_raised(schema: Any, example: Any) -> None:
    ref = {"$ref": "#/components/schemas/Bad"}
    problems = validate_data(make_spec({"Bad": schema}, {"responses": ok_response(ref, example)}))
    assert "openapi-schema" in {p.rule_id for p in problems}
    assert all("\n" not in format_problem(p) for p in problems)


def test_long_ref_chain_is_reported_not_raised() -> None:
    """Each schema only refers to the next: no YAML nesting, but deep validation."""
    schemas = {f"S{n}": {"allOf": [{"$ref": f"#/components/schemas/S{n + 1}"}]} for n in range(400)}
    schemas["S400"] = {"type": "string"}
    operation = {"responses": ok_response({"$ref": "#/components/schemas/S0"}, "text")}
    [problem] = validate_data(make_spec(schemas, operation))
    assert problem.rule_id == "example-valid" and "nests too deeply" in problem.message


def test_data_deeper_than_any_yaml_file_is_reported_not_raised() -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(1000):
        schema = {"type": "object", "properties": {"inner": schema}}
    data = make_spec({"Deep": schema}, {})
    spec = LoadedSpec(path=Path("deep.yaml"), data=data, locations={}, display_path="deep.yaml")
    messages = {(p.rule_id, p.message) for p in validate_spec(spec)}
    assert (
        "openapi-schema",
        "the spec nests too deeply to be checked against the OpenAPI 3.0 schema",
    ) in messages


UNQUOTED = """\
openapi: 3.0.1
info: {title: Inline, version: "2.0"}
tags: [{name: Items}]
paths:
  /api/atlas/v2/items:
    get:
      operationId: listItems
      tags: [Items]
      responses:
        200:
          description: OK
          content:
            application/vnd.atlas.2023-01-01+json:
              x-sunset: 2026-03-01
              schema: {type: string}
"""


def test_unquoted_status_codes_and_dates_are_read_as_text() -> None:
    """YAML would make ``200`` an int and ``2026-03-01`` a date; a spec means JSON text."""
    spec = parse_spec_text(UNQUOTED, Path("inline.yaml"))
    assert validate_spec(spec) == []
    media = spec.data["paths"]["/api/atlas/v2/items"]["get"]["responses"][200]["content"]
    assert media["application/vnd.atlas.2023-01-01+json"]["x-sunset"] == "2026-03-01"


def test_an_operation_must_name_an_api_version() -> None:
    """Every call sends a versioned Accept header: an operation with none can't be called."""
    spec = make_spec({}, {"responses": {"404": {"description": "Not found"}}})
    loaded = LoadedSpec(path=Path("v.yaml"), data=spec, locations={}, display_path="v.yaml")
    [problem] = validate_spec(loaded)
    assert problem.rule_id == "media-type-versioned" and "names no API version" in problem.message
    assert problem.pointer == "/paths/~1api~1atlas~1v2~1items/get"


def test_the_openapi_schema_is_the_one_openapi_spec_validator_uses() -> None:
    """The rule reads the schema file from the package data instead of importing the package:
    the same schema, and a clear error if the file moves in a new release."""
    from openapi_spec_validator.schemas import schema_v30

    from atlasgen.validate.schema import openapi_30_schema

    assert openapi_30_schema() == dict(schema_v30)
