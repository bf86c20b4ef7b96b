"""Known edits: change any OpenAPI spec in known ways and check that ``atlasgen diff`` reports
exactly the findings those edits should give, none more and none less.

    python bench/diff/known_edits.py SPEC.yaml      # any spec: a corpus spec, a release
    python bench/diff/known_edits.py --synth 540    # the synthetic Atlas-shaped spec

Each edit picks its own target (an operation, a parameter, a schema, a field) that no other
edit touches, changes the new copy of the spec (some first prepare both copies the same way,
to build the shape they need), and says what it expects as ``(rule id, level, pointer)``
triples; a change that several operations share is one triple. The edits that change
nothing users see (a reordered ``oneOf``, a renamed schema, a value moved between named
enums, descriptions and extensions, a schema split into ``allOf``) expect nothing. An edit
with no target in a spec is skipped and named in the report. Exit status: 0 when the findings
are exactly the expected ones.

The targets are found by this module's own walk of the spec (which schemas each operation
reaches, and in which direction), not by the diff's code, so the check is not circular.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

from atlasgen.diff import diff_specs
from atlasgen.load import escape_pointer_token, load_spec, parse_spec_text

Expected = tuple[str, str, str]  # rule id, level, JSON pointer
OpKey = tuple[str, str]  # path, method
T = TypeVar("T")
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
SCHEMA_REF = "#/components/schemas/"
MARK = "KnownEdits"  # in every name an edit invents, so none collides with the spec's own


def pointer(*tokens: object) -> str:
    return "".join("/" + escape_pointer_token(t) for t in tokens)


def op_pointer(key: OpKey) -> str:
    return pointer("paths", *key)


# ----------------------------------------------------------------------------- the spec's shape
class Shape:
    """Which component schemas each operation reaches, and in which direction, walked the
    way a client sees bodies: ``$ref`` followed, ``allOf`` parts merged (their own
    ``oneOf`` left out), read-only fields left out of requests and write-only ones out of
    responses."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.schemas: dict[str, Any] = spec.get("components", {}).get("schemas", {}) or {}
        self.operations: list[OpKey] = [
            (path, method)
            for path, item in spec.get("paths", {}).items()
            for method in HTTP_METHODS
            if isinstance(item, dict) and isinstance(item.get(method), dict)
        ]
        self.directions: dict[str, set[str]] = {}  # schema -> directions it is reached in
        self.users: dict[str, set[OpKey]] = {}  # schema -> operations reaching it
        self.branches: set[str] = set()  # schemas listed in some oneOf/anyOf
        self.parts: set[str] = set()  # schemas some allOf extends
        for schema in self.schemas.values():
            for keyword in ("oneOf", "anyOf"):
                self.branches.update(_ref(b) or "" for b in schema.get(keyword) or [])
            self.parts.update(_ref(p) or "" for p in schema.get("allOf") or [])
        for key in self.operations:
            for direction, node in self._roots(key):
                self._walk(node, direction, key, set())

    def operation(self, key: OpKey) -> dict[str, Any]:
        found: dict[str, Any] = self.spec["paths"][key[0]][key[1]]
        return found

    def _roots(self, key: OpKey) -> Iterator[tuple[str, Any]]:
        op = self.operation(key)
        for parameter in op.get("parameters") or []:
            yield "request", self._resolve(parameter).get("schema")
        body = self._resolve(op.get("requestBody") or {})
        for media in (body.get("content") or {}).values():
            yield "request", media.get("schema")
        for response in (op.get("responses") or {}).values():
            for media in (self._resolve(response).get("content") or {}).values():
                yield "response", media.get("schema")

    def _resolve(self, node: Any) -> dict[str, Any]:
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            target: Any = self.spec
            for token in node["$ref"][2:].split("/"):
                target = target.get(token.replace("~1", "/").replace("~0", "~"), {})
            node = target
        return node if isinstance(node, dict) else {}

    def merged(self, node: Any, seen: frozenset[str] = frozenset()) -> dict[str, Any]:
        """Keywords of ``node`` after ``$ref``, with its ``allOf`` parts merged in."""
        name = _ref(node)
        if name in seen:
            return {}
        node = self._resolve(node)
        found: dict[str, Any] = {}
        for part in node.get("allOf") or []:
            inherited = self.merged(part, seen | {name or ""})
            found.update({k: v for k, v in inherited.items() if k not in ("oneOf", "anyOf")})
            found["properties"] = {
                **found.get("properties", {}),
                **inherited.get("properties", {}),
            }
        properties = {**found.get("properties", {}), **(node.get("properties") or {})}
        found.update(node)
        found["properties"] = properties
        return found

    def _walk(self, node: Any, direction: str, key: OpKey, seen: set[Any]) -> None:
        if not isinstance(node, dict) or (id(node), direction) in seen:
            return
        seen.add((id(node), direction))
        name = _ref(node)
        if name is not None and "$ref" in node:
            self.directions.setdefault(name, set()).add(direction)
            self.users.setdefault(name, set()).add(key)
        view = self.merged(node)
        hidden = "readOnly" if direction == "request" else "writeOnly"
        for schema in view.get("properties", {}).values():
            if not self.merged(schema).get(hidden):
                self._walk(schema, direction, key, seen)
        for keyword in ("items", "additionalProperties"):
            self._walk(view.get(keyword), direction, key, seen)
        for keyword in ("oneOf", "anyOf"):
            for branch in view.get(keyword) or []:
                self._walk(branch, direction, key, seen)
        for part in self._resolve(node).get("allOf") or []:
            self._walk_parts(part, direction, key, seen)

    def _walk_parts(self, part: Any, direction: str, key: OpKey, seen: set[Any]) -> None:
        """An allOf part's own nested parts (its properties were walked with the merge)."""
        for nested in self._resolve(part).get("allOf") or []:
            if (id(nested), "part") not in seen:
                seen.add((id(nested), "part"))
                self._walk_parts(nested, direction, key, seen)


def _ref(node: Any) -> str | None:
    ref = node.get("$ref") if isinstance(node, dict) else None
    if isinstance(ref, str) and ref.startswith(SCHEMA_REF) and "/" not in ref[len(SCHEMA_REF) :]:
        return ref[len(SCHEMA_REF) :]
    return None


# ----------------------------------------------------------------------------- the edits
@dataclass
class Pair:
    """The two copies being edited, the base's shape, and what edits have taken."""

    old: dict[str, Any]
    new: dict[str, Any]
    shape: Shape
    seed: int | None = None  # None: targets in document order; else a shuffled order
    taken_operations: set[OpKey] = field(default_factory=set)
    taken_schemas: set[str] = field(default_factory=set)
    removed: set[OpKey] = field(default_factory=set)

    def both(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return self.old, self.new

    def _order(self, items: list[T]) -> list[T]:
        if self.seed is None:
            return items
        shuffled = list(items)
        random.Random(
            f"{self.seed}:{len(self.taken_operations)}:{len(self.taken_schemas)}"
        ).shuffle(shuffled)
        return shuffled

    def operation(self, test: Callable[[dict[str, Any]], bool]) -> OpKey | None:
        """The first free operation that passes ``test``; it is taken."""
        for key in self._order(self.shape.operations):
            if key not in self.taken_operations and test(self.shape.operation(key)):
                self.taken_operations.add(key)
                return key
        return None

    def schema(
        self, directions: set[str], test: Callable[[str, dict[str, Any]], bool]
    ) -> str | None:
        """The first free component reached in exactly ``directions`` by operations no edit
        removes (once they are gone it would be compared as an unused model, both ways), not
        a union branch nor an allOf part, that passes ``test``; it is taken."""
        shape = self.shape
        for name, schema in self._order(list(shape.schemas.items())):
            if (
                name in self.taken_schemas
                or shape.directions.get(name) != directions
                or not shape.users.get(name, set()) - self.removed
                or name in shape.branches
                or name in shape.parts
                or not isinstance(schema, dict)
                or "allOf" in schema
                or "oneOf" in schema
                or "anyOf" in schema
                or not test(name, schema)
            ):
                continue
            self.taken_schemas.add(name)
            return name
        return None

    def plain_string(self, name: str) -> str | None:
        """An optional string property of schema ``name`` without enum, format or pattern,
        visible in both directions."""
        return self.prop(name, _plain_string)

    def prop(self, name: str, test: Callable[[dict[str, Any]], bool]) -> str | None:
        """An optional property of schema ``name`` written in place (no $ref) that passes
        ``test``."""
        schema = self.shape.schemas[name]
        required = set(schema.get("required") or [])
        for prop, value in (schema.get("properties") or {}).items():
            written_here = isinstance(value, dict) and "$ref" not in value
            if written_here and prop not in required and test(value):
                return str(prop)
        return None


def _plain_string(value: dict[str, Any]) -> bool:
    return (
        value.get("type") == "string"
        and not set(value) & {"enum", "format", "pattern", "readOnly", "writeOnly"}
        and value.get("maxLength", 20) > 10
    )


def _plain_int32(value: dict[str, Any]) -> bool:
    return (
        value.get("type") == "integer"
        and value.get("format") == "int32"
        and not set(value) & {"enum", "readOnly", "writeOnly"}
    )


Edit = Callable[[Pair], list[Expected] | None]  # None: no target in this spec
EDITS: list[tuple[str, Edit]] = []


def edit(name: str) -> Callable[[Edit], Edit]:
    def register(function: Edit) -> Edit:
        EDITS.append((name, function))
        return function

    return register


def _new_op(pair: Pair, key: OpKey) -> dict[str, Any]:
    found: dict[str, Any] = pair.new["paths"][key[0]][key[1]]
    return found


def _no_alias(op: dict[str, Any]) -> bool:
    return "x-xgen-operation-id-override" not in op and "operationId" in op


# operations ---------------------------------------------------------------------------
@edit("remove an operation")
def remove_operation(pair: Pair) -> list[Expected] | None:
    key = pair.operation(lambda op: True)
    if key is None:
        return None
    del pair.new["paths"][key[0]][key[1]]
    pair.removed.add(key)
    return [("operation-removed", "ERR", op_pointer(key))]


@edit("add an operation")
def add_operation(pair: Pair) -> list[Expected] | None:
    key = pair.operation(lambda op: "operationId" in op)
    if key is None:
        return None
    added = copy.deepcopy(_new_op(pair, key))
    added["operationId"] = f"get{MARK}Added"
    added.pop("x-xgen-operation-id-override", None)
    path = f"/api/atlas/v2/{MARK[0].lower()}{MARK[1:]}Added"
    pair.new["paths"][path] = {"get": added}
    return [("operation-added", "INFO", op_pointer((path, "get")))]


@edit("rename an operationId, the old one kept as x-xgen-operation-id-override")
def rename_keeping_alias(pair: Pair) -> list[Expected] | None:
    key = pair.operation(_no_alias)
    if key is None:
        return None
    op = _new_op(pair, key)
    op["x-xgen-operation-id-override"] = op["operationId"]
    op["operationId"] = op["operationId"] + MARK
    where = op_pointer(key) + "/x-xgen-operation-id-override"
    return [("operation-id-changed-alias-kept", "INFO", where)]


@edit("rename an operationId")
def rename_operation(pair: Pair) -> list[Expected] | None:
    key = pair.operation(_no_alias)
    if key is None:
        return None
    _new_op(pair, key)["operationId"] += MARK
    return [("operation-id-changed", "ERR", op_pointer(key))]


@edit("deprecate an operation")
def deprecate_operation(pair: Pair) -> list[Expected] | None:
    key = pair.operation(lambda op: not op.get("deprecated"))
    if key is None:
        return None
    _new_op(pair, key)["deprecated"] = True
    return [("operation-deprecated", "WARN", op_pointer(key) + "/deprecated")]


@edit("move an operation to another tag")
def move_tag(pair: Pair) -> list[Expected] | None:
    key = pair.operation(lambda op: True)
    if key is None:
        return None
    _new_op(pair, key)["tags"] = [f"{MARK} Moved"]
    return [("operation-tag-changed", "ERR", op_pointer(key) + "/tags")]


def _optional_query(op: dict[str, Any]) -> int | None:
    for index, parameter in enumerate(op.get("parameters") or []):
        if parameter.get("in") == "query" and not parameter.get("required"):
            return index
    return None


def _with_optional_query(pair: Pair) -> tuple[OpKey, int] | None:
    """A free operation with an optional query parameter, and that parameter's index."""
    key = pair.operation(lambda op: _optional_query(op) is not None)
    index = None if key is None else _optional_query(_new_op(pair, key))
    return None if key is None or index is None else (key, index)


@edit("remove an optional query parameter from an operation")
def remove_parameter(pair: Pair) -> list[Expected] | None:
    found = _with_optional_query(pair)
    if found is None:
        return None
    key, index = found
    del _new_op(pair, key)["parameters"][index]
    return [("parameter-removed", "ERR", op_pointer(key) + f"/parameters/{index}")]


@edit("add an optional query parameter")
def add_parameter(pair: Pair) -> list[Expected] | None:
    key = pair.operation(lambda op: True)
    if key is None:
        return None
    listed = _new_op(pair, key).setdefault("parameters", [])
    listed.append({"name": f"filter{MARK}", "in": "query", "schema": {"type": "string"}})
    return [("parameter-added", "INFO", op_pointer(key) + f"/parameters/{len(listed) - 1}")]


@edit("make an optional query parameter required")
def require_parameter(pair: Pair) -> list[Expected] | None:
    found = _with_optional_query(pair)
    if found is None:
        return None
    key, index = found
    listed = _new_op(pair, key)["parameters"]
    # A parameter written in components/parameters is shared: give this operation its own.
    listed[index] = {**copy.deepcopy(pair.shape._resolve(listed[index])), "required": True}
    pair.old["paths"][key[0]][key[1]]["parameters"][index] = copy.deepcopy(
        {**listed[index], "required": False}
    )
    where = op_pointer(key) + f"/parameters/{index}/required"
    return [("parameter-became-required", "ERR", where)]


# versions -------------------------------------------------------------------------------
def _success_media(op: dict[str, Any], shape: Shape) -> list[tuple[str, str]]:
    """(status, media type) of the versioned media types of 2xx responses, in order."""
    return [
        (str(status), media_type)
        for status, response in (op.get("responses") or {}).items()
        if str(status).startswith("2")
        for media_type in (shape._resolve(response).get("content") or {})
        if media_type.startswith("application/vnd.atlas.2")
    ]


def _inline_responses(pair: Pair, key: OpKey) -> None:
    """Give the operation's 2xx responses their own copy (a $ref'd response is shared)."""
    for side in pair.both():
        responses = side["paths"][key[0]][key[1]]["responses"]
        for status in list(responses):
            if str(status).startswith("2"):
                responses[status] = copy.deepcopy(pair.shape._resolve(responses[status]))


def _no_request_versions(op: dict[str, Any]) -> bool:
    return "requestBody" not in op


@edit("add an API version to an operation")
def add_version(pair: Pair) -> list[Expected] | None:
    key = pair.operation(
        lambda op: _no_request_versions(op) and bool(_success_media(op, pair.shape))
    )
    if key is None:
        return None
    _inline_responses(pair, key)
    status, media_type = _success_media(_new_op(pair, key), pair.shape)[0]
    content = _new_op(pair, key)["responses"][status]["content"]
    added = "application/vnd.atlas.2099-01-01+json"
    content[added] = {"schema": copy.deepcopy(content[media_type].get("schema", {}))}
    where = op_pointer(key) + f"/responses/{status}/content/{escape_pointer_token(added)}"
    return [("api-version-added", "INFO", where)]


@edit("remove the oldest of two API versions of an operation")
def remove_version(pair: Pair) -> list[Expected] | None:
    def two_dates(op: dict[str, Any]) -> bool:
        dates = {m.split(".atlas.")[1][:10] for _, m in _success_media(op, pair.shape)}
        return _no_request_versions(op) and len(dates) >= 2

    key = pair.operation(two_dates)
    if key is None:
        return None
    _inline_responses(pair, key)
    media = _success_media(_new_op(pair, key), pair.shape)
    oldest = min(m.split(".atlas.")[1][:10] for _, m in media)
    first = next((s, m) for s, m in media if oldest in m)
    for status, media_type in media:
        if oldest in media_type:
            del _new_op(pair, key)["responses"][status]["content"][media_type]
    where = op_pointer(key) + f"/responses/{first[0]}/content/{escape_pointer_token(first[1])}"
    return [("api-version-removed", "ERR", where)]


@edit("give an API version a sunset date")
def sunset_version(pair: Pair) -> list[Expected] | None:
    def unset(op: dict[str, Any]) -> bool:
        media = _success_media(op, pair.shape)
        dates = [m.split(".atlas.")[1][:10] for _, m in media]
        return _no_request_versions(op) and len(media) == len(set(dates)) > 0

    key = pair.operation(unset)
    if key is None:
        return None
    _inline_responses(pair, key)
    status, media_type = _success_media(_new_op(pair, key), pair.shape)[-1]
    for side in pair.both():  # no earlier sunset on either side
        side["paths"][key[0]][key[1]]["responses"][status]["content"][media_type].pop(
            "x-sunset", None
        )
    _new_op(pair, key)["responses"][status]["content"][media_type]["x-sunset"] = "2099-01-01"
    where = f"/responses/{status}/content/{escape_pointer_token(media_type)}/x-sunset"
    return [("version-sunset-added", "WARN", op_pointer(key) + where)]


# fields ---------------------------------------------------------------------------------
def _schema_edit(
    directions: set[str],
    change: Callable[[Pair, str, str], str],
    rules: dict[str, tuple[str, str]],
    test: Callable[[dict[str, Any]], bool] = _plain_string,
) -> Edit:
    """An edit of one property (a plain string unless ``test`` says otherwise) of a
    component reached in ``directions``; ``change`` edits it and returns the pointer of the
    change below the property."""

    def run(pair: Pair) -> list[Expected] | None:
        name = pair.schema(directions, lambda n, s: pair.prop(n, test) is not None)
        if name is None:
            return None
        prop = pair.prop(name, test)
        assert prop is not None
        suffix = change(pair, name, prop)
        base = pointer("components", "schemas", name, "properties", prop)
        return [
            (rule, level, base + suffix)
            for direction, (rule, level) in rules.items()
            if direction in directions
        ]

    return run


def _components(side: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = side["components"]["schemas"]
    return found


def _remove_field(pair: Pair, name: str, prop: str) -> str:
    del _components(pair.new)[name]["properties"][prop]
    return ""


def _field_to_integer(pair: Pair, name: str, prop: str) -> str:
    _components(pair.new)[name]["properties"][prop]["type"] = "integer"
    return "/type"


def _max_length(pair: Pair, name: str, prop: str) -> str:
    _components(pair.new)[name]["properties"][prop]["maxLength"] = 10
    return "/maxLength"


def _require(pair: Pair, name: str, prop: str) -> str:
    _components(pair.new)[name].setdefault("required", []).append(prop)
    return ""


def _to_number(pair: Pair, name: str, prop: str) -> str:
    _components(pair.new)[name]["properties"][prop]["type"] = "number"
    return "/type"


def _to_int64(pair: Pair, name: str, prop: str) -> str:
    _components(pair.new)[name]["properties"][prop]["format"] = "int64"
    return "/format"


def _read_only(pair: Pair, name: str, prop: str) -> str:
    _components(pair.new)[name]["properties"][prop]["readOnly"] = True
    return ""


REQUEST, RESPONSE = {"request"}, {"response"}
EDITS += [
    (
        "widen a request integer to a number",
        _schema_edit(REQUEST, _to_number, {"request": ("type-widened", "INFO")}, _plain_int32),
    ),
    (
        "change a response int32 to int64",
        _schema_edit(
            RESPONSE,
            _to_int64,
            {"response": ("format-changed-same-type", "INFO")},
            _plain_int32,
        ),
    ),
    (
        "make a request field read-only",
        _schema_edit(REQUEST, _read_only, {"request": ("field-hidden", "WARN")}),
    ),
    (
        "remove a response field",
        _schema_edit(RESPONSE, _remove_field, {"response": ("response-field-removed", "ERR")}),
    ),
    (
        "remove a request field",
        _schema_edit(REQUEST, _remove_field, {"request": ("request-field-removed", "ERR")}),
    ),
    (
        "change a response field's type",
        _schema_edit(RESPONSE, _field_to_integer, {"response": ("field-type-changed", "ERR")}),
    ),
    (
        "give a request string a maxLength",
        _schema_edit(REQUEST, _max_length, {"request": ("bound-tightened", "ERR")}),
    ),
    (
        "give a response string a maxLength",
        _schema_edit(
            RESPONSE, _max_length, {"response": ("response-constraint-tightened", "WARN")}
        ),
    ),
    (
        "make a request field required",
        _schema_edit(REQUEST, _require, {"request": ("request-field-became-required", "ERR")}),
    ),
]


def _add_field(directions: set[str], rule: str) -> Edit:
    def run(pair: Pair) -> list[Expected] | None:
        name = pair.schema(directions, lambda n, s: isinstance(s.get("properties"), dict))
        if name is None:
            return None
        prop = f"note{MARK}"
        _components(pair.new)[name]["properties"][prop] = {"type": "string"}
        return [(rule, "INFO", pointer("components", "schemas", name, "properties", prop))]

    return run


EDITS += [
    ("add a response field", _add_field(RESPONSE, "response-field-added")),
    ("add an optional request field", _add_field(REQUEST, "request-field-added")),
]


# accepted values ------------------------------------------------------------------------
def _enum_on_request_string(pair: Pair, added: bool) -> list[Expected] | None:
    """Both sides get an enum on a request string; the new side loses or gains a value."""
    name = pair.schema(REQUEST, lambda n, s: pair.plain_string(n) is not None)
    if name is None:
        return None
    prop = pair.plain_string(name)
    assert prop is not None
    for side in pair.both():
        _components(side)[name]["properties"][prop]["enum"] = ["ALPHA", "BETA", "GAMMA"]
    values = _components(pair.new)[name]["properties"][prop]["enum"]
    base = pointer("components", "schemas", name, "properties", prop, "enum")
    if added:
        values.append("DELTA")
        return [("enum-value-added", "INFO", f"{base}/3")]
    values.remove("GAMMA")
    return [("enum-value-removed", "ERR", f"{base}/2")]


EDITS += [
    ("a request enum loses a value", lambda pair: _enum_on_request_string(pair, added=False)),
    ("a request enum gains a value", lambda pair: _enum_on_request_string(pair, added=True)),
]


def _named_enum(pair: Pair, directions: set[str]) -> str | None:
    return pair.schema(
        directions, lambda n, s: isinstance(s.get("enum"), list) and len(s["enum"]) >= 2
    )


@edit("a response enum gains a value")
def response_enum_added(pair: Pair) -> list[Expected] | None:
    name = _named_enum(pair, RESPONSE)
    if name is None:
        return None
    values = _components(pair.new)[name]["enum"]
    values.append(f"{MARK.upper()}_VALUE")
    where = pointer("components", "schemas", name, "enum", len(values) - 1)
    return [("response-enum-value-added", "WARN", where)]


@edit("a value moves between two named enums of a oneOf, whose order changes")
def move_enum_value(pair: Pair) -> list[Expected] | None:
    name = _named_enum(pair, RESPONSE) or _named_enum(pair, REQUEST)
    if name is None:
        return None
    for side in pair.both():  # the enum becomes a oneOf of two named halves
        schemas = _components(side)
        enum = schemas[name]
        values = list(enum["enum"])
        half = len(values) // 2
        kind = {k: v for k, v in enum.items() if k in ("type", "format")}
        schemas[f"{name}{MARK}A"] = {**kind, "enum": values[:half]}
        schemas[f"{name}{MARK}B"] = {**kind, "enum": values[half:]}
        schemas[name] = {
            "description": enum.get("description", ""),
            "oneOf": [
                {"$ref": f"{SCHEMA_REF}{name}{MARK}A"},
                {"$ref": f"{SCHEMA_REF}{name}{MARK}B"},
            ],
        }
    schemas = _components(pair.new)
    moved = schemas[f"{name}{MARK}A"]["enum"].pop(0)
    schemas[f"{name}{MARK}B"]["enum"].append(moved)
    schemas[name]["oneOf"].reverse()
    return []


# same meaning ---------------------------------------------------------------------------
@edit("reorder every oneOf and anyOf")
def reorder_unions(pair: Pair) -> list[Expected] | None:
    for schema in _components(pair.new).values():
        for keyword in ("oneOf", "anyOf"):
            if isinstance(schema, dict) and isinstance(schema.get(keyword), list):
                schema[keyword].reverse()
    return []


@edit("rename a schema and every reference to it")
def rename_schema(pair: Pair) -> list[Expected] | None:
    name = pair.schema(RESPONSE, lambda n, s: True) or pair.schema(REQUEST, lambda n, s: True)
    if name is None:
        return None
    renamed = f"{name}{MARK}Renamed"
    schemas = _components(pair.new)
    schemas[renamed] = schemas.pop(name)
    _replace_refs(pair.new, f"{SCHEMA_REF}{name}", f"{SCHEMA_REF}{renamed}")
    return []


def _replace_refs(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if value == old:
                node[key] = new
            else:
                _replace_refs(value, old, new)
    elif isinstance(node, list):
        for item in node:
            _replace_refs(item, old, new)


@edit("rewrite descriptions and examples, add x- extensions")
def rewrite_texts(pair: Pair) -> list[Expected] | None:
    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("description"), str):
                node["description"] += " (reworded)"
            if "example" in node and isinstance(node["example"], str):
                node["example"] += "-2"
            if "operationId" in node:
                node[f"x-xgen-{MARK.lower()}"] = True
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(pair.new["paths"])
    visit(pair.new["components"])
    return []


@edit("split an object schema into allOf: a new base and its own properties")
def split_into_all_of(pair: Pair) -> list[Expected] | None:
    name = pair.schema(
        {"request", "response"},
        lambda n, s: s.get("type") == "object" and len(s.get("properties") or {}) >= 2,
    ) or pair.schema(
        RESPONSE, lambda n, s: s.get("type") == "object" and len(s.get("properties") or {}) >= 2
    )
    if name is None:
        return None
    schemas = _components(pair.new)
    schema = schemas[name]
    properties = list(schema["properties"].items())
    half = len(properties) // 2
    required = list(schema.get("required") or [])
    base_properties = dict(properties[:half])
    own = dict(properties[half:])
    base: dict[str, Any] = {"type": "object", "properties": base_properties}
    extension: dict[str, Any] = {"type": "object", "properties": own}
    if [r for r in required if r in base_properties]:
        base["required"] = [r for r in required if r in base_properties]
    if [r for r in required if r in own]:
        extension["required"] = [r for r in required if r in own]
    schemas[f"{name}{MARK}Base"] = base
    rest = {k: v for k, v in schema.items() if k not in ("properties", "required")}
    schemas[name] = {**rest, "allOf": [{"$ref": f"{SCHEMA_REF}{name}{MARK}Base"}, extension]}
    return []


@edit("wrap every property reference in allOf with a description")
def wrap_references(pair: Pair) -> list[Expected] | None:
    for schema in _components(pair.new).values():
        for name, value in (schema.get("properties") or {}).items():
            if isinstance(value, dict) and set(value) == {"$ref"}:
                schema["properties"][name] = {"allOf": [value], "description": "Wrapped."}
    return []


@edit("write an operation's shared parameters in place, and mark response fields nullable")
def inline_parameters(pair: Pair) -> list[Expected] | None:
    key = pair.operation(lambda op: any("$ref" in p for p in op.get("parameters") or []))
    if key is None:
        return None
    listed = _new_op(pair, key)["parameters"]
    listed[:] = [copy.deepcopy(pair.shape._resolve(p)) for p in listed]
    for name, schema in _components(pair.new).items():
        if pair.shape.directions.get(name) == RESPONSE:
            for value in (schema.get("properties") or {}).values():
                if isinstance(value, dict) and "$ref" not in value:
                    value["nullable"] = True
    return []


@edit("a response refers to a copy of its schema (the old one stays)")
def swap_response_ref(pair: Pair) -> list[Expected] | None:
    def refers(op: dict[str, Any]) -> bool:
        media = _success_media(op, pair.shape)
        if not media or not _no_request_versions(op):
            return False
        status, media_type = media[0]
        content = pair.shape._resolve(op["responses"][status])["content"]
        name = _ref(content[media_type].get("schema"))
        return name is not None and name not in pair.taken_schemas  # no other edit changes it

    key = pair.operation(refers)
    if key is None:
        return None
    _inline_responses(pair, key)
    status, media_type = _success_media(_new_op(pair, key), pair.shape)[0]
    media = _new_op(pair, key)["responses"][status]["content"][media_type]
    name = _ref(media.get("schema"))
    assert name is not None
    pair.taken_schemas.add(name)
    copied = f"{name}{MARK}Copy"
    _components(pair.new)[copied] = copy.deepcopy(_components(pair.new)[name])
    media["schema"] = {"$ref": f"{SCHEMA_REF}{copied}"}
    where = f"/responses/{status}/content/{escape_pointer_token(media_type)}/schema"
    return [("response-schema-ref-changed", "INFO", op_pointer(key) + where)]


# ----------------------------------------------------------------------------- running
@dataclass
class Outcome:
    applied: list[str]
    skipped: list[str]
    expected: set[Expected]
    found: set[Expected]

    @property
    def missing(self) -> set[Expected]:
        return self.expected - self.found

    @property
    def extra(self) -> set[Expected]:
        return self.found - self.expected


def apply_edits(
    base: dict[str, Any], seed: int | None = None
) -> tuple[dict[str, Any], dict[str, Any], Outcome]:
    """The old and new spec made from ``base`` by every edit that finds a target."""
    pair = Pair(copy.deepcopy(base), copy.deepcopy(base), Shape(base), seed)
    outcome = Outcome([], [], set(), set())
    for name, function in EDITS:
        expected = function(pair)
        if expected is None:
            outcome.skipped.append(name)
        else:
            outcome.applied.append(name)
            outcome.expected.update(expected)
    return pair.old, pair.new, outcome


def spec_text(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def check(base: dict[str, Any], folder: Path | None = None, seed: int | None = None) -> Outcome:
    """Apply the edits to ``base`` (targets picked in an order ``seed`` shuffles) and diff
    the pair (written to ``folder`` if given)."""
    old, new, outcome = apply_edits(base, seed)
    sides = {"old.yaml": spec_text(old), "new.yaml": spec_text(new)}
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in sides.items():
            (folder / name).write_text(text, encoding="utf-8")
    old_spec, new_spec = (parse_spec_text(text, Path(name)) for name, text in sides.items())
    findings = diff_specs(old_spec, new_spec)
    outcome.found = {(f.rule_id, f.level, f.pointer) for f in findings}
    return outcome


def report(outcome: Outcome) -> str:
    lines = [f"{len(outcome.applied)} edits applied, {len(outcome.skipped)} without a target"]
    lines += [f"  skipped: {name}" for name in outcome.skipped]
    lines.append(f"{len(outcome.expected)} expected findings, {len(outcome.found)} found")
    lines += [f"  missing: {' '.join(e)}" for e in sorted(outcome.missing)]
    lines += [f"  extra:   {' '.join(e)}" for e in sorted(outcome.extra)]
    return "\n".join(lines) + "\n"


def synthetic(operations: int) -> dict[str, Any]:
    location = Path(__file__).resolve().parents[1] / "scale" / "synth.py"
    module_spec = importlib.util.spec_from_file_location("atlasgen_bench_synth", location)
    assert module_spec is not None and module_spec.loader is not None
    synth = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(synth)
    built: dict[str, Any] = synth.build_spec(operations)
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("spec", nargs="?", help="the spec to edit")
    source.add_argument("--synth", type=int, metavar="N", help="a synthetic spec of N operations")
    parser.add_argument(
        "--write",
        type=Path,
        metavar="DIR",
        help="also write the pair as DIR/old.yaml, DIR/new.yaml",
    )
    parser.add_argument(
        "--seed", type=int, help="pick targets in a shuffled order (default: document order)"
    )
    args = parser.parse_args(argv)
    base = synthetic(args.synth) if args.synth else load_spec(Path(args.spec)).data
    outcome = check(base, args.write, args.seed)
    sys.stdout.write(report(outcome))
    return int(bool(outcome.missing or outcome.extra))


if __name__ == "__main__":
    sys.exit(main())
