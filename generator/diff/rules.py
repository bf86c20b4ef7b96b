"""The diff rules: each one small function from a compared pair to its changes.

The tables give every rule its id, level and meaning. Levels follow what users of the
generated client and CLI feel: requests are checked before they are sent (patterns, bounds,
enums), responses are read leniently (unknown enum values pass, bounds are not checked, but
models built in code are), so a tighter request constraint breaks callers (ERR) while the same
change to a response may break only code that builds response models itself (WARN). A name
the generated code keeps as an alias breaks nobody (INFO).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from ..load import pointer_join
from .findings import Change, Level, Rule
from .names import OperationNames
from .pairs import BranchPair, FieldPair, OperationPair, ParameterPair, PlacePair, SchemaPair
from .spec import Direction, Media, Operation, SchemaView

T = TypeVar("T")


OPERATION_RULES: list[Rule[OperationPair]] = []
PARAMETER_RULES: list[Rule[ParameterPair]] = []
FIELD_RULES: list[Rule[FieldPair]] = []
BRANCH_RULES: list[Rule[BranchPair]] = []
SCHEMA_RULES: list[Rule[SchemaPair]] = []
PLACE_RULES: list[Rule[PlacePair]] = []
Check = Callable[[T], Iterable[Change]]


def _rule(
    table: list[Rule[T]], rule_id: str, level: Level, meaning: str
) -> Callable[[Check[T]], Check[T]]:
    def register(check: Check[T]) -> Check[T]:
        table.append(Rule(rule_id, level, meaning, check))
        return check

    return register


def _show(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else json.dumps(value, default=str)


# ----------------------------------------------------------------------------- operations
@_rule(
    OPERATION_RULES, "operation-removed", "ERR", "an operation is gone, with its method and command"
)
def operation_removed(pair: OperationPair) -> Iterator[Change]:
    if pair.old is not None and pair.new is None:
        yield Change(f"operation {pair.old.title} removed", pair.old.pointer, None)


@_rule(OPERATION_RULES, "operation-added", "INFO", "a new operation")
def operation_added(pair: OperationPair) -> Iterator[Change]:
    if pair.old is None and pair.new is not None:
        yield Change(f"operation {pair.new.title} added", None, pair.new.pointer)


def _generated(operation: Operation, names: OperationNames | None) -> set[str]:
    """The method and command names generated for ``operation``: the model's, or (when a
    side cannot be modelled) its operationId and override as written."""
    if names is None:
        return {n for n in (operation.operation_id, operation.alias) if n}
    return {f"method {m}" for m in names.methods} | {f"command {c}" for c in names.commands}


def _lost(pair: OperationPair) -> list[str]:
    """Generated names of the old operation that the new one no longer has."""
    if pair.old is None or pair.new is None:
        return []
    known = pair.old_names is not None and pair.new_names is not None
    old = _generated(pair.old, pair.old_names if known else None)
    return sorted(old - _generated(pair.new, pair.new_names if known else None))


_OVERRIDE = "x-xgen-operation-id-override"


def _renaming(pair: OperationPair, kept: bool) -> Iterator[Change]:
    """The operationId change, if every old generated name is ``kept`` (or not)."""
    old, new = pair.old, pair.new
    if old is None or new is None or old.operation_id == new.operation_id:
        return
    if bool(_lost(pair)) == kept:
        return
    message = (
        f"operationId of {new.title} changed from '{old.operation_id}' to '{new.operation_id}'"
    )
    if kept:
        alias = pointer_join(new.pointer, _OVERRIDE)
        yield Change(f"{message}; the old name is kept as an alias", old.pointer, alias)
    else:
        yield Change(message, old.pointer, new.pointer)


@_rule(
    OPERATION_RULES,
    "operation-id-changed",
    "ERR",
    "an operationId changed and the old name is not kept: the client method and CLI command "
    "are renamed",
)
def operation_id_changed(pair: OperationPair) -> Iterator[Change]:
    return _renaming(pair, kept=False)


@_rule(
    OPERATION_RULES,
    "operation-id-changed-alias-kept",
    "INFO",
    "an operationId changed and the old one is kept as x-xgen-operation-id-override: every "
    "old method and command name still works",
)
def operation_id_changed_alias_kept(pair: OperationPair) -> Iterator[Change]:
    return _renaming(pair, kept=True)


@_rule(
    OPERATION_RULES,
    "operation-alias-removed",
    "ERR",
    "an operation lost a generated name: its x-xgen-operation-id-override went or changed",
)
def operation_alias_removed(pair: OperationPair) -> Iterator[Change]:
    old, new, lost = pair.old, pair.new, _lost(pair)
    if old is not None and new is not None and old.operation_id == new.operation_id and lost:
        yield Change(
            f"{new.title} is no longer generated as {' and '.join(lost)}",
            pointer_join(old.pointer, _OVERRIDE),
            new.pointer,
            removed=True,
        )


@_rule(
    OPERATION_RULES,
    "operation-tag-changed",
    "ERR",
    "an operation moved to another tag: its method is on another client attribute and its "
    "command in another CLI group",
)
def operation_tag_changed(pair: OperationPair) -> Iterator[Change]:
    old, new = pair.old_names, pair.new_names
    if pair.old is None or pair.new is None or old is None or new is None:
        return
    if (old.resource, old.group) != (new.resource, new.group):
        yield Change(
            f"{pair.new.title} moved from tag '{old.tag}' to '{new.tag}'",
            pointer_join(pair.old.pointer, "tags"),
            pointer_join(pair.new.pointer, "tags"),
        )


@_rule(OPERATION_RULES, "operation-deprecated", "WARN", "an operation became deprecated")
def operation_deprecated(pair: OperationPair) -> Iterator[Change]:
    old, new = pair.old, pair.new
    if old is not None and new is not None and new.deprecated and not old.deprecated:
        yield Change(
            f"operation {new.title} is now deprecated",
            old.pointer,
            pointer_join(new.pointer, "deprecated"),
        )


@_rule(
    OPERATION_RULES,
    "api-version-removed",
    "ERR",
    "an operation no longer speaks an API version (a vnd.atlas media type date)",
)
def api_version_removed(pair: OperationPair) -> Iterator[Change]:
    if pair.old is None or pair.new is None:
        return
    kept = pair.new.versions
    for version, media in sorted(pair.old.versions.items()):
        if version not in kept:
            message = f"API version {version} of {pair.old.title} removed"
            yield Change(message, media[0].pointer, pair.new.pointer, removed=True)


@_rule(OPERATION_RULES, "api-version-added", "INFO", "an operation speaks a new API version")
def api_version_added(pair: OperationPair) -> Iterator[Change]:
    if pair.old is None or pair.new is None:
        return
    known = pair.old.versions
    for version, media in sorted(pair.new.versions.items()):
        if version not in known:
            message = f"API version {version} of {pair.new.title} added"
            yield Change(message, pair.old.pointer, media[0].pointer)


def _earliest_sunset(media: list[Media]) -> Media | None:
    dated = [m for m in media if m.sunset is not None]
    return min(dated, key=lambda m: str(m.sunset)) if dated else None


@_rule(
    OPERATION_RULES,
    "version-sunset-added",
    "WARN",
    "an API version got an x-sunset date, or an earlier one",
)
def version_sunset_added(pair: OperationPair) -> Iterator[Change]:
    if pair.old is None or pair.new is None:
        return
    before = pair.old.versions
    for version, media in sorted(pair.new.versions.items()):
        new = _earliest_sunset(media)
        if version not in before or new is None:
            continue
        old = _earliest_sunset(before[version])
        what = f"API version {version} of {pair.new.title}"
        where = pointer_join(new.pointer, "x-sunset")
        if old is None:
            yield Change(f"{what} now sunsets on {new.sunset}", before[version][0].pointer, where)
        elif str(new.sunset) < str(old.sunset):
            message = f"{what} sunsets earlier: on {new.sunset} instead of {old.sunset}"
            yield Change(message, pointer_join(old.pointer, "x-sunset"), where)


# ----------------------------------------------------------------------------- parameters
@_rule(PARAMETER_RULES, "parameter-removed", "ERR", "a parameter is gone")
def parameter_removed(pair: ParameterPair) -> Iterator[Change]:
    if pair.old is not None and pair.new is None:
        yield Change(f"{pair.subject} removed", pair.old.listed_at, None)


@_rule(
    PARAMETER_RULES,
    "parameter-became-required",
    "ERR",
    "a parameter became required, or a new one is required",
)
def parameter_became_required(pair: ParameterPair) -> Iterator[Change]:
    old, new = pair.old, pair.new
    if new is None or not new.required:
        return
    if old is None:
        yield Change(f"new required {pair.subject}", None, new.listed_at)
    elif not old.required:
        message = f"{pair.subject} became required"
        yield Change(message, old.pointer, pointer_join(new.pointer, "required"))


@_rule(PARAMETER_RULES, "parameter-added", "INFO", "a new optional parameter")
def parameter_added(pair: ParameterPair) -> Iterator[Change]:
    if pair.old is None and pair.new is not None and not pair.new.required:
        yield Change(f"optional {pair.subject} added", None, pair.new.listed_at)


# ----------------------------------------------------------------------------- fields
def _gone(pair: FieldPair, direction: Direction, from_model: bool) -> bool:
    """The field was there and is not any more: gone from the model class, or (not
    ``from_model``) still in it but now read-only in a request or write-only in a response."""
    return (
        pair.subject.direction == direction
        and pair.old is not None
        and pair.new is None
        and pair.in_new_model != from_model
    )


def _field_removed(pair: FieldPair, direction: Direction) -> Iterator[Change]:
    if _gone(pair, direction, from_model=True) and pair.old is not None:
        yield Change(f"{pair.subject} removed", pair.old.pointer, pair.new_owner, removed=True)


@_rule(FIELD_RULES, "response-field-removed", "ERR", "a response field is gone from its model")
def response_field_removed(pair: FieldPair) -> Iterator[Change]:
    return _field_removed(pair, "response")


@_rule(FIELD_RULES, "response-field-added", "INFO", "a new response field")
def response_field_added(pair: FieldPair) -> Iterator[Change]:
    new = pair.new
    if pair.subject.direction == "response" and pair.old is None and new is not None:
        yield Change(f"{pair.subject} added", pair.old_owner, new.pointer)


@_rule(
    FIELD_RULES,
    "request-field-removed",
    "ERR",
    "a request field is gone from its model: code that sets it no longer type-checks",
)
def request_field_removed(pair: FieldPair) -> Iterator[Change]:
    return _field_removed(pair, "request")


@_rule(
    FIELD_RULES,
    "field-hidden",
    "WARN",
    "a field the model class keeps became read-only (a request no longer sends it) or "
    "write-only (a response no longer has it)",
)
def field_hidden(pair: FieldPair) -> Iterator[Change]:
    hidden: tuple[tuple[Direction, str], ...] = (
        ("request", "read-only"),
        ("response", "write-only"),
    )
    for direction, became in hidden:
        if _gone(pair, direction, from_model=False) and pair.old is not None:
            message = f"{pair.subject} is now {became}"
            yield Change(message, pair.old.pointer, pair.new_place)


@_rule(
    FIELD_RULES,
    "request-field-became-required",
    "ERR",
    "a request field became required, or a new one is required",
)
def request_field_became_required(pair: FieldPair) -> Iterator[Change]:
    old, new = pair.old, pair.new
    if pair.subject.direction != "request" or new is None or not new.required:
        return
    if old is None:
        yield Change(f"new required {pair.subject}", pair.old_owner, new.pointer)
    elif not old.required:
        yield Change(f"{pair.subject} became required", old.pointer, new.pointer)


@_rule(FIELD_RULES, "request-field-added", "INFO", "a new optional request field")
def request_field_added(pair: FieldPair) -> Iterator[Change]:
    new = pair.new
    if pair.subject.direction == "request" and pair.old is None and new and not new.required:
        yield Change(f"optional {pair.subject} added", pair.old_owner, new.pointer)


# ----------------------------------------------------------------------------- union branches
@_rule(
    BRANCH_RULES,
    "variant-removed",
    "ERR",
    "a request union (oneOf/anyOf) lost an alternative: a shape callers send is refused",
)
def variant_removed(pair: BranchPair) -> Iterator[Change]:
    if pair.subject.direction == "request" and pair.old is not None and pair.new is None:
        message = f"{pair.subject} no longer accepts the alternative {pair.old_label}"
        yield Change(message, pair.old.origin, pair.new_union, removed=True)


@_rule(BRANCH_RULES, "variant-added", "INFO", "a request union accepts a new alternative")
def variant_added(pair: BranchPair) -> Iterator[Change]:
    if pair.subject.direction == "request" and pair.old is None and pair.new is not None:
        message = f"{pair.subject} accepts a new alternative {pair.new_label}"
        yield Change(message, pair.old_union, pair.new.origin)


@_rule(
    BRANCH_RULES,
    "response-variant-added",
    "WARN",
    "a response union has a new alternative: code handling every known shape meets another",
)
def response_variant_added(pair: BranchPair) -> Iterator[Change]:
    if pair.subject.direction == "response" and pair.old is None and pair.new is not None:
        message = f"{pair.subject} may now be the alternative {pair.new_label}"
        yield Change(message, pair.old_union, pair.new.origin)


# ----------------------------------------------------------------------------- schemas
# Type changes every old value survives, by direction: a request integer may become a number
# (an int is a float to the client), a response number an integer (code reading a float
# reads an int).
_WIDENED = {("request", "integer", "number"), ("response", "number", "integer")}


def _type_change(pair: SchemaPair, widened: bool) -> Iterator[Change]:
    old, new = pair.old.kind, pair.new.kind
    if old is None or new is None or old == new:
        return
    if ((pair.subject.direction, old, new) in _WIDENED) == widened:
        message = f"{pair.subject} type changed from {old} to {new}"
        yield Change(message, pair.old.where("type"), pair.new.where("type"))


@_rule(SCHEMA_RULES, "parameter-type-changed", "ERR", "a parameter's type changed")
def parameter_type_changed(pair: SchemaPair) -> Iterable[Change]:
    return _type_change(pair, widened=False) if pair.subject.parameter else ()


@_rule(SCHEMA_RULES, "field-type-changed", "ERR", "a body field's (or a body's) type changed")
def field_type_changed(pair: SchemaPair) -> Iterable[Change]:
    return () if pair.subject.parameter else _type_change(pair, widened=False)


@_rule(
    SCHEMA_RULES,
    "type-widened",
    "INFO",
    "a type changed so that every old value still fits: a request integer became a number, "
    "or a response number an integer",
)
def type_widened(pair: SchemaPair) -> Iterator[Change]:
    return _type_change(pair, widened=True)


# The formats the generated Python type depends on (``datetime``, ``date``); every other
# format (int32/int64, double, email...) leaves it ``int``, ``float`` or ``str``.
_TYPED_FORMATS = frozenset({"date-time", "date"})


def _format_change(pair: SchemaPair, typed: bool) -> Iterator[Change]:
    old, new = pair.old.get("format"), pair.new.get("format")
    if old == new or any(f in _TYPED_FORMATS for f in (old, new) if isinstance(f, str)) != typed:
        return
    if old is None:
        text = f"format {new} added"
    elif new is None:
        text = f"format {old} removed"
    else:
        text = f"format changed from {old} to {new}"
    yield Change(f"{pair.subject} {text}", pair.old.where("format"), pair.new.where("format"))


@_rule(
    SCHEMA_RULES,
    "format-changed",
    "ERR",
    "a date or date-time format appeared, went or changed: the Python type changes",
)
def format_changed(pair: SchemaPair) -> Iterator[Change]:
    return _format_change(pair, typed=True)


@_rule(
    SCHEMA_RULES,
    "format-changed-same-type",
    "INFO",
    "another format changed (int32/int64, float/double...): the Python type stays the same",
)
def format_changed_same_type(pair: SchemaPair) -> Iterator[Change]:
    return _format_change(pair, typed=False)


@_rule(SCHEMA_RULES, "default-changed", "WARN", "a default changed, appeared or went")
def default_changed(pair: SchemaPair) -> Iterator[Change]:
    had, has = "default" in pair.old.keywords, "default" in pair.new.keywords
    old, new = pair.old.get("default"), pair.new.get("default")
    if had == has and old == new:
        return
    if not had:
        text = f"default {_show(new)} added"
    elif not has:
        text = f"default {_show(old)} removed"
    else:
        text = f"default changed from {_show(old)} to {_show(new)}"
    yield Change(f"{pair.subject} {text}", pair.old.where("default"), pair.new.where("default"))


def _ref_swap(pair: SchemaPair, direction: Direction) -> Iterator[Change]:
    if pair.swapped and pair.subject.direction == direction:
        message = f"{pair.subject} is now {pair.new.ref} instead of {pair.old.ref}"
        yield Change(message, pair.old.origin, pair.new.origin)


@_rule(
    SCHEMA_RULES,
    "schema-ref-changed",
    "WARN",
    "a request position now refers to another model class (its fields are compared too): "
    "code that builds the old class no longer type-checks",
)
def schema_ref_changed(pair: SchemaPair) -> Iterator[Change]:
    return _ref_swap(pair, "request")


@_rule(
    SCHEMA_RULES,
    "response-schema-ref-changed",
    "INFO",
    "a response position now refers to another model class (its fields are compared too)",
)
def response_schema_ref_changed(pair: SchemaPair) -> Iterator[Change]:
    return _ref_swap(pair, "response")


def _pattern(view: SchemaView) -> Any:
    return view.get("pattern") if view.kind in (None, "string") else None


@_rule(SCHEMA_RULES, "pattern-tightened", "ERR", "a request value must now match a pattern")
def pattern_tightened(pair: SchemaPair) -> Iterator[Change]:
    old, new = _pattern(pair.old), _pattern(pair.new)
    if pair.subject.direction == "request" and old is None and new is not None:
        message = f"{pair.subject} must now match the pattern {new}"
        yield Change(message, pair.old.pointer, pair.new.where("pattern"))


@_rule(SCHEMA_RULES, "pattern-changed", "WARN", "a request pattern changed: values may be refused")
def pattern_changed(pair: SchemaPair) -> Iterator[Change]:
    old, new = _pattern(pair.old), _pattern(pair.new)
    if pair.subject.direction == "request" and old is not None and new is not None and old != new:
        message = f"{pair.subject} pattern changed from {old} to {new}"
        yield Change(message, pair.old.where("pattern"), pair.new.where("pattern"))


# keyword, and whether a larger value is stricter (a lower bound)
_BOUNDS = (
    ("minimum", True),
    ("maximum", False),
    ("minLength", True),
    ("maxLength", False),
    ("minItems", True),
    ("maxItems", False),
)


def _number(value: Any) -> int | float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _bound_changes(pair: SchemaPair) -> Iterator[tuple[bool, Change]]:
    """Every bound that changed, and whether the change is stricter."""
    for keyword, lower in _BOUNDS:
        old, new = _number(pair.old.get(keyword)), _number(pair.new.get(keyword))
        if old == new:
            continue
        if old is None:
            tighter, text = True, f"{keyword} {_show(new)} added"
        elif new is None:
            tighter, text = False, f"{keyword} {_show(old)} removed"
        else:
            tighter = (new > old) == lower
            moved = "raised" if new > old else "lowered"
            text = f"{keyword} {moved} from {_show(old)} to {_show(new)}"
        change = Change(f"{pair.subject} {text}", pair.old.where(keyword), pair.new.where(keyword))
        yield tighter, change


@_rule(
    SCHEMA_RULES,
    "bound-tightened",
    "ERR",
    "a request bound is stricter: a minimum rose, a maximum fell, or a bound appeared",
)
def bound_tightened(pair: SchemaPair) -> Iterator[Change]:
    if pair.subject.direction == "request":
        yield from (change for tighter, change in _bound_changes(pair) if tighter)


@_rule(SCHEMA_RULES, "bound-relaxed", "INFO", "a request bound loosened or went")
def bound_relaxed(pair: SchemaPair) -> Iterator[Change]:
    if pair.subject.direction == "request":
        yield from (change for tighter, change in _bound_changes(pair) if not tighter)


@_rule(
    SCHEMA_RULES,
    "response-constraint-tightened",
    "WARN",
    "a response bound is stricter or a response pattern appeared or changed: responses are "
    "not checked, but models that code builds from them are",
)
def response_constraint_tightened(pair: SchemaPair) -> Iterator[Change]:
    if pair.subject.direction != "response":
        return
    yield from (change for tighter, change in _bound_changes(pair) if tighter)
    old, new = _pattern(pair.old), _pattern(pair.new)
    if new is not None and old != new:
        text = f"pattern changed from {old} to {new}" if old else f"must now match {new}"
        yield Change(f"{pair.subject} {text}", pair.old.where("pattern"), pair.new.where("pattern"))


# ----------------------------------------------------------------------------- accepted values
def _delta(pair: PlacePair, direction: Direction, added: bool) -> Iterator[tuple[Any, str]]:
    """Values (with where they are listed) one side accepts and the other does not, pooled
    over every branch that reaches the place; nothing when the other side accepts any value."""
    if pair.subject.direction != direction:
        return
    mine, theirs = (pair.new, pair.old) if added else (pair.old, pair.new)
    if theirs.open:
        return
    for key, (value, where) in mine.values.items():
        if key not in theirs.values:
            yield value, where


@_rule(PLACE_RULES, "enum-value-removed", "ERR", "a request place no longer accepts a value")
def enum_value_removed(pair: PlacePair) -> Iterator[Change]:
    for value, where in _delta(pair, "request", added=False):
        message = f"{pair.subject} no longer accepts {_show(value)}"
        yield Change(message, where, pair.new.pointer, removed=True)


@_rule(PLACE_RULES, "enum-value-added", "INFO", "a request place accepts a new value")
def enum_value_added(pair: PlacePair) -> Iterator[Change]:
    for value, where in _delta(pair, "request", added=True):
        yield Change(f"{pair.subject} accepts a new value {_show(value)}", pair.old.pointer, where)


@_rule(
    PLACE_RULES,
    "response-enum-value-added",
    "WARN",
    "a response place may hold a new value: code matching every known value meets an unknown one",
)
def response_enum_value_added(pair: PlacePair) -> Iterator[Change]:
    for value, where in _delta(pair, "response", added=True):
        yield Change(f"{pair.subject} may now be {_show(value)}", pair.old.pointer, where)


RULES: tuple[Rule[Any], ...] = (
    *OPERATION_RULES,
    *PARAMETER_RULES,
    *FIELD_RULES,
    *BRANCH_RULES,
    *SCHEMA_RULES,
    *PLACE_RULES,
)
