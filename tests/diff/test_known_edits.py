"""Known edits (``bench/diff/known_edits.py``) applied to the synthetic Atlas-shaped spec give
exactly the findings each edit expects, none more."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def known_edits() -> ModuleType:
    location = ROOT / "bench" / "diff" / "known_edits.py"
    module_spec = importlib.util.spec_from_file_location("atlasgen_known_edits", location)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_spec.name] = module  # its dataclasses look their module up there
    module_spec.loader.exec_module(module)
    return module


def test_known_edits_give_exactly_their_findings() -> None:
    module = known_edits()
    outcome = module.check(module.synthetic(80))
    assert outcome.skipped == [], "every edit finds a target in the synthetic spec"
    assert len(outcome.applied) == len(module.EDITS)
    assert outcome.missing == set()
    assert outcome.extra == set()
    # The edits that change what users see expect something; the others nothing.
    assert {rule for rule, _, _ in outcome.expected} >= {
        "operation-id-changed-alias-kept",
        "enum-value-removed",
        "response-schema-ref-changed",
    }
