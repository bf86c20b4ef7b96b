"""Helpers the diff tests share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from atlasgen.diff import Finding
from atlasgen.load import LoadedSpec, parse_spec_text


def brief(findings: list[Finding]) -> list[tuple[str, str, str, str, str]]:
    """Level, rule, operation, main pointer and message of each finding."""
    return [(f.level, f.rule_id, f.operation, f.pointer, f.message) for f in findings]


def loaded(data: dict[str, Any]) -> LoadedSpec:
    return parse_spec_text(yaml.safe_dump(data, sort_keys=False), Path("inline.yaml"))
