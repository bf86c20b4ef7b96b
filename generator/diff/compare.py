"""Match the two specs' operations and walk them side by side, applying the rules.

Schemas are compared once per operation and direction: the ``seen`` pairs cut the cycles of
Atlas specs (a parent lists its children in ``oneOf``, each child extends the parent through
``allOf``; a tree node lists nodes) and keep a schema shared by several responses to one report.
Union alternatives are paired by what they mean, never by position: discriminator value, then
referenced schema, then shape. Enum values are compared per place over all alternatives
(:mod:`.places`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from .. import forked
from ..load import LoadedSpec
from .findings import Change, Finding, Rule, ordered, place_in
from .names import Names, OperationNames
from .pairs import (
    BranchPair,
    FieldPair,
    OperationPair,
    ParameterPair,
    PlacePair,
    SchemaPair,
    Subject,
)
from .places import Accepted, PlaceIndex, compared
from .rules import (
    BRANCH_RULES,
    FIELD_RULES,
    OPERATION_RULES,
    PARAMETER_RULES,
    PLACE_RULES,
    SCHEMA_RULES,
)
from .spec import Direction, Media, Operation, SchemaView, Spec
from .stable import Stability

T = TypeVar("T")
_DIRECTIONS: tuple[Direction, ...] = ("request", "response")
# The CLI reads a request body from this option (its own, not a spec parameter).
BODY_FLAG = "file"
# Two alternatives of a union with no discriminator value or schema name in common are the
# same alternative when this share of their property names (or enum values) is common.
_SAME_SHAPE = 0.5


@dataclass
class _Side:
    loaded: LoadedSpec
    spec: Spec
    places: PlaceIndex
    names: Names | None = None  # once built (beside the walk, see ``_names_beside``)


class _Context:
    """Both specs, their generated names and places, and the findings so far."""

    def __init__(self, old: LoadedSpec, new: LoadedSpec, cli: str) -> None:
        self.old = _side(old)
        self.new = _side(new)
        self.cli = cli
        self.stability = Stability(self.old.spec, self.new.spec)
        # (direction, old root, new root) -> the places whose accepted values differ
        self.place_changes: dict[tuple[str, str, str], list[tuple[str, Accepted, Accepted]]] = {}

    def place_delta(
        self, old: SchemaView, new: SchemaView, direction: Direction
    ) -> list[tuple[str, Accepted, Accepted]]:
        key = (direction, old.pointer, new.pointer)
        if self.stability.same(old, new):
            return []
        if key not in self.place_changes:
            self.place_changes[key] = list(
                compared(self.old.places.of(old, direction), self.new.places.of(new, direction))
            )
        return self.place_changes[key]


def _side(loaded: LoadedSpec) -> _Side:
    spec = Spec(loaded.data)
    return _Side(loaded, spec, PlaceIndex(spec))


def diff_specs(old: LoadedSpec, new: LoadedSpec, *, cli: str = "atlas-admin") -> list[Finding]:
    """Every change from ``old`` to ``new``, worst first, then by operation and pointer.
    ``cli`` is the generated command's name, for the command lines a finding affects."""
    with _no_cyclic_collection():
        return _diff(old, new, cli)


