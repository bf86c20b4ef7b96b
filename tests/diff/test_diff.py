"""``atlasgen diff``: one fixture pair per rule, the shipped spec, cycles, output, exit codes,
and reading the old spec from git."""

from __future__ import annotations

import copy
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from diff_support import brief, loaded

from atlasgen.__main__ import main
from atlasgen.diff import (
    RULES,
    DiffInputError,
    diff_specs,
    exit_code,
    load_revision,
    render_json,
    render_markdown,
    render_text,
    run_diff,
)
from atlasgen.diff.findings import ordered
from atlasgen.load import LoadedSpec, load_spec

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "specs"
RULE_DIRS = sorted(p for p in FIXTURES.iterdir() if p.is_dir())
LEVEL = {rule.id: rule.level for rule in RULES}

PATH = "/api/atlas/v2/groups/{groupId}/clusters"
GET = "/paths/~1api~1atlas~1v2~1groups~1{groupId}~1clusters/get"
POST = "/paths/~1api~1atlas~1v2~1groups~1{groupId}~1clusters/post"
ITEMS = f"{GET}/parameters/1"
REQUEST = "/components/schemas/ClusterRequest/properties"
CLUSTER = "/components/schemas/Cluster/properties"
V1 = f"{GET}/responses/200/content/application~1vnd.atlas.2023-01-01+json"
LIST, CREATE = "listGroupClusters", "createGroupCluster"
OVERRIDE = "x-xgen-operation-id-override"
POST_JSON = "content/application~1vnd.atlas.2024-05-30+json/schema"

