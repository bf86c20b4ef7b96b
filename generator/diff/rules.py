"""The diff rules: each one small function from a compared pair to ``(pointer, message)``.

The tables give every rule its id, level and meaning. Levels follow what users of the
generated client and CLI feel: requests are checked before they are sent (patterns, bounds,
enums), responses are read leniently (unknown enum values pass, bounds are not checked), so a
tighter request constraint breaks callers while the same change to a response does not.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from ..load import pointer_join
from .findings import Change, Level, Rule
from .pairs import FieldPair, OperationPair, ParameterPair, SchemaPair
from .spec import Direction, Media, SchemaView

T = TypeVar("T")


OPERATION_RULES: list[Rule[OperationPair]] = []
PARAMETER_RULES: list[Rule[ParameterPair]] = []
FIELD_RULES: list[Rule[FieldPair]] = []
SCHEMA_RULES: list[Rule[SchemaPair]] = []
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
        yield pair.old.pointer, f"operation {pair.old.title} removed"


@_rule(OPERATION_RULES, "operation-added", "INFO", "a new operation")
def operation_added(pair: OperationPair) -> Iterator[Change]:
    if pair.old is None and pair.new is not None:
        yield pair.new.pointer, f"operation {pair.new.title} added"


@_rule(
    OPERATION_RULES,
    "operation-id-changed",
    "ERR",
    "an operationId changed: the client method and CLI command are renamed",
)
def operation_id_changed(pair: OperationPair) -> Iterator[Change]:
    old, new = pair.old, pair.new
    if old is not None and new is not None and old.operation_id != new.operation_id:
        yield new.pointer, (
            f"operationId of {new.title} changed from '{old.operation_id}' to "
            f"'{new.operation_id}'"
        )


@_rule(OPERATION_RULES, "operation-deprecated", "WARN", "an operation became deprecated")
def operation_deprecated(pair: OperationPair) -> Iterator[Change]:
    old, new = pair.old, pair.new
    if old is not None and new is not None and new.deprecated and not old.deprecated:
        yield pointer_join(new.pointer, "deprecated"), f"operation {new.title} is now deprecated"


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
            yield media[0].pointer, f"API version {version} of {pair.old.title} removed"


@_rule(OPERATION_RULES, "api-version-added", "INFO", "an operation speaks a new API version")
def api_version_added(pair: OperationPair) -> Iterator[Change]:
    if pair.old is None or pair.new is None:
        return
    known = pair.old.versions
    for version, media in sorted(pair.new.versions.items()):
        if version not in known:
            yield media[0].pointer, f"API version {version} of {pair.new.title} added"


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
            yield where, f"{what} now sunsets on {new.sunset}"
        elif str(new.sunset) < str(old.sunset):
            yield where, f"{what} sunsets earlier: on {new.sunset} instead of {old.sunset}"


# ----------------------------------------------------------------------------- parameters
@_rule(PARAMETER_RULES, "parameter-removed", "ERR", "a parameter is gone")
def parameter_removed(pair: ParameterPair) -> Iterator[Change]:
    if pair.old is not None and pair.new is None:
        yield pair.old.listed_at, f"{pair.subject} removed"


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
        yield new.listed_at, f"new required {pair.subject}"
    elif not old.required:
        yield pointer_join(new.pointer, "required"), f"{pair.subject} became required"


@_rule(PARAMETER_RULES, "parameter-added", "INFO", "a new optional parameter")
def parameter_added(pair: ParameterPair) -> Iterator[Change]:
    if pair.old is None and pair.new is not None and not pair.new.required:
        yield pair.new.listed_at, f"optional {pair.subject} added"


# ----------------------------------------------------------------------------- fields
@_rule(FIELD_RULES, "response-field-removed", "ERR", "a response field is gone from its model")
def response_field_removed(pair: FieldPair) -> Iterator[Change]:
    if pair.subject.direction == "response" and pair.old is not None and pair.new is None:
        yield pair.old.pointer, f"{pair.subject} removed"


@_rule(FIELD_RULES, "response-field-added", "INFO", "a new response field")
def response_field_added(pair: FieldPair) -> Iterator[Change]:
    if pair.subject.direction == "response" and pair.old is None and pair.new is not None:
        yield pair.new.pointer, f"{pair.subject} added"


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
        yield new.pointer, f"new required {pair.subject}"
    elif not old.required:
        yield new.pointer, f"{pair.subject} became required"


@_rule(FIELD_RULES, "request-field-added", "INFO", "a new optional request field")
def request_field_added(pair: FieldPair) -> Iterator[Change]:
    new = pair.new
    if pair.subject.direction == "request" and pair.old is None and new and not new.required:
        yield new.pointer, f"optional {pair.subject} added"


# ----------------------------------------------------------------------------- schemas
def _type_change(pair: SchemaPair) -> Iterator[Change]:
    old, new = pair.old.kind, pair.new.kind
    if old is not None and new is not None and old != new:
        yield pair.new.where("type"), f"{pair.subject} type changed from {old} to {new}"


@_rule(SCHEMA_RULES, "parameter-type-changed", "ERR", "a parameter's type changed")
def parameter_type_changed(pair: SchemaPair) -> Iterable[Change]:
    return _type_change(pair) if pair.subject.parameter else ()


@_rule(SCHEMA_RULES, "field-type-changed", "ERR", "a body field's (or a body's) type changed")
def field_type_changed(pair: SchemaPair) -> Iterable[Change]:
    return () if pair.subject.parameter else _type_change(pair)


@_rule(
    SCHEMA_RULES,
    "format-changed",
    "ERR",
    "a format changed, appeared or went (int32/int64, date-time...): the Python type changes",
)
def format_changed(pair: SchemaPair) -> Iterator[Change]:
    old, new = pair.old.get("format"), pair.new.get("format")
    if old == new:
        return
    where = pair.new.where("format")
    if old is None:
        yield where, f"{pair.subject} format {new} added"
    elif new is None:
        yield where, f"{pair.subject} format {old} removed"
    else:
        yield where, f"{pair.subject} format changed from {old} to {new}"


@_rule(SCHEMA_RULES, "default-changed", "WARN", "a default changed, appeared or went")
def default_changed(pair: SchemaPair) -> Iterator[Change]:
    had, has = "default" in pair.old.keywords, "default" in pair.new.keywords
    old, new = pair.old.get("default"), pair.new.get("default")
    if had == has and old == new:
        return
    where = pair.new.where("default")
    if not had:
        yield where, f"{pair.subject} default {_show(new)} added"
    elif not has:
        yield where, f"{pair.subject} default {_show(old)} removed"
    else:
        yield where, f"{pair.subject} default changed from {_show(old)} to {_show(new)}"


def _enum_values(view: SchemaView) -> list[tuple[Any, str]] | None:
    values = view.get("enum")
    if not isinstance(values, list):
        return None
    return [(value, pointer_join(view.where("enum"), index)) for index, value in enumerate(values)]


def _enum_delta(pair: SchemaPair, direction: Direction, added: bool) -> Iterator[tuple[Any, str]]:
    """Values (with their pointer) one side's enum lists and the other's does not."""
    old, new = _enum_values(pair.old), _enum_values(pair.new)
    if pair.subject.direction != direction or old is None or new is None:
        return
    mine, theirs = (new, old) if added else (old, new)
    others = [value for value, _ in theirs]
    yield from ((value, where) for value, where in mine if value not in others)


@_rule(SCHEMA_RULES, "enum-value-removed", "ERR", "a request enum no longer accepts a value")
def enum_value_removed(pair: SchemaPair) -> Iterator[Change]:
    for value, where in _enum_delta(pair, "request", added=False):
        yield where, f"{pair.subject} no longer accepts {_show(value)}"


@_rule(SCHEMA_RULES, "enum-value-added", "INFO", "a request enum accepts a new value")
def enum_value_added(pair: SchemaPair) -> Iterator[Change]:
    for value, where in _enum_delta(pair, "request", added=True):
        yield where, f"{pair.subject} accepts a new value {_show(value)}"


@_rule(
    SCHEMA_RULES,
    "response-enum-value-added",
    "WARN",
    "a response enum has a new value: code matching every known value meets an unknown one",
)
def response_enum_value_added(pair: SchemaPair) -> Iterator[Change]:
    for value, where in _enum_delta(pair, "response", added=True):
        yield where, f"{pair.subject} may now be {_show(value)}"


def _checked_pattern(pair: SchemaPair) -> tuple[Any, Any]:
    """Old and new pattern of a request string (the client checks no other pattern)."""
    checked = pair.subject.direction == "request" and pair.new.kind in (None, "string")
    return (pair.old.get("pattern"), pair.new.get("pattern")) if checked else (None, None)


@_rule(SCHEMA_RULES, "pattern-tightened", "ERR", "a request value must now match a pattern")
def pattern_tightened(pair: SchemaPair) -> Iterator[Change]:
    old, new = _checked_pattern(pair)
    if old is None and new is not None:
        yield pair.new.where("pattern"), f"{pair.subject} must now match the pattern {new}"


@_rule(SCHEMA_RULES, "pattern-changed", "WARN", "a request pattern changed: values may be refused")
def pattern_changed(pair: SchemaPair) -> Iterator[Change]:
    old, new = _checked_pattern(pair)
    if old is not None and new is not None and old != new:
        yield pair.new.where("pattern"), f"{pair.subject} pattern changed from {old} to {new}"


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


def _bound_changes(pair: SchemaPair, stricter: bool) -> Iterator[Change]:
    if pair.subject.direction != "request":
        return
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
        if tighter == stricter:
            yield pair.new.where(keyword), f"{pair.subject} {text}"


@_rule(
    SCHEMA_RULES,
    "bound-tightened",
    "ERR",
    "a request bound is stricter: a minimum rose, a maximum fell, or a bound appeared",
)
def bound_tightened(pair: SchemaPair) -> Iterator[Change]:
    return _bound_changes(pair, stricter=True)


@_rule(SCHEMA_RULES, "bound-relaxed", "INFO", "a request bound loosened or went")
def bound_relaxed(pair: SchemaPair) -> Iterator[Change]:
    return _bound_changes(pair, stricter=False)


RULES: tuple[Rule[Any], ...] = (*OPERATION_RULES, *PARAMETER_RULES, *FIELD_RULES, *SCHEMA_RULES)
