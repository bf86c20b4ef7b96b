"""Fixtures of the docs tests (helpers live in docs_support.py, a name no other conftest shares)."""

from __future__ import annotations

from pathlib import Path

import pytest
from docs_support import (
    FIXTURE_LANGUAGES,
    FIXTURE_SPEC,
    SHIPPED_SPEC,
    generate,
    mkdocs_build,
    model,
)

from atlasgen.model import Api


# --------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def shipped() -> Api:
    return model(SHIPPED_SPEC)


@pytest.fixture(scope="session")
def shipped_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped spec's docs, regenerated now (translations and catalogs included)."""
    out = tmp_path_factory.mktemp("shipped") / "generated"
    generate(SHIPPED_SPEC, out, ("docs",))
    return out


@pytest.fixture(scope="session")
def shipped_site(shipped_docs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site") / "site"
    result = mkdocs_build(shipped_docs / "docs", site)
    assert result.returncode == 0, result.stderr[-5000:]
    return site


@pytest.fixture(scope="session")
def fixture_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fixture") / "generated"
    generate(FIXTURE_SPEC, out, ("docs",), FIXTURE_LANGUAGES)
    return out


@pytest.fixture(scope="session")
def fixture_site(fixture_docs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("fixture-site") / "site"
    result = mkdocs_build(fixture_docs / "docs", site)
    assert result.returncode == 0, result.stderr[-5000:]
    return site
