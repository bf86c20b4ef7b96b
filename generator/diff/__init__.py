"""``atlasgen diff OLD NEW``: the changes between two specs as users of the generated client
and CLI feel them, each with a level a release pipeline can gate on (``--fail-on ERR``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from .compare import diff_specs
from .findings import (
    FAIL_ON,
    RENDERERS,
    Finding,
    Level,
    Place,
    Rule,
    exit_code,
    render_json,
    render_markdown,
    render_text,
)
from .revision import DiffInputError, load_revision
from .rules import RULES

__all__ = [
    "FAIL_ON",
    "RENDERERS",
    "RULES",
    "DiffInputError",
    "Finding",
    "Level",
    "Place",
    "Rule",
    "diff_specs",
    "exit_code",
    "load_revision",
    "render_json",
    "render_markdown",
    "render_text",
    "run_diff",
]


def run_diff(
    old_arg: str,
    new_arg: str,
    *,
    fmt: str,
    fail_on: str,
    repo_root: Path,
    out: TextIO,
    cli: str = "atlas-admin",
) -> int:
    """Print the findings (``fmt``: text, json or markdown) and return the exit code: 1 when
    a finding is at ``fail_on`` or worse, else 0.

    A side that cannot be read raises :class:`DiffInputError` before anything is printed.
    """
    if fmt not in RENDERERS:
        raise DiffInputError(f"unknown format {fmt!r}; choose {', '.join(RENDERERS)}")
    if fail_on not in FAIL_ON:
        raise DiffInputError(f"unknown --fail-on level {fail_on!r}; choose {', '.join(FAIL_ON)}")
    old, new = load_revision(old_arg, repo_root), load_revision(new_arg, repo_root)
    findings = diff_specs(old, new, cli=cli)
    out.write(RENDERERS[fmt](findings))
    return exit_code(findings, fail_on)
