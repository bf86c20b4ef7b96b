"""The intermediate model: naming rules and what the model says about the specs."""

from __future__ import annotations

import json
import keyword
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlasgen.load import load_spec, parse_spec_text
from atlasgen.model import Api, build_model, naming

ROOT = Path(__file__).resolve().parents[2]


def model(path: str) -> Api:
    return build_model(load_spec(ROOT / path), spec_display=path)


@pytest.fixture(scope="module")
def shipped() -> Api:
    return model("specs/atlas-admin.yaml")


@pytest.fixture(scope="module")
def constructs() -> Api:
    return model("tests/specs/constructs.yaml")


@pytest.mark.parametrize(
    ("wire", "snake", "cls", "camel"),
    [
        (
            "getGroupDbAccessHistoryCluster",
            "get_group_db_access_history_cluster",
            "GetGroupDbAccessHistoryCluster",
            "getGroupDbAccessHistoryCluster",
        ),
        (
            "Push-Based Log Export",
            "push_based_log_export",
            "PushBasedLogExport",
            "pushBasedLogExport",
        ),
        ("nLogs", "n_logs", "NLogs", "nLogs"),
        (
            "S3LogIntegrationRequest",
            "s3_log_integration_request",
            "S3LogIntegrationRequest",
            "s3LogIntegrationRequest",
        ),
        ("MongoDBAccessLogs", "mongo_db_access_logs", "MongoDBAccessLogs", "mongoDbAccessLogs"),
        ("page.size", "page_size", "PageSize", "pageSize"),
        ("X-Request-Id", "x_request_id", "XRequestId", "xRequestId"),
    ],
)
def test_names(wire: str, snake: str, cls: str, camel: str) -> None:
    assert naming.snake_case(wire) == snake
    assert naming.python_class(wire) == cls
    assert naming.lower_camel(wire) == camel


@pytest.mark.parametrize(
    ("wire", "python"),
    [
        ("type", "type"),
        ("id", "id"),
        ("format", "format"),
        ("from", "from_"),
        ("json", "json_"),
        ("model_dump", "model_dump_"),
        ("model_config", "model_config_"),
        ("str", "str_"),
        ("version", "version"),
        ("2dsphereIndexVersion", "field_2dsphere_index_version"),
    ],
)
def test_fields_escape_keywords_pydantic_names_and_the_types_a_class_body_uses(
    wire: str, python: str
) -> None:
    assert naming.python_field(wire) == python


def test_model_reserved_names_cover_every_public_attribute_of_pydantic_base_model() -> None:
    from pydantic import BaseModel

    public = {name for name in dir(BaseModel) if not name.startswith("_")}
    assert public <= naming.MODEL_RESERVED


def test_parameters_never_shadow_the_methods_own_arguments() -> None:
    for own in ("version", "body", "options", "cast", "extra_body", "extra_query"):
        assert naming.python_parameter(own) == own + "_"
    assert naming.python_parameter("2dsphereIndexVersion") == "param_2dsphere_index_version"
    assert (naming.python_parameter("id"), naming.python_parameter("list")) == ("id", "list_")


def test_tags_never_replace_the_clients_own_attributes() -> None:
    for own in ("close", "invoke", "auth", "with_options", "base_url"):
        assert naming.python_tag_attribute(own) == own + "_"
    assert naming.python_method("withRawResponse") == "with_raw_response_"


@pytest.mark.parametrize(
    ("wire", "flag"),
    [
        ("groupId", "groupId"),
        ("page.size", "page.size"),
        ("2dsphereIndexVersion", "2dsphereIndexVersion"),
        ("bucket name", "bucketName"),
        ("a=b", "aB"),
    ],
)
def test_cli_flags_are_the_wire_name_unless_a_shell_would_split_it(wire: str, flag: str) -> None:
    assert naming.cli_flag(wire) == flag


