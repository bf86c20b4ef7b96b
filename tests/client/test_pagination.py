"""Paginated lists over HTTP: lazy pages, totals, max_items, sync and async, bounded memory.

The package is generated from tests/client/specs/paginated.yaml (the shipped spec has no
paginated operation: none of its seed pages is a list) and talks to the fake Atlas serving
that spec, which pages ``list_size`` generated items as Atlas does.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from client_support import generate_package, import_fresh
from servers.fake_atlas import DEFAULT_STATIC_TOKEN, FakeAtlas, api_requests

SPEC = Path(__file__).resolve().parent / "specs" / "paginated.yaml"
GROUP = "32b6e34b3d91647abb20e7b8"


@pytest.fixture(scope="session")
def paged(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """``atlas_paged``: the package of the paginated fixture spec."""
    path = generate_package(
        tmp_path_factory.mktemp("paged") / "generated", spec=SPEC, package="atlas_paged"
    )
    return import_fresh("atlas_paged", path)


@pytest.fixture
def atlas() -> Iterator[FakeAtlas]:
    with FakeAtlas(spec_path=SPEC, list_size=250) as fake:
        yield fake


@pytest.fixture
def client(paged: ModuleType, atlas: FakeAtlas) -> Iterator[Any]:
    with paged.Client(base_url=atlas.url, auth=paged.BearerTokenAuth(DEFAULT_STATIC_TOKEN)) as c:
        yield c


def async_client(paged: ModuleType, atlas: FakeAtlas) -> Any:
    return paged.AsyncClient(base_url=atlas.url, auth=paged.BearerTokenAuth(DEFAULT_STATIC_TOKEN))


def ids(count: int, start: int = 0) -> list[str]:
    return [f"{index:024x}" for index in range(start, start + count)]


def page_queries(atlas: FakeAtlas) -> list[dict[str, str]]:
    return [r.query for r in api_requests(atlas)]


def test_iterating_the_first_page_yields_every_item_fetching_pages_lazily(
    client: Any, atlas: FakeAtlas
) -> None:
    page = client.clusters.list_group_clusters(group_id=GROUP)
    assert [c.id for c in page.results] == ids(100)
    assert page.total_count == 250 and page.page_num == 1 and page.has_next_page()
    assert len(api_requests(atlas)) == 1
    items = iter(page)
    assert [c.id for c in itertools.islice(items, 150)] == ids(150)
    assert len(api_requests(atlas)) == 2  # the third page is not fetched before it is needed
    assert [c.id for c in items] == ids(100, 150)
    # Later pages skip the count the first one already gave.
    assert page_queries(atlas) == [
        {},
        {"pageNum": "2", "includeCount": "false"},
        {"pageNum": "3", "includeCount": "false"},
    ]


def test_pages_walks_page_by_page_from_the_page_asked_for(client: Any, atlas: FakeAtlas) -> None:
    page = client.clusters.list_group_clusters(group_id=GROUP, items_per_page=60, page_num=2)
    walked = [(p.page_num, len(p.results), p.total_count) for p in page.pages()]
    assert walked == [(2, 60, 250), (3, 60, 250), (4, 60, 250), (5, 10, 250)]
    assert [c.id for c in page] == ids(190, 60)


def test_max_items_bounds_the_items_and_the_pages_fetched(client: Any, atlas: FakeAtlas) -> None:
    page = client.clusters.list_group_clusters(group_id=GROUP, max_items=200)
    assert [c.id for c in page] == ids(200)
    assert len(api_requests(atlas)) == 2  # 200 items are two full pages: no third request
    assert list(client.clusters.list_group_clusters(group_id=GROUP, max_items=0)) == []


def test_the_last_page_is_known_from_the_total_or_from_an_empty_page(
    client: Any, atlas: FakeAtlas
) -> None:
    atlas.list_size = 200
    assert len(list(client.clusters.list_group_clusters(group_id=GROUP))) == 200
    assert len(api_requests(atlas)) == 2  # totalCount says page 2 was the last
    uncounted = client.clusters.list_group_clusters(group_id=GROUP, include_count=False)
    assert uncounted.total_count is None
    assert len(list(uncounted)) == 200
    assert len(api_requests(atlas)) == 2 + 3  # without a total, an empty page ends it


def test_enveloped_pages_page_the_same(client: Any, atlas: FakeAtlas) -> None:
    page = client.clusters.list_group_clusters(group_id=GROUP, envelope=True)
    assert page.total_count == 250
    assert [c.id for c in page] == ids(250)
    assert all(r.query["envelope"] == "true" for r in api_requests(atlas))


def test_an_error_on_a_later_page_raises_while_iterating(
    paged: ModuleType, client: Any, atlas: FakeAtlas
) -> None:
    page = client.clusters.list_group_clusters(group_id=GROUP)
    atlas.fail(404)
    with pytest.raises(paged.NotFoundError):
        list(page)


NEWER_PAGE = {
    "links": [],
    "results": [
        {"id": "0" * 24, "name": "a", "stateName": "IDLE"},
        {"id": "not-hex", "name": "b", "stateName": "RESTARTING", "tier": "M10"},
        {"id": "1" * 24, "stateName": "DELETING"},
    ],
    "totalCount": 3,
}


def test_items_are_what_the_response_context_makes_of_them_sync_and_async(
    paged: ModuleType, client: Any, atlas: FakeAtlas
) -> None:
    """Items of a newer server's page are what the model makes of them with RESPONSE_CONTEXT:
    known states are members, an unknown state, an id off its pattern and an unknown field
    are kept; sync, async and enveloped (parsed from JSON text, or from Python objects). A
    client with strict_response_validation refuses the page."""
    models = paged.models
    context = import_module(paged.__name__ + "._models").RESPONSE_CONTEXT
    expected = [
        models.Cluster.model_validate(item, context=context) for item in NEWER_PAGE["results"]
    ]
    path = f"/api/atlas/v2/groups/{GROUP}/clusters"
    atlas.answer("GET", path, 200, NEWER_PAGE, times=3)  # the fake adds the envelope
    listed = list(client.clusters.list_group_clusters(group_id=GROUP))
    enveloped = list(client.clusters.list_group_clusters(group_id=GROUP, envelope=True))

    async def main() -> list[Any]:
        async with async_client(paged, atlas) as async_listing:
            return [c async for c in async_listing.clusters.list_group_clusters(group_id=GROUP)]

    for items in (listed, enveloped, asyncio.run(main())):
        assert items == expected
        assert [c.state_name for c in items] == [
            models.ClusterStateName.IDLE,
            "RESTARTING",
            models.ClusterStateName.DELETING,
        ]
        assert [type(c.state_name) for c in items] == [type(c.state_name) for c in expected]
        assert type(items[1].state_name) is str and items[1].model_extra == {"tier": "M10"}
        assert items[1].id == "not-hex"
        assert [c.model_fields_set for c in items] == [e.model_fields_set for e in expected]
    odd = [{"stateName": 7}, {"stateName": ["IDLE"]}, {"stateName": "UPDATING"}]
    atlas.answer("GET", path, 200, {"results": odd, "totalCount": 3})
    kept = [c.state_name for c in client.clusters.list_group_clusters(group_id=GROUP)]
    assert kept == [7, ["IDLE"], models.ClusterStateName.UPDATING]  # off-type: kept as sent
    atlas.answer("GET", path, 200, NEWER_PAGE)
    with (
        paged.Client(
            base_url=atlas.url,
            auth=paged.BearerTokenAuth(DEFAULT_STATIC_TOKEN),
            strict_response_validation=True,
        ) as strict,
        pytest.raises(paged.APIResponseValidationError),
    ):
        strict.clusters.list_group_clusters(group_id=GROUP)


def test_raw_response_is_the_first_page_as_sent(paged: ModuleType, client: Any) -> None:
    response = client.clusters.with_raw_response.list_group_clusters(group_id=GROUP)
    assert response.status_code == 200
    body = response.parse()
    assert isinstance(body, paged.models.PaginatedClusterView)
    assert body.total_count == 250 and len(body.results) == 100


def test_a_sunset_past_as_of_the_spec_is_stated_in_the_past_tense(paged: ModuleType) -> None:
    """paginated.yaml's 2023-01-01 sunset (2024-06-30) is older than its newest version."""
    doc = " ".join(paged.resources.clusters.ClustersResource.list_group_clusters.__doc__.split())
    assert "API versions: 2023-01-01 (was sunset on 2024-06-30), 2024-08-05;" in doc


