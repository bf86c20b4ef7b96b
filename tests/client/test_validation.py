"""Client-side checks before any request, and the time conversions on the wire."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from servers.fake_atlas import EXAMPLE_GROUP_ID, FakeAtlas, api_requests

GROUP = EXAMPLE_GROUP_ID
BODY = {
    "bucketName": "b",
    "iamRoleId": "507f1f77bcf86cd799439011",
    "logTypes": ["MONGOD"],
    "prefixPath": "p/",
}


def rejected(aa: ModuleType, fake: FakeAtlas, call: Any, parameter: str, python_name: str) -> Any:
    with pytest.raises(aa.ParameterError) as caught:
        call()
    error = caught.value
    assert (error.parameter, error.python_name) == (parameter, python_name)
    assert parameter in str(error) and python_name in str(error)
    assert isinstance(error, ValueError) and isinstance(error, aa.AtlasError)
    assert fake.requests == [], "nothing may be sent"
    return error


def test_group_id_pattern(aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas) -> None:
    error = rejected(
        aa,
        fake_atlas,
        lambda: digest_client.auditing.get_group_audit_log(group_id="not-a-group"),
        "groupId",
        "group_id",
    )
    assert "^([a-f0-9]{24})$" in str(error)
    # JSON Schema semantics: an unanchored pattern matches anywhere in the value
    rejected(
        aa,
        fake_atlas,
        lambda: digest_client.auditing.get_group_audit_log(group_id=""),
        "groupId",
        "group_id",
    )


def test_n_logs_bounds(aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas) -> None:
    access = digest_client.access_tracking
    for value in (-1, 20001):
        rejected(
            aa,
            fake_atlas,
            lambda value=value: access.get_access_history_cluster(
                group_id=GROUP, cluster_name="c", n_logs=value
            ),
            "nLogs",
            "n_logs",
        )
    rejected(
        aa,
        fake_atlas,
        lambda: access.get_access_history_cluster(group_id=GROUP, cluster_name="c", n_logs="10"),
        "nLogs",
        "n_logs",
    )
    access.get_access_history_cluster(group_id=GROUP, cluster_name="c", n_logs=0)
    access.get_access_history_cluster(group_id=GROUP, cluster_name="c", n_logs=20000)
    assert [r.query.get("nLogs") for r in api_requests(fake_atlas)] == [
        "0",
        None,
    ]  # the default is not sent


def test_start_without_end(aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas) -> None:
    error = rejected(
        aa,
        fake_atlas,
        lambda: digest_client.access_tracking.get_access_history_cluster(
            group_id=GROUP, cluster_name="c", start=1
        ),
        "start",
        "start",
    )
    assert "end" in str(error)
    rejected(
        aa,
        fake_atlas,
        lambda: digest_client.access_tracking.get_access_history_cluster(
            group_id=GROUP, cluster_name="c", end=1
        ),
        "end",
        "end",
    )


def test_naive_datetime(aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas) -> None:
    error = rejected(
        aa,
        fake_atlas,
        lambda: digest_client.streams.download_audit_logs(
            group_id=GROUP, tenant_name="t", start_date=datetime(2024, 1, 1), end_date=1
        ),
        "startDate",
        "start_date",
    )
    assert "timezone" in str(error)


def test_cluster_name_and_ip_address_patterns(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    access = digest_client.access_tracking
    rejected(
        aa,
        fake_atlas,
        lambda: access.get_access_history_cluster(group_id=GROUP, cluster_name="-x"),
        "clusterName",
        "cluster_name",
    )
    rejected(
        aa,
        fake_atlas,
        lambda: access.get_access_history_cluster(
            group_id=GROUP, cluster_name="c", ip_address="300.1.1.1"
        ),
        "ipAddress",
        "ip_address",
    )
    access.get_access_history_cluster(group_id=GROUP, cluster_name="c", ip_address="10.0.0.1")


def test_time_conversion_seconds_and_milliseconds(
    digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    moment = datetime(2024, 3, 1, 12, 0, 0, 250_000, tzinfo=timezone(timedelta(hours=2)))
    epoch_seconds = int(moment.timestamp())
    digest_client.streams.download_audit_logs(
        group_id=GROUP, tenant_name="t", start_date=moment, end_date=moment + timedelta(hours=1)
    ).close()
    query = api_requests(fake_atlas)[-1].query
    assert query == {"startDate": str(epoch_seconds), "endDate": str(epoch_seconds + 3600)}
    digest_client.access_tracking.get_access_history_cluster(
        group_id=GROUP, cluster_name="c", start=moment, end=moment + timedelta(seconds=1)
    )
    query = api_requests(fake_atlas)[-1].query
    assert query == {
        "start": str(epoch_seconds * 1000 + 250),
        "end": str(epoch_seconds * 1000 + 1250),
    }


def test_documented_pattern_on_an_integer_is_not_enforced(
    digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    digest_client.streams.download_audit_logs(
        group_id=GROUP, tenant_name="t", start_date=5, end_date=10
    ).close()
    assert api_requests(fake_atlas)[-1].query == {"startDate": "5", "endDate": "10"}


def test_path_values_are_escaped(digest_client: Any, fake_atlas: FakeAtlas) -> None:
    digest_client.streams.download_audit_logs(
        group_id=GROUP, tenant_name="a b/c?d", start_date=1, end_date=2
    ).close()
    assert (
        api_requests(fake_atlas)[-1].path
        == f"/api/atlas/v2/groups/{GROUP}/streams/a%20b%2Fc%3Fd/auditLogs"
    )


def test_bad_enum_in_body(aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas) -> None:
    body = {**BODY, "logTypes": ["MONGOD", "SYSLOG"]}
    with pytest.raises(aa.RequestBodyError) as caught:
        digest_client.push_based_log_export.create_group_log_integration(group_id=GROUP, body=body)
    assert caught.value.parameter == "body.logTypes.1"
    assert caught.value.python_name == "body"
    assert "SYSLOG" in str(caught.value) and "MONGOD_AUDIT" in str(caught.value)
    assert isinstance(caught.value, aa.ParameterError)
    with pytest.raises(aa.RequestBodyError, match="type"):
        digest_client.push_based_log_export.create_group_log_integration(
            group_id=GROUP, body={**BODY, "type": "SPLUNK"}
        )
    assert fake_atlas.requests == []


def test_log_types_item_count(aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas) -> None:
    for log_types in ([], ["MONGOD"] * 5):
        with pytest.raises(aa.RequestBodyError) as caught:
            digest_client.push_based_log_export.create_group_log_integration(
                group_id=GROUP, body={**BODY, "logTypes": log_types}
            )
        assert caught.value.parameter == "body.logTypes"
    with pytest.raises(aa.RequestBodyError, match="iamRoleId|pattern"):
        digest_client.push_based_log_export.create_group_log_integration(
            group_id=GROUP, body={**BODY, "iamRoleId": "x"}
        )
    with pytest.raises(aa.RequestBodyError) as missing:
        digest_client.push_based_log_export.create_group_log_integration(
            group_id=GROUP, body={"bucketName": "b"}
        )
    assert missing.value.parameter.startswith("body.")
    with pytest.raises(aa.ParameterError) as no_body:
        digest_client.invoke("createGroupLogIntegration", {"groupId": GROUP})
    assert no_body.value.parameter == "body"
    assert fake_atlas.requests == []


def test_read_only_fields_are_never_sent(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    # a response model (id is read-only) sent back as a request body: id is dropped
    response = aa.models.S3LogIntegrationResponse.model_validate(
        {**BODY, "id": "507f1f77bcf86cd799439012"}
    )
    created = digest_client.push_based_log_export.create_group_log_integration(
        group_id=GROUP, body=response
    )
    assert created.id != "507f1f77bcf86cd799439012"
    assert "id" not in api_requests(fake_atlas)[-1].json()
    # the same for a nested model at any depth, through the request serialisation context
    audit = aa.models.AuditLog.model_validate({"configurationType": "NONE", "enabled": True})
    sent = audit.model_dump(by_alias=True, exclude_unset=True, context={"atlas_admin": "request"})
    assert sent == {"enabled": True}
    # unknown fields are refused in what a caller builds, kept in what a response brings
    with pytest.raises(ValueError, match="unknown field 'compression'"):
        aa.models.S3LogIntegrationRequest.model_validate({**BODY, "compression": "zstd"})
    model = aa.models.S3LogIntegrationRequest.model_validate(
        {**BODY, "compression": "zstd"}, context=aa._models.RESPONSE_CONTEXT
    )
    assert model.model_dump(by_alias=True, exclude_unset=True)["compression"] == "zstd"


def test_models_reject_bad_values_built_in_code(aa: ModuleType) -> None:
    import pydantic

    with pytest.raises(pydantic.ValidationError):
        aa.models.S3LogIntegrationRequest(
            bucket_name="b", iam_role_id="nope", log_types=["MONGOD"], prefix_path="p"
        )
    with pytest.raises(pydantic.ValidationError):
        aa.models.S3LogIntegrationRequest(
            bucket_name="b",
            iam_role_id="507f1f77bcf86cd799439011",
            log_types=["X"],
            prefix_path="p",
        )


def test_operation_metadata_imports_neither_httpx_nor_pydantic(package_dir: Path) -> None:
    script = (
        "import sys\n"
        "import atlas_admin, atlas_admin._operations as ops, atlas_admin._validation as v\n"
        "op = ops.get_operation('downloadAuditLogs')\n"
        "assert op.operation_id == 'downloadGroupStreamAuditLogs' and op.download\n"
        "assert ops.get_operation('download_audit_logs') is op\n"
        "assert [p.name for p in op.parameters][:2] == ['groupId', 'tenantName']\n"
        "p = v.prepare_parameters(op, {'groupId': '32b6e34b3d91647abb20e7b8', 'tenantName': 't', 'startDate': 1})\n"
        "assert p.path.endswith('/streams/t/auditLogs') and p.query == [('startDate', '1')]\n"
        "try:\n"
        "    v.prepare_parameters(op, {'groupId': 'x', 'tenantName': 't'})\n"
        "except atlas_admin.ParameterError as e:\n"
        "    assert e.parameter == 'groupId'\n"
        "assert v.select_version(op, None).version == '2025-02-19'\n"
        "assert len(ops.operations()) == 4 and [t.cli_name for t in ops.TAGS][0] == 'accessTracking'\n"
        "assert atlas_admin.MissingCredentialsError and atlas_admin.__version__\n"
        "loaded = sorted(m for m in ('httpx', 'pydantic', 'pydantic_core') if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], check=False, cwd=package_dir, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
