"""What validation reports: one :class:`Problem` per defect, rendered on one line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
# What a rule finds: (JSON pointer, message); the rule table adds the id and the severity.
Finding = tuple[str, str]


@dataclass(frozen=True)
class Problem:
    """A defect at one place of the spec; ``location`` is ``file:line:column`` of ``pointer``."""

    severity: Severity
    rule_id: str
    message: str
    pointer: str
    location: str


# Characters that would break the one-line format (a key "\r" in a pointer), shown escaped.
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def format_problem(problem: Problem) -> str:
    """``file:line:column: rule-id: message (at /json/pointer)``: editors jump to the place."""
    line = f"{problem.location}: {problem.rule_id}: {problem.message} (at {problem.pointer or '/'})"
    return _LINE_BREAKING.sub(lambda found: repr(found.group())[1:-1], line)
