"""``--all`` of a paginated list: every item of every page as JSON Lines, over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import generate_cli, run_in
from servers.fake_atlas import DEFAULT_STATIC_TOKEN, FakeAtlas

SPEC = Path(__file__).resolve().parents[1] / "client" / "specs" / "paginated.yaml"
GROUP = "32b6e34b3d91647abb20e7b8"
LIST = ["api", "clusters", "listGroupClusters", "--groupId", GROUP]


@pytest.fixture(scope="module")
def paged_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_cli(tmp_path_factory.mktemp("paged-cli") / "generated", SPEC)


@pytest.fixture
def atlas() -> Iterator[FakeAtlas]:
    with FakeAtlas(spec_path=SPEC, list_size=250) as fake:
        yield fake


def run(paged_cli: Path, atlas: FakeAtlas, *args: str) -> tuple[int, bytes]:
    env = {"MONGODB_ATLAS_BASE_URL": atlas.url, "MONGODB_ATLAS_ACCESS_TOKEN": DEFAULT_STATIC_TOKEN}
    result = run_in(paged_cli, [*LIST, *args], env)
    assert result.stderr == b""
    return result.returncode, result.stdout


def json_lines(output: bytes) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines()]


def test_all_prints_every_item_of_every_page_as_json_lines(
    paged_cli: Path, atlas: FakeAtlas
) -> None:
    code, output = run(paged_cli, atlas, "--all", "--itemsPerPage", "100")
    items = json_lines(output)
    assert code == 0
    assert [item["id"] for item in items] == [f"{i:024x}" for i in range(250)]
    assert items[0] == {"id": f"{0:024x}", "name": "Cluster0", "stateName": "IDLE"}
    assert [r.query.get("pageNum") for r in atlas.requests] == [None, "2", "3"]


def test_all_starts_at_the_page_asked_for_and_envelopes_still_work(
    paged_cli: Path, atlas: FakeAtlas
) -> None:
    code, output = run(paged_cli, atlas, "--all", "--pageNum", "3", "--envelope")
    items = json_lines(output)
    assert code == 0
    assert [item["id"] for item in items] == [f"{i:024x}" for i in range(200, 250)]


def test_without_all_the_first_page_is_printed_as_sent(paged_cli: Path, atlas: FakeAtlas) -> None:
    code, output = run(paged_cli, atlas)
    page = json.loads(output)
    assert code == 0 and len(atlas.requests) == 1
    assert (len(page["results"]), page["totalCount"]) == (100, 250)