@given(st.text(min_size=1, max_size=40))
def test_every_name_becomes_a_legal_identifier(name: str) -> None:
    for make in (
        naming.python_parameter,
        naming.python_field,
        naming.python_attribute,
        naming.python_method,
        naming.python_tag_attribute,
        naming.python_module,
    ):
        identifier = make(name)
        assert identifier.isidentifier() and not keyword.iskeyword(identifier)
    assert naming.python_class(name).isidentifier()
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", naming.cli_flag(name))


def test_collisions_resolve_in_order() -> None:
    assert naming.unique_names(["a", "b", "a", "a"]) == ["a", "b", "a_2", "a_3"]


def test_shipped_operations(shipped: Api) -> None:
    ops = {op.operation_id: op for op in shipped.operations}
    assert sorted(ops) == [
        "createGroupLogIntegration",
        "downloadGroupStreamAuditLogs",
        "getGroupAuditLog",
        "getGroupDbAccessHistoryCluster",
    ]
    download = ops["downloadGroupStreamAuditLogs"]
    assert (download.alias, download.python_alias, download.cli_alias) == (
        "downloadAuditLogs",
        "download_audit_logs",
        "downloadAuditLogs",
    )
    assert [v.version for v in download.versions] == ["2023-02-01", "2025-02-19"]
    assert download.newest_version.accept_types == ("application/vnd.atlas.2025-02-19+gzip",)
    assert download.is_download and download.all_formats == ("gzip",)
    start_date = next(p for p in download.parameters if p.wire_name == "startDate")
    assert (
        start_date.time_unit,
        start_date.documented_pattern,
        start_date.constraints.pattern,
    ) == ("seconds", "1199145600", None)
    history = ops["getGroupDbAccessHistoryCluster"]
    params = {p.wire_name: p for p in history.parameters}
    assert [p.wire_name for p in history.path_parameters] == ["groupId", "clusterName"]
    assert (params["start"].time_unit, params["start"].requires, params["end"].requires) == (
        "milliseconds",
        ("end",),
        ("start",),
    )
    assert (
        params["nLogs"].constraints.minimum,
        params["nLogs"].constraints.maximum,
        params["nLogs"].default,
    ) == (0, 20000, 20000)
    assert params["groupId"].constraints.pattern == "^([a-f0-9]{24})$"
    assert history.roles == ("Project Monitoring Admin", "Project Database Access Admin")
    assert [r.status for r in history.error_responses] == ["400", "401", "403", "404", "429", "500"]
    rate_limited = next(r for r in history.responses if r.status == "429")
    assert [h.name for h in rate_limited.headers] == [
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "Retry-After",
    ]
    create = ops["createGroupLogIntegration"]
    assert create.request_body is not None and create.request_body.required
    assert not create.idempotent and history.idempotent
    assert [t.cli_name for t in shipped.tags] == [
        "accessTracking",
        "auditing",
        "pushBasedLogExport",
        "streams",
    ]
    assert shipped.package_version == "20250312.1"


def test_allof_merges_parent_fields(shipped: Api) -> None:
    response = shipped.schema("S3LogIntegrationResponse")
    assert response.parents == ("S3LogIntegrationRequest",)
    assert [f.wire_name for f in response.fields][-1] == "id"
    log_types = next(f for f in response.fields if f.wire_name == "logTypes")
    assert (log_types.constraints.min_items, log_types.constraints.max_items) == (1, 4)
    assert log_types.type.items is not None and log_types.type.items.values == (
        "MONGOD",
        "MONGOS",
        "MONGOD_AUDIT",
        "MONGOS_AUDIT",
    )


def test_circular_discriminated_union(constructs: Api) -> None:
    parent = constructs.schema("CloudRegionConfig")
    assert parent.kind == "union" and parent.variants == ("AWSRegionConfig", "TenantRegionConfig")
    assert parent.discriminator is not None
    assert parent.discriminator.mapping == (
        ("AWS", "AWSRegionConfig"),
        ("TENANT", "TenantRegionConfig"),
    )
    child = constructs.schema("AWSRegionConfig")
    assert child.kind == "object" and child.parents == ("CloudRegionConfig",)
    provider = next(f for f in child.fields if f.wire_name == "providerName")
    assert provider.type.kind == "enum" and provider.type.values == ("AWS",)


