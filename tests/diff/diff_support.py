"""Helpers the diff tests share."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from atlasgen.diff import Finding
from atlasgen.load import LoadedSpec, parse_spec_text


def brief(findings: list[Finding]) -> list[tuple[str, str, str, str, str]]:
    """Level, rule, operation, main pointer and message of each finding."""
    return [(f.level, f.rule_id, f.operation, f.pointer, f.message) for f in findings]


def loaded(data: dict[str, Any]) -> LoadedSpec:
    return parse_spec_text(yaml.safe_dump(data, sort_keys=False), Path("inline.yaml"))


@cache
def known_edits() -> ModuleType:
    """``bench/diff/known_edits.py``, which also builds the synthetic spec."""
    location = Path(__file__).resolve().parents[2] / "bench" / "diff" / "known_edits.py"
    module_spec = importlib.util.spec_from_file_location("atlasgen_known_edits", location)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_spec.name] = module  # its dataclasses look their module up there
    module_spec.loader.exec_module(module)
    return module
