"""What the rules compare: two versions of an operation, a parameter, a field, a schema, or
of the values one place accepts."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..load import pointer_join
from .names import OperationNames
from .places import Accepted, join
from .spec import Direction, Field, Operation, Parameter, SchemaView


@dataclass(frozen=True)
class Subject:
    """What a schema is to users: a parameter, or a field of a body by its path in it."""

    direction: Direction
    label: str  # "query parameter", "request field", "response field"
    path: str = ""  # "" is the body itself; "logs[].host" is a field of an array's items
    parameter: tuple[str, str] | None = None  # (in, name) of a parameter

    def __str__(self) -> str:
        return f"{self.label} '{self.path}'" if self.path else f"{self.direction} body"

    def child(self, name: str) -> Subject:
        """A property (``name``), array items (``[]``) or map values (``{}``)."""
        return replace(self, path=join(self.path, name))


@dataclass(frozen=True)
class OperationPair:
    old: Operation | None  # None: added
    new: Operation | None  # None: removed
    old_names: OperationNames | None = None  # None: the model of that side is not known
    new_names: OperationNames | None = None

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
    name: str
    old_owner: str  # the object the field is (or would be) in, on each side
    new_owner: str
    in_new_model: bool  # the new model class still has it (hidden in this direction)

    @property
    def new_place(self) -> str:
        """Where the field is written in the new spec (or would be)."""
        return pointer_join(self.new_owner, "properties", self.name)


@dataclass(frozen=True)
class BranchPair:
    """An alternative of a ``oneOf``/``anyOf`` union that only one side has."""

    subject: Subject
    old: SchemaView | None
    new: SchemaView | None
    old_union: str  # the union on each side
    new_union: str

    @property
    def old_label(self) -> str:
        return _label(self.old)

    @property
    def new_label(self) -> str:
        return _label(self.new)


def _label(view: SchemaView | None) -> str:
    if view is None:
        return ""
    return view.ref or f"at {view.pointer}"


@dataclass(frozen=True)
class SchemaPair:
    subject: Subject
    old: SchemaView
    new: SchemaView
    # The position now refers to another component schema that is not a mere rename (the
    # old one is still in the new spec, or the new one was in the old spec).
    swapped: bool = False


@dataclass(frozen=True)
class PlacePair:
    """The values one place accepts, across all branches that reach it, on each side."""

    subject: Subject
    old: Accepted
    new: Accepted
