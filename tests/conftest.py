"""Shared fixtures: the real HTTP servers the client, CLI and docs tests talk to, and a
throwaway copy of this project to run the generator in."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers.fake_atlas import FakeAtlas, serve_in_subprocess
from servers.prism import Prism
from servers.prism import serve as serve_prism

ROOT = Path(__file__).resolve().parent.parent


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
    yield from serve_prism()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of this project's spec, config, templates and generated tree to break safely."""
    for name in ("pyproject.toml", "specs", "generated"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
        else:
            shutil.copy2(source, tmp_path / name)
    return tmp_path
