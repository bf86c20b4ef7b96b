"""The base of every error atlasgen reports to its user in one line (exit 1), not as a bug.

Each stage raises its own subclass; the command line catches this one base, so it need not
import every stage (and its libraries) to know what to catch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .validate import Problem


class AtlasgenError(Exception):
    """Bad input or an unusable environment; the message says what is wrong and where."""


class ValidationFailed(AtlasgenError):
    """The spec has errors; ``problems`` lists them all (warnings included)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{sum(p.severity == 'error' for p in problems)} error(s)")
        self.problems = problems
