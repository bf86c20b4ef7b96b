"""The values each place of a body accepts, gathered across every branch that reaches it.

A place is a path in a parameter or body (``results[].eventTypeName``). Atlas specs often
write an enum place as a ``oneOf`` of named enums, and releases move values from one named
enum to another: the place still accepts them, so comparing branch by branch would report
every moved value as removed. Here the values of all branches of a union are pooled per
place. A discriminated union is the exception: its branches are chosen by the discriminator
value, so a value moved from the ``AWS`` branch to the ``AZURE`` one is gone for ``AWS``
callers; its places carry the discriminator value (``regionConfigs[](AWS).instanceSize``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..load import pointer_join
from .spec import Direction, SchemaView, Spec, ref_name

ValueKey = str  # JSON text of a value: True and 1 are different values of an enum


@dataclass
class Accepted:
    """What one place accepts: listed values (each with where it is listed), and whether
    some branch there accepts any value of its type (``open``)."""

    pointer: str  # the schema at the place (the union, for a place its branches share)
    values: dict[ValueKey, tuple[Any, str]] = field(default_factory=dict)
    open: bool = False

    def merge(self, other: Accepted) -> None:
        for key, listed in other.values.items():
            self.values.setdefault(key, listed)
        self.open = self.open or other.open


Places = dict[str, Accepted]  # path relative to the root -> what it accepts


def join(prefix: str, rest: str) -> str:
    """A path under ``prefix``; a step is a property name, ``[]`` (array items), ``{}`` (map
    values) or ``(value)`` (a discriminated branch)."""
    if not prefix or not rest or rest[:1] in "[{(":
        return prefix + rest
    return f"{prefix}.{rest}"


class PlaceIndex:
    """Places of one spec's schemas, computed once per schema and direction."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.done: dict[tuple[str, Direction], Places] = {}
        self.busy: set[tuple[str, Direction]] = set()

    def of(self, view: SchemaView, direction: Direction) -> Places:
        key = (view.pointer, direction)
        if key in self.done:
            return self.done[key]
        if key in self.busy:  # a cycle: the places below are already being gathered
            return {}
        self.busy.add(key)
        try:
            found = self._gather(view, direction)
        finally:
            self.busy.discard(key)
        self.done[key] = found
        return found

    def _gather(self, view: SchemaView, direction: Direction) -> Places:
        found: Places = {}
        values = view.get("enum")
        branches = view.branches()
        if isinstance(values, list):
            here = Accepted(view.pointer)
            listed_at = view.where("enum")
            for index, value in enumerate(values):
                if value is not None:  # null is nullable's business, not a value (as the model)
                    here.values.setdefault(_key(value), (value, pointer_join(listed_at, index)))
            found[""] = here
        elif not branches and not view.properties and view.kind != "array":
            found[""] = Accepted(view.pointer, open=True)
        chosen_by = {name: value for value, name in view.discriminated().items()}
        for branch, pointer in branches:
            qualifier = chosen_by.get(ref_name(branch) or "")
            prefix = f"({qualifier})" if qualifier is not None else ""
            _add(found, self.of(self.spec.view(branch, pointer), direction), prefix)
        for name in view.properties:
            property_view = self.spec.field(view, name, direction)
            if property_view is not None:
                _add(found, self.of(property_view.view, direction), name)
        for keyword, step in (("items", "[]"), ("additionalProperties", "{}")):
            nested = view.get(keyword)
            if isinstance(nested, dict):
                _add(found, self.of(self.spec.view(nested, view.where(keyword)), direction), step)
        if "" in found:  # a union's place is the union, not its first branch
            found[""].pointer = view.pointer
        return found


def _key(value: Any) -> ValueKey:
    return json.dumps(value, sort_keys=True, default=str)


def _add(into: Places, places: Places, step: str) -> None:
    for path, accepted in places.items():
        where = join(step, path)
        if where in into:
            into[where].merge(accepted)
        else:
            into[where] = Accepted(accepted.pointer, dict(accepted.values), accepted.open)


def compared(old: Places, new: Places) -> Iterator[tuple[str, Accepted, Accepted]]:
    """Places both sides have where either lists values (a place only one side has is a
    field added or removed, reported as such)."""
    for path in sorted(old.keys() & new.keys()):
        before, after = old[path], new[path]
        if (before.values or after.values) and _differ(before, after):
            yield path, before, after


def _differ(old: Accepted, new: Accepted) -> bool:
    return old.open != new.open or old.values.keys() != new.values.keys()
