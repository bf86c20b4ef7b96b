"""Match the two specs' operations and walk them side by side, applying the rules.

Schemas are compared once per operation and direction: the ``seen`` pairs cut the cycles of
Atlas specs (a parent lists its children in ``oneOf``, each child extends the parent through
``allOf``; a tree node lists nodes) and keep a schema shared by several responses to one report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from ..load import LoadedSpec, pointer_join
from .findings import Finding, Rule, ordered
from .pairs import FieldPair, OperationPair, ParameterPair, SchemaPair, Subject
from .rules import FIELD_RULES, OPERATION_RULES, PARAMETER_RULES, SCHEMA_RULES
from .spec import Direction, Media, Operation, SchemaView, Spec

T = TypeVar("T")
_DIRECTIONS: tuple[Direction, ...] = ("request", "response")


def diff_specs(old: LoadedSpec, new: LoadedSpec) -> list[Finding]:
    """Every change from ``old`` to ``new``, worst first, then by operation and pointer."""
    before, after = Spec(old.data), Spec(new.data)
    found: list[Finding] = []
    reached: set[str] = set()
    for pair in _matched(before.operations, after.operations):
        walk = _Walk(before, after, pair.operation_id, found)
        walk.apply(OPERATION_RULES, pair)
        if pair.old is not None and pair.new is not None:
            walk.operation(pair.old, pair.new)
        reached |= walk.reached
    # The client has a model class for every component schema: those no operation uses
    # are still imported and built by users, in both directions (what they share with
    # operations was reported there).
    components = _Walk(before, after, "", found, done=frozenset(reached))
    for name in sorted(before.schemas.keys() & after.schemas.keys()):
        old_view, new_view = before.component(name), after.component(name)
        for direction in _DIRECTIONS:
            components.schemas(old_view, new_view, Subject(direction, f"{direction} field", name))
    return ordered(found)


def _matched(old: Sequence[Operation], new: Sequence[Operation]) -> list[OperationPair]:
    """Pairs by method and path, then by operationId (a moved path keeps its method name)."""
    new_by_key = {operation.key: operation for operation in new}
    pairs = []
    unmatched = []
    for operation in old:
        twin = new_by_key.pop(operation.key, None)
        if twin is None:
            unmatched.append(operation)
        else:
            pairs.append(OperationPair(operation, twin))
    new_by_id = {operation.operation_id: operation for operation in new_by_key.values()}
    pairs.extend(OperationPair(o, new_by_id.pop(o.operation_id, None)) for o in unmatched)
    pairs.extend(OperationPair(None, operation) for operation in new_by_id.values())
    return pairs


class _Walk:
    """Compares what one operation (or the unused component schemas) reaches."""

    def __init__(
        self,
        old: Spec,
        new: Spec,
        operation_id: str,
        found: list[Finding],
        done: frozenset[str] = frozenset(),
    ) -> None:
        self.old, self.new = old, new
        self.operation_id = operation_id
        self.found = found
        self.seen: set[tuple[str, str, str]] = set()
        self.done = done  # new spec's schemas to skip

    @property
    def reached(self) -> set[str]:
        """Pointers of the new spec's schemas compared."""
        return {pointer for _, _, pointer in self.seen}

    def apply(self, rules: Iterable[Rule[T]], pair: T) -> None:
        for rule in rules:
            self.found.extend(rule.findings(pair, self.operation_id))

    def operation(self, old: Operation, new: Operation) -> None:
        for key in sorted(old.parameters.keys() | new.parameters.keys()):
            before, after = old.parameters.get(key), new.parameters.get(key)
            subject = Subject("request", f"{key[0]} parameter", key[1], parameter=True)
            self.apply(PARAMETER_RULES, ParameterPair(subject, before, after))
            if before is not None and after is not None:
                self.schemas(
                    self.old.view(before.schema, before.schema_pointer),
                    self.new.view(after.schema, after.schema_pointer),
                    subject,
                )
        self.content(old.request, new.request, Subject("request", "request field"))
        for status in sorted(old.responses.keys() & new.responses.keys()):
            subject = Subject("response", "response field")
            self.content(old.responses[status], new.responses[status], subject)

    def content(self, old: Mapping[str, Media], new: Mapping[str, Media], subject: Subject) -> None:
        """Bodies of the media types both sides have (a version gone is reported on its own)."""
        for media_type in sorted(old.keys() & new.keys()):
            before, after = old[media_type], new[media_type]
            self.schemas(
                self.old.view(before.schema, before.schema_pointer),
                self.new.view(after.schema, after.schema_pointer),
                subject,
            )

    def schemas(self, old: SchemaView, new: SchemaView, subject: Subject) -> None:
        key = (subject.direction, old.pointer, new.pointer)
        if key in self.seen or new.pointer in self.done:
            return
        self.seen.add(key)
        self.apply(SCHEMA_RULES, SchemaPair(subject, old, new))
        for name in sorted(old.properties.keys() | new.properties.keys()):
            field = subject.child(name)
            before = self.old.field(old, name, subject.direction)
            after = self.new.field(new, name, subject.direction)
            self.apply(FIELD_RULES, FieldPair(field, before, after))
            if before is not None and after is not None:
                self.schemas(before.view, after.view, field)
        for keyword, suffix in (("items", "[]"), ("additionalProperties", "{}")):
            before_schema, after_schema = old.get(keyword), new.get(keyword)
            if isinstance(before_schema, dict) and isinstance(after_schema, dict):
                self.schemas(
                    self.old.view(before_schema, old.where(keyword)),
                    self.new.view(after_schema, new.where(keyword)),
                    subject.nested(suffix),
                )
        for keyword in ("oneOf", "anyOf"):
            before_variants, after_variants = _variants(old, keyword), _variants(new, keyword)
            for variant in sorted(before_variants.keys() & after_variants.keys()):
                self.schemas(
                    self.old.view(*before_variants[variant]),
                    self.new.view(*after_variants[variant]),
                    subject,
                )


def _variants(view: SchemaView, keyword: str) -> dict[str, tuple[Any, str]]:
    """A union's alternatives by their ``$ref`` (or, written inline, by position)."""
    listed = view.get(keyword)
    found = {}
    for index, variant in enumerate(listed) if isinstance(listed, list) else ():
        ref = variant.get("$ref") if isinstance(variant, dict) else None
        name = ref if isinstance(ref, str) else f"#{index}"
        found[name] = (variant, pointer_join(view.where(keyword), index))
    return found
