"""The CLI, generated once per session into a temporary directory and run as a subprocess."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from cli_support import Runner, generate_cli, run_in


@pytest.fixture(scope="session")
def cli_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``<tmp>/python``: where the generated package (with its ``cli``) imports from."""
    return generate_cli(tmp_path_factory.mktemp("cli") / "generated")


@pytest.fixture
def atlas_env(fake_atlas: Any) -> dict[str, str]:
    """Digest API key credentials for the fake Atlas of this test."""
    return {
        "MONGODB_ATLAS_BASE_URL": fake_atlas.url,
        "MONGODB_ATLAS_PUBLIC_API_KEY": fake_atlas.public_key,
        "MONGODB_ATLAS_PRIVATE_API_KEY": fake_atlas.private_key,
    }


@pytest.fixture
def cli(cli_path: Path, atlas_env: dict[str, str]) -> Runner:
    """Run ``atlas-admin`` against the fake Atlas: ``cli(*args, env=..., input=...)``."""

    def run(
        *args: str, env: Mapping[str, str] | None = None, **kwargs: Any
    ) -> subprocess.CompletedProcess[bytes]:
        return run_in(cli_path, args, {**atlas_env, **(env or {})}, **kwargs)

    return run
