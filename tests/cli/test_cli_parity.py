"""`atlas api` command lines (tests/cli/parity_commands.yaml) against the generated CLI of
tests/specs/parity.yaml: each line sends exactly the requests its entry lists to the fake
Atlas, prints what it says, and never prints a secret. Then the same watchers, query arrays
and profiles through the Python client."""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_support import base_environment, generate_cli
from servers.fake_atlas import (
    DEFAULT_PRIVATE_KEY,
    DEFAULT_PUBLIC_KEY,
    FakeAtlas,
    RecordedRequest,
)

HERE = Path(__file__).resolve().parent
SPEC = HERE.parent / "specs" / "parity.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load((HERE / "parity_commands.yaml").read_text("utf-8"))
GROUP = "32b6e34b3d91647abb20e7b8"


@pytest.fixture(scope="module")
def parity_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_cli(tmp_path_factory.mktemp("parity") / "generated", SPEC)


@pytest.fixture
def parity_atlas() -> Iterator[FakeAtlas]:
    with FakeAtlas(spec_path=SPEC) as atlas:
        yield atlas


def _as_written(request: RecordedRequest) -> dict[str, Any]:
    """A request as the fixture writes one (headers apart)."""
    written: dict[str, Any] = {
        "method": request.method,
        "path": request.path,
        "query": [list(item) for item in request.query_items],
        "accept": request.headers.get("accept"),
        "content_type": request.headers.get("content-type"),
        "body": request.json() if request.body else None,
    }
    return written


def _expected(entry: dict[str, Any], request: RecordedRequest) -> dict[str, Any]:
    expected = {
        "method": entry["method"],
        "path": entry["path"],
        "query": entry.get("query", []),
        "accept": entry["accept"],
        "content_type": entry.get("content_type"),
        "body": entry.get("body"),
    }
    for name, value in entry.get("headers", {}).items():
        assert request.headers.get(name) == value, name
    return expected