def test_versions_sunset_preview_and_empty_bodies(constructs: Api) -> None:
    ops = {op.operation_id: op for op in constructs.operations}
    cluster = ops["getGroupCluster"]
    assert [(v.version, v.sunset) for v in cluster.versions] == [
        ("2023-01-01", "2026-11-30"),
        ("2023-02-01", "2026-11-30"),
        ("2024-08-05", None),
        ("2024-10-23", None),
    ]
    assert cluster.versions[2].changelog == "Returns replication specs with one entry per shard."
    assert cluster.docs_url and cluster.python_alias == "get_cluster"
    csv = ops["downloadGroupClusterLogCsv"]
    assert [(v.version, v.preview, v.formats) for v in csv.versions] == [
        ("2023-01-01", False, ("csv",)),
        ("preview", True, ("json",)),
    ]
    assert csv.newest_version.version == "2023-01-01"
    delete = ops["deleteGroupCluster"]
    assert delete.deprecated and delete.versions[0].responses[0].type is None


def test_names_that_need_escaping(constructs: Api) -> None:
    op = next(op for op in constructs.operations if op.operation_id == "createOddNames")
    assert [(p.wire_name, p.python_name, p.cli_flag) for p in op.parameters] == [
        ("from", "from_", "from"),
        ("format", "format", "format"),
        ("page.size", "page_size", "page.size"),
        ("X-Request-Id", "x_request_id", "X-Request-Id"),
    ]
    modules = {s.name: (s.module_name, s.class_name) for s in constructs.schemas}
    assert modules["OddName"] == ("odd_name", "OddName") and modules["odd_name"] == (
        "odd_name_2",
        "OddName_2",
    )
    write_only = next(f for f in constructs.schema("OddName").fields if f.wire_name == "secret")
    assert write_only.required and write_only.write_only


def test_inline_anyof_keeps_primitive_variants(constructs: Api) -> None:
    backup = next(
        f for f in constructs.schema("ClusterDescription").fields if f.wire_name == "backup"
    )
    assert backup.type.kind == "union"
    assert [v.schema_name or v.primitive for v in backup.type.variants] == ["Label", "string"]


def test_model_is_deterministic() -> None:
    assert model("tests/specs/constructs.yaml") == model("tests/specs/constructs.yaml")


def test_operation_ids_differing_in_case_get_distinct_names() -> None:
    import yaml

    data = yaml.safe_load((ROOT / "specs/atlas-admin.yaml").read_text())
    path = "/api/atlas/v2/groups/{groupId}/auditLog"
    twin = {**data["paths"][path]["get"], "operationId": "GetGroupAuditLog"}
    data["paths"][path + "/twin"] = {"get": twin}
    from atlasgen.load import parse_spec_text

    api = build_model(
        parse_spec_text(yaml.safe_dump(data), Path("twin.yaml")), spec_display="twin.yaml"
    )
    auditing = next(t for t in api.tags if t.name == "Auditing")
    assert [(o.operation_id, o.python_name, o.doc_slug) for o in auditing.operations] == [
        ("GetGroupAuditLog", "get_group_audit_log", "get-group-audit-log"),
        ("getGroupAuditLog", "get_group_audit_log_2", "get-group-audit-log-2"),
    ]


