"""What a diff reports: findings, the rules that make them, and their text and JSON forms.

A release pipeline gates on levels, so every rule has exactly one level: ``ERR`` breaks
users of the generated client or CLI, ``WARN`` may break some, ``INFO`` breaks nobody.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Generic, Literal, TypeVar

Level = Literal["ERR", "WARN", "INFO"]
LEVELS: tuple[Level, ...] = ("ERR", "WARN", "INFO")

# What a rule yields: the JSON pointer it is about, and the message.
Change = tuple[str, str]
T = TypeVar("T")


@dataclass(frozen=True)
class Finding:
    """One change; ``pointer`` is in the new spec, or in the old one for what was removed."""

    level: Level
    rule_id: str
    operation: str  # operationId, or "" for a component schema no operation uses
    pointer: str
    message: str


@dataclass(frozen=True)
class Rule(Generic[T]):
    """A check over one kind of compared pair (operations, parameters, fields or schemas)."""

    id: str
    level: Level
    meaning: str
    check: Callable[[T], Iterable[Change]]

    def findings(self, pair: T, operation: str) -> Iterable[Finding]:
        for pointer, message in self.check(pair):
            yield Finding(self.level, self.id, operation, pointer, message)


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Without duplicates (a schema shared by several responses reports once), worst first."""
    return sorted(
        set(findings),
        key=lambda f: (LEVELS.index(f.level), f.operation, f.pointer, f.rule_id, f.message),
    )


def _counts(findings: Sequence[Finding]) -> dict[str, int]:
    counted = Counter(f.level for f in findings)
    return {level: counted[level] for level in LEVELS}


def render_text(findings: Sequence[Finding]) -> str:
    """One line per finding, then the count per level."""
    if not findings:
        return "no changes\n"
    lines = [
        f"{f.level:<4} {f.rule_id} {f.operation or '(components)'}: {f.message} "
        f"(at {f.pointer or '/'})"
        for f in findings
    ]
    lines.append(", ".join(f"{count} {level}" for level, count in _counts(findings).items()))
    return "\n".join(lines) + "\n"


def render_json(findings: Sequence[Finding]) -> str:
    """``{"findings": [...], "counts": {"ERR": n, "WARN": n, "INFO": n}}``."""
    document = {"findings": [asdict(f) for f in findings], "counts": _counts(findings)}
    return json.dumps(document, indent=2) + "\n"


def exit_code(findings: Iterable[Finding], fail_on: str | None) -> int:
    """1 when a finding is at ``fail_on`` (``ERR`` or ``WARN``) or worse, else 0."""
    if fail_on is None:
        return 0
    worst = LEVELS.index(fail_on)
    return int(any(LEVELS.index(f.level) <= worst for f in findings))
