"""The generator's own code: mypy --strict (configured in pyproject.toml), ruff and black."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_generator_passes_mypy_strict() -> None:
    result = run("mypy", "--no-incremental")
    assert result.returncode == 0, result.stdout + result.stderr


def test_own_code_passes_ruff() -> None:
    result = run("ruff", "check", "--no-cache", "generator", "bench", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_own_code_is_black_formatted() -> None:
    result = run("black", "--check", "generator", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr
