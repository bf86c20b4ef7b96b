"""The spec as the rules see it: every typed OpenAPI object with its pointer, and ``$ref``.

Rules must not guess what a mapping is from its keys (an example may contain a key named
``schema``, a schema may have a property named ``example``), so the walk follows the OpenAPI
3.0 structure from the root. It never follows ``$ref``: every object is visited once, where it
is written, which keeps the walk linear and immune to reference cycles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote

from ..load import PointerError, follow_pointer, pointer_join
from ..openapi import HTTP_METHODS

Direction = Literal["request", "response"] | None

# How a child is held by its parent: one object, a list of them, or a name -> object map
# (``map+x``: the map may also hold ``x-`` extensions, which are not children).
_ONE, _LIST, _MAP, _MAP_X = "one", "list", "map", "map+x"
_SCHEMA_CHILDREN = (
    ("properties", "schema", _MAP),
    ("additionalProperties", "schema", _ONE),
    ("items", "schema", _ONE),
    ("allOf", "schema", _LIST),
    ("anyOf", "schema", _LIST),
    ("oneOf", "schema", _LIST),
    ("not", "schema", _ONE),
)
_PARAMETER_CHILDREN = (
    ("schema", "schema", _ONE),
    ("content", "media-type", _MAP),
    ("examples", "example", _MAP),
)
_CHILDREN: dict[str, tuple[tuple[str | None, str, str], ...]] = {
    "document": (("paths", "path-item", _MAP_X), ("components", "components", _ONE)),
    "components": (
        ("schemas", "schema", _MAP),
        ("responses", "response", _MAP),
        ("parameters", "parameter", _MAP),
        ("examples", "example", _MAP),
        ("requestBodies", "request-body", _MAP),
        ("headers", "header", _MAP),
        ("securitySchemes", "security-scheme", _MAP),
        ("links", "link", _MAP),
        ("callbacks", "callback", _MAP),
    ),
    "path-item": (
        ("parameters", "parameter", _LIST),
        *((m, "operation", _ONE) for m in HTTP_METHODS),
    ),
    "operation": (
        ("parameters", "parameter", _LIST),
        ("requestBody", "request-body", _ONE),
        ("responses", "response", _MAP_X),
        ("callbacks", "callback", _MAP),
    ),
    "callback": ((None, "path-item", _MAP_X),),  # the callback object itself is the map
    "parameter": _PARAMETER_CHILDREN,
    "header": _PARAMETER_CHILDREN,
    "request-body": (("content", "media-type", _MAP),),
    "response": (
        ("headers", "header", _MAP),
        ("content", "media-type", _MAP),
        ("links", "link", _MAP),
    ),
    "media-type": (
        ("schema", "schema", _ONE),
        ("examples", "example", _MAP),
        ("encoding", "encoding", _MAP),
    ),
    "encoding": (("headers", "header", _MAP),),
    "schema": _SCHEMA_CHILDREN,
}
# Objects below these are sent by the client, or received by it (examples validate accordingly).
_DIRECTION: dict[str, Direction] = {
    "request-body": "request",
    "parameter": "request",
    "response": "response",
    "header": "response",
}
_PATH_VARIABLE = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Node:
    """A typed OpenAPI object (or a ``$ref`` standing where one is expected)."""

    kind: str
    pointer: str
    value: dict[str, Any]
    direction: Direction


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    pointer: str
    value: dict[str, Any]
    path_item: dict[str, Any]
    path_item_pointer: str


@dataclass(frozen=True)
class Parameter:
    """A parameter after ``$ref``: ``pointer`` is where it is defined, ``listed_at`` where used."""

    value: dict[str, Any]
    pointer: str
    listed_at: str

    @property
    def location(self) -> str:
        return str(self.value.get("in"))

    @property
    def name(self) -> str:
        """The name as text, whatever the spec holds there (the schema check reports a non-string)."""
        return str(self.value.get("name"))

    @property
    def key(self) -> tuple[str, str]:
        return self.location, self.name


class RefError(Exception):
    """A ``$ref`` that cannot be followed; the message says why."""


class RefCycle(RefError):
    """``$ref`` chains back to itself without ever naming an object."""


def path_variables(path: str) -> list[str]:
    return _PATH_VARIABLE.findall(path)


def _children(node: Node) -> Iterator[Node]:
    for key, kind, how in _CHILDREN.get(node.kind, ()):
        holder = node.value if key is None else node.value.get(key)
        if holder is None:
            continue
        pointer = node.pointer if key is None else pointer_join(node.pointer, key)
        direction = _DIRECTION.get(kind, node.direction)
        if how == _ONE:
            if isinstance(holder, dict):
                yield Node(kind, pointer, holder, direction)
            continue
        if how == _LIST:
            entries: Iterable[tuple[object, Any]] = (
                enumerate(holder) if isinstance(holder, list) else ()
            )
        else:
            entries = holder.items() if isinstance(holder, dict) else ()
        for token, child in entries:
            if isinstance(child, dict) and not (how == _MAP_X and str(token).startswith("x-")):
                yield Node(kind, pointer_join(pointer, token), child, direction)


class Document:
    """The raw spec data, its typed objects in document order, and ``$ref`` resolution."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.nodes = self._walk()

    def _walk(self) -> list[Node]:
        found: list[Node] = []
        stack = [Node("document", "", self.data, None)]
        while stack:
            node = stack.pop()
            found.append(node)
            if "$ref" not in node.value:
                stack.extend(reversed(list(_children(node))))
        return found

    def of_kind(self, *kinds: str) -> Iterator[Node]:
        return (node for node in self.nodes if node.kind in kinds)

    def follow(self, ref: object) -> tuple[Any, str]:
        """The target of one ``$ref`` and its pointer (RFC 6901 in a URI fragment)."""
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise RefError(
                f"$ref {ref!r} does not point into this file; "
                f"only '#/...' references are supported"
            )
        pointer = unquote(ref[1:])
        if pointer and not pointer.startswith("/"):
            raise RefError(f"$ref {ref!r} is not a JSON pointer ('#/components/...')")
        try:
            return follow_pointer(self.data, pointer), pointer
        except PointerError as exc:
            raise RefError(f"$ref {ref!r} does not resolve: {exc}") from None

    def resolve(self, value: Any, pointer: str) -> tuple[Any, str]:
        """Follow a chain of ``$ref`` to the object it names."""
        seen: set[str] = set()
        while isinstance(value, dict) and "$ref" in value:
            ref = value["$ref"]
            if not isinstance(ref, str):
                raise RefError(f"$ref must be a string, not {type(ref).__name__}")
            if ref in seen:
                raise RefCycle(f"$ref {ref!r} leads back to itself and never names an object")
            seen.add(ref)
            value, pointer = self.follow(ref)
        return value, pointer

    def resolved(self, value: Any, pointer: str) -> tuple[dict[str, Any], str] | None:
        """Like :meth:`resolve`, for rules that skip what ``ref-resolves`` already reports."""
        try:
            target, where = self.resolve(value, pointer)
        except RefError:
            return None
        return (target, where) if isinstance(target, dict) else None

    def operations(self) -> Iterator[Operation]:
        """The operations the generator builds: those under ``paths``, in document order."""
        paths = self.data.get("paths")
        for path, raw in paths.items() if isinstance(paths, dict) else ():
            item = self.resolved(raw, pointer_join("/paths", path))
            if item is None or not str(path).startswith("/"):
                continue
            value, pointer = item
            for method in HTTP_METHODS:
                if isinstance(value.get(method), dict):
                    yield Operation(
                        str(path),
                        method,
                        pointer_join(pointer, method),
                        value[method],
                        value,
                        pointer,
                    )

    def parameters(self, listed: Any, pointer: str) -> list[Parameter]:
        """The parameters of one ``parameters`` list, ``$ref`` followed."""
        found = []
        for index, raw in enumerate(listed) if isinstance(listed, list) else ():
            listed_at = pointer_join(pointer, index)
            target = self.resolved(raw, listed_at)
            if target is not None:
                found.append(Parameter(target[0], target[1], listed_at))
        return found

    def operation_parameters(self, operation: Operation) -> list[Parameter]:
        """Path-level and operation-level parameters; the operation's own override by (in, name)."""
        path_level = self.parameters(
            operation.path_item.get("parameters"),
            pointer_join(operation.path_item_pointer, "parameters"),
        )
        merged = {parameter.key: parameter for parameter in path_level}
        for parameter in self.parameters(
            operation.value.get("parameters"), pointer_join(operation.pointer, "parameters")
        ):
            merged[parameter.key] = parameter
        return list(merged.values())
