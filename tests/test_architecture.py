"""The shape of the generator (ARCHITECTURE.md): one pipeline whose stages import only
earlier stages or the shared modules below them all, and no module too long to read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GENERATOR = Path(__file__).resolve().parents[1] / "generator"
MAX_LINES = 800

# Rank of each top-level module or package: a module may import only ranks at or below its
# own. 0: shared by every stage (constants, errors, the escaping writers); then the stages in
# the order data flows through them; last, the commands that run them.
RANKS = {
    "errors": 0,
    "openapi": 0,
    "cli_flags": 0,
    "servers": 0,
    "paths": 0,
    "config": 0,
    "cache": 0,
    "forked": 0,
    "pysource": 0,
    "filters": 0,
    "load": 1,
    "i18n": 2,
    "validate": 2,
    "model": 3,
    "targets": 4,
    "render": 5,
    "format": 6,
    "output": 7,
    "manifest": 7,
    "pipeline": 8,
    "diff": 8,
    "__main__": 9,
}


def modules() -> list[Path]:
    return sorted(p for p in GENERATOR.rglob("*.py") if "__pycache__" not in p.parts)


def top_level(path: Path) -> str:
    return path.relative_to(GENERATOR).with_suffix("").parts[0]


def runtime_imports(path: Path) -> set[str]:
    """Top-level generator modules that ``path`` imports when it runs (relative imports;
    ``if TYPE_CHECKING:`` blocks are left out: they name types, they load nothing)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    checking: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            checking |= {id(child) for child in ast.walk(node)}
    package = list(path.relative_to(GENERATOR).parts[:-1])  # (an __init__'s: its own)
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.level or id(node) in checking:
            continue
        base = package[: len(package) - (node.level - 1)]
        names = [node.module] if node.module else [alias.name for alias in node.names]
        for name in names:
            first = (base + name.split("."))[0]
            found.add(first)
    return found


def test_every_module_has_a_rank() -> None:
    assert {top_level(p) for p in modules()} - {"__init__"} <= set(RANKS)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(GENERATOR)))
def test_no_stage_imports_a_later_one(path: Path) -> None:
    own = top_level(path)
    if own == "__init__":
        return
    later = {name for name in runtime_imports(path) if RANKS.get(name, 0) > RANKS[own]}
    assert not later, f"{path.relative_to(GENERATOR)} ({own}) imports later stages: {later}"


def test_no_module_is_longer_than_a_reader_can_hold() -> None:
    long = {
        str(p.relative_to(GENERATOR)): n
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_imports_are_read_as_python_runs_them() -> None:
    """The check itself: every stage import of the pipeline is seen, and a name imported for
    type checking only (errors.py names validate's Problem) is not a dependency."""
    stages = {"load", "validate", "model", "targets", "render", "format", "output"}
    assert runtime_imports(GENERATOR / "pipeline.py") >= stages
    assert "model" in runtime_imports(GENERATOR / "targets" / "python" / "models.py")
    assert "validate" not in runtime_imports(GENERATOR / "errors.py")
