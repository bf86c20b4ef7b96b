"""Validation: the OpenAPI 3.0 schema, then our rules; every problem with its file position.

``validate_spec`` never raises on a bad spec: whatever the spec holds (dangling or circular
``$ref``, patterns Python cannot compile, deep nesting) becomes a :class:`Problem`.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..load import LoadedSpec
from .document import Document
from .problems import Problem, Severity, format_problem
from .rules import JSON_SCHEMA_RULES, RULES, Rule

__all__ = [
    "JSON_SCHEMA_RULES",
    "RULES",
    "Problem",
    "Rule",
    "Severity",
    "format_problem",
    "in_file_order",
    "validate_spec",
]


def validate_spec(
    spec: LoadedSpec, *, strict: bool = False, rules: Iterable[Rule] = RULES
) -> list[Problem]:
    """All problems of ``spec`` in file order (then rule id); ``strict`` makes warnings errors."""
    document = Document(spec.data)
    found: list[Problem] = []
    for rule in rules:
        severity: Severity = "error" if strict else rule.severity
        for pointer, message in rule.check(document):
            found.append(Problem(severity, rule.id, message, pointer, spec.where(pointer)))
    return in_file_order(spec, found)


def in_file_order(spec: LoadedSpec, problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` without repeats, by position in the spec, then rule id and message."""

    def position(problem: Problem) -> tuple[int, int, str, str, str]:
        at = spec.locate(problem.pointer)
        return at.line, at.column, problem.rule_id, problem.message, problem.pointer

    return sorted(set(problems), key=position)
