"""``-o/--output`` on an operation that answers one version in two formats, over real HTTP.

No shipped operation has two formats for one version, so this generates the CLI from the
shipped spec with a ``+csv`` form added to ``getGroupAuditLog`` and runs it against a small
server that answers in whatever format the ``Accept`` header asks for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from cli_support import GROUP, ROOT, generate_cli, run_in

JSON = "application/vnd.atlas.2024-05-30+json"
CSV = "application/vnd.atlas.2024-05-30+csv"
BODIES = {JSON: b'{"enabled": true, "auditFilter": "{}"}', CSV: b"enabled,auditFilter\ntrue,{}\n"}
# What the CLI prints: JSON indented, as every JSON answer; CSV as it came.
PRINTED = {JSON: b'{\n  "enabled": true,\n  "auditFilter": "{}"\n}\n', CSV: BODIES[CSV]}
COMMAND = ["api", "auditing", "getGroupAuditLog", "--groupId", GROUP]


@pytest.fixture(scope="module")
def two_format_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("two-formats")
    spec = yaml.safe_load((ROOT / "specs" / "atlas-admin.yaml").read_text(encoding="utf-8"))
    content = spec["paths"]["/api/atlas/v2/groups/{groupId}/auditLog"]["get"]["responses"]["200"][
        "content"
    ]
    content[CSV] = {"schema": {"type": "string", "format": "binary"}}
    (folder / "spec.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return generate_cli(folder / "out", folder / "spec.yaml")


class _ByAccept(BaseHTTPRequestHandler):
    accepted: ClassVar[list[str]] = []  # Accept headers seen; the fixture resets it

    def do_GET(self) -> None:
        accept = self.headers.get("Accept", "")
        type(self).accepted.append(accept)
        body = BODIES.get(accept)
        self.send_response(200 if body else 406)
        self.send_header("Content-Type", accept if body else "application/json")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    _ByAccept.accepted = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _ByAccept)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _ByAccept.accepted
    finally:
        httpd.shutdown()
        httpd.server_close()


def _env(url: str) -> dict[str, str]:
    return {"MONGODB_ATLAS_BASE_URL": url, "MONGODB_ATLAS_ACCESS_TOKEN": "token"}


@pytest.mark.parametrize(("fmt", "media_type"), [("json", JSON), ("csv", CSV)])
def test_output_selects_the_format_to_stdout(
    two_format_cli: Path, server: tuple[str, list[str]], fmt: str, media_type: str
) -> None:
    url, accepted = server
    result = run_in(two_format_cli, [*COMMAND, "--output", fmt], _env(url))
    assert result.returncode == 0, result.stderr.decode()
    assert accepted == [media_type]
    assert result.stdout == PRINTED[media_type]


def test_short_output_flag_with_an_output_file(
    two_format_cli: Path, server: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, accepted = server
    target = tmp_path / "audit.csv"
    result = run_in(two_format_cli, [*COMMAND, "-o", "csv", "--outputFile", str(target)], _env(url))
    assert result.returncode == 0, result.stderr.decode()
    assert accepted == [CSV]
    assert target.read_bytes() == BODIES[CSV]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.csv"]


def test_a_format_the_operation_lacks_is_a_usage_error(
    two_format_cli: Path, server: tuple[str, list[str]]
) -> None:
    url, accepted = server
    result = run_in(two_format_cli, [*COMMAND, "--output", "gzip"], _env(url))
    assert result.returncode == 2
    assert "--output" in result.stderr.decode() and "gzip" in result.stderr.decode()
    assert accepted == []