# rule id -> every finding its fixture pair gives: (operation, pointer, message)
EXPECTED: dict[str, list[tuple[str, str, str]]] = {
    "operation-removed": [(CREATE, POST, f"operation POST {PATH} removed")],
    "operation-added": [
        (
            "getGroupCluster",
            "/paths/~1api~1atlas~1v2~1groups~1{groupId}~1clusters~1{clusterName}/get",
            f"operation GET {PATH}/{{clusterName}} added",
        )
    ],
    "operation-id-changed": [
        ("listClusters", GET, f"operationId of GET {PATH} changed from '{LIST}' to 'listClusters'")
    ],
    "operation-id-changed-alias-kept": [
        (
            "listClusters",
            f"{GET}/{OVERRIDE}",
            (
                f"operationId of GET {PATH} changed from '{LIST}' to 'listClusters'; "
                "the old name is kept as an alias"
            ),
        )
    ],
    "operation-alias-removed": [
        (
            LIST,
            f"{GET}/{OVERRIDE}",
            f"GET {PATH} is no longer generated as command listClusters and method list_clusters",
        )
    ],
    "operation-tag-changed": [
        (LIST, f"{GET}/tags", f"GET {PATH} moved from tag 'Clusters' to 'Cloud Clusters'")
    ],
    "request-field-removed": [(CREATE, f"{REQUEST}/tags", "request field 'tags' removed")],
    "response-constraint-tightened": [
        (CREATE, f"{CLUSTER}/name/maxLength", "response field 'name' maxLength 64 added"),
        (LIST, f"{CLUSTER}/name/maxLength", "response field 'results[].name' maxLength 64 added"),
    ],
    "schema-ref-changed": [
        (
            CREATE,
            f"{POST}/requestBody/{POST_JSON}",
            "request body is now ClusterRequestV2 instead of ClusterRequest",
        )
    ],
    "response-schema-ref-changed": [
        (
            CREATE,
            f"{POST}/responses/201/{POST_JSON}",
            "response body is now ClusterSummary instead of Cluster",
        )
    ],
    "variant-removed": [
        (
            CREATE,
            "/components/schemas/ProviderSettings/oneOf/1",
            "request field 'providerSettings' no longer accepts the alternative AzureSettings",
        )
    ],
    "variant-added": [
        (
            CREATE,
            "/components/schemas/ProviderSettings/oneOf/2",
            "request field 'providerSettings' accepts a new alternative GcpSettings",
        )
    ],
    "response-variant-added": [
        (
            CREATE,
            "/components/schemas/ProviderSettingsView/oneOf/2",
            "response field 'providerSettings' may now be the alternative GcpSettingsView",
        ),
        (
            LIST,
            "/components/schemas/ProviderSettingsView/oneOf/2",
            (
                "response field 'results[].providerSettings' may now be the alternative "
                "GcpSettingsView"
            ),
        ),
    ],
    "operation-deprecated": [
        (LIST, f"{GET}/deprecated", f"operation GET {PATH} is now deprecated")
    ],
    "parameter-removed": [(LIST, ITEMS, "query parameter 'itemsPerPage' removed")],
    "parameter-became-required": [
        (CREATE, f"{POST}/parameters/2", "new required query parameter 'region'"),
        (LIST, f"{ITEMS}/required", "query parameter 'itemsPerPage' became required"),
    ],
    "parameter-added": [(LIST, f"{GET}/parameters/3", "optional query parameter 'pageNum' added")],
    "parameter-type-changed": [
        (
            operation,
            "/components/parameters/envelope/schema/type",
            "query parameter 'envelope' type changed from boolean to string",
        )
        for operation in (CREATE, LIST)
    ],
    "api-version-removed": [(LIST, V1, f"API version 2023-01-01 of GET {PATH} removed")],
    "api-version-added": [
        (
            LIST,
            f"{GET}/responses/200/content/application~1vnd.atlas.2025-03-12+json",
            f"API version 2025-03-12 of GET {PATH} added",
        )
    ],
    "version-sunset-added": [
        (
            LIST,
            f"{V1}/x-sunset",
            f"API version 2023-01-01 of GET {PATH} now sunsets on 2026-03-01",
        )
    ],
    "response-field-removed": [
        (CREATE, f"{CLUSTER}/stateName", "response field 'stateName' removed"),
        (LIST, f"{CLUSTER}/stateName", "response field 'results[].stateName' removed"),
    ],
    "response-field-added": [
        (CREATE, f"{CLUSTER}/mongoDBVersion", "response field 'mongoDBVersion' added"),
        (LIST, f"{CLUSTER}/mongoDBVersion", "response field 'results[].mongoDBVersion' added"),
    ],
    "request-field-became-required": [
        (CREATE, f"{REQUEST}/diskSizeGB", "request field 'diskSizeGB' became required"),
        (CREATE, f"{REQUEST}/region", "new required request field 'region'"),
    ],
    "request-field-added": [
        (CREATE, f"{REQUEST}/backupEnabled", "optional request field 'backupEnabled' added")
    ],
    "field-type-changed": [
        (
            CREATE,
            f"{REQUEST}/diskSizeGB/type",
            "request field 'diskSizeGB' type changed from number to integer",
        )
    ],
    "field-hidden": [(CREATE, f"{REQUEST}/tags", "request field 'tags' is now read-only")],
    "type-widened": [
        (
            LIST,
            f"{ITEMS}/schema/type",
            "query parameter 'itemsPerPage' type changed from integer to number",
        )
    ],
    "enum-value-removed": [
        (
            CREATE,
            f"{REQUEST}/clusterType/enum/2",
            "request field 'clusterType' no longer accepts 'GEOSHARDED'",
        )
    ],
    "enum-value-added": [
        (
            CREATE,
            f"{REQUEST}/clusterType/enum/3",
            "request field 'clusterType' accepts a new value 'SERVERLESS'",
        )
    ],
    "response-enum-value-added": [
        (CREATE, f"{CLUSTER}/stateName/enum/2", "response field 'stateName' may now be 'DELETING'"),
        (
            LIST,
            f"{CLUSTER}/stateName/enum/2",
            "response field 'results[].stateName' may now be 'DELETING'",
        ),
    ],
    "pattern-tightened": [
        (
            CREATE,
            f"{REQUEST}/name/pattern",
            "request field 'name' must now match the pattern ^[a-zA-Z0-9-]+$",
        )
    ],
    "pattern-changed": [
        (
            operation,
            "/components/parameters/groupId/schema/pattern",
            (
                "path parameter 'groupId' pattern changed from ^([a-f0-9]{24})$ to "
                "^([a-f0-9]{24}|[a-z][a-z0-9-]*)$"
            ),
        )
        for operation in (CREATE, LIST)
    ],
    "bound-tightened": [
        (
            CREATE,
            f"{REQUEST}/diskSizeGB/minimum",
            "request field 'diskSizeGB' minimum raised from 10 to 20",
        ),
        (
            CREATE,
            f"{REQUEST}/name/maxLength",
            "request field 'name' maxLength lowered from 64 to 32",
        ),
        (CREATE, f"{REQUEST}/tags/maxItems", "request field 'tags' maxItems lowered from 50 to 10"),
        (CREATE, f"{REQUEST}/tags/minItems", "request field 'tags' minItems 1 added"),
        (
            LIST,
            f"{ITEMS}/schema/maximum",
            "query parameter 'itemsPerPage' maximum lowered from 500 to 100",
        ),
    ],
    "bound-relaxed": [
        (CREATE, f"{REQUEST}/diskSizeGB", "request field 'diskSizeGB' minimum 10 removed"),
        (
            LIST,
            f"{ITEMS}/schema/maximum",
            "query parameter 'itemsPerPage' maximum raised from 500 to 1000",
        ),
    ],
    "format-changed": [
        (CREATE, f"{REQUEST}/name/format", "request field 'name' format date-time added")
    ],
    "format-changed-same-type": [
        (
            LIST,
            f"{ITEMS}/schema/format",
            "query parameter 'itemsPerPage' format changed from int32 to int64",
        )
    ],
    "default-changed": [
        (
            CREATE,
            f"{REQUEST}/clusterType/default",
            "request field 'clusterType' default changed from 'REPLICASET' to 'SHARDED'",
        ),
        (
            LIST,
            f"{ITEMS}/schema/default",
            "query parameter 'itemsPerPage' default changed from 100 to 50",
        ),
    ],
}


