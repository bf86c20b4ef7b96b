"""atlasgen as people install it: the wheel works from any folder, and the lock that our own
set-up installs from agrees with the ranges pyproject.toml promises."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import tomllib
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
UV = ROOT / ".uv" / "bin" / "uv"
LOWEST = ROOT / "requirements" / "lowest.txt"
CACHES = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}  # a tool's, not ours


def uv(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    if not UV.is_file():
        pytest.fail(f"{UV} is missing: run bash scripts/setup.sh", pytrace=False)
    environment = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run(
        [str(UV), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env={**environment, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1"},
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel as a release builds it: from the sdist, unpacked in a folder of its own, so
    that nothing a local build left in ``build/`` (a module since removed) gets in."""
    dist = tmp_path_factory.mktemp("dist")
    built = uv("build", "--out-dir", str(dist), "--python", sys.executable)
    assert built.returncode == 0, built.stderr[-3000:]
    (path,) = dist.glob("atlasgen-*.whl")
    return path


def test_wheel_ships_the_package_as_atlasgen_with_its_templates_and_catalogs(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert (
        "atlasgen/__main__.py" in names and "atlasgen/templates/python/pyproject.toml.j2" in names
    )
    assert "atlasgen/messages/zh/LC_MESSAGES/messages.po" in names
    assert "atlasgen/templates/docs/messages.pot" in names
    templates = {p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*.j2")}
    assert {f"atlasgen/{t}" for t in templates} <= set(names)
    assert not [n for n in names if n.startswith("generator/")]
    sources = {
        "atlasgen/" + p.relative_to(ROOT / "generator").as_posix()
        for p in (ROOT / "generator").rglob("*.py")
    }
    assert {n for n in names if n.endswith(".py")} == sources  # nothing stale, nothing missing


def test_installed_wheel_regenerates_the_shipped_spec_outside_the_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    """A fresh venv with the wheel (dependencies at the locked versions), run in a folder that
    holds only the spec and the settings: the output is byte-identical to generated/."""
    constraints = tmp_path / "constraints.txt"
    exported = uv("export", "--frozen", "--no-emit-project", "--no-hashes", "--no-dev")
    assert exported.returncode == 0, exported.stderr
    constraints.write_text(exported.stdout)
    env_dir = tmp_path / "venv"
    created = uv("venv", "--python", sys.executable, str(env_dir))
    assert created.returncode == 0, created.stderr
    python = env_dir / "bin" / "python"
    installed = uv("pip", "install", "--python", str(python), "-c", str(constraints), str(wheel))
    assert installed.returncode == 0, installed.stderr[-3000:]

    project = tmp_path / "project"
    shutil.copytree(ROOT / "specs", project / "specs")
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["atlasgen"]
    lines = ["[tool.atlasgen]"] + [f"{key} = {value!r}" for key, value in settings.items()]
    (project / "pyproject.toml").write_text("\n".join(lines).replace("'", '"') + "\n")
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
        "ATLASGEN_CACHE_DIR": "",
    }
    result = subprocess.run(
        [str(env_dir / "bin" / "atlasgen"), "generate"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env=environment,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert_same_tree(ROOT / "generated", project / "generated")


def assert_same_tree(expected: Path, actual: Path) -> None:
    def files(root: Path) -> set[str]:
        return {
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and not CACHES.intersection(p.parts)
        }

    assert files(actual) == files(expected)
    differing = [
        name
        for name in sorted(files(expected))
        if not filecmp.cmp(expected / name, actual / name, shallow=False)
    ]
    assert not differing, differing


def test_lock_agrees_with_pyproject() -> None:
    """``uv lock --locked`` fails when pyproject.toml asks for anything the lock does not hold."""
    checked = uv("lock", "--locked", "--offline")
    assert checked.returncode == 0, checked.stderr


def declared_floors() -> dict[str, str]:
    """The lowest versions the generated package declares (its pyproject.toml)."""
    project = tomllib.loads((ROOT / "generated" / "python" / "pyproject.toml").read_text())
    requirements = project["project"]["dependencies"] + [
        r for extra in project["project"]["optional-dependencies"].values() for r in extra
    ]
    return dict(re.fullmatch(r"([\w-]+)>=([\w.]+),<[\w.]+", r).groups() for r in requirements)  # type: ignore[misc]


def test_lowest_lock_pins_exactly_the_generated_packages_floors() -> None:
    """requirements/lowest.txt (the lowest-versions test run) holds each floor as declared."""
    pinned = dict(re.findall(r"^([\w-]+)==([\w.]+)", LOWEST.read_text(), re.MULTILINE))
    floors = declared_floors()
    assert floors.keys() == {"httpx", "pydantic", "click", "jmespath"}
    assert {name: Version(pinned[name]) for name in floors} == {
        name: Version(floor) for name, floor in floors.items()
    }
