"""Per-scope options, deprecation signals, traces and time limits, over HTTP to the fake Atlas.

``with_options`` copies, per-call ``max_retries`` and ``deadline``, phase timeouts; the
``Deprecation``/``Sunset`` headers; what an ``APIStatusError`` tells a support ticket; the
DEBUG log line and the event hooks of every attempt.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from servers.fake_atlas import DEFAULT_STATIC_TOKEN, EXAMPLE_GROUP_ID, FakeAtlas, api_requests

GROUP = EXAMPLE_GROUP_ID


@pytest.fixture
def client(aa: ModuleType, fake_atlas: FakeAtlas) -> Iterator[Any]:
    with aa.Client(base_url=fake_atlas.url, auth=aa.BearerTokenAuth(DEFAULT_STATIC_TOKEN)) as c:
        yield c


def audit_log(client: Any, **options: Any) -> Any:
    return client.auditing.get_group_audit_log(group_id=GROUP, **options)


# ----------------------------------------------------------------------- with_options
def test_with_options_copies_the_client_sharing_its_connection_pool(
    aa: ModuleType, client: Any, fake_atlas: FakeAtlas
) -> None:
    audit_log(client)  # resources of the original are bound to it
    team = client.with_options(
        max_retries=0, headers={"X-Team": "billing"}, timeout=5.0, default_version="2024-05-30"
    )
    assert team._http_client is client._http_client and team.auth is client.auth
    assert (team.max_retries, team.timeout, team.default_version) == (0, 5.0, "2024-05-30")
    assert client.max_retries == 2 and client.default_headers == {}
    assert team.auditing._client is team and client.auditing._client is client
    audit_log(team)
    nested = team.with_options(headers={"X-Cost-Center": "42"})
    audit_log(nested)
    sent = [r.headers for r in api_requests(fake_atlas)]
    assert "x-team" not in sent[0]
    assert sent[1]["x-team"] == "billing"
    assert (sent[2]["x-team"], sent[2]["x-cost-center"]) == ("billing", "42")
    team.close()  # the copy never closes the shared pool
    audit_log(client)
    assert len(api_requests(fake_atlas)) == 4
    with pytest.raises(ValueError, match="max_retries"):
        client.with_options(max_retries=-1)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        client.with_options(default_version="2024-5-30")


def test_max_retries_per_call_overrides_the_client(
    aa: ModuleType, client: Any, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.fail(503)
    with pytest.raises(aa.InternalServerError):
        audit_log(client, max_retries=0)
    fake_atlas.fail(503)
    audit_log(client)  # the client's two retries
    assert [r.status for r in api_requests(fake_atlas)] == [503, 503, 200]


# ----------------------------------------------------------------------- deprecation
def test_deprecation_and_sunset_headers_warn_once_per_operation(
    aa: ModuleType, client: Any, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.response_headers = {
        "Deprecation": "@1700000000",
        "Sunset": "Wed, 01 Jan 2025 00:00:00 GMT",
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        audit_log(client)
        audit_log(client)
        client.access_tracking.get_access_history_cluster(group_id=GROUP, cluster_name="c0")
    deprecations = [w for w in caught if issubclass(w.category, aa.DeprecatedVersionWarning)]
    said = (
        "(API version 2024-05-30) is deprecated by the server since 2023-11-14; it was sunset "
        "on 2025-01-01; move to a newer API version"
    )
    assert [str(w.message) for w in deprecations] == [
        f"getGroupAuditLog {said}",
        f"getGroupDbAccessHistoryCluster {said}",
    ]
    assert issubclass(aa.DeprecatedVersionWarning, DeprecationWarning)
    assert deprecations[0].filename == __file__  # attributed to the caller


def test_a_sunset_still_ahead_is_stated_in_the_future_tense(aa: ModuleType) -> None:
    trace = importlib.import_module("atlas_admin._trace")
    headers = {"Sunset": "Sat, 01 Jan 2028 00:00:00 GMT", "Deprecation": "true"}
    assert trace.deprecation_message("listThings", "2024-05-30", headers, "2026-12-04") == (
        "listThings (API version 2024-05-30) is deprecated by the server; it will be sunset "
        "on 2028-01-01; move to a newer API version"
    )
    assert trace.deprecation_message("listThings", None, {}, "2026-12-04") is None


def test_a_sunset_not_past_as_of_the_spec_is_stated_neutrally_in_docstrings(
    fixture_package: ModuleType,
) -> None:
    """versions.yaml's 2026-01-01 sunset is newer than every version of that spec: the
    docstring gives the date, not a tense that would depend on the day of generation."""
    resource = importlib.import_module("atlas_fixture.resources.things").ThingsResource
    assert "2023-01-01 (sunset 2026-01-01)" in " ".join(resource.get_thing.__doc__.split())


# ----------------------------------------------------------------------- traces
def test_a_status_error_carries_method_url_error_code_and_request_id(
    aa: ModuleType, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.response_headers = {"X-Request-Id": "req-7f3a"}
    fake_atlas.fail(404)
    url = fake_atlas.url.replace("http://", "http://alice:hunter2@")
    auth = aa.BearerTokenAuth(DEFAULT_STATIC_TOKEN)
    with aa.Client(base_url=url, auth=auth) as client, pytest.raises(aa.NotFoundError) as caught:
        audit_log(client, extra_query={"access_token": "s3cr3t", "pageNum": "2"})
    error = caught.value
    assert error.method == "GET"
    assert error.url == (
        f"{fake_atlas.url}/api/atlas/v2/groups/{GROUP}/auditLog?access_token=REDACTED&pageNum=2"
    )
    assert error.error_code == "RESOURCE_NOT_FOUND"
    assert error.request_id == "req-7f3a" and "[request id req-7f3a]" in str(error)
    assert "hunter2" not in str(error) and "s3cr3t" not in str(error)


def test_debug_log_has_one_line_per_attempt_with_timing(
    client: Any, fake_atlas: FakeAtlas, caplog: pytest.LogCaptureFixture
) -> None:
    fake_atlas.fail(503)
    with caplog.at_level(logging.DEBUG, logger="atlas_admin"):
        audit_log(client, extra_query={"apiKey": "k-123"})
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert len(lines) == 2
    for line, attempt, status in zip(lines, (1, 2), (503, 200), strict=True):
        assert line.startswith(f"getGroupAuditLog GET {fake_atlas.url}/api/atlas/v2/groups/")
        assert f"apiKey=REDACTED attempt {attempt} -> {status} in " in line
        assert line.endswith(" ms")


def test_event_hooks_see_every_attempt(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    events: list[Any] = []
    fake_atlas.fail(503)
    fake_atlas.response_headers = {"X-Request-Id": "r-1"}
    with aa.Client(
        base_url=fake_atlas.url,
        auth=aa.BearerTokenAuth(DEFAULT_STATIC_TOKEN),
        on_request=events.append,
        on_response=events.append,
    ) as client:
        audit_log(client)
    kinds = [(type(e).__name__, e.attempt, getattr(e, "status_code", None)) for e in events]
    assert kinds == [
        ("RequestEvent", 1, None),
        ("ResponseEvent", 1, 503),
        ("RequestEvent", 2, None),
        ("ResponseEvent", 2, 200),
    ]
    assert all(e.operation_id == "getGroupAuditLog" and e.method == "GET" for e in events)
    assert events[3].request_id == "r-1" and events[3].elapsed > 0
    assert isinstance(events[0].request, httpx.Request)


def test_async_hooks_may_be_coroutines_and_see_connection_errors(
    aa: ModuleType, fake_atlas: FakeAtlas
) -> None:
    events: list[Any] = []

    async def record(event: Any) -> None:
        events.append(event)

    async def main() -> None:
        async with aa.AsyncClient(
            base_url=fake_atlas.url,
            auth=aa.BearerTokenAuth(DEFAULT_STATIC_TOKEN),
            on_response=record,
        ) as client:
            fake_atlas.drop(after_bytes=0)
            await client.auditing.get_group_audit_log(group_id=GROUP)
            quiet = client.with_options(on_response=None)
            await quiet.auditing.get_group_audit_log(group_id=GROUP)

    asyncio.run(main())
    assert [(e.attempt, e.status_code) for e in events] == [(1, None), (2, 200)]
    assert isinstance(events[0].error, httpx.TransportError)


# ----------------------------------------------------------------------- time limits
def test_a_phase_timeout_names_its_phase(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    fake_atlas.delay(2.0)
    with (
        aa.Client(
            base_url=fake_atlas.url,
            auth=aa.BearerTokenAuth(DEFAULT_STATIC_TOKEN),
            timeout=httpx.Timeout(10.0, read=0.2),
            max_retries=0,
        ) as client,
        pytest.raises(aa.APITimeoutError) as caught,
    ):
        audit_log(client)
    assert caught.value.phase == "read"
    assert str(caught.value).startswith("read timeout (getGroupAuditLog: GET ")


def test_the_deadline_spans_attempts_and_waits(
    aa: ModuleType, client: Any, fake_atlas: FakeAtlas
) -> None:
    fake_atlas.delay(2.0)
    with pytest.raises(aa.APITimeoutError) as caught:
        audit_log(client, deadline=0.3)  # the read timeout is cut to the time left
    assert caught.value.phase == "deadline"
    fake_atlas.fail(503, retry_after=5)
    with pytest.raises(aa.InternalServerError):
        audit_log(client, deadline=2.0)  # waiting 5 s would pass it: no retry
    assert [r.status for r in api_requests(fake_atlas)].count(503) == 1
    with pytest.raises(ValueError, match="deadline"):
        client.with_options(deadline=0)


def test_the_deadline_of_an_async_client(aa: ModuleType, fake_atlas: FakeAtlas) -> None:
    async def main() -> str | None:
        async with aa.AsyncClient(
            base_url=fake_atlas.url, auth=aa.BearerTokenAuth(DEFAULT_STATIC_TOKEN), deadline=0.3
        ) as client:
            fake_atlas.delay(2.0)
            try:
                await client.auditing.get_group_audit_log(group_id=GROUP)
            except aa.APITimeoutError as exc:
                return str(exc.phase)
        return None

    assert asyncio.run(main()) == "deadline"