def fixture(rule_id: str) -> tuple[LoadedSpec, LoadedSpec]:
    return load_spec(FIXTURES / rule_id / "old.yaml"), load_spec(FIXTURES / rule_id / "new.yaml")


def fixture_data(rule_id: str, side: str = "old") -> dict[str, Any]:
    """A copy of a fixture's data, to vary it."""
    return copy.deepcopy(load_spec(FIXTURES / rule_id / f"{side}.yaml").data)


# ----------------------------------------------------------------------------- one pair per rule
@pytest.mark.parametrize("folder", RULE_DIRS, ids=[p.name for p in RULE_DIRS])
def test_fixture_pair_gives_exactly_its_rule(folder: Path) -> None:
    rule_id = folder.name
    expected = [(LEVEL[rule_id], rule_id, *row) for row in EXPECTED[rule_id]]
    assert brief(diff_specs(*fixture(rule_id))) == expected


def test_every_rule_has_a_fixture_pair_and_an_expectation() -> None:
    assert [p.name for p in RULE_DIRS] == sorted(LEVEL) == sorted(EXPECTED)
    assert len(RULES) == len(LEVEL), "rule ids are unique"


def test_readme_lists_every_rule_with_its_level() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"| `{rule.id}` | {rule.level} | {rule.meaning} |" in readme, rule.id


