"""What a diff reports: findings, the rules that make them, and their text, JSON and Markdown.

A release pipeline gates on levels, so every rule has exactly one level: ``ERR`` breaks
users of the generated client or CLI, ``WARN`` may break some, ``INFO`` breaks nobody.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from ..load import LoadedSpec

Level = Literal["ERR", "WARN", "INFO"]
LEVELS: tuple[Level, ...] = ("ERR", "WARN", "INFO")
FAIL_ON = (*LEVELS, "never")
T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """What a rule yields: the message and the JSON pointer of the change in each spec
    (``old`` is None for what was added, ``new`` for what was removed; for a value or field
    removed, ``new`` may name where it was, and ``removed`` makes ``old`` the main place)."""

    message: str
    old: str | None
    new: str | None
    removed: bool = False

    @property
    def pointer(self) -> str:
        main = self.old if self.removed or self.new is None else self.new
        return main or ""


@dataclass(frozen=True)
class Place:
    """A JSON pointer in one spec and where it is written (``file:line:column``)."""

    pointer: str
    at: str

    def __str__(self) -> str:
        return f"{self.at} {self.pointer or '/'}"


@dataclass(frozen=True)
class Finding:
    """One change, in both specs, with the generated names (client call, CLI line) it affects."""

    level: Level
    rule_id: str
    operation: str  # operationId, or "" for a component schema no operation uses
    pointer: str  # where to look: in the new spec, or in the old one for what was removed
    message: str
    old: Place | None = None
    new: Place | None = None
    names: tuple[str, ...] = ()
    tag: str = ""  # the operation's tag, for grouping a release note

    def as_dict(self) -> dict[str, Any]:
        def place(p: Place | None) -> dict[str, str] | None:
            return None if p is None else {"pointer": p.pointer, "at": p.at}

        return {
            "level": self.level,
            "rule_id": self.rule_id,
            "operation": self.operation,
            "tag": self.tag,
            "pointer": self.pointer,
            "message": self.message,
            "old": place(self.old),
            "new": place(self.new),
            "names": list(self.names),
        }


def place_in(spec: LoadedSpec, pointer: str | None) -> Place | None:
    return None if pointer is None else Place(pointer, spec.where(pointer))


@dataclass(frozen=True)
class Rule(Generic[T]):
    """A check over one kind of compared pair (operations, parameters, fields, schemas,
    or the values a place accepts)."""

    id: str
    level: Level
    meaning: str
    check: Callable[[T], Iterable[Change]]


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Without duplicates (a schema shared by several responses reports once), worst first."""
    return sorted(
        set(findings),
        key=lambda f: (LEVELS.index(f.level), f.operation, f.pointer, f.rule_id, f.message),
    )


def _counts(findings: Sequence[Finding]) -> dict[str, int]:
    counted = Counter(f.level for f in findings)
    return {level: counted[level] for level in LEVELS}


def _count_line(findings: Sequence[Finding]) -> str:
    return ", ".join(f"{count} {level}" for level, count in _counts(findings).items())


def _places(finding: Finding) -> str:
    sides = (("old", finding.old), ("new", finding.new))
    return "; ".join(f"{side} {place}" for side, place in sides if place is not None)


def render_text(findings: Sequence[Finding]) -> str:
    """One line per finding, its places and generated names indented below, then the counts."""
    if not findings:
        return "no changes\n"
    lines = []
    for f in findings:
        lines.append(f"{f.level:<4} {f.rule_id} {f.operation or '(components)'}: {f.message}")
        lines.append(f"     {_places(f)}")
        if f.names:
            lines.append(f"     affects {', '.join(f.names)}")
    lines.append(_count_line(findings))
    return "\n".join(lines) + "\n"


def render_json(findings: Sequence[Finding]) -> str:
    """``{"findings": [...], "counts": {"ERR": n, "WARN": n, "INFO": n}}``."""
    document = {"findings": [f.as_dict() for f in findings], "counts": _counts(findings)}
    return json.dumps(document, indent=2) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_HEADINGS = {"ERR": "Breaking", "WARN": "May break", "INFO": "Compatible"}


def render_markdown(findings: Sequence[Finding]) -> str:
    """A release note or PR comment: breaking changes first, each level grouped by tag."""
    lines = ["## API changes", ""]
    if not findings:
        return "\n".join([*lines, "No changes.", ""])
    lines += [f"{_count_line(findings)}.", ""]
    for level in LEVELS:
        at_level = [f for f in findings if f.level == level]
        if not at_level:
            continue
        lines += [f"### {_HEADINGS[level]} ({level}, {len(at_level)})", ""]
        for tag in sorted({f.tag for f in at_level}):
            lines += [f"#### {tag or 'Shared models'}", ""]
            lines += [
                "| change | rule | affects | where (old → new) |",
                "| --- | --- | --- | --- |",
            ]
            for f in (f for f in at_level if f.tag == tag):
                names = "<br>".join(f"`{_cell(n)}`" for n in f.names)
                where = " → ".join(
                    f"`{_cell(p.at)}`" if p is not None else "—" for p in (f.old, f.new)
                )
                lines.append(f"| {_cell(f.message)} | `{f.rule_id}` | {names} | {where} |")
            lines.append("")
    return "\n".join(lines)


RENDERERS: dict[str, Callable[[Sequence[Finding]], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}


def exit_code(findings: Iterable[Finding], fail_on: str) -> int:
    """1 when a finding is at ``fail_on`` (``ERR``, ``WARN``, ``INFO``) or worse; never for
    ``never``."""
    failing = LEVELS[: LEVELS.index(fail_on) + 1] if fail_on in LEVELS else ()
    return int(any(f.level in failing for f in findings))
