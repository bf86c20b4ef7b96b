"""The generated distribution as a whole: type-checks, lints, builds, installs, imports fast."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parents[2]


def run(
    *args: str, cwd: Path, timeout: float = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, check=False, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )


def test_generated_package_passes_mypy_strict(package_dir: Path) -> None:
    result = run(
        PYTHON, "-m", "mypy", "--strict", "--no-incremental", "atlas_admin", cwd=package_dir
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_package_passes_ruff(package_dir: Path) -> None:
    result = run(
        PYTHON, "-m", "ruff", "check", "--no-cache", "--isolated", "atlas_admin", cwd=package_dir
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_fixture_package_passes_mypy_and_ruff(fixture_package: object) -> None:
    path = Path(fixture_package.__file__).parents[1]  # type: ignore[attr-defined]
    mypy = run(PYTHON, "-m", "mypy", "--strict", "--no-incremental", "atlas_fixture", cwd=path)
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    ruff = run(PYTHON, "-m", "ruff", "check", "--no-cache", "--isolated", "atlas_fixture", cwd=path)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr


def _pyproject(targets: tuple[str, ...]) -> dict[str, object]:
    """The generated pyproject.toml's [project] table for these targets (python target only rendered)."""
    import dataclasses

    import tomllib

    from atlasgen.config import load_settings
    from atlasgen.load import load_spec
    from atlasgen.model import build_model
    from atlasgen.render import make_environment, render_jobs
    from atlasgen.targets import python

    settings = dataclasses.replace(load_settings(ROOT), targets=targets)
    api = build_model(load_spec(settings.spec), spec_display=settings.spec_display)
    jobs = [job for job in python.jobs(api, settings) if job.output == "python/pyproject.toml"]
    text = render_jobs(make_environment(), jobs)["python/pyproject.toml"]
    assert isinstance(text, str)
    project: dict[str, object] = tomllib.loads(text)["project"]
    return project


def test_pyproject_declares_exactly_the_runtime_dependencies(package_dir: Path) -> None:
    import tomllib

    project = tomllib.loads((package_dir / "pyproject.toml").read_text())["project"]
    names = sorted(d.split(">")[0].split("=")[0].strip() for d in project["dependencies"])
    assert names == ["httpx", "pydantic"]
    assert any(d.startswith("pydantic>=2") for d in project["dependencies"])
    assert project["name"] == "atlas-admin-client"
    assert project["version"] == "20250312.1"
    assert "scripts" not in project and "optional-dependencies" not in project  # python target only


def test_pyproject_adds_the_cli_extra_and_script_with_the_cli_target() -> None:
    project = _pyproject(("python", "cli"))
    assert project["optional-dependencies"] == {"cli": ["click>=8.1,<9", "jmespath>=1.0,<2"]}
    assert project["scripts"] == {"atlas-admin": "atlas_admin.cli:main"}
    assert _pyproject(("python",)).get("scripts") is None


def test_import_is_lazy(package_dir: Path) -> None:
    script = (
        "import sys\n"
        "import atlas_admin\n"
        "assert 'httpx' not in sys.modules and 'pydantic' not in sys.modules\n"
        "from atlas_admin import Client\n"
        "assert 'httpx' in sys.modules and 'atlas_admin.models.audit_log' not in sys.modules\n"
    )
    result = run(PYTHON, "-c", script, cwd=package_dir)
    assert result.returncode == 0, result.stderr


def test_wheel_builds_and_installs_in_a_fresh_venv(package_dir: Path, tmp_path: Path) -> None:
    """python -m build --wheel, then pip install it (and its dependencies from the registry)
    into a brand-new venv, and use it from outside the source tree."""
    dist = tmp_path / "dist"
    build = run(
        PYTHON, "-m", "build", "--wheel", "--outdir", str(dist), str(package_dir), cwd=tmp_path
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (wheel,) = dist.glob("atlas_admin_client-20250312.1-py3-none-any.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    install = run(
        str(python),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        str(wheel),
        cwd=tmp_path,
        env=environment,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    check = (
        "import atlas_admin, pathlib\n"
        "from atlas_admin import Client, BearerTokenAuth\n"
        "from atlas_admin.models import AuditLog\n"
        "root = pathlib.Path(atlas_admin.__file__).parent\n"
        "assert (root / 'py.typed').exists() and 'site-packages' in str(root)\n"
        "c = Client(auth=BearerTokenAuth('t'))\n"
        "assert c.base_url == 'https://cloud.mongodb.com'\n"
        "assert AuditLog.model_validate({'enabled': True}).enabled\n"
        "print(atlas_admin.__version__)\n"
    )
    imported = run(str(python), "-c", check, cwd=tmp_path, env=environment)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "20250312.1"
