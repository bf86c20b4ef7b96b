"""Every operation, sync and async, against the fake Atlas over real HTTP."""

from __future__ import annotations

import ast
import asyncio
import gzip
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from client_support import ROOT
from servers.fake_atlas import (
    DEFAULT_PRIVATE_KEY,
    DEFAULT_PUBLIC_KEY,
    EXAMPLE_GROUP_ID,
    FakeAtlas,
    api_requests,
)

GROUP = EXAMPLE_GROUP_ID
START, END = 1636466948, 1636481348
LOG_INTEGRATION = {
    "bucketName": "my-log-bucket",
    "iamRoleId": "507f1f77bcf86cd799439011",
    "kmsKey": "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012",
    "logTypes": ["MONGOD", "MONGOS", "MONGOD_AUDIT", "MONGOS_AUDIT"],
    "prefixPath": "mongo-logs/",
}


def test_resources_and_methods_follow_the_model(aa: ModuleType, digest_client: Any) -> None:
    streams = digest_client.streams
    assert type(streams).__name__ == "StreamsResource"
    assert digest_client.streams is streams  # created once
    assert streams.download_audit_logs == streams.download_group_stream_audit_logs
    assert type(streams).download_audit_logs is type(streams).download_group_stream_audit_logs
    access = digest_client.access_tracking
    assert (
        type(access).get_access_history_cluster is type(access).get_group_db_access_history_cluster
    )
    assert callable(digest_client.push_based_log_export.create_group_log_integration)
    assert callable(digest_client.auditing.get_group_audit_log)