@contextmanager
def _no_cyclic_collection() -> Iterator[None]:
    """The diff builds two models and many views and keeps them all to the end: the cyclic
    garbage collector would rescan that growing heap again and again for nothing (a third
    of the time on a 540-operation spec). Reference counting still frees what is dropped."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _diff(old: LoadedSpec, new: LoadedSpec, cli: str) -> list[Finding]:
    with _names_beside(old, new) as built_names:
        context = _Context(old, new, cli)
        walks = [_Walk(context, pair) for pair in _matched(context)]
        reached: set[str] = set()
        for walk in walks:
            if walk.pair.old is not None and walk.pair.new is not None:
                walk.operation(walk.pair.old, walk.pair.new)
            reached |= walk.reached
        # The client has a model class for every component schema: those no operation uses
        # are still imported and built by users, in both directions (what they share with
        # operations was reported there).
        components = _Walk(context, OperationPair(None, None), done=frozenset(reached))
        before, after = context.old.spec, context.new.spec
        for name in sorted(before.schemas.keys() & after.schemas.keys()):
            old_view, new_view = before.component(name), after.component(name)
            if new_view.pointer in reached:
                continue
            for direction in _DIRECTIONS:
                subject = Subject(direction, f"{direction} field", name)
                components.body(old_view, new_view, subject)
        context.old.names, context.new.names = built_names()
    return ordered(finding for walk in [*walks, components] for finding in walk.findings())


# Spec nodes (both sides together) from which the models are built in another process, beside
# the walk: below this a process costs more than it saves.
_FORK_NAMES_FROM = 20_000


@contextmanager
def _names_beside(old: LoadedSpec, new: LoadedSpec) -> Iterator[Callable[[], tuple[Names, Names]]]:
    """Both sides' generated names, started now: on another core for large specs (the two
    models are a third of a diff's work, and nothing but the findings' names needs them),
    else when asked. Yields the function that returns them (waiting for them)."""

    def build() -> tuple[Names, Names]:
        return Names(old), Names(new)

    if len(old.locations) + len(new.locations) < _FORK_NAMES_FROM or not forked.available():
        yield build
        return
    with forked.Workers(build, 1) as worker:
        yield worker.submit().result


def _matched(context: _Context) -> list[OperationPair]:
    """Pairs by method and path, then by operationId or alias (a moved path keeps its
    method name)."""
    old, new = context.old.spec.operations, context.new.spec.operations
    new_by_key = {operation.key: operation for operation in new}
    matched: list[tuple[Operation | None, Operation | None]] = []
    unmatched = []
    for operation in old:
        twin = new_by_key.pop(operation.key, None)
        if twin is None:
            unmatched.append(operation)
        else:
            matched.append((operation, twin))
    new_by_id = {op.operation_id: op for op in new_by_key.values()}
    new_by_id.update({op.alias: op for op in new_by_key.values() if op.alias})
    for operation in unmatched:
        twin = new_by_id.pop(operation.operation_id, None)
        matched.append((operation, twin))
        if twin is not None:
            new_by_key.pop(twin.key, None)
    matched.extend((None, operation) for operation in new_by_key.values())
    return [OperationPair(old_operation, new_operation) for old_operation, new_operation in matched]


class _Walk:
    """Compares what one operation (or the unused component schemas) reaches."""

    def __init__(
        self, context: _Context, pair: OperationPair, done: frozenset[str] = frozenset()
    ) -> None:
        self.context = context
        self.pair = pair
        self.seen: set[tuple[str, str, str]] = set()
        self.done = done  # new spec's schemas to skip
        # Pointers of the new spec's schemas compared, with those merged into them (allOf
        # parts, the schema a lone allOf refers to): no longer models no operation uses.
        self.reached: set[str] = set()
        # What the rules found, named once the generated names are known (``findings``).
        self.changes: list[tuple[Rule[Any], Change, Subject | None, tuple[str, str] | None]] = []

    # ----------------------------------------------------------------- findings
    def apply(
        self,
        rules: Iterable[Rule[T]],
        pair: T,
        subject: Subject | None,
        positions: tuple[str, str] | None = None,
    ) -> None:
        """Report what ``rules`` find in ``pair``; ``positions`` (old, new) name the model
        fields of a schema reached through a reference."""
        for rule in rules:
            for change in rule.check(pair):
                self.report(rule, change, subject, positions)

    def report(
        self,
        rule: Rule[T],
        change: Change,
        subject: Subject | None,
        positions: tuple[str, str] | None,
    ) -> None:
        self.changes.append((rule, change, subject, positions))

    def findings(self) -> Iterator[Finding]:
        """Every change found, with the generated names it affects; the operation's own rules
        run here, as they compare generated names."""
        old, new = self.context.old, self.context.new
        assert old.names is not None and new.names is not None
        self.pair = replace(
            self.pair,
            old_names=_operation_names(old.names, self.pair.old),
            new_names=_operation_names(new.names, self.pair.new),
        )
        if self.pair.old is not None or self.pair.new is not None:
            self.apply(OPERATION_RULES, self.pair, None)
        operation_names = self.pair.new_names or self.pair.old_names
        for rule, change, subject, positions in self.changes:
            names = [
                *self._names(subject, self.pair.old_names),
                *self._names(subject, self.pair.new_names),
            ]
            if subject is not None and subject.parameter is None:
                old_at, new_at = positions or (change.old, change.new)
                for side, names_of, pointers in (
                    (old, old.names, (change.old, old_at)),
                    (new, new.names, (change.new, new_at)),
                ):
                    for pointer in dict.fromkeys(pointers):
                        names += names_of.model_fields(pointer)
            yield Finding(
                level=rule.level,
                rule_id=rule.id,
                operation=self.pair.operation_id,
                pointer=change.pointer,
                message=change.message,
                old=place_in(old.loaded, change.old),
                new=place_in(new.loaded, change.new),
                names=tuple(dict.fromkeys(names)),
                tag=operation_names.tag if operation_names is not None else "",
            )

    def _names(self, subject: Subject | None, names: OperationNames | None) -> Iterator[str]:
        """The client calls and command lines of the operation that ``subject`` touches: every
        name (aliases too) for a change to the operation itself, else the main ones."""
        if names is None:
            return
        cli = self.context.cli
        if subject is None:
            yield from names.calls()
            yield from names.command_lines(cli)
            return
        argument, flag = (
            ("...", None) if subject.direction == "response" else ("body=...", BODY_FLAG)
        )
        if subject.parameter is not None:
            if subject.parameter not in names.parameters:
                return
            keyword, flag = names.parameters[subject.parameter]
            argument = f"{keyword}=..."
        yield names.calls(argument)[0]
        yield names.command_lines(cli, flag)[0]

    # ----------------------------------------------------------------- walking
    def operation(self, old: Operation, new: Operation) -> None:
        before, after = self.context.old.spec, self.context.new.spec
        for key in sorted(old.parameters.keys() | new.parameters.keys()):
            old_parameter, new_parameter = old.parameters.get(key), new.parameters.get(key)
            subject = Subject("request", f"{key[0]} parameter", key[1], parameter=key)
            self.apply(
                PARAMETER_RULES, ParameterPair(subject, old_parameter, new_parameter), subject
            )
            if old_parameter is not None and new_parameter is not None:
                self.body(
                    before.view(old_parameter.schema, old_parameter.schema_pointer),
                    after.view(new_parameter.schema, new_parameter.schema_pointer),
                    subject,
                )
        self.content(old.request, new.request, Subject("request", "request field"))
        for status in sorted(old.responses.keys() & new.responses.keys()):
            subject = Subject("response", "response field")
            self.content(old.responses[status], new.responses[status], subject)

    def content(self, old: Mapping[str, Media], new: Mapping[str, Media], subject: Subject) -> None:
        """Bodies of the media types both sides have (a version gone is reported on its own)."""
        before, after = self.context.old.spec, self.context.new.spec
        for media_type in sorted(old.keys() & new.keys()):
            old_media, new_media = old[media_type], new[media_type]
            self.body(
                before.view(old_media.schema, old_media.schema_pointer),
                after.view(new_media.schema, new_media.schema_pointer),
                subject,
            )

    def body(self, old: SchemaView, new: SchemaView, subject: Subject) -> None:
        """A parameter or body: its schemas side by side, then the values of its places."""
        self.schemas(old, new, subject)
        for path, old_accepts, new_accepts in self.context.place_delta(old, new, subject.direction):
            place = PlacePair(subject.child(path), old_accepts, new_accepts)
            self.apply(PLACE_RULES, place, place.subject)

    def schemas(self, old: SchemaView, new: SchemaView, subject: Subject) -> None:
        key = (subject.direction, old.pointer, new.pointer)
        if key in self.seen or new.pointer in self.done:
            return
        self.seen.add(key)
        self.reached |= new.merged
        if self.context.stability.same(old, new):
            return
        before, after = self.context.old.spec, self.context.new.spec
        swapped = (
            old.ref is not None
            and new.ref is not None
            and old.ref != new.ref
            and (old.ref in after.schemas or new.ref in before.schemas)
        )
        pair = SchemaPair(subject, old, new, swapped)
        self.apply(SCHEMA_RULES, pair, subject, (old.origin, new.origin))
        if old.kind is not None and new.kind is not None and old.kind != new.kind:
            return  # another type: what it holds is not the same thing changed
        for name in sorted(old.properties.keys() | new.properties.keys()):
            field = subject.child(name)
            old_field = before.field(old, name, subject.direction)
            new_field = after.field(new, name, subject.direction)
            if new_field is None and _in_every_branch(after, new, name, subject.direction):
                continue  # the schema became a union whose every alternative still has it
            in_new_model = name in new.properties
            fields = FieldPair(
                field, old_field, new_field, name, old.pointer, new.pointer, in_new_model
            )
            self.apply(FIELD_RULES, fields, field)
            if old_field is not None and new_field is not None:
                self.schemas(old_field.view, new_field.view, field)
        for keyword, step in (("items", "[]"), ("additionalProperties", "{}")):
            old_schema, new_schema = old.get(keyword), new.get(keyword)
            if isinstance(old_schema, dict) and isinstance(new_schema, dict):
                self.schemas(
                    before.view(old_schema, old.where(keyword)),
                    after.view(new_schema, new.where(keyword)),
                    subject.child(step),
                )
        paired, removed, added = _paired_branches(
            [before.view(*b) for b in old.branches()],
            [after.view(*b) for b in new.branches()],
            old.discriminated(),
            new.discriminated(),
        )
        for old_branch, new_branch in paired:
            self.schemas(old_branch, new_branch, subject)
        for branch in removed:
            self.apply(
                BRANCH_RULES, BranchPair(subject, branch, None, old.pointer, new.pointer), subject
            )
        for branch in added:
            self.apply(
                BRANCH_RULES, BranchPair(subject, None, branch, old.pointer, new.pointer), subject
            )


def _operation_names(names: Names, operation: Operation | None) -> OperationNames | None:
    return None if operation is None else names.operations.get(operation.route)


def _in_every_branch(spec: Spec, view: SchemaView, name: str, direction: Direction) -> bool:
    branches = view.branches()
    return bool(branches) and all(
        spec.field(spec.view(*branch), name, direction) is not None for branch in branches
    )


def _paired_branches(
    old: Sequence[SchemaView],
    new: Sequence[SchemaView],
    old_values: Mapping[str, str],
    new_values: Mapping[str, str],
) -> tuple[list[tuple[SchemaView, SchemaView]], list[SchemaView], list[SchemaView]]:
    """Alternatives paired by discriminator value, then by the schema they refer to, then
    by shape; and those left over on each side (an alternative that only lists enum values
    is left out: its values are compared per place)."""
    old_refs = {view.ref: i for i, view in reversed(list(enumerate(old))) if view.ref}
    new_refs = {view.ref: j for j, view in reversed(list(enumerate(new))) if view.ref}
    candidates: list[tuple[int, int]] = []
    for value in sorted(old_values.keys() & new_values.keys()):
        i, j = old_refs.get(old_values[value]), new_refs.get(new_values[value])
        if i is not None and j is not None:
            candidates.append((i, j))
    candidates += [(i, new_refs[ref]) for ref, i in sorted(old_refs.items()) if ref in new_refs]
    scored = [
        (score, i, j)
        for i, a in enumerate(old)
        for j, b in enumerate(new)
        if (score := _similarity(a, b)) >= _SAME_SHAPE
    ]
    candidates += [(i, j) for _, i, j in sorted(scored, key=lambda s: (-s[0], s[1], s[2]))]
    paired: dict[int, int] = {}
    for i, j in candidates:
        if i not in paired and j not in paired.values():
            paired[i] = j

    def counted(views: Sequence[SchemaView], taken: Iterable[int]) -> list[SchemaView]:
        left = set(range(len(views))) - set(taken)
        return [views[k] for k in sorted(left) if not isinstance(views[k].get("enum"), list)]

    return (
        [(old[i], new[j]) for i, j in sorted(paired.items())],
        counted(old, paired),
        counted(new, paired.values()),
    )


def _similarity(old: SchemaView, new: SchemaView) -> float:
    """How alike two alternatives are: 1.0 for the same type with the same property names
    (or enum values), less as they share fewer; 0 for different types."""
    if old.kind != new.kind:
        return 0.0
    for a, b in ((set(old.properties), set(new.properties)), (_enum_keys(old), _enum_keys(new))):
        if a or b:
            return len(a & b) / len(a | b)
    return 1.0 if old.get("format") == new.get("format") else _SAME_SHAPE


def _enum_keys(view: SchemaView) -> set[str]:
    values = view.get("enum")
    return {repr(v) for v in values} if isinstance(values, list) else set()
