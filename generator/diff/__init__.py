"""``atlasgen diff OLD NEW``: the changes between two specs as users of the generated client
and CLI feel them, each with a level a release pipeline can gate on (``--fail-on ERR``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from .compare import diff_specs
from .findings import (
    Finding,
    Level,
    Rule,
    exit_code,
    render_json,
    render_text,
)
from .revision import DiffInputError, load_revision
from .rules import RULES

__all__ = [
    "RULES",
    "DiffInputError",
    "Finding",
    "Level",
    "Rule",
    "diff_specs",
    "exit_code",
    "load_revision",
    "render_json",
    "render_text",
    "run_diff",
]

_RENDERERS: dict[str, Callable[[Sequence[Finding]], str]] = {
    "text": render_text,
    "json": render_json,
}


def run_diff(
    old_arg: str, new_arg: str, *, fmt: str, fail_on: str | None, repo_root: Path, out: TextIO
) -> int:
    """Print the findings (``fmt`` ``text`` or ``json``) and return the exit code (0 or 1).

    A side that cannot be read raises :class:`DiffInputError` before anything is printed.
    """
    if fmt not in _RENDERERS:
        raise DiffInputError(f"unknown format {fmt!r}; choose {' or '.join(_RENDERERS)}")
    if fail_on is not None and fail_on not in ("ERR", "WARN"):
        raise DiffInputError(f"unknown --fail-on level {fail_on!r}; choose ERR or WARN")
    findings = diff_specs(load_revision(old_arg, repo_root), load_revision(new_arg, repo_root))
    out.write(_RENDERERS[fmt](findings))
    return exit_code(findings, fail_on)
