"""Helpers of the generated-client tests, in a module whose name no other test folder shares
(``from conftest import ...`` would find whichever conftest was imported last)."""

from __future__ import annotations

import dataclasses
import importlib
import sys
from pathlib import Path
from types import ModuleType

from atlasgen import output
from atlasgen.config import load_settings
from atlasgen.pipeline import generate_files

ROOT = Path(__file__).resolve().parents[2]


def generate_package(out: Path, *, spec: Path | None = None, package: str = "atlas_admin") -> Path:
    """Run the pipeline (python target only) and write the tree; returns ``out/python``."""
    settings = dataclasses.replace(
        load_settings(ROOT), out=out, targets=("python",), python_package=package
    )
    if spec is not None:
        settings = dataclasses.replace(settings, spec=spec)
    output.write_tree(out, generate_files(settings).files)
    return out / "python"


def import_fresh(package: str, path: Path) -> ModuleType:
    """Import ``package`` from ``path``, dropping any copy imported from elsewhere."""
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
    return importlib.import_module(package)
