"""What the rules compare: two versions of an operation, a parameter, a field or a schema."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .spec import Direction, Field, Operation, Parameter, SchemaView


@dataclass(frozen=True)
class Subject:
    """What a schema is to users: a parameter, or a field of a body by its path in it."""

    direction: Direction
    label: str  # "query parameter", "request field", "response field"
    path: str = ""  # "" is the body itself; "logs[].host" is a field of an array's items
    parameter: bool = False

    def __str__(self) -> str:
        return f"{self.label} '{self.path}'" if self.path else f"{self.direction} body"

    def child(self, name: str) -> Subject:
        return replace(self, path=f"{self.path}.{name}" if self.path else name)

    def nested(self, suffix: str) -> Subject:
        """Array items (``[]``) or map values (``{}``)."""
        return replace(self, path=self.path + suffix)


@dataclass(frozen=True)
class OperationPair:
    old: Operation | None  # None: added
    new: Operation | None  # None: removed

    @property
    def operation_id(self) -> str:
        present = self.new or self.old
        return present.operation_id if present is not None else ""


@dataclass(frozen=True)
class ParameterPair:
    subject: Subject
    old: Parameter | None
    new: Parameter | None


@dataclass(frozen=True)
class FieldPair:
    subject: Subject
    old: Field | None  # None: absent, or hidden in this direction (readOnly in a request)
    new: Field | None


@dataclass(frozen=True)
class SchemaPair:
    subject: Subject
    old: SchemaView
    new: SchemaView
