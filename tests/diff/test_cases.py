"""``atlasgen diff`` on the release changes that fooled it: values moved between the branches
of a oneOf, a response that swaps the schema it refers to, and (a property) a spec against
itself with unions reordered and schemas renamed, which means the same."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

from diff_support import brief, known_edits, loaded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlasgen.diff import diff_specs
from atlasgen.load import LoadedSpec, load_spec

CASES = Path(__file__).parent / "cases"
FIXTURES = Path(__file__).parent / "specs"
SCHEMA_REF = "#/components/schemas/"


def case(name: str) -> tuple[LoadedSpec, LoadedSpec]:
    return load_spec(CASES / name / "old.yaml"), load_spec(CASES / name / "new.yaml")


def test_a_value_moved_to_another_branch_is_still_accepted() -> None:
    """Only what no branch accepts any more is removed; a discriminated union's branches are
    places of their own (M10 moved from AWS to AZURE is gone for AWS region configs)."""
    schemas = "/components/schemas"
    aws, azure = f"{schemas}/AwsRegionConfig", f"{schemas}/AzureRegionConfig"
    aws_size, azure_size = (
        "regionConfigs[](AWS).instanceSize",
        "regionConfigs[](AZURE).instanceSize",
    )
    op = "createGroupEvent"
    assert brief(diff_specs(*case("moved-branch"))) == [
        (
            "ERR",
            "enum-value-removed",
            op,
            f"{aws}/properties/instanceSize/enum/0",
            f"request field '{aws_size}' no longer accepts 'M10'",
        ),
        (
            "ERR",
            "enum-value-removed",
            op,
            f"{schemas}/GroupEventType/enum/2",
            "request field 'eventTypeName' no longer accepts 'OLD_EVENT'",
        ),
        (
            "WARN",
            "response-enum-value-added",
            op,
            f"{azure}/properties/instanceSize/enum/1",
            f"response field '{azure_size}' may now be 'M10'",
        ),
        (
            "INFO",
            "enum-value-added",
            op,
            f"{azure}/properties/instanceSize/enum/1",
            f"request field '{azure_size}' accepts a new value 'M10'",
        ),
    ]


def test_the_removed_value_names_the_place_in_both_specs() -> None:
    removed = next(f for f in diff_specs(*case("moved-branch")) if "OLD_EVENT" in f.message)
    assert removed.old is not None and removed.new is not None
    assert removed.old.at.endswith("moved-branch/old.yaml:52:9")
    assert removed.new.pointer == "/components/schemas/Event/properties/eventTypeName"
    assert removed.names == (
        "client.events.create_group_event(body=...)",
        "atlas-admin api events createGroupEvent --file",
        "Event.event_type_name",
    )


def test_a_response_that_swaps_its_schema_is_reported_there() -> None:
    """The swap is at the response; the type change below it names the schema it is in on
    each side (not a place in the old schema, which did not change)."""
    media = (
        "/paths/~1api~1atlas~1v2~1groups~1{groupId}~1users~1{userId}/get/responses/200/"
        "content/application~1vnd.atlas.2025-02-19+json/schema"
    )
    found = diff_specs(*case("ref-swap"))
    assert brief(found) == [
        (
            "ERR",
            "field-type-changed",
            "getGroupUser",
            "/components/schemas/OrgUserRoles/type",
            "response field 'roles' type changed from array to object",
        ),
        (
            "INFO",
            "response-schema-ref-changed",
            "getGroupUser",
            media,
            "response body is now OrgUserResponse instead of GroupUserResponse",
        ),
    ]
    assert found[0].old is not None
    assert found[0].old.pointer == "/components/schemas/GroupUserResponse/properties/roles/type"
    assert found[0].names[-2:] == ("GroupUserResponse.roles", "OrgUserResponse.roles")


# ----------------------------------------------------------------------------- same meaning
def _bases() -> list[dict[str, Any]]:
    """Specs with unions (discriminated or not, the Atlas parent/child cycle), named enums,
    and a small synthetic Atlas-shaped spec."""
    names = ["variant-added/new.yaml", "response-variant-added/new.yaml"]
    specs = [load_spec(FIXTURES / name).data for name in names]
    specs += [load_spec(CASES / name / "old.yaml").data for name in ("moved-branch", "ref-swap")]
    return [*specs, known_edits().synthetic(20)]


BASES = _bases()


def _implicitly_mapped(spec: dict[str, Any]) -> set[str]:
    """Branches of a discriminated union without an explicit mapping: their name is their
    discriminator value, so renaming them changes what is on the wire."""
    found = set()
    for schema in spec["components"]["schemas"].values():
        discriminator = schema.get("discriminator")
        if isinstance(discriminator, dict):
            mapped = set((discriminator.get("mapping") or {}).values())
            for branch in schema.get("oneOf", []) + schema.get("anyOf", []):
                if branch.get("$ref") not in mapped:
                    found.add(branch.get("$ref", "")[len(SCHEMA_REF) :])
    return found


def _rewrite_refs(node: Any, renamed: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {key: _rewrite_refs(value, renamed) for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(item, renamed) for item in node]
    if isinstance(node, str) and node.startswith(SCHEMA_REF):
        name = node[len(SCHEMA_REF) :]
        return SCHEMA_REF + renamed.get(name, name)
    return node


def same_meaning(spec: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """``spec`` with every union's branches shuffled, some schemas renamed (each reference
    rewritten) and the schemas listed in another order."""
    changed = copy.deepcopy(spec)
    schemas = changed["components"]["schemas"]
    for schema in schemas.values():
        for keyword in ("oneOf", "anyOf"):
            if isinstance(schema.get(keyword), list):
                rng.shuffle(schema[keyword])
        for value in (schema.get("properties") or {}).values():
            if isinstance(value, dict) and isinstance(value.get("oneOf"), list):
                rng.shuffle(value["oneOf"])
    free = sorted(set(schemas) - _implicitly_mapped(spec))
    renamed = {name: f"{name}Renamed" for name in free if rng.random() < 0.5}
    listed = [(renamed.get(name, name), schema) for name, schema in schemas.items()]
    rng.shuffle(listed)
    changed["components"]["schemas"] = dict(listed)
    rewritten: dict[str, Any] = _rewrite_refs(changed, renamed)
    return rewritten


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(range(len(BASES))), rng=st.randoms(use_true_random=False))
def test_reordered_branches_and_renamed_schemas_change_nothing(
    base: int, rng: random.Random
) -> None:
    spec = BASES[base]
    assert diff_specs(loaded(spec), loaded(same_meaning(spec, rng))) == []


def test_a_model_that_became_a_union_keeps_the_fields_every_alternative_has() -> None:
    """Cluster split into AWS and Azure alternatives that both keep its fields: no field is
    removed; the response may now be either alternative."""
    old = load_spec(FIXTURES / "enum-value-removed" / "old.yaml").data
    new = copy.deepcopy(old)
    schemas = new["components"]["schemas"]
    fields = schemas["Cluster"]["properties"]
    for provider in ("Aws", "Azure"):
        provider_name = {"type": "string", "enum": [provider.upper()]}
        schemas[f"{provider}Cluster"] = {
            "type": "object",
            "properties": {**copy.deepcopy(fields), "providerName": provider_name},
        }
    schemas["Cluster"] = {
        "type": "object",
        "discriminator": {"propertyName": "providerName"},
        "oneOf": [{"$ref": f"{SCHEMA_REF}AwsCluster"}, {"$ref": f"{SCHEMA_REF}AzureCluster"}],
    }
    found = diff_specs(loaded(old), loaded(new))
    assert {(f.rule_id, f.message) for f in found} == {
        ("response-variant-added", f"{where} may now be the alternative {provider}Cluster")
        for where in ("response body", "response field 'results[]'")
        for provider in ("Aws", "Azure")
    }
