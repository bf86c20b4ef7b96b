"""Every operation, version, output path and failure of the CLI, as real subprocesses."""

from __future__ import annotations

import gzip
import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_support import (
    ACCESS_HISTORY,
    GROUP,
    SEED_000_PAYLOAD,
    Runner,
    base_environment,
    run_in,
)

BODY = {
    "type": "S3_LOG_EXPORT",
    "bucketName": "my-log-bucket",
    "iamRoleId": "507f1f77bcf86cd799439011",
    "logTypes": ["MONGOD", "MONGOS_AUDIT"],
    "prefixPath": "mongo-logs/",
}
CREATE = ["api", "pushBasedLogExport", "createGroupLogIntegration"]
DOWNLOAD = ["api", "streams", "downloadAuditLogs", "--groupId", GROUP, "--tenantName", "ws1"]
WINDOW = ["--startDate", "1636466948", "--endDate", "1636481348"]


def _last(atlas: Any) -> Any:
    return atlas.requests[-1]


def test_get_access_history_prints_the_json_body(cli: Runner, fake_atlas: Any) -> None:
    result = cli(
        "api",
        "accessTracking",
        "getGroupDbAccessHistoryCluster",
        "--groupId",
        GROUP,
        "--clusterName",
        "Cluster0",
        "--nLogs",
        "10",
        "--authResult",
    )
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert "accessLogs" in data  # the API's field names, as received
    assert result.stdout.decode().startswith("{\n  ")  # indented
    request = _last(fake_atlas)
    assert request.path == f"/api/atlas/v2/groups/{GROUP}/dbAccessHistory/clusters/Cluster0"
    assert request.query == {"nLogs": "10", "authResult": "true"}
    assert request.headers["accept"] == "application/vnd.atlas.2024-05-30+json"


def test_alias_and_boolean_with_a_value(cli: Runner, fake_atlas: Any) -> None:
    result = cli(*ACCESS_HISTORY, "--clusterName", "Cluster0", "--authResult=false")
    assert result.returncode == 0, result.stderr.decode()
    assert _last(fake_atlas).query == {"authResult": "false"}


def test_get_audit_log(cli: Runner, fake_atlas: Any) -> None:
    result = cli(
        "api", "auditing", "getGroupAuditLog", "--groupId", GROUP, "--version", "2024-05-30"
    )
    assert result.returncode == 0, result.stderr.decode()
    assert isinstance(json.loads(result.stdout), dict)
    assert _last(fake_atlas).path == f"/api/atlas/v2/groups/{GROUP}/auditLog"
    assert _last(fake_atlas).query == {}  # defaults are not sent