def test_a_variant_selected_by_one_discriminator_value_has_it_as_a_constant() -> None:
    parent = {
        "type": "object",
        "properties": {"kind": {"type": "string"}},
        "discriminator": {
            "propertyName": "kind",
            "mapping": {
                "A": "#/components/schemas/One",
                "B": "#/components/schemas/Two",
                "B2": "#/components/schemas/Two",
                "C": "#/components/schemas/Bare",
            },
        },
        "oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in ("One", "Two", "Bare")],
    }
    extends = {"allOf": [{"$ref": "#/components/schemas/Parent"}]}
    spec = {
        "openapi": "3.0.1",
        "info": {"title": "Inline", "version": "2.0"},
        "paths": {},
        "components": {
            "schemas": {
                "Parent": parent,
                "One": extends,
                "Two": extends,
                "Bare": {"type": "object", "properties": {"size": {"type": "integer"}}},
            }
        },
    }
    api = build_model(parse_spec_text(json.dumps(spec), Path("inline.yaml")), spec_display="x")
    kinds = {
        name: [
            (f.python_name, f.constant) for f in api.schema(name).fields if f.wire_name == "kind"
        ]
        for name in ("One", "Two", "Bare")
    }
    assert kinds == {
        "One": [("kind", ("A",))],  # inherited, held to its one value
        "Two": [("kind", ())],  # selected by two values: not a constant
        "Bare": [("kind", ("C",))],  # added: the API needs it to choose the variant
    }
    single = build_model(load_spec(ROOT / "specs" / "atlas-admin.yaml"), spec_display="x")
    [kind] = [f for f in single.schema("S3LogIntegrationRequest").fields if f.wire_name == "type"]
    assert kind.constant == ("S3_LOG_EXPORT",)  # a single-value enum


def test_pagination_is_decided_from_the_atlas_list_convention() -> None:
    """pageNum + itemsPerPage and a results array with a totalCount make a paginated list;
    missing either half leaves an ordinary operation."""
    api = model("tests/client/specs/paginated.yaml")
    by_id = {op.operation_id: op for op in api.operations}
    paged = by_id["listGroupClusters"].pagination
    assert paged is not None
    assert (paged.page_parameter, paged.size_parameter, paged.count_parameter) == (
        "pageNum",
        "itemsPerPage",
        "includeCount",
    )
    assert (paged.items_field, paged.total_field) == ("results", "totalCount")
    assert (paged.items_python_name, paged.total_python_name) == ("results", "total_count")
    assert paged.item_type.schema_name == "Cluster"
    assert by_id["listGroupClusterSearchIndexes"].pagination is None  # no paging parameters
    assert by_id["listGroupClusterProcesses"].pagination is None  # no totalCount
    shipped_ops = model("specs/atlas-admin.yaml").operations
    assert [op.operation_id for op in shipped_ops if op.pagination] == []


def test_a_sunset_is_past_when_the_spec_names_a_newer_version() -> None:
    api = model("tests/client/specs/paginated.yaml")
    versions = {
        v.version: v
        for op in api.operations
        for v in op.versions
        if op.operation_id == "listGroupClusters"
    }
    assert api.newest_api_version == "2024-08-05"
    assert api.sunset_passed(versions["2023-01-01"])
    assert not api.sunset_passed(versions["2024-08-05"])


def test_watchers_name_the_polled_operation_by_id_and_their_sources() -> None:
    """The Atlas CLI's watcher shape: the polled operation by alias in the spec, by id here."""
    api = model("tests/specs/parity.yaml")
    by_id = {op.operation_id: op for op in api.operations}
    create = by_id["createGroupCluster"].watcher
    assert create is not None
    assert create.operation_id == "getGroupCluster"  # the spec says getCluster, its alias
    assert [(p.name, p.source, p.value) for p in create.params] == [
        ("groupId", "input", "groupId"),
        ("clusterName", "body", "$.name"),
    ]
    assert (create.version, create.http_code, create.match_path, create.match_values) == (
        "2024-08-05",
        200,
        "$.stateName",
        ("IDLE",),
    )
    delete = by_id["deleteGroupCluster"].watcher
    assert delete is not None and (delete.http_code, delete.match_path) == (404, None)
    assert by_id["getGroupCluster"].watcher is None
