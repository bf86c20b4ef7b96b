"""Helpers of the CLI tests: where things are, and running the generated CLI as a subprocess."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from atlasgen.config import load_settings
from atlasgen.output import write_tree
from atlasgen.pipeline import generate_files

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = load_settings(ROOT)
GOLDEN = Path(__file__).resolve().parent / "golden"
# The request body example of the createGroupLogIntegration reference page (seed 000), as written
SEED_000_PAYLOAD = ROOT / "tests" / "seeds" / "000_create_group_log_integration.json"
GROUP = "32b6e34b3d91647abb20e7b8"
# getAccessHistoryCluster up to its cluster name, the command most tests call
ACCESS_HISTORY = ["api", "accessTracking", "getAccessHistoryCluster", "--groupId", GROUP]

Runner = Callable[..., subprocess.CompletedProcess[bytes]]


def generate_cli(out: Path, spec: Path | None = None) -> Path:
    """Generate the package with its CLI from ``spec`` (the shipped one by default) into
    ``out``; returns the folder it imports from."""
    settings = dataclasses.replace(
        SETTINGS, spec=spec or SETTINGS.spec, out=out, targets=("python", "cli")
    )
    write_tree(out, generate_files(settings).files)
    return out / "python"


def base_environment(cli_path: Path) -> dict[str, str]:
    """No MONGODB_ATLAS_* variable, and no Atlas CLI config.toml (an empty config home)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONGODB_ATLAS_")}
    env.update({"PYTHONPATH": str(cli_path), "COLUMNS": "100", "LC_ALL": "C.UTF-8"})
    env["XDG_CONFIG_HOME"] = str(cli_path.parent / "config-home")
    env.pop("_ATLAS_ADMIN_COMPLETE", None)
    return env


def run_in(
    cli_path: Path,
    args: Sequence[str],
    env: Mapping[str, str] | None = None,
    *,
    input: bytes | None = None,
    cwd: Path | None = None,
    **kwargs: Any,
) -> subprocess.CompletedProcess[bytes]:
    environment = base_environment(cli_path)
    environment.update(env or {})
    if input is None:
        kwargs.setdefault("stdin", subprocess.DEVNULL)  # as CI gives it: nothing piped
    return subprocess.run(
        [sys.executable, "-m", SETTINGS.python_package, *args],
        env=environment,
        input=input,
        cwd=cwd,
        capture_output="stdout" not in kwargs,
        timeout=120,
        check=False,
        **kwargs,
    )
