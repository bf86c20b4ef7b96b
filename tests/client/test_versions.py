"""API versions: default newest, pinned per call or per client, unsupported, sunset, preview."""

from __future__ import annotations

import importlib
import json
import warnings
from datetime import date
from types import ModuleType
from typing import Any

import httpx
import pytest
from servers.fake_atlas import EXAMPLE_GROUP_ID, FakeAtlas, api_requests

GROUP = EXAMPLE_GROUP_ID
START, END = 1636466948, 1636481348
TREE = {"name": "oak", "level": 2, "branches": [{"length": 1.5, "children": [{"length": 0.5}]}]}


def test_default_is_the_newest_version(digest_client: Any, fake_atlas: FakeAtlas) -> None:
    with digest_client.streams.download_audit_logs(
        group_id=GROUP, tenant_name="t", start_date=START, end_date=END
    ):
        pass
    assert api_requests(fake_atlas)[-1].headers["accept"] == "application/vnd.atlas.2025-02-19+gzip"


def test_version_per_call(digest_client: Any, fake_atlas: FakeAtlas) -> None:
    raw = digest_client.streams.with_raw_response.download_audit_logs(
        group_id=GROUP, tenant_name="t", start_date=START, end_date=END, version="2023-02-01"
    )
    raw.parse().close()
    assert raw.version == "2023-02-01"
    assert api_requests(fake_atlas)[-1].headers["accept"] == "application/vnd.atlas.2023-02-01+gzip"


def test_unsupported_version_fails_before_any_request(
    aa: ModuleType, digest_client: Any, fake_atlas: FakeAtlas
) -> None:
    with pytest.raises(aa.UnsupportedVersionError) as caught:
        digest_client.streams.download_audit_logs(
            group_id=GROUP, tenant_name="t", version="2024-05-30"
        )
    assert caught.value.supported == ("2023-02-01", "2025-02-19")
    assert "2023-02-01, 2025-02-19" in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert fake_atlas.requests == []


def test_client_default_version_pins_the_newest_not_newer(
    aa: ModuleType, fake_atlas: FakeAtlas
) -> None:
    auth = aa.BearerTokenAuth("fake-atlas-static-token")
    with aa.Client(base_url=fake_atlas.url, auth=auth, default_version="2024-06-01") as client:
        client.streams.download_audit_logs(
            group_id=GROUP, tenant_name="t", start_date=START, end_date=END
        ).close()
        assert (
            api_requests(fake_atlas)[-1].headers["accept"]
            == "application/vnd.atlas.2023-02-01+gzip"
        )
        # the call's own version wins over the client's pin
        client.streams.download_audit_logs(
            group_id=GROUP, tenant_name="t", start_date=START, end_date=END, version="2025-02-19"
        ).close()
        assert (
            api_requests(fake_atlas)[-1].headers["accept"]
            == "application/vnd.atlas.2025-02-19+gzip"
        )
        # an operation whose only version is newer than the pin speaks that one
        client.push_based_log_export.create_group_log_integration(
            group_id=GROUP,
            body={
                "bucketName": "b",
                "iamRoleId": "507f1f77bcf86cd799439011",
                "logTypes": ["MONGOD"],
                "prefixPath": "p",
            },
        )
        assert (
            api_requests(fake_atlas)[-1].headers["accept"]
            == "application/vnd.atlas.2025-03-12+json"
        )
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        aa.Client(base_url=fake_atlas.url, auth=auth, default_version="2024/06/01")


class Recorder:
    """An httpx transport answering every request from the fixture spec's shapes."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        accept = request.headers["accept"]
        body = request.content or json.dumps(TREE).encode()
        return httpx.Response(200, headers={"Content-Type": accept}, content=body)


@pytest.fixture
def fixture_client(fixture_package: ModuleType) -> Any:
    recorder = Recorder()
    http_client = httpx.Client(transport=httpx.MockTransport(recorder))
    client = fixture_package.Client(
        base_url="https://atlas.invalid", auth=None, http_client=http_client
    )
    client.recorder = recorder
    return client


def last_accept(client: Any) -> str:
    """The Accept header of the last request ``fixture_client`` sent."""
    return str(client.recorder.requests[-1].headers["accept"])


def test_sunset_version_warns(fixture_package: ModuleType, fixture_client: Any) -> None:
    with pytest.warns(
        fixture_package.SunsetVersionWarning,
        match="was sunset on 2026-01-01; the API may reject it",
    ) as caught:
        tree = fixture_client.things.get_thing(thing_id="Eiche", version="2023-01-01")
    assert tree.name == "oak"
    assert caught[0].filename == __file__  # attributed to the caller, not the client
    assert last_accept(fixture_client) == "application/vnd.atlas.2023-01-01+json"


def test_sunset_tense_follows_the_day_of_the_call(fixture_package: ModuleType) -> None:
    """Measured when the call is made (the generated code holds only the date)."""
    validation = importlib.import_module(fixture_package.__name__ + "._validation")
    operation = importlib.import_module(fixture_package.__name__ + "._operations").get_operation(
        "getThing"
    )
    version = operation.version("2023-01-01")
    before = validation.sunset_message(operation, version, today=date(2025, 12, 31))
    assert "getThing is deprecated and sunsets on 2026-01-01; supported: " in before
    on_the_day = validation.sunset_message(operation, version, today=date(2026, 1, 1))
    assert "getThing was sunset on 2026-01-01; the API may reject it; supported: " in on_the_day


def test_preview_version_warns_and_newest_skips_preview(
    fixture_package: ModuleType, fixture_client: Any
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fixture_client.things.get_thing(thing_id="Eiche")  # newest dated: no warning
    assert last_accept(fixture_client) == "application/vnd.atlas.2025-01-01+json"
    with pytest.warns(fixture_package.PreviewVersionWarning):
        fixture_client.things.get_thing(thing_id="Eiche", version="preview")
    assert last_accept(fixture_client) == "application/vnd.atlas.preview+json"


def test_unicode_property_and_named_group_patterns(
    fixture_package: ModuleType, fixture_client: Any
) -> None:
    fixture_client.things.get_thing(thing_id="Zürich-2", label="abc")  # \p{L} via pydantic-core
    with pytest.raises(fixture_package.ParameterError) as caught:
        fixture_client.things.get_thing(thing_id="2-Zürich")
    assert caught.value.parameter == "thingId" and caught.value.python_name == "thing_id"
    with pytest.raises(fixture_package.ParameterError, match="label"):
        fixture_client.things.get_thing(thing_id="Eiche", label="ABC")  # (?<word>...) translated
    assert len(fixture_client.recorder.requests) == 1


def test_cycle_of_models_round_trips(fixture_package: ModuleType, fixture_client: Any) -> None:
    models = fixture_package.models
    tree = fixture_client.things.create_thing(thing_id="oak", body=TREE)
    assert isinstance(tree, models.Tree) and isinstance(tree.branches[0], models.Branch)
    assert tree.level is models.TreeLevel.VALUE_2
    assert tree.branches[0].children[0].length == 0.5
    assert json.loads(fixture_client.recorder.requests[-1].content) == TREE
    from atlas_fixture.models.tree import Tree  # the re-exporting module of the cycle

    assert Tree is models.Tree
    with pytest.raises(fixture_package.RequestBodyError) as caught:
        fixture_client.things.create_thing(thing_id="oak", body={"level": 7})
    assert caught.value.parameter == "body.level"
    with pytest.raises(fixture_package.RequestBodyError):
        fixture_client.things.create_thing(thing_id="oak", body={"branches": [{"length": -1}]})