@pytest.mark.parametrize("case", CASES, ids=[case["covers"] for case in CASES])
def test_command_line_sends_exactly(
    case: dict[str, Any], parity_cli: Path, parity_atlas: FakeAtlas, tmp_path: Path
) -> None:
    def fill(text: str) -> str:
        return text.replace("{url}", parity_atlas.url).replace("{tmp}", str(tmp_path))

    env: dict[str, str] = {
        "MONGODB_ATLAS_BASE_URL": parity_atlas.url,
        "MONGODB_ATLAS_PUBLIC_API_KEY": DEFAULT_PUBLIC_KEY,
        "MONGODB_ATLAS_PRIVATE_API_KEY": DEFAULT_PRIVATE_KEY,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    for name, value in case.get("env", {}).items():
        if value is None:
            env.pop(name)
        else:
            env[name] = fill(value)
    if "profile" in case:
        config = tmp_path / "config" / "atlascli" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text(fill(case["profile"]), encoding="utf-8")
    if "body_file" in case:
        (tmp_path / "body.json").write_text(case["body_file"], encoding="utf-8")
    for method, path, status, body in case.get("answers", []):
        parity_atlas.answer(method, path, status, body)
    words = shlex.split(fill(case["line"]))
    assert words[0] == "atlas"
    result = _run(parity_cli, words[1:], env, case.get("stdin"))
    stdout, stderr = result.stdout.decode(), result.stderr.decode()
    assert result.returncode == case.get("exit", 0), stderr
    if "stdout" in case:
        assert stdout == case["stdout"]
    assert case.get("stderr", "") in stderr
    assert DEFAULT_PRIVATE_KEY not in stdout + stderr
    if "file" in case:
        assert (tmp_path / "out").read_text(encoding="utf-8") == case["file"]
    sent = [request for request in parity_atlas.requests if request.status != 401]
    assert len(sent) == len(case["requests"]), [_as_written(r) for r in sent]
    for entry, request in zip(case["requests"], sent, strict=True):
        assert _as_written(request) == _expected(entry, request)


def _run(
    cli: Path, args: list[str], env: dict[str, str], stdin: str | None
) -> subprocess.CompletedProcess[bytes]:
    """The CLI with ``env`` over the base environment (no inherited credentials); standard
    input is /dev/null unless the case pipes something."""
    environment = {**base_environment(cli), **env}
    return subprocess.run(
        [sys.executable, "-m", "atlas_admin", *args],
        env=environment,
        input=stdin.encode() if stdin is not None else None,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        timeout=120,
        check=False,
    )


SYNC_SCRIPT = """
import json
from atlas_admin import Client, WatchTimeoutError

group = "32b6e34b3d91647abb20e7b8"
with Client.from_profile("work") as client:
    events = client.events.list_group_events(group_id=group, event_type=["A,B", "C"])
    created = client.clusters.create_group_cluster(group_id=group, body={"name": "Cluster0"})
    client.clusters.wait_for_create_group_cluster(
        group_id=group, response=created, timeout=30, interval=0.05
    )
    client.clusters.delete_group_cluster(group_id=group, cluster_name="Cluster0")
    try:
        client.clusters.wait_for_delete_group_cluster(
            group_id=group, cluster_name="Cluster0", timeout=0.2, interval=0.05
        )
    except WatchTimeoutError as exc:
        timed_out = str(exc)
    print(json.dumps({"profile": repr(client.profile), "total": events.total_count,
                      "timed_out": timed_out}))
"""
ASYNC_SCRIPT = """
import asyncio
from atlas_admin import AsyncClient


async def main() -> None:
    async with AsyncClient.from_profile("work") as client:
        await client.clusters.wait_for_delete_group_cluster(
            group_id="32b6e34b3d91647abb20e7b8", cluster_name="Cluster0", timeout=30, interval=0.05
        )

asyncio.run(main())
"""


def test_client_waits_sends_arrays_and_reads_profiles(
    parity_cli: Path, parity_atlas: FakeAtlas, tmp_path: Path
) -> None:
    config = tmp_path / "atlascli" / "config.toml"
    config.parent.mkdir()
    config.write_text(
        f'[work]\npublic_api_key = "{DEFAULT_PUBLIC_KEY}"\n'
        f'private_api_key = "{DEFAULT_PRIVATE_KEY}"\nproject_id = "{GROUP}"\n'
        f'ops_manager_url = "{parity_atlas.url}"\n',
        encoding="utf-8",
    )
    environment = {**base_environment(parity_cli), "XDG_CONFIG_HOME": str(tmp_path)}

    def python(script: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", script],
            env=environment,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr.decode()
        return result.stdout.decode()

    cluster = f"/api/atlas/v2/groups/{GROUP}/clusters/Cluster0"
    parity_atlas.answer("GET", cluster, 200, {"name": "Cluster0", "stateName": "CREATING"}, times=2)
    report = yaml.safe_load(python(SYNC_SCRIPT))
    assert report["total"] == 2
    assert DEFAULT_PRIVATE_KEY not in report["profile"]
    assert GROUP in report["profile"]
    assert "within 0.2s" in report["timed_out"]
    parity_atlas.answer("GET", cluster, 404)
    python(ASYNC_SCRIPT)
    sent = [request for request in parity_atlas.requests if request.status != 401]
    assert sent[0].query_items == (("eventType", "A,B"), ("eventType", "C"))
    polls = [(r.method, r.status) for r in sent if r.path == cluster]
    # create: CREATING twice, then IDLE; the delete; its sync wait sees 200s; the async one 404
    assert polls[:4] == [("GET", 200)] * 3 + [("DELETE", 202)]
    assert polls[4:-1] == [("GET", 200)] * len(polls[4:-1]) != []
    assert polls[-1] == ("GET", 404)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("atlas-admin api clus", "plain,clusters"),
        ("atlas-admin api clusters getCluster --gr", "plain,--groupId"),
    ],
)
def test_shell_completion_as_the_generated_readme_documents(
    parity_cli: Path, words: str, expected: str
) -> None:
    """bash shown; zsh and fish are click's other sources of the same completions."""
    environment = {
        **base_environment(parity_cli),
        "_ATLAS_ADMIN_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    result = subprocess.run(
        [sys.executable, "-m", "atlas_admin"],
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().splitlines() == [expected]


def test_help_keeps_usage_on_one_line_and_states_what_atlas_cli_does_otherwise(
    parity_cli: Path,
) -> None:
    """A narrow terminal: click would wrap ``[OPTIONS]`` onto a line of its own."""
    environment = {**base_environment(parity_cli), "COLUMNS": "40"}
    result = subprocess.run(
        [sys.executable, "-m", "atlas_admin", "api", "clusters", "getCluster", "--help"],
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    text = result.stdout.decode()
    assert text.splitlines()[0] == "Usage: atlas-admin api clusters getGroupCluster [OPTIONS]"
    flat = " ".join(text.split())
    assert "2023-02-01 (sunset 2025-01-01), 2024-08-05, preview (preview)" not in flat
    assert "2023-02-01 (sunset 2025-01-01), 2024-08-05, preview." in flat
    assert "The Atlas CLI defaults to the preview here" in flat
    bare = "".join(text.split())  # click may wrap a long name at a hyphen
    assert "SentastheHTTPheaderUse-Effective-Instance-Fields." in bare
    assert " ." not in flat
