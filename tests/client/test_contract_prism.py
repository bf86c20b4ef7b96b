"""Contract: Prism, validating against specs/atlas-admin.yaml itself, accepts every request
the client sends, for every operation and every API version; invalid input never leaves the
client."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from servers.fake_atlas import EXAMPLE_GROUP_ID
from servers.prism import Prism

GROUP = EXAMPLE_GROUP_ID
BODY = {
    "bucketName": "my-log-bucket",
    "iamRoleId": "507f1f77bcf86cd799439011",
    "logTypes": ["MONGOD", "MONGOS_AUDIT"],
    "prefixPath": "mongo-logs/",
}
# Every operation's fullest valid call (keyword arguments of its method).
CALLS: dict[str, dict[str, Any]] = {
    "createGroupLogIntegration": {
        "group_id": GROUP,
        "body": {**BODY, "type": "S3_LOG_EXPORT"},
        "pretty": True,
    },
    "downloadGroupStreamAuditLogs": {
        "group_id": GROUP,
        "tenant_name": "workspace-1",
        "start_date": 1636466948,
        "end_date": 1636481348,
    },
    "getGroupAuditLog": {"group_id": GROUP, "envelope": False, "pretty": True},
    "getGroupDbAccessHistoryCluster": {
        "group_id": GROUP,
        "cluster_name": "Cluster0",
        "auth_result": True,
        "ip_address": "10.1.2.3",
        "n_logs": 100,
        "start": 1636466948000,
        "end": 1636481348000,
    },
}
# Invalid input per operation: (keyword arguments, wire name of the parameter at fault).
INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("getGroupAuditLog", {"group_id": "0123"}, "groupId"),
    (
        "getGroupDbAccessHistoryCluster",
        {"group_id": GROUP, "cluster_name": "Cluster0", "n_logs": 20001},
        "nLogs",
    ),
    (
        "getGroupDbAccessHistoryCluster",
        {"group_id": GROUP, "cluster_name": "Cluster0", "start": 1},
        "start",
    ),
    ("getGroupDbAccessHistoryCluster", {"group_id": GROUP, "cluster_name": "-bad"}, "clusterName"),
    ("downloadGroupStreamAuditLogs", {"group_id": "g", "tenant_name": "t"}, "groupId"),
    (
        "createGroupLogIntegration",
        {"group_id": GROUP, "body": {**BODY, "logTypes": []}},
        "body.logTypes",
    ),
]


def _versions(aa: ModuleType) -> list[tuple[str, str]]:
    from atlas_admin._operations import operations

    return [(op.operation_id, version.version) for op in operations() for version in op.versions]


@pytest.fixture(scope="module")
def client(aa: ModuleType, prism: Prism) -> Any:
    # Prism cannot check real digest (see tests/servers/prism.py); any bearer token passes.
    with aa.Client(
        base_url=prism.url, auth=aa.BearerTokenAuth("contract-test"), max_retries=0
    ) as client:
        yield client


def _method(client: Any, operation_id: str, *, raw: bool = False) -> Any:
    """The client method of an operation (or its ``with_raw_response`` twin)."""
    from atlas_admin._operations import get_operation, get_tag

    operation = get_operation(operation_id)
    resource = getattr(client, get_tag(operation.tag).python_name)
    return getattr(resource.with_raw_response if raw else resource, operation.python_name)


def test_every_operation_is_covered(aa: ModuleType) -> None:
    assert sorted(CALLS) == sorted({operation_id for operation_id, _ in _versions(aa)})


@pytest.mark.parametrize(
    "operation_version",
    [
        ("createGroupLogIntegration", "2025-03-12"),
        ("downloadGroupStreamAuditLogs", "2023-02-01"),
        ("downloadGroupStreamAuditLogs", "2025-02-19"),
        ("getGroupAuditLog", "2024-05-30"),
        ("getGroupDbAccessHistoryCluster", "2024-05-30"),
    ],
    ids=lambda v: f"{v[0]}-{v[1]}",
)
def test_prism_accepts_every_operation_and_version(
    aa: ModuleType, client: Any, prism: Prism, operation_version: tuple[str, str]
) -> None:
    operation_id, version = operation_version
    assert operation_version in _versions(aa)
    response = _method(client, operation_id, raw=True)(**CALLS[operation_id], version=version)
    assert 200 <= response.status_code < 300, prism.log[-2000:]
    assert "The request passed the validation rules" in prism.log.rsplit("Request received", 1)[-1]
    assert response.headers["content-type"].startswith(f"application/vnd.atlas.{version}+")
    parsed = response.parse()
    if operation_id == "downloadGroupStreamAuditLogs":
        with parsed as download:
            assert b"".join(download.iter_bytes())  # Prism's stand-in for the gzip file
    else:
        assert parsed is not None


@pytest.mark.parametrize(
    ("operation_id", "arguments", "parameter"), INVALID, ids=[f"{o}-{p}" for o, _, p in INVALID]
)
def test_invalid_input_is_rejected_before_sending(
    aa: ModuleType,
    client: Any,
    prism: Prism,
    operation_id: str,
    arguments: dict[str, Any],
    parameter: str,
) -> None:
    before = prism.log.count("Request received")
    with pytest.raises(aa.ParameterError) as caught:
        _method(client, operation_id)(**arguments)
    assert caught.value.parameter == parameter
    assert prism.log.count("Request received") == before


def test_prism_itself_rejects_what_the_client_refuses(client: Any, prism: Prism) -> None:
    """The same invalid values, sent raw, are refused by Prism: the client's checks mirror the spec."""
    import httpx

    headers = {
        "Authorization": "Bearer contract-test",
        "Accept": "application/vnd.atlas.2024-05-30+json",
    }
    response = httpx.get(
        f"{prism.url}/api/atlas/v2/groups/{GROUP}/dbAccessHistory/clusters/Cluster0?nLogs=20001",
        headers=headers,
    )
    assert response.status_code in (400, 422)
