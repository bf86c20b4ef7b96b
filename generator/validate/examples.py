"""Check examples and defaults against their schemas, with OpenAPI 3.0 semantics.

The validator is openapi-schema-validator's ``OAS30Validator`` (JSON Schema Draft 4 plus
``nullable``, OpenAPI formats and ``discriminator``), adjusted where Atlas specs need it:

- ``$ref`` resolves against the whole document (the validator's root) and is cycle-safe: a
  schema met again for the same value while it is being checked counts as satisfied, which
  ends the Atlas loop parent ``oneOf`` child -> child ``allOf`` parent -> ...;
- ``nullable: true`` admits ``null`` whatever else the schema says (``allOf: [$ref]`` too);
  without it, ``null`` is reported once, as a wrong type;
- a read-only required property may be missing from a request example, a write-only one
  from a response example; neither is an error where it is present;
- ``1.636481348e+09`` is an integer (YAML reads it as a float);
- ``pattern`` is ECMA-262 through :mod:`generator.validate.patterns` (``\\p{L}`` works); a pattern
  no engine accepts is skipped here, ``pattern-invalid`` reports it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from jsonschema import FormatChecker
from jsonschema.exceptions import ValidationError
from jsonschema.validators import Draft4Validator, extend
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing.exceptions import Unresolvable

from ..load import pointer_join
from .document import Direction, Document, Node
from .patterns import InvalidPattern, compile_pattern
from .problems import Finding
from .schema import most_specific, shorten

SampleKind = Literal["example", "default"]
# Required properties a value may lack: a client never sends read-only ones and never receives
# write-only ones; a schema's own example or default may be either.
_EXCUSED: dict[Direction, tuple[str, ...]] = {
    "request": ("readOnly",),
    "response": ("writeOnly",),
    None: ("readOnly", "writeOnly"),
}


@dataclass(frozen=True)
class Sample:
    """A value written in the spec that ``schema`` must accept."""

    kind: SampleKind
    pointer: str
    value: Any
    schema: dict[str, Any]
    direction: Direction


def as_json(value: Any) -> Any:
    """The value a JSON client sees: YAML dates and timestamps are strings, keys are strings."""
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def samples(document: Document) -> Iterator[Sample]:
    """Every example and default of the spec, with the schema it must satisfy."""
    for node in document.of_kind("media-type", "parameter", "header", "schema"):
        if node.kind == "schema":
            schema: Any = node.value
            direction: Direction = None
        else:
            schema, direction = node.value.get("schema"), node.direction
        if not isinstance(schema, dict):
            continue
        yield from _written_samples(document, node, schema, direction)


def _written_samples(
    document: Document, node: Node, schema: dict[str, Any], direction: Direction
) -> Iterator[Sample]:
    kinds: tuple[SampleKind, ...] = (
        ("example", "default") if node.kind == "schema" else ("example",)
    )
    for kind in kinds:
        if kind in node.value:
            pointer = pointer_join(node.pointer, kind)
            yield Sample(kind, pointer, node.value[kind], schema, direction)
    examples = node.value.get("examples") if node.kind != "schema" else None
    for name, raw in examples.items() if isinstance(examples, dict) else ():
        example = document.resolved(raw, pointer_join(node.pointer, "examples", name))
        if example is not None and "value" in example[0]:
            pointer = pointer_join(example[1], "value")
            yield Sample("example", pointer, example[0]["value"], schema, direction)


def _nullable(keyword: Any) -> Any:
    def check(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Any:
        if instance is None and schema.get("nullable") is True:
            return ()
        return keyword(validator, value, instance, schema)

    return check


def _pattern(validator: Any, pattern: Any, instance: Any, schema: Mapping[str, Any]) -> Any:
    if not isinstance(instance, str) or not isinstance(pattern, str):
        return
    try:
        found = compile_pattern(pattern).search(instance)
    except InvalidPattern:
        return
    if not found:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _is_pattern(instance: object) -> bool:
    if isinstance(instance, str):
        compile_pattern(instance)
    return True


def _integer(checker: Any, instance: object) -> bool:
    if isinstance(instance, float):
        return instance.is_integer()
    return isinstance(instance, int) and not isinstance(instance, bool)


def _format_checker() -> FormatChecker:
    checker = FormatChecker(())
    checker.checkers.update(oas30_format_checker.checkers)
    checker.checks("regex", raises=InvalidPattern)(_is_pattern)
    return checker


class SampleChecker:
    """Validates samples against schemas of one document; ``$ref`` resolves in the document."""

    def __init__(self, document: Document) -> None:
        self._document = document
        # (ref, id(value)) of every $ref being checked right now, to cut cycles.
        self._active: set[tuple[str, int]] = set()
        # Draft 4's ``type``: OAS30Validator's says "None for not nullable" and then the same again.
        base = {**OAS30Validator.VALIDATORS, "type": Draft4Validator.VALIDATORS["type"]}
        keywords = {name: _nullable(keyword) for name, keyword in base.items()}
        keywords.update({"$ref": _nullable(self._ref), "pattern": _pattern})
        types = OAS30Validator.TYPE_CHECKER.redefine("integer", _integer)
        formats = _format_checker()
        self._validators = {
            direction: extend(
                OAS30Validator,
                {**keywords, "required": _nullable(self._required(direction))},
                type_checker=types,
            )(document.data, format_checker=formats)
            for direction in _EXCUSED
        }

    def _ref(self, validator: Any, ref: str, instance: Any, schema: Mapping[str, Any]) -> Any:
        key = (ref, id(instance))
        if key in self._active:
            return []
        self._active.add(key)
        try:
            return list(OAS30Validator.VALIDATORS["$ref"](validator, ref, instance, schema))
        finally:
            self._active.discard(key)

    def _required(self, direction: Direction) -> Any:
        """``required`` that excuses what this direction never carries."""
        excused = _EXCUSED[direction]

        def required(validator: Any, names: Any, instance: Any, schema: Mapping[str, Any]) -> Any:
            if not isinstance(instance, dict) or not isinstance(names, list):
                return
            properties = schema.get("properties")
            for name in names:
                if name in instance:
                    continue
                declared = properties.get(name) if isinstance(properties, dict) else None
                target = self._document.resolved(declared, "") if declared is not None else None
                if target is None or not any(target[0].get(flag) is True for flag in excused):
                    yield ValidationError(f"{name!r} is a required property")

        return required

    def errors(self, sample: Sample) -> list[Finding]:
        """Each place where the sample breaks its schema."""
        validator = self._validators[sample.direction].evolve(schema=sample.schema)
        try:
            found = list(validator.iter_errors(as_json(sample.value)))
        except Unresolvable:  # a dangling $ref: ``ref-resolves`` reports it
            return []
        except RecursionError:
            return [(sample.pointer, f"the {sample.kind} nests too deeply to be checked")]
        except Exception as error:  # noqa: BLE001 - see below
            # jsonschema trusts its schema: a malformed one (``openapi-schema`` reports it, e.g.
            # ``multipleOf: 0``, ``type: strin``) raises whatever Python raises.
            cause = f"{type(error).__name__}: {shorten(str(error))}"
            return [(sample.pointer, f"the {sample.kind} cannot be checked ({cause})")]
        finally:
            self._active.clear()
        return [_finding(sample, most_specific(error)) for error in found]


def _finding(sample: Sample, error: ValidationError) -> Finding:
    pointer = pointer_join(sample.pointer, *error.absolute_path)
    return pointer, f"{sample.kind} does not match its schema: {shorten(error.message)}"