def test_only_the_list_convention_is_paginated(paged: ModuleType, client: Any) -> None:
    """results without pageNum, or paging parameters without totalCount: plain models."""
    indexes = client.clusters.list_group_cluster_search_indexes(group_id=GROUP, cluster_name="c")
    assert isinstance(indexes, paged.models.PaginatedClusterView)
    processes = client.clusters.list_group_cluster_processes(group_id=GROUP, cluster_name="c")
    assert isinstance(processes, paged.models.ProcessList)


def test_async_lists_iterate_await_and_walk_pages(paged: ModuleType, atlas: FakeAtlas) -> None:
    async def main() -> None:
        async with async_client(paged, atlas) as client:
            listed = [c.id async for c in client.clusters.list_group_clusters(group_id=GROUP)]
            assert listed == ids(250)
            pager = client.clusters.list_group_clusters(group_id=GROUP, max_items=130)
            assert not api_requests(atlas)[3:]  # nothing sent before it is awaited or iterated
            first = await pager
            assert pager.total_count == first.total_count == 250
            assert [c.id async for c in first] == ids(130)
            walked = [
                (p.page_num, len(p.results))
                async for p in client.clusters.list_group_clusters(group_id=GROUP).pages()
            ]
            assert walked == [(1, 100), (2, 100), (3, 50)]
            raw = await client.clusters.with_raw_response.list_group_clusters(group_id=GROUP)
            assert raw.parse().total_count == 250

    asyncio.run(main())
    assert len(api_requests(atlas)) == 3 + 2 + 3 + 1


def live_items(cls: type) -> int:
    return sum(1 for obj in gc.get_objects() if type(obj) is cls)


def test_a_ten_thousand_item_listing_is_never_held_in_memory_at_once(
    paged: ModuleType, client: Any, atlas: FakeAtlas
) -> None:
    """Counting live item models while iterating 10,000 of them: never more than two pages
    (the one being read and the next one being parsed)."""
    atlas.list_size = 10_000
    cluster = paged.models.Cluster
    peak = seen = 0
    for item in client.clusters.list_group_clusters(group_id=GROUP):
        seen += 1
        if seen % 500 == 0:
            peak = max(peak, live_items(cluster))
        del item
    assert seen == 10_000
    assert 100 <= peak <= 200


def test_a_ten_thousand_item_listing_is_never_held_in_memory_at_once_async(
    paged: ModuleType, atlas: FakeAtlas
) -> None:
    atlas.list_size = 10_000
    cluster = paged.models.Cluster

    async def main() -> tuple[int, int]:
        peak = seen = 0
        async with async_client(paged, atlas) as client:
            async for _ in client.clusters.list_group_clusters(group_id=GROUP, items_per_page=500):
                seen += 1
                if seen % 1000 == 0:
                    peak = max(peak, live_items(cluster))
        return seen, peak

    seen, peak = asyncio.run(main())
    assert seen == 10_000
    assert 500 <= peak <= 1000
