"""Validation: the OpenAPI 3.0 schema, then our rules; every problem with its file position.

``validate_spec`` never raises on a bad spec: whatever the spec holds (dangling or circular
``$ref``, patterns Python cannot compile, deep nesting) becomes a :class:`Problem`.
"""

from __future__ import annotations

from generator.load import LoadedSpec
from generator.validate.document import Document
from generator.validate.problems import Problem, Severity, format_problem
from generator.validate.rules import RULES

__all__ = ["Problem", "Severity", "format_problem", "validate_spec"]


def validate_spec(spec: LoadedSpec, *, strict: bool = False) -> list[Problem]:
    """All problems of ``spec`` in file order (then rule id); ``strict`` makes warnings errors."""
    document = Document(spec.data)
    found: set[Problem] = set()
    for rule in RULES:
        severity: Severity = "error" if strict else rule.severity
        for pointer, message in rule.check(document):
            found.add(Problem(severity, rule.id, message, pointer, spec.where(pointer)))

    def position(problem: Problem) -> tuple[int, int, str, str, str]:
        at = spec.locate(problem.pointer)
        return at.line, at.column, problem.rule_id, problem.message, problem.pointer

    return sorted(found, key=position)