def test_rule_levels() -> None:
    assert {rule.id for rule in RULES if rule.level == "ERR"} == {
        "operation-removed",
        "operation-id-changed",
        "operation-alias-removed",
        "operation-tag-changed",
        "parameter-removed",
        "parameter-became-required",
        "parameter-type-changed",
        "api-version-removed",
        "response-field-removed",
        "request-field-removed",
        "variant-removed",
        "request-field-became-required",
        "field-type-changed",
        "enum-value-removed",
        "pattern-tightened",
        "bound-tightened",
        "format-changed",
    }
    assert {rule.id for rule in RULES if rule.level == "WARN"} == {
        "default-changed",
        "version-sunset-added",
        "response-enum-value-added",
        "operation-deprecated",
        "pattern-changed",
        "field-hidden",
        "response-constraint-tightened",
        "response-variant-added",
        "schema-ref-changed",
    }


@pytest.mark.parametrize("side", ["old.yaml", "new.yaml"])
def test_a_spec_against_itself_has_no_findings(side: str) -> None:
    for folder in RULE_DIRS:
        assert diff_specs(load_spec(folder / side), load_spec(folder / side)) == [], folder.name


def test_shipped_spec_against_itself_has_no_findings() -> None:
    spec = ROOT / "specs" / "atlas-admin.yaml"
    assert diff_specs(load_spec(spec), load_spec(spec)) == []


# ----------------------------------------------------------------------------- semantics
def test_sunset_moved_earlier_warns_and_moved_later_does_not() -> None:
    old = fixture_data("version-sunset-added", "new")
    earlier, later = copy.deepcopy(old), copy.deepcopy(old)
    media = "application/vnd.atlas.2023-01-01+json"
    earlier["paths"][PATH]["get"]["responses"]["200"]["content"][media]["x-sunset"] = "2025-12-01"
    later["paths"][PATH]["get"]["responses"]["200"]["content"][media]["x-sunset"] = "2027-01-01"
    assert [f.message for f in diff_specs(loaded(old), loaded(earlier))] == [
        f"API version 2023-01-01 of GET {PATH} sunsets earlier: on 2025-12-01 instead of 2026-03-01"
    ]
    assert diff_specs(loaded(old), loaded(later)) == []


def test_read_only_fields_are_not_part_of_requests() -> None:
    new = fixture_data("request-field-added")
    request = new["components"]["schemas"]["ClusterRequest"]
    request["properties"]["id"] = {"type": "string", "readOnly": True}
    request["required"].append("id")
    assert diff_specs(loaded(fixture_data("request-field-added")), loaded(new)) == []


def test_operations_match_by_operation_id_when_their_path_moves() -> None:
    new = fixture_data("operation-removed")
    new["paths"]["/api/atlas/v2/groups/{groupId}/clusterList"] = new["paths"].pop(PATH)
    assert diff_specs(loaded(fixture_data("operation-removed")), loaded(new)) == []


def test_a_renamed_path_variable_is_the_same_operation_with_another_parameter() -> None:
    new = fixture_data("operation-removed")
    renamed = PATH.replace("{groupId}", "{projectId}")
    new["paths"][renamed] = new["paths"].pop(PATH)
    parameter = new["components"]["parameters"]["groupId"]
    parameter["name"] = "projectId"
    found = {
        (f.rule_id, f.operation, f.message)
        for f in diff_specs(loaded(fixture_data("operation-removed")), loaded(new))
    }
    assert found == {
        (rule, operation, message)
        for operation in (CREATE, LIST)
        for rule, message in (
            ("parameter-removed", "path parameter 'groupId' removed"),
            ("parameter-became-required", "new required path parameter 'projectId'"),
        )
    }