def test_get_audit_log_parses_into_its_model(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    audit = digest_client.auditing.get_group_audit_log(group_id=GROUP)
    assert isinstance(audit, aa.models.AuditLog)
    assert audit.enabled is False and audit.audit_filter == "string"
    assert audit.configuration_type is aa.models.AuditLogConfigurationType.NONE
    request = api_requests(fake_atlas)[-1]
    assert request.headers["accept"] == "application/vnd.atlas.2024-05-30+json"
    assert request.query == {}  # defaults (envelope, pretty) are not sent


def test_access_history_with_every_parameter(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    logs = digest_client.access_tracking.get_access_history_cluster(
        group_id=GROUP,
        cluster_name="Cluster0",
        auth_result=True,
        ip_address="192.168.1.1",
        n_logs=10,
        start=1_700_000_000_000,
        end=1_700_000_100_000,
        pretty=True,
    )
    assert isinstance(logs, aa.models.MongoDBAccessLogsList)
    assert logs.access_logs and logs.access_logs[0].username == "string"
    request = api_requests(fake_atlas)[-1]
    assert request.path == f"/api/atlas/v2/groups/{GROUP}/dbAccessHistory/clusters/Cluster0"
    assert request.query == {
        "pretty": "true",
        "authResult": "true",
        "end": "1700000100000",
        "ipAddress": "192.168.1.1",
        "nLogs": "10",
        "start": "1700000000000",
    }


def test_create_log_integration_from_a_dict(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    created = digest_client.push_based_log_export.create_group_log_integration(
        group_id=GROUP, body=LOG_INTEGRATION
    )
    assert isinstance(created, aa.models.S3LogIntegrationResponse)
    assert len(created.id) == 24
    assert created.type is aa.models.S3LogIntegrationRequestType.S3_LOG_EXPORT
    request = api_requests(fake_atlas)[-1]
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/vnd.atlas.2025-03-12+json"
    assert request.headers["accept"] == "application/vnd.atlas.2025-03-12+json"
    assert request.json() == {**LOG_INTEGRATION, "type": "S3_LOG_EXPORT"}  # its only value


def test_the_reference_pages_example_payload_works_as_written(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    """Seed 000's payload lacks ``type``, which Atlas requires (INVALID_ATTRIBUTE without it);
    the client sends its only value."""
    payload = json.loads(
        (ROOT / "tests" / "seeds" / "000_create_group_log_integration.json").read_text()
    )
    created = digest_client.push_based_log_export.create_group_log_integration(
        group_id=GROUP, body=payload
    )
    assert created.type is aa.models.S3LogIntegrationRequestType.S3_LOG_EXPORT
    assert api_requests(fake_atlas)[-1].json() == {**payload, "type": "S3_LOG_EXPORT"}
    model = aa.models.S3LogIntegrationRequest.model_validate(payload)
    created = digest_client.push_based_log_export.create_group_log_integration(
        group_id=GROUP, body=model
    )
    assert api_requests(fake_atlas)[-1].json() == {**payload, "type": "S3_LOG_EXPORT"}


def test_the_readme_body_example_works_as_written(
    package_dir: Path, digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    readme = (package_dir / "README.md").read_text(encoding="utf-8")
    [line] = [
        text for text in readme.splitlines() if text.startswith("client.") and "body=" in text
    ]
    call = ast.parse(line, mode="eval").body  # the README's own call, against the fake Atlas
    assert isinstance(call, ast.Call)
    method = digest_client
    for attribute in ast.unparse(call.func).split(".")[1:]:
        method = getattr(method, attribute)
    method(**{k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg})
    assert api_requests(fake_atlas)[-1].json()["type"] == "S3_LOG_EXPORT"


def test_the_fake_atlas_requires_the_constant_as_atlas_does(
    aa: ModuleType, fake_atlas: FakeAtlas
) -> None:
    import httpx

    auth = httpx.DigestAuth(DEFAULT_PUBLIC_KEY, DEFAULT_PRIVATE_KEY)
    response = httpx.post(
        f"{fake_atlas.url}/api/atlas/v2/groups/{GROUP}/logIntegrations",
        json=LOG_INTEGRATION,
        headers={
            "Accept": "application/vnd.atlas.2025-03-12+json",
            "Content-Type": "application/vnd.atlas.2025-03-12+json",
        },
        auth=auth,
    )
    assert response.status_code == 400
    assert response.json()["errorCode"] == "INVALID_ATTRIBUTE"
    assert "must be S3_LOG_EXPORT" in response.json()["detail"]


def test_create_log_integration_from_a_model(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    models = aa.models
    body = models.S3LogIntegrationRequest(
        bucket_name="b",
        iam_role_id="507f1f77bcf86cd799439011",
        log_types=[models.S3LogIntegrationRequestLogTypesItem.MONGOD],
        prefix_path="logs/",
        type="S3_LOG_EXPORT",
    )
    created = digest_client.push_based_log_export.create_group_log_integration(
        group_id=GROUP, body=body
    )
    assert created.bucket_name == "b"
    assert api_requests(fake_atlas)[-1].json() == {
        "type": "S3_LOG_EXPORT",
        "bucketName": "b",
        "iamRoleId": "507f1f77bcf86cd799439011",
        "logTypes": ["MONGOD"],
        "prefixPath": "logs/",
    }


@pytest.mark.parametrize("version", ["2023-02-01", "2025-02-19"])
def test_download_both_versions_to_file(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas, tmp_path: Path, version: str
) -> None:
    fake_atlas.audit_log_sizes["big"] = 3 * 1024 * 1024
    target = tmp_path / "audit.gz"
    with digest_client.streams.download_audit_logs(
        group_id=GROUP, tenant_name="big", start_date=START, end_date=END, version=version
    ) as download:
        assert isinstance(download, aa.DownloadResponse)
        assert download.status_code == 200
        assert download.headers["content-type"] == f"application/vnd.atlas.{version}+gzip"
        assert download.write_to_file(target) == target
    assert gzip.decompress(target.read_bytes()) == fake_atlas.audit_log_payload("big", START, END)
    assert [p.name for p in tmp_path.iterdir()] == ["audit.gz"]  # no temporary file left
    assert api_requests(fake_atlas)[-1].headers["accept"] == f"application/vnd.atlas.{version}+gzip"


def test_download_iter_bytes_streams_chunks(digest_client: Any, fake_atlas: FakeAtlas) -> None:
    fake_atlas.audit_log_sizes["big"] = 2 * 1024 * 1024
    download = digest_client.streams.download_group_stream_audit_logs(
        group_id=GROUP, tenant_name="big", start_date=START, end_date=END
    )
    chunks = list(download.iter_bytes(chunk_size=32 * 1024))
    assert len(chunks) > 1 and max(len(c) for c in chunks) <= 32 * 1024
    assert gzip.decompress(b"".join(chunks)) == fake_atlas.audit_log_payload("big", START, END)


def test_raw_response_has_status_headers_and_parse(aa: ModuleType, digest_client: Any) -> None:
    raw = digest_client.auditing.with_raw_response.get_group_audit_log(group_id=GROUP)
    assert isinstance(raw, aa.APIResponse)
    assert raw.status_code == 200 and raw.version == "2024-05-30"
    assert raw.headers["RateLimit-Remaining"] == "99"
    assert raw.http_response.headers["content-type"].startswith(
        "application/vnd.atlas.2024-05-30+json"
    )
    parsed = raw.parse()
    assert isinstance(parsed, aa.models.AuditLog) and raw.parse() is parsed
    alias = digest_client.streams.with_raw_response.download_audit_logs(
        group_id=GROUP, tenant_name="t", start_date=START, end_date=END
    )
    with alias.parse() as download:
        assert gzip.decompress(b"".join(download.iter_bytes()))


def test_unknown_response_fields_are_kept_and_unknown_enums_tolerated(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    newer = {
        "auditFilter": "{}",
        "configurationType": "FILTER_AI",
        "enabled": True,
        "newField": [1],
    }
    fake_atlas.answer_with("getGroupAuditLog", newer)
    audit = digest_client.auditing.get_group_audit_log(group_id=GROUP)
    assert audit.configuration_type == "FILTER_AI"  # a plain string, not an error
    assert audit.model_extra == {"newField": [1]}
    assert audit.model_dump(by_alias=True, exclude_unset=True, mode="json") == newer


def test_envelope_is_unwrapped(aa: ModuleType, digest_client: Any) -> None:
    audit = digest_client.auditing.get_group_audit_log(group_id=GROUP, envelope=True)
    assert isinstance(audit, aa.models.AuditLog) and audit.audit_filter == "string"


def test_invoke_by_operation_id_with_wire_names(aa: ModuleType, digest_client: Any) -> None:
    raw = digest_client.invoke(
        "getAccessHistoryCluster", {"groupId": GROUP, "clusterName": "Cluster0", "nLogs": 5}
    )
    assert raw.status_code == 200
    assert isinstance(raw.parse(), aa.models.MongoDBAccessLogsList)
    created = digest_client.invoke(
        "createGroupLogIntegration", {"groupId": GROUP}, body=LOG_INTEGRATION
    )
    assert created.status_code == 201
    with pytest.raises(aa.ParameterError) as missing:
        digest_client.invoke("getGroupAuditLog", {})
    assert missing.value.parameter == "groupId"
    with pytest.raises(aa.ParameterError) as unknown:
        digest_client.invoke("getGroupAuditLog", {"groupId": GROUP, "bogus": 1})
    assert unknown.value.parameter == "bogus"


def test_async_client_every_operation(
    aa: ModuleType, fake_atlas: FakeAtlas, tmp_path: Path
) -> None:
    fake_atlas.audit_log_sizes["big"] = 2 * 1024 * 1024

    async def main() -> None:
        auth = aa.DigestApiKeyAuth(DEFAULT_PUBLIC_KEY, DEFAULT_PRIVATE_KEY)
        async with aa.AsyncClient(base_url=fake_atlas.url, auth=auth) as client:
            assert type(client.streams).__name__ == "AsyncStreamsResource"
            audit = await client.auditing.get_group_audit_log(group_id=GROUP)
            assert isinstance(audit, aa.models.AuditLog)
            logs = await client.access_tracking.get_access_history_cluster(
                group_id=GROUP, cluster_name="Cluster0", n_logs=5
            )
            assert logs.access_logs
            created = await client.push_based_log_export.create_group_log_integration(
                group_id=GROUP, body=LOG_INTEGRATION
            )
            assert created.prefix_path == "mongo-logs/"
            for version in ("2023-02-01", "2025-02-19"):
                download = await client.streams.download_audit_logs(
                    group_id=GROUP,
                    tenant_name="big",
                    start_date=START,
                    end_date=END,
                    version=version,
                )
                assert isinstance(download, aa.AsyncDownloadResponse)
                path = await download.write_to_file(tmp_path / f"{version}.gz")
                assert gzip.decompress(path.read_bytes()) == fake_atlas.audit_log_payload(
                    "big", START, END
                )
            async with await client.streams.download_audit_logs(
                group_id=GROUP, tenant_name="t", start_date=START, end_date=END
            ) as streamed:
                data = b"".join([chunk async for chunk in streamed.iter_bytes()])
            assert gzip.decompress(data)
            raw = await client.auditing.with_raw_response.get_group_audit_log(group_id=GROUP)
            assert raw.headers["RateLimit-Limit"] == "100" and raw.parse().enabled is False
            invoked = await client.invoke("getGroupAuditLog", {"groupId": GROUP})
            assert json.loads(invoked.http_response.content)["auditFilter"] == "string"

    asyncio.run(main())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2023-02-01.gz", "2025-02-19.gz"]


def test_own_http_client_is_used_and_left_open(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    import httpx

    seen: list[str] = []
    with httpx.Client(event_hooks={"request": [lambda r: seen.append(r.url.path)]}) as http_client:
        auth = aa.DigestApiKeyAuth(DEFAULT_PUBLIC_KEY, DEFAULT_PRIVATE_KEY)
        with aa.Client(base_url=fake_atlas.url, auth=auth, http_client=http_client) as client:
            client.auditing.get_group_audit_log(group_id=GROUP)
        assert not http_client.is_closed
        assert seen[-1] == f"/api/atlas/v2/groups/{GROUP}/auditLog"