def test_create_log_integration_from_a_file(cli: Runner, fake_atlas: Any, tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text(json.dumps(BODY), encoding="utf-8")
    result = cli(*CREATE, "--groupId", GROUP, "--file", str(body))
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["bucketName"] == "my-log-bucket"
    request = _last(fake_atlas)
    assert request.method == "POST"
    assert request.json() == BODY
    assert request.headers["content-type"].startswith("application/vnd.atlas.2025-03-12+json")


def test_the_reference_pages_example_payload_works_as_written(cli: Runner, fake_atlas: Any) -> None:
    """The page's payload has no ``type``; Atlas requires it, and it can be one value only."""
    result = cli(*CREATE, "--groupId", GROUP, "--file", str(SEED_000_PAYLOAD))
    assert result.returncode == 0, result.stderr.decode()
    sent = _last(fake_atlas).json()
    assert sent == {**json.loads(SEED_000_PAYLOAD.read_text()), "type": "S3_LOG_EXPORT"}
    assert json.loads(result.stdout)["type"] == "S3_LOG_EXPORT"


def test_create_log_integration_from_stdin(cli: Runner, fake_atlas: Any) -> None:
    result = cli(*CREATE, "--projectId", GROUP, "--file", "-", input=json.dumps(BODY).encode())
    assert result.returncode == 0, result.stderr.decode()
    assert _last(fake_atlas).json() == BODY


def test_a_missing_body_is_a_usage_error(cli: Runner, fake_atlas: Any) -> None:
    result = cli(*CREATE, "--groupId", GROUP)
    assert result.returncode == 2
    assert "--file" in result.stderr.decode()
    assert fake_atlas.requests == []


def test_an_invalid_body_names_the_field_and_sends_nothing(cli: Runner, fake_atlas: Any) -> None:
    bad = {**BODY, "logTypes": ["NOPE"]}
    result = cli(*CREATE, "--groupId", GROUP, "--file", "-", input=json.dumps(bad).encode())
    assert result.returncode == 2, result.stderr.decode()
    stderr = result.stderr.decode()
    assert "--file" in stderr and "logTypes" in stderr
    assert fake_atlas.requests == []


def test_a_body_that_is_not_json(cli: Runner, fake_atlas: Any) -> None:
    result = cli(*CREATE, "--groupId", GROUP, "--file", "-", input=b"{nope")
    assert result.returncode == 2
    assert "--file" in result.stderr.decode()


@pytest.mark.parametrize("version", ["2023-02-01", "2025-02-19", None])
def test_download_each_version_to_a_file(
    cli: Runner, fake_atlas: Any, tmp_path: Path, version: str | None
) -> None:
    target = tmp_path / "logs.gz"
    extra = ["--version", version] if version else []
    result = cli(*DOWNLOAD, *WINDOW, *extra, "--outputFile", str(target))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == b""
    assert gzip.decompress(target.read_bytes()) == fake_atlas.audit_log_payload(
        "ws1", 1636466948, 1636481348
    )
    accept = _last(fake_atlas).headers["accept"]
    assert accept == f"application/vnd.atlas.{version or '2025-02-19'}+gzip"
    assert [p.name for p in tmp_path.iterdir()] == ["logs.gz"]  # no temporary left over


def test_download_to_a_pipe_streams_the_gzip(cli: Runner, fake_atlas: Any) -> None:
    result = cli(*DOWNLOAD, *WINDOW)
    assert result.returncode == 0, result.stderr.decode()
    assert gzip.decompress(result.stdout) == fake_atlas.audit_log_payload(
        "ws1", 1636466948, 1636481348
    )


def test_download_to_a_terminal_is_refused(
    cli_path: Path, atlas_env: dict[str, str], fake_atlas: Any
) -> None:
    leader, follower = pty.openpty()
    try:
        env = {**base_environment(cli_path), **atlas_env}
        result = subprocess.run(
            [sys.executable, "-m", "atlas_admin", *DOWNLOAD],
            env=env,
            stdout=follower,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 2
    assert b"--outputFile" in result.stderr and b"pipe" in result.stderr
    assert fake_atlas.requests == []


def test_a_dropped_download_leaves_no_file(cli: Runner, fake_atlas: Any, tmp_path: Path) -> None:
    fake_atlas.drop(after_bytes=100, times=3)
    target = tmp_path / "logs.gz"
    result = cli(*DOWNLOAD, *WINDOW, "--outputFile", str(target))
    assert result.returncode == 1
    assert len(result.stderr.decode().strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("status", "command"),
    [
        (400, ["api", "auditing", "getGroupAuditLog", "--groupId", GROUP]),
        (401, ["api", "auditing", "getGroupAuditLog", "--groupId", GROUP]),
        (403, ["api", "auditing", "getGroupAuditLog", "--groupId", GROUP]),
        (404, ["api", "auditing", "getGroupAuditLog", "--groupId", GROUP]),
        (409, [*ACCESS_HISTORY, "--clusterName", "c"]),
        (429, DOWNLOAD),
        (500, ["api", "auditing", "getGroupAuditLog", "--groupId", GROUP]),
    ],
)
def test_each_error_status(cli: Runner, fake_atlas: Any, status: int, command: list[str]) -> None:
    fake_atlas.fail(status, times=3, retry_after=0 if status == 429 else None)
    result = cli(*command)
    assert result.returncode == 1, result.stderr.decode()
    assert result.stdout == b""
    stderr = result.stderr.decode()
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert f"HTTP {status}" in stderr
    assert "Error code:" in stderr and "Detail:" in stderr


def test_api_error_fields_are_shown(cli: Runner, fake_atlas: Any) -> None:
    fake_atlas.fail(
        404,
        body={
            "error": 404,
            "errorCode": "GROUP_NOT_FOUND",
            "detail": "No group with ID x exists.",
            "reason": "Not Found",
        },
    )
    result = cli("api", "auditing", "getGroupAuditLog", "--groupId", GROUP)
    assert result.returncode == 1
    assert result.stderr.decode().strip() == (
        'Error: HTTP 404 Not Found (Error code: "GROUP_NOT_FOUND") Detail: No group with ID x exists.'
    )


def test_connection_refused_is_one_line(cli_path: Path) -> None:
    env = {
        "MONGODB_ATLAS_BASE_URL": "http://127.0.0.1:9",
        "MONGODB_ATLAS_ACCESS_TOKEN": "token",
    }
    result = run_in(cli_path, ["api", "auditing", "getGroupAuditLog", "--groupId", GROUP], env)
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert len(stderr.strip().splitlines()) == 1 and "connection" in stderr.lower(), stderr


def test_missing_credentials(cli_path: Path, fake_atlas: Any) -> None:
    env = {"MONGODB_ATLAS_BASE_URL": fake_atlas.url}
    result = run_in(cli_path, ["api", "auditing", "getGroupAuditLog", "--groupId", GROUP], env)
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert len(stderr.strip().splitlines()) == 1
    for variable in (
        "MONGODB_ATLAS_PUBLIC_API_KEY",
        "MONGODB_ATLAS_PRIVATE_API_KEY",
        "MONGODB_ATLAS_CLIENT_ID",
    ):
        assert variable in stderr
    assert fake_atlas.requests == []


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--groupId", "not-hex", "--clusterName", "c"], "--groupId"),
        (["--groupId", GROUP, "--clusterName", "-bad"], "--clusterName"),
        (["--groupId", GROUP, "--clusterName", "c", "--nLogs", "20001"], "--nLogs"),
        (["--groupId", GROUP, "--clusterName", "c", "--nLogs", "ten"], "--nLogs"),
        (["--groupId", GROUP, "--clusterName", "c", "--ipAddress", "999.1.1.1"], "--ipAddress"),
        (["--groupId", GROUP, "--clusterName", "c", "--start", "1"], "--start"),
        (["--groupId", GROUP, "--clusterName", "c", "--version", "2020-01-01"], "--version"),
        (["--clusterName", "c"], "--groupId"),
    ],
)
def test_a_bad_flag_value_names_the_flag(
    cli: Runner, fake_atlas: Any, args: list[str], flag: str
) -> None:
    result = cli("api", "accessTracking", "getAccessHistoryCluster", *args)
    assert result.returncode == 2, result.stderr.decode()
    assert flag in result.stderr.decode()
    assert fake_atlas.requests == []


