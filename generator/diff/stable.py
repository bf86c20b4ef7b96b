"""Which schema positions cannot differ between the two specs, so the walk skips them.

A release leaves most schemas alone, and comparing them field by field for every operation
that reaches them would be most of a diff's work. A position is the same on both sides when
what is written there is equal, leaving out what no rule reads (descriptions, examples,
titles, ``x-`` extensions), and every component schema it reaches is the same too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..load import unescape_pointer_token
from .spec import SchemaView, Spec

_SCHEMA_REF = "#/components/schemas/"
_NOISE = frozenset({"description", "example", "examples", "title", "externalDocs"})
_NAMED = frozenset({"properties", "mapping"})  # their keys are names, not keywords
_LITERAL = frozenset({"enum", "default", "required"})  # values, read as they are
_MISSING = object()


def semantic(node: Any, named: bool = False) -> Any:
    """``node`` without what no rule reads."""
    if isinstance(node, dict):
        return {
            key: (value if key in _LITERAL and not named else semantic(value, key in _NAMED))
            for key, value in node.items()
            if named or (key not in _NOISE and not str(key).startswith("x-"))
        }
    if isinstance(node, list):
        return [semantic(item) for item in node]
    return node


def referenced(node: Any) -> Iterator[str]:
    """Names of the component schemas ``node`` refers to (``$ref`` or discriminator mapping)."""
    if isinstance(node, dict):
        for value in node.values():
            yield from referenced(value)
    elif isinstance(node, list):
        for item in node:
            yield from referenced(item)
    elif isinstance(node, str) and node.startswith(_SCHEMA_REF):
        yield unescape_pointer_token(node[len(_SCHEMA_REF) :].split("/", 1)[0])


class Stability:
    """Component schemas equal on both sides with everything they reach, and the test of a
    position against them."""

    def __init__(self, old: Spec, new: Spec) -> None:
        self._old: dict[str, Any] = {}
        self._new: dict[str, Any] = {}
        before = {name: semantic(schema) for name, schema in old.schemas.items()}
        after = {name: semantic(schema) for name, schema in new.schemas.items()}
        users: dict[str, set[str]] = {}
        for side in (old.schemas, new.schemas):
            for name, schema in side.items():
                for target in referenced(schema):
                    users.setdefault(target, set()).add(name)
        changed = [n for n in before.keys() | after.keys() if _differ(before, after, n)]
        unstable = set(changed)
        while changed:
            for user in users.get(changed.pop(), ()):
                if user not in unstable:
                    unstable.add(user)
                    changed.append(user)
        self.stable = frozenset((before.keys() & after.keys()) - unstable)

    def same(self, old: SchemaView, new: SchemaView) -> bool:
        """Whether nothing at or below these two positions can differ."""
        written = _written(self._old, old)
        if written != _written(self._new, new):
            return False
        return all(name in self.stable for name in referenced(written))


def _differ(before: Mapping[str, Any], after: Mapping[str, Any], name: str) -> bool:
    return bool(before.get(name, _MISSING) != after.get(name, _MISSING))


def _written(cache: dict[str, Any], view: SchemaView) -> Any:
    if view.origin not in cache:
        cache[view.origin] = semantic(view.written)
    return cache[view.origin]
