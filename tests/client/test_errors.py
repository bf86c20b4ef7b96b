"""Error statuses, retries, timeouts and interrupted downloads."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from servers.fake_atlas import DEFAULT_STATIC_TOKEN, EXAMPLE_GROUP_ID, FakeAtlas, api_requests

GROUP = EXAMPLE_GROUP_ID
START, END = 1636466948, 1636481348
BODY = {
    "bucketName": "b",
    "iamRoleId": "507f1f77bcf86cd799439011",
    "logTypes": ["MONGOD"],
    "prefixPath": "p/",
}

STATUSES = [
    (400, "BadRequestError", "VALIDATION_ERROR"),
    (401, "AuthenticationError", "NOT_ORG_GROUP_CREATOR"),
    (403, "PermissionDeniedError", "CANNOT_CHANGE_GROUP_NAME"),
    (404, "NotFoundError", "RESOURCE_NOT_FOUND"),
    (409, "ConflictError", "CANNOT_DELETE_ORG_ACTIVE_LIVE_MIGRATION_ATLAS_ORG_LINK"),
    (429, "RateLimitError", "RATE_LIMITED"),
    (500, "InternalServerError", "UNEXPECTED_ERROR"),
    (503, "InternalServerError", "SERVICE_UNAVAILABLE"),
    (418, "APIStatusError", "IM_A_TEAPOT"),
]


@pytest.mark.parametrize(("status", "name", "code"), STATUSES, ids=[str(s[0]) for s in STATUSES])
def test_every_error_status_maps_to_its_exception(
    aa: ModuleType, fake_atlas: FakeAtlas, status: int, name: str, code: str
) -> None:
    fake_atlas.fail(status, times=5, retry_after=0 if status in (429, 503) else None)
    auth = aa.BearerTokenAuth(DEFAULT_STATIC_TOKEN)
    with (
        aa.Client(base_url=fake_atlas.url, auth=auth, max_retries=0) as client,
        pytest.raises(aa.APIStatusError) as caught,
    ):
        client.access_tracking.get_access_history_cluster(group_id=GROUP, cluster_name="Cluster0")
    error = caught.value
    assert type(error).__name__ == name
    assert isinstance(error, aa.AtlasError)
    assert error.status_code == status == error.response.status_code
    assert error.error == status
    if status not in (503, 418):  # statuses the spec documents carry its examples
        assert error.error_code == code and error.detail and error.reason
        assert error.api_error is not None and error.api_error.error_code == code
    assert error.parameters == [] or isinstance(error.parameters, list)
    assert error.headers["content-type"].startswith("application/json")
    assert f"{status}" in str(error) and "getGroupDbAccessHistoryCluster" in str(error)
    if status == 429:
        assert error.headers["Retry-After"] == "0" and error.headers["RateLimit-Remaining"] == "0"
    assert len(api_requests(fake_atlas)) == 1


def test_bad_request_detail_is_parsed(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.fail(
        400,
        body={
            "error": 400,
            "errorCode": "VALIDATION_ERROR",
            "detail": "bad",
            "reason": "Bad Request",
            "badRequestDetail": {"fields": [{"field": "bucketName", "description": "too long"}]},
            "parameters": ["bucketName"],
        },
    )
    with pytest.raises(aa.BadRequestError) as caught:
        digest_client.push_based_log_export.create_group_log_integration(group_id=GROUP, body=BODY)
    assert caught.value.parameters == ["bucketName"]
    assert caught.value.api_error.bad_request_detail.fields[0].field == "bucketName"


def test_enveloped_error_raises_its_stated_status(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.fail(404)
    with pytest.raises(aa.NotFoundError) as caught:
        digest_client.auditing.get_group_audit_log(group_id=GROUP, envelope=True)
    assert caught.value.status_code == 404 and caught.value.response.status_code == 200
    assert caught.value.error_code == "RESOURCE_NOT_FOUND"


def test_429_retry_after_is_honoured(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.fail(429, retry_after=1)
    started = time.monotonic()
    logs = digest_client.access_tracking.get_access_history_cluster(
        group_id=GROUP, cluster_name="Cluster0"
    )
    elapsed = time.monotonic() - started
    assert logs.access_logs
    assert elapsed >= 0.95, elapsed
    assert [r.status for r in api_requests(fake_atlas)] == [429, 200]


def test_retry_after_as_an_http_date(aa: ModuleType) -> None:
    import email.utils

    import httpx

    base_client = __import__("atlas_admin._base_client", fromlist=["_"])
    when = email.utils.formatdate(time.time() + 3, usegmt=True)
    delay = base_client._BaseAPIClient._retry_delay(0, httpx.Headers({"Retry-After": when}))
    assert 1.5 <= delay <= 3.0
    capped = base_client._BaseAPIClient._retry_delay(0, httpx.Headers({"Retry-After": "3600"}))
    assert capped == base_client.MAX_RETRY_AFTER


def test_503_then_success(digest_client: Any, fake_atlas: FakeAtlas) -> None:
    fake_atlas.fail(503, times=2)
    assert digest_client.auditing.get_group_audit_log(group_id=GROUP).enabled is False
    assert [r.status for r in api_requests(fake_atlas)] == [503, 503, 200]


def test_max_retries_is_respected(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    fake_atlas.fail(503, times=10)
    with (
        aa.Client(
            base_url=fake_atlas.url, auth=aa.BearerTokenAuth(DEFAULT_STATIC_TOKEN), max_retries=3
        ) as client,
        pytest.raises(aa.InternalServerError),
    ):
        client.auditing.get_group_audit_log(group_id=GROUP)
    assert len(api_requests(fake_atlas)) == 4


def test_post_is_not_retried_on_500_but_get_is(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.fail(500)
    with pytest.raises(aa.InternalServerError):
        digest_client.push_based_log_export.create_group_log_integration(group_id=GROUP, body=BODY)
    assert [r.status for r in api_requests(fake_atlas)] == [500]
    fake_atlas.fail(500)
    digest_client.auditing.get_group_audit_log(group_id=GROUP)
    assert [r.status for r in api_requests(fake_atlas)] == [500, 500, 200]
    fake_atlas.fail(503)  # 503 is retried whatever the method
    digest_client.push_based_log_export.create_group_log_integration(group_id=GROUP, body=BODY)
    assert [r.status for r in api_requests(fake_atlas)][-2:] == [503, 201]


def test_connection_errors_are_retried_then_raised(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.drop(after_bytes=0)  # a response cut short: the client got nothing usable
    assert digest_client.auditing.get_group_audit_log(group_id=GROUP).enabled is False
    fake_atlas.drop(after_bytes=0, times=3)
    with pytest.raises(aa.APIConnectionError) as caught:
        digest_client.auditing.get_group_audit_log(group_id=GROUP)
    assert "getGroupAuditLog" in str(caught.value)
    with (
        aa.Client(base_url="http://127.0.0.1:9", auth=None, max_retries=1) as closed,
        pytest.raises(aa.APIConnectionError),
    ):
        closed.auditing.get_group_audit_log(group_id=GROUP)


def test_timeout(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    fake_atlas.delay(1.0)
    with (
        aa.Client(
            base_url=fake_atlas.url, auth=aa.BearerTokenAuth(DEFAULT_STATIC_TOKEN), max_retries=0
        ) as client,
        pytest.raises(aa.APITimeoutError),
    ):
        client.auditing.get_group_audit_log(group_id=GROUP, timeout=0.2)


def test_dropped_download_leaves_no_partial_file(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas, tmp_path: Path
) -> None:
    fake_atlas.audit_log_sizes["big"] = 8 * 1024 * 1024
    fake_atlas.drop(after_bytes=512 * 1024)
    target = tmp_path / "audit.gz"
    download = digest_client.streams.download_audit_logs(
        group_id=GROUP, tenant_name="big", start_date=START, end_date=END
    )
    with pytest.raises(aa.APIConnectionError):
        download.write_to_file(target)
    assert list(tmp_path.iterdir()) == []
    assert len(api_requests(fake_atlas)) == 1  # bytes had reached the caller: no retry
    # an existing file is left as it was
    target.write_bytes(b"previous")
    fake_atlas.drop(after_bytes=256 * 1024)
    with pytest.raises(aa.APIConnectionError):
        digest_client.streams.download_audit_logs(
            group_id=GROUP, tenant_name="big", start_date=START, end_date=END
        ).write_to_file(target)
    assert [p.name for p in tmp_path.iterdir()] == [
        "audit.gz"
    ] and target.read_bytes() == b"previous"


def test_download_is_retried_before_any_byte(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas, tmp_path: Path
) -> None:
    fake_atlas.fail(503, path=f"/api/atlas/v2/groups/{GROUP}/streams/t/auditLogs")
    path = digest_client.streams.download_audit_logs(
        group_id=GROUP, tenant_name="t", start_date=START, end_date=END
    ).write_to_file(tmp_path / "a.gz")
    assert path.stat().st_size > 0
    assert [r.status for r in api_requests(fake_atlas)] == [503, 200]


def test_async_retries_errors_and_dropped_download(
    aa: ModuleType, fake_atlas: FakeAtlas, tmp_path: Path
) -> None:
    fake_atlas.audit_log_sizes["big"] = 4 * 1024 * 1024

    async def main() -> None:
        auth = aa.BearerTokenAuth(DEFAULT_STATIC_TOKEN)
        async with aa.AsyncClient(base_url=fake_atlas.url, auth=auth) as client:
            fake_atlas.fail(503)
            assert (await client.auditing.get_group_audit_log(group_id=GROUP)).enabled is False
            fake_atlas.fail(404)
            with pytest.raises(aa.NotFoundError):
                await client.auditing.get_group_audit_log(group_id=GROUP)
            fake_atlas.fail(500)
            with pytest.raises(aa.InternalServerError):
                await client.push_based_log_export.create_group_log_integration(
                    group_id=GROUP, body=BODY
                )
            fake_atlas.drop(after_bytes=300 * 1024)
            download = await client.streams.download_audit_logs(
                group_id=GROUP, tenant_name="big", start_date=START, end_date=END
            )
            with pytest.raises(aa.APIConnectionError):
                await download.write_to_file(tmp_path / "audit.gz")

    asyncio.run(main())
    assert list(tmp_path.iterdir()) == []
    assert [r.status for r in api_requests(fake_atlas)] == [503, 200, 404, 500, 200]
