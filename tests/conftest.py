"""Shared fixtures: the real HTTP servers the client, CLI and docs tests talk to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from servers.fake_atlas import FakeAtlas, serve_in_subprocess
from servers.prism import Prism, PrismNotInstalled


@pytest.fixture
def fake_atlas() -> Iterator[FakeAtlas]:
    """A fresh in-process fake Atlas per test, so scripted faults and logs never leak."""
    with FakeAtlas() as atlas:
        yield atlas


@pytest.fixture(scope="session")
def fake_atlas_process() -> Iterator[str]:
    """URL of a fake Atlas in its own process, for subprocess CLI and docs-sample runs."""
    with serve_in_subprocess() as url:
        yield url


@pytest.fixture(scope="session")
def prism() -> Iterator[Prism]:
    """Prism mocking specs/atlas-admin.yaml; fails (never skips) when Prism is not installed."""
    server = Prism()
    try:
        server.start()
    except PrismNotInstalled as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()
