"""The CLI of tests/client/specs/real_world.yaml against the fake Atlas serving that spec:
flags from any parameter name, constants sent, unknown body fields refused."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import GROUP, ROOT, generate_cli, run_in
from servers.fake_atlas import FakeAtlas

SPEC = ROOT / "tests" / "client" / "specs" / "real_world.yaml"


@pytest.fixture(scope="module")
def real_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_cli(tmp_path_factory.mktemp("real-cli") / "generated", SPEC)


@pytest.fixture
def fake() -> Iterator[FakeAtlas]:
    with FakeAtlas(spec_path=SPEC) as atlas:
        yield atlas


def run(
    real_cli: Path, fake: FakeAtlas, *args: str, **kwargs: Any
) -> subprocess.CompletedProcess[bytes]:
    env = {
        "MONGODB_ATLAS_BASE_URL": fake.url,
        "MONGODB_ATLAS_PUBLIC_API_KEY": fake.public_key,
        "MONGODB_ATLAS_PRIVATE_API_KEY": fake.private_key,
    }
    return run_in(real_cli, args, env, **kwargs)


def test_a_digit_leading_flag_and_a_constant(real_cli: Path, fake: FakeAtlas) -> None:
    body = json.dumps({"collection": "places", "2dsphereIndexVersion": 3}).encode()
    result = run(
        real_cli,
        fake,
        *("api", "close", "createIndex", "--groupId", GROUP, "--2dsphereIndexVersion", "2"),
        *("--file", "-"),
        input=body,
    )
    assert result.returncode == 0, result.stderr.decode()
    request = fake.requests[-1]
    assert request.query == {"2dsphereIndexVersion": "2"}
    assert request.json() == {"collection": "places", "2dsphereIndexVersion": 3, "kind": "GEO"}


def test_a_name_a_shell_would_split_gets_a_lower_camel_flag(
    real_cli: Path, fake: FakeAtlas
) -> None:
    result = run(
        real_cli,
        fake,
        "api",
        "invoke",
        "getIndex",
        "--groupId",
        GROUP,
        "--id",
        "x",
        "--sortBy",
        "name",
    )
    assert result.returncode == 0, result.stderr.decode()
    assert fake.requests[-1].query == {"sort by": "name"}
    assert json.loads(result.stdout)["model_dump"]  # wire names, as received


def test_an_unknown_body_field_is_a_usage_error_and_sends_nothing(
    real_cli: Path, fake: FakeAtlas
) -> None:
    body = json.dumps({"collection": "places", "colection": "x"}).encode()
    result = run(
        real_cli, fake, "api", "close", "createIndex", "--groupId", GROUP, "--file", "-", input=body
    )
    assert result.returncode == 2
    assert "colection" in result.stderr.decode() and "collection" in result.stderr.decode()
    assert fake.requests == []
