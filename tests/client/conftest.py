"""Fixtures of the generated-client tests: the package, generated once per session, and
clients wired to the fake Atlas server.

The package is generated with the real pipeline into a temporary directory and imported
from there (``sys.path``), never installed.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from client_support import generate_package, import_fresh
from servers.fake_atlas import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PRIVATE_KEY,
    DEFAULT_PUBLIC_KEY,
    DEFAULT_STATIC_TOKEN,
    FakeAtlas,
)

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CREDENTIAL_VARIABLES = (
    "MONGODB_ATLAS_CLIENT_ID",
    "MONGODB_ATLAS_CLIENT_SECRET",
    "MONGODB_ATLAS_PUBLIC_API_KEY",
    "MONGODB_ATLAS_PRIVATE_API_KEY",
    "MONGODB_ATLAS_ACCESS_TOKEN",
    "MONGODB_ATLAS_BASE_URL",
)


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``<tmp>/python``: the generated distribution of specs/atlas-admin.yaml."""
    return generate_package(tmp_path_factory.mktemp("client") / "generated")


@pytest.fixture(scope="session")
def aa(package_dir: Path) -> ModuleType:
    """The generated ``atlas_admin`` package."""
    return import_fresh("atlas_admin", package_dir)


@pytest.fixture(scope="session")
def fixture_package(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """``atlas_fixture``: the package of tests/client/specs/versions.yaml (sunset and preview
    versions, a cycle of schemas, an integer enum), generated under another package name."""
    path = generate_package(
        tmp_path_factory.mktemp("fixture") / "generated",
        spec=HERE / "specs" / "versions.yaml",
        package="atlas_fixture",
    )
    return import_fresh("atlas_fixture", path)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's Atlas credentials."""
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def quick_backoff(aa: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exponential backoff in milliseconds (a Retry-After is still honoured as sent)."""
    monkeypatch.setattr(
        importlib.import_module("atlas_admin._base_client"), "INITIAL_RETRY_DELAY", 0.01
    )


@pytest.fixture
def digest_client(aa: ModuleType, fake_atlas: FakeAtlas) -> Iterator[Any]:
    with aa.Client(
        base_url=fake_atlas.url, auth=aa.DigestApiKeyAuth(DEFAULT_PUBLIC_KEY, DEFAULT_PRIVATE_KEY)
    ) as client:
        yield client


@pytest.fixture
def oauth_client(aa: ModuleType, fake_atlas: FakeAtlas) -> Iterator[Any]:
    with aa.Client(
        base_url=fake_atlas.url,
        auth=aa.ServiceAccountAuth(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
    ) as client:
        yield client


@pytest.fixture
def bearer_client(aa: ModuleType, fake_atlas: FakeAtlas) -> Iterator[Any]:
    with aa.Client(
        base_url=fake_atlas.url, auth=aa.BearerTokenAuth(DEFAULT_STATIC_TOKEN)
    ) as client:
        yield client