def test_project_id_alias_and_environment(cli: Runner, fake_atlas: Any) -> None:
    other = "aaaaaaaaaaaaaaaaaaaaaaaa"
    by_alias = cli("api", "auditing", "getGroupAuditLog", "--projectId", GROUP)
    assert by_alias.returncode == 0, by_alias.stderr.decode()
    assert _last(fake_atlas).path == f"/api/atlas/v2/groups/{GROUP}/auditLog"
    by_env = cli("api", "auditing", "getGroupAuditLog", env={"MONGODB_ATLAS_PROJECT_ID": other})
    assert by_env.returncode == 0, by_env.stderr.decode()
    assert _last(fake_atlas).path == f"/api/atlas/v2/groups/{other}/auditLog"
    flag_wins = cli(
        "api",
        "auditing",
        "getGroupAuditLog",
        "--groupId",
        GROUP,
        env={"MONGODB_ATLAS_PROJECT_ID": other},
    )
    assert flag_wins.returncode == 0
    assert _last(fake_atlas).path == f"/api/atlas/v2/groups/{GROUP}/auditLog"
    bad_env = cli("api", "auditing", "getGroupAuditLog", env={"MONGODB_ATLAS_PROJECT_ID": "nope"})
    assert bad_env.returncode == 2 and "--groupId" in bad_env.stderr.decode()


def test_bearer_token_from_the_environment(cli_path: Path, fake_atlas: Any) -> None:
    env = {
        "MONGODB_ATLAS_BASE_URL": fake_atlas.url,
        "MONGODB_ATLAS_ACCESS_TOKEN": "fake-atlas-static-token",
    }
    result = run_in(cli_path, ["api", "auditing", "getGroupAuditLog", "--groupId", GROUP], env)
    assert result.returncode == 0, result.stderr.decode()
    assert _last(fake_atlas).headers["authorization"] == "Bearer fake-atlas-static-token"


def test_an_enveloped_error_exits_1(cli: Runner, fake_atlas: Any) -> None:
    """With --envelope Atlas answers 200 and states the error's status in the body."""
    fake_atlas.fail(404)
    result = cli("api", "auditing", "getGroupAuditLog", "--groupId", GROUP, "--envelope")
    assert _last(fake_atlas).query == {"envelope": "true"}
    assert result.returncode == 1, result.stdout.decode()
    assert result.stdout == b""
    assert result.stderr.decode().startswith("Error: HTTP 404"), result.stderr.decode()


def test_envelope_flag_is_sent(cli: Runner, fake_atlas: Any) -> None:
    result = cli("api", "auditing", "getGroupAuditLog", "--groupId", GROUP, "--envelope")
    assert result.returncode == 0, result.stderr.decode()
    assert _last(fake_atlas).query == {"envelope": "true"}
    assert "content" in json.loads(result.stdout) or "status" in json.loads(result.stdout)
