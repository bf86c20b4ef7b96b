"""The CLI against a server that sends hostile text, broken bodies and slow downloads, and
files that cannot be written: one clean line on stderr, nothing raw on the terminal, no
half-written file left behind."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from cli_support import GROUP, SETTINGS, Runner, base_environment
from test_cli_commands import DOWNLOAD, WINDOW

AUDIT_LOG = ["api", "auditing", "getGroupAuditLog", "--groupId", GROUP]
AUDIT_LOG_PATH = f"/api/atlas/v2/groups/{GROUP}/auditLog"
JSON_HEADERS = {"Content-Type": "application/vnd.atlas.2024-05-30+json"}


def one_error_line(result: subprocess.CompletedProcess[bytes]) -> str:
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    return stderr.strip()


def test_escape_sequences_in_an_error_never_reach_the_terminal(
    cli: Runner, fake_atlas: Any
) -> None:
    fake_atlas.fail(
        400,
        body={
            "error": 400,
            "errorCode": "BAD\x1b[2J",
            "detail": "\x1b]0;TITLE\x07owned\x9b31m \u202eevil\nsecond line\x00",
            "reason": "Bad Request",
        },
    )
    line = one_error_line(cli(*AUDIT_LOG))
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202e]", line), repr(line)
    assert "TITLE" not in line and "owned" in line and "second line" in line


def test_escape_sequences_in_a_json_body_are_printed_escaped(cli: Runner, fake_atlas: Any) -> None:
    fake_atlas.respond(
        200,
        '{"auditFilter": "\\u001b]0;TITLE\\u0007 \u009b2J \u202e", "enabled": false}'.encode(),
        AUDIT_LOG_PATH,
        headers=JSON_HEADERS,
    )
    result = cli(*AUDIT_LOG)
    assert result.returncode == 0, result.stderr.decode()
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", result.stdout.decode())
    assert "\\u001b]0;TITLE\\u0007" in result.stdout.decode()


@pytest.mark.parametrize(
    "body",
    [b"<html>not json</html>", b'{"enabled": "not a boolean"}', b"[1, 2"],
    ids=["html", "wrong-type", "truncated"],
)
def test_a_200_that_is_not_the_declared_type_is_exit_1(
    cli: Runner, fake_atlas: Any, body: bytes
) -> None:
    fake_atlas.respond(200, body, AUDIT_LOG_PATH, headers=JSON_HEADERS)
    result = cli(*AUDIT_LOG)
    one_error_line(result)
    assert result.stdout == b""


def test_a_bare_500_says_its_status_once(cli: Runner, fake_atlas: Any) -> None:
    fake_atlas.respond(500, b"", AUDIT_LOG_PATH, times=3)
    line = one_error_line(cli(*AUDIT_LOG))
    assert line.count("500") == 1, line
    assert line.startswith("Error: HTTP 500 Internal Server Error")


@pytest.mark.parametrize("where", ["missing-folder", "a-directory"])
def test_an_unwritable_output_file_is_one_line_naming_it(
    cli: Runner, fake_atlas: Any, tmp_path: Path, where: str
) -> None:
    target = tmp_path / "nope" / "dir" / "x.gz" if where == "missing-folder" else tmp_path
    line = one_error_line(cli(*DOWNLOAD, *WINDOW, "--outputFile", str(target)))
    assert f"cannot write {target}: " in line
    assert ".part" not in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_mid_download_removes_the_partial_file(
    cli_path: Path, atlas_env: dict[str, str], fake_atlas: Any, tmp_path: Path, signum: int
) -> None:
    fake_atlas.audit_log_sizes["ws1"] = 8 << 20  # gzip of some 100 pieces, 0.05 s apart
    fake_atlas.drip(0.05, re.compile("/auditLogs$"), piece=4096)
    target = tmp_path / "logs.gz"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            SETTINGS.python_package,
            *DOWNLOAD,
            *WINDOW,
            "--outputFile",
            str(target),
        ],
        env={**base_environment(cli_path), **atlas_env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(600):  # until the partial file exists and has something in it
            parts = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
            if parts and parts[0].stat().st_size > 0:
                break
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        else:
            pytest.fail("the download never started writing")
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode != 0
    assert "Traceback" not in stderr.decode()
    assert list(tmp_path.iterdir()) == []