def _cyclic_spec(weekly_maximum: int, node_fields: list[str]) -> dict[str, Any]:
    """Atlas' shapes: a parent listing its children in oneOf while each child extends it
    through allOf, and a tree whose nodes list nodes."""
    ref = {"$ref": "#/components/schemas/Schedule"}
    version = "application/vnd.atlas.2024-05-30+json"
    node: dict[str, Any] = {name: {"type": "string"} for name in node_fields}
    node["children"] = {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
    return {
        "openapi": "3.0.1",
        "info": {"title": "Cycles", "version": "2.0"},
        "paths": {
            "/schedule": {
                "patch": {
                    "operationId": "updateSchedule",
                    "requestBody": {"content": {version: {"schema": ref}}},
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {version: {"schema": {"$ref": "#/components/schemas/Node"}}},
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Schedule": {
                    "type": "object",
                    "properties": {"type": {"type": "string"}},
                    "discriminator": {"propertyName": "type"},
                    "oneOf": [
                        {"$ref": "#/components/schemas/Daily"},
                        {"$ref": "#/components/schemas/Weekly"},
                    ],
                },
                "Daily": {"allOf": [ref, {"properties": {"hour": {"type": "integer"}}}]},
                "Weekly": {
                    "allOf": [
                        ref,
                        {
                            "properties": {
                                "dayOfWeek": {"type": "integer", "maximum": weekly_maximum}
                            }
                        },
                    ]
                },
                "Node": {"type": "object", "properties": node},
            }
        },
    }


def test_reference_cycles_are_compared_once() -> None:
    old = loaded(_cyclic_spec(7, ["label", "name"]))
    assert diff_specs(old, old) == []
    found = diff_specs(old, loaded(_cyclic_spec(6, ["name"])))
    assert brief(found) == [
        (
            "ERR",
            "response-field-removed",
            "updateSchedule",
            "/components/schemas/Node/properties/label",
            "response field 'label' removed",
        ),
        (
            "ERR",
            "bound-tightened",
            "updateSchedule",
            "/components/schemas/Weekly/allOf/1/properties/dayOfWeek/maximum",
            "request field 'dayOfWeek' maximum lowered from 7 to 6",
        ),
    ]


def test_a_schema_no_operation_uses_is_compared_as_a_component() -> None:
    old = fixture_data("request-field-added")
    cluster = {"$ref": "#/components/schemas/Cluster"}
    unused = {"type": "object", "properties": {"a": {"type": "string"}, "cluster": cluster}}
    old["components"]["schemas"]["Unused"] = unused
    new = copy.deepcopy(old)
    new["components"]["schemas"]["Unused"]["properties"]["a"]["type"] = "integer"
    new["components"]["schemas"]["Cluster"]["properties"]["name"]["type"] = "integer"
    found = {(f.operation, f.message) for f in diff_specs(loaded(old), loaded(new))}
    assert found == {
        ("", "request field 'Unused.a' type changed from string to integer"),
        ("", "response field 'Unused.a' type changed from string to integer"),
        (CREATE, "response field 'name' type changed from string to integer"),
        (LIST, "response field 'results[].name' type changed from string to integer"),
    }


# ----------------------------------------------------------------------------- output and exit codes
def test_text_output() -> None:
    findings = diff_specs(*fixture("parameter-became-required"))
    region = "new required query parameter 'region'"
    items = "query parameter 'itemsPerPage' became required"
    old, new = (FIXTURES / "parameter-became-required" / side for side in ("old.yaml", "new.yaml"))
    assert render_text(findings).splitlines() == [
        f"ERR  parameter-became-required {CREATE}: {region}",
        f"     new {new}:42:9 {POST}/parameters/2",
        (
            "     affects client.clusters.create_group_cluster(region=...), "
            "atlas-admin api clusters createGroupCluster --region"
        ),
        f"ERR  parameter-became-required {LIST}: {items}",
        f"     old {old}:15:9 {ITEMS}; new {new}:23:9 {ITEMS}/required",
        (
            "     affects client.clusters.list_group_clusters(items_per_page=...), "
            "atlas-admin api clusters listGroupClusters --itemsPerPage"
        ),
        "2 ERR, 0 WARN, 0 INFO",
    ]
    assert render_text([]) == "no changes\n"


def test_json_output() -> None:
    findings = diff_specs(*fixture("default-changed"))
    document = json.loads(render_json(findings))
    folder = FIXTURES / "default-changed"
    assert document["counts"] == {"ERR": 0, "WARN": 2, "INFO": 0}
    assert document["findings"][1] == {
        "level": "WARN",
        "rule_id": "default-changed",
        "operation": LIST,
        "tag": "Clusters",
        "pointer": f"{ITEMS}/schema/default",
        "message": "query parameter 'itemsPerPage' default changed from 100 to 50",
        "old": {"pointer": f"{ITEMS}/schema/default", "at": f"{folder / 'old.yaml'}:22:11"},
        "new": {"pointer": f"{ITEMS}/schema/default", "at": f"{folder / 'new.yaml'}:22:11"},
        "names": [
            "client.clusters.list_group_clusters(items_per_page=...)",
            "atlas-admin api clusters listGroupClusters --itemsPerPage",
        ],
    }
    assert json.loads(render_json([])) == {
        "findings": [],
        "counts": {"ERR": 0, "WARN": 0, "INFO": 0},
    }


def test_markdown_groups_by_tag_with_breaking_changes_first() -> None:
    findings = diff_specs(*fixture("operation-tag-changed")) + diff_specs(
        *fixture("response-schema-ref-changed")
    )
    lines = render_markdown(ordered(findings)).splitlines()
    headings = [line for line in lines if line.startswith("#")]
    assert headings == [
        "## API changes",
        "### Breaking (ERR, 1)",
        "#### Cloud Clusters",
        "### Compatible (INFO, 1)",
        "#### Clusters",
    ]
    row = next(line for line in lines if "moved from tag" in line)
    assert row.startswith(f"| GET {PATH} moved from tag 'Clusters' to 'Cloud Clusters' |")
    assert "`client.cloud_clusters.list_group_clusters(...)`" in row
    assert "`atlas-admin api cloudClusters listGroupClusters`" in row
    assert render_markdown([]) == "## API changes\n\nNo changes.\n"


@pytest.mark.parametrize(
    ("rule_id", "fail_on", "code"),
    [
        ("bound-tightened", "never", 0),
        ("bound-tightened", "ERR", 1),
        ("bound-tightened", "WARN", 1),
        ("default-changed", "ERR", 0),
        ("default-changed", "WARN", 1),
        ("bound-relaxed", "ERR", 0),
        ("bound-relaxed", "WARN", 0),
        ("bound-relaxed", "INFO", 1),
    ],
)
def test_fail_on(rule_id: str, fail_on: str, code: int) -> None:
    assert exit_code(diff_specs(*fixture(rule_id)), fail_on) == code
    out = io.StringIO()
    folder = FIXTURES / rule_id
    kwargs: dict[str, Any] = {"fmt": "text", "fail_on": fail_on, "repo_root": ROOT, "out": out}
    assert run_diff(str(folder / "old.yaml"), str(folder / "new.yaml"), **kwargs) == code
    assert out.getvalue().endswith(" INFO\n")


def test_cli_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    folder = FIXTURES / "operation-removed"
    old, new = str(folder / "old.yaml"), str(folder / "new.yaml")
    assert main(["diff", old, new]) == 0
    assert capsys.readouterr().out.endswith("1 ERR, 0 WARN, 0 INFO\n")
    assert main(["diff", "--fail-on", "ERR", "--format", "json", old, new]) == 1
    assert json.loads(capsys.readouterr().out)["counts"]["ERR"] == 1
    assert main(["diff", str(folder / "missing.yaml"), new]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "missing.yaml: no such file" in error


# ----------------------------------------------------------------------------- git revisions
def git(repo: Path, *args: str) -> None:
    config = ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *config, *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose spec changed in its last commit (a bound tightened)."""
    folder = FIXTURES / "bound-tightened"
    (tmp_path / "specs").mkdir()
    git(tmp_path, "init", "-q")
    for side in ("old.yaml", "new.yaml"):
        (tmp_path / "specs" / "spec.yaml").write_bytes((folder / side).read_bytes())
        git(tmp_path, "add", "specs/spec.yaml")
        git(tmp_path, "commit", "-q", "-m", side)
    return tmp_path


def test_revision_reads_the_file_as_it_was(repo: Path) -> None:
    spec = load_revision("HEAD~1:specs/spec.yaml", repo)
    assert spec.data == load_spec(FIXTURES / "bound-tightened" / "old.yaml").data
    assert spec.display_path == "HEAD~1:specs/spec.yaml"
    out = io.StringIO()
    code = run_diff(
        "HEAD~1:specs/spec.yaml",
        "HEAD:specs/spec.yaml",
        fmt="json",
        fail_on="ERR",
        repo_root=repo,
        out=out,
    )
    assert code == 1 and json.loads(out.getvalue())["counts"]["ERR"] == 5


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("v9.9.9:specs/spec.yaml", "v9.9.9:specs/spec.yaml: unknown git revision 'v9.9.9'"),
        ("--help:specs/spec.yaml", "--help:specs/spec.yaml: unknown git revision '--help'"),
        (
            "HEAD:specs/other.yaml",
            "HEAD:specs/other.yaml: 'specs/other.yaml' does not exist in HEAD",
        ),
        ("HEAD:specs", "HEAD:specs: 'specs' is a directory in HEAD, expected a file"),
        ("HEAD:", "HEAD:: expected a file or REV:path (HEAD~1:specs/atlas-admin.yaml)"),
        ("missing.yaml", "missing.yaml: no such file"),
    ],
)
def test_revision_errors_are_one_line(repo: Path, arg: str, message: str) -> None:
    with pytest.raises(DiffInputError) as raised:
        load_revision(arg, repo)
    assert str(raised.value) == message


def test_revision_outside_a_repository(tmp_path: Path) -> None:
    with pytest.raises(DiffInputError, match=r"^HEAD:spec\.yaml: .* is not in a git repository$"):
        load_revision("HEAD:spec.yaml", tmp_path)


def test_revision_with_invalid_yaml(repo: Path) -> None:
    (repo / "specs" / "spec.yaml").write_text("openapi: [3.0.1\n")
    git(repo, "commit", "-q", "-am", "broken")
    with pytest.raises(DiffInputError, match=r"^HEAD:specs/spec\.yaml:2:1: YAML syntax error"):
        load_revision("HEAD:specs/spec.yaml", repo)


def test_a_side_the_model_refuses_is_still_compared_without_its_names() -> None:
    """An old release may no longer model (a $ref that does not resolve): its places are
    still compared, and the names come from the side that models."""
    old = fixture_data("operation-id-changed")
    old["components"]["schemas"]["Cluster"]["properties"]["bad"] = {
        "$ref": "#/components/schemas/Missing"
    }
    found = diff_specs(loaded(old), load_spec(FIXTURES / "operation-id-changed" / "new.yaml"))
    assert [(f.rule_id, f.operation) for f in found] == [
        ("response-field-removed", CREATE),
        ("response-field-removed", "listClusters"),
        ("operation-id-changed", "listClusters"),
    ]
    renamed = found[-1]
    assert renamed.names == (
        "client.clusters.list_clusters(...)",
        "atlas-admin api clusters listClusters",
    )


def test_cli_markdown_and_fail_on_levels(capsys: pytest.CaptureFixture[str]) -> None:
    folder = FIXTURES / "bound-relaxed"
    old, new = str(folder / "old.yaml"), str(folder / "new.yaml")
    assert main(["diff", "--format", "markdown", "--fail-on", "WARN", old, new]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## API changes\n\n0 ERR, 0 WARN, 2 INFO.\n")
    assert "### Compatible (INFO, 2)" in out
    assert main(["diff", "--fail-on", "INFO", old, new]) == 1
    assert main(["diff", "--fail-on", "never", old, new]) == 0
