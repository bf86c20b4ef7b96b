"""Rule ``openapi-schema``: the spec against the OpenAPI 3.0 JSON Schema of openapi-spec-validator.

``OpenAPIV30SpecValidator.iter_errors`` runs two passes. The first checks the document
against the library's OpenAPI 3.0 JSON Schema and says where each error is; we run that pass
here. The second follows every ``$ref`` and recurses without end on Atlas polymorphism (a
parent lists its children in ``oneOf``, each child is ``allOf: [parent, ...]``: its
``_collect_properties`` has no cycle guard), takes seconds on a large spec before that, and
reports no positions. What it checks (operationId and parameter uniqueness, path parameters,
defaults, patterns, duplicate tags) our rules check with positions and without following
cycles; not its demand that ``required`` name only declared properties, which JSON Schema allows.

Two specialised keywords (:func:`_ref`, :func:`_one_of`) halve the work of that pass with the
same verdicts: on the 540-operation spec of ``bench/scale/synth.py``, 1.3 s instead of 3.4 s.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError, best_match
from jsonschema.validators import extend, validator_for

from ..load import pointer_join
from .document import Document
from .problems import Finding

# Where openapi-spec-validator keeps its OpenAPI 3.0 JSON Schema, in its package.
OPENAPI_30_SCHEMA_FILE = ("resources", "schemas", "v3.0", "schema.json")


def openapi_30_schema() -> dict[str, Any]:
    """openapi-spec-validator's OpenAPI 3.0 JSON Schema, read from its package data.

    Importing the package for it (``openapi_spec_validator.schemas.schema_v30``) also imports
    its readers, jsonschema-path and referencing: 0.4 s, a third of this rule's time on a
    large spec, to read one JSON file (tests/validate checks both give the same schema).
    """
    found = importlib.util.find_spec("openapi_spec_validator")
    folders = list(found.submodule_search_locations or ()) if found is not None else []
    if not folders:
        raise ModuleNotFoundError("openapi-spec-validator is not installed")
    return dict(json.loads(Path(folders[0], *OPENAPI_30_SCHEMA_FILE).read_text(encoding="utf-8")))


_OPENAPI_SCHEMA: dict[str, Any] = openapi_30_schema()
_DEFINITIONS: dict[str, Any] = _OPENAPI_SCHEMA["definitions"]
_DEFINITION_PREFIX = "#/definitions/"
_DEFINITION_NAMES = {id(schema): name for name, schema in _DEFINITIONS.items()}
_REFERENCE = {"$ref": _DEFINITION_PREFIX + "Reference"}
_BASE: Any = validator_for(_OPENAPI_SCHEMA)
_MAX_MESSAGE = 200


def _ref(validator: Any, ref: str, instance: Any, schema: Mapping[str, Any]) -> Any:
    """The schema's own ``#/definitions/X``: a dict lookup, not a walk of the whole schema."""
    name = ref.removeprefix(_DEFINITION_PREFIX)
    if ref.startswith(_DEFINITION_PREFIX) and name in _DEFINITIONS:
        return validator.descend(instance, _DEFINITIONS[name])
    return _BASE.VALIDATORS["$ref"](validator, ref, instance, schema)


def _rejects_ref_key(branch: Any) -> bool:
    """Whether every object with a ``$ref`` key fails ``branch`` (it admits no unknown keys)."""
    if not isinstance(branch, dict) or set(branch) != {"$ref"}:
        return False
    target = _DEFINITIONS.get(str(branch["$ref"]).removeprefix(_DEFINITION_PREFIX), {})
    return (
        target.get("additionalProperties") is False
        and "$ref" not in target.get("properties", {})
        and not any(re.search(key, "$ref") for key in target.get("patternProperties", {}))
    )


def _object_or_reference(branches: Any) -> Any:
    """For ``oneOf: [X, Reference]`` where X rejects ``$ref`` keys: X, else None."""
    if not isinstance(branches, list) or len(branches) != 2 or _REFERENCE not in branches:
        return None
    other = branches[1 - branches.index(_REFERENCE)]
    return other if _rejects_ref_key(other) else None


def _reference_pairs(schema: Any) -> dict[int, Any]:
    """``id`` of each ``oneOf: [X, Reference]`` list in ``schema`` whose X rejects ``$ref`` -> X."""
    pairs = {}
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            other = _object_or_reference(node.get("oneOf"))
            if other is not None:
                pairs[id(node["oneOf"])] = other
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return pairs


_REFERENCE_PAIRS = _reference_pairs(_OPENAPI_SCHEMA)


def _one_of(validator: Any, branches: Any, instance: Any, schema: Mapping[str, Any]) -> Any:
    """``oneOf: [X, Reference]``, the schema's most common node: an object with ``$ref`` can only
    be a Reference and one without only an X, so check that one branch instead of both. The
    verdict is the same; the errors are the chosen branch's own, which read better."""
    other = _REFERENCE_PAIRS.get(id(branches))
    if other is None or not isinstance(instance, dict):
        return _BASE.VALIDATORS["oneOf"](validator, branches, instance, schema)
    return validator.descend(instance, _REFERENCE if "$ref" in instance else other)


_VALIDATOR = extend(_BASE, {"$ref": _ref, "oneOf": _one_of})(_OPENAPI_SCHEMA)


def _string_keys(value: Any) -> Any:
    """JSON has only string keys; YAML reads ``200:`` as an int, which the schema cannot match."""
    if isinstance(value, dict):
        return {str(key): _string_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_string_keys(item) for item in value]
    return value


def _unknown_keys(error: ValidationError) -> list[str]:
    """Keys that ``additionalProperties: false`` rejected, in document order."""
    schema, instance = error.schema, error.instance
    if not isinstance(schema, dict) or not isinstance(instance, dict):
        return []
    patterns = list(schema.get("patternProperties", {}))
    return [
        key
        for key in instance
        if key not in schema.get("properties", {}) and not any(re.search(p, key) for p in patterns)
    ]


def _other_kind(error: ValidationError) -> bool:
    """Whether this error of a ``oneOf``/``anyOf`` branch says the value is of another kind than
    the branch wants: another JSON type, or an object without the ``$ref`` of a Reference."""
    if error.validator == "required":
        return "$ref" in error.validator_value
    return error.validator == "type" and not error.relative_path


def _other_variant(error: ValidationError) -> bool:
    """... or says a field that tells the variants apart (``in``, ``type``) has another value."""
    enum = error.validator in ("enum", "const") and len(error.relative_path) == 1
    return enum or _other_kind(error)


def most_specific(error: ValidationError) -> ValidationError:
    """For a ``oneOf``/``anyOf`` failure, an error of the branches meant for this value."""
    while error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for inner in error.context:
            branches.setdefault(inner.relative_schema_path[0], []).append(inner)
        meant = _keep(branches, _other_variant) or _keep(branches, _other_kind) or error.context
        error = best_match(meant)
    return error


def _keep(branches: dict[Any, list[ValidationError]], unmeant: Any) -> list[ValidationError]:
    """The errors of the branches none of whose errors is ``unmeant``."""
    return [e for errors in branches.values() if not any(map(unmeant, errors)) for e in errors]


def shorten(message: str) -> str:
    """jsonschema messages quote the whole offending value, over lines; keep one short line."""
    line = " ".join(message.split())
    return line if len(line) <= _MAX_MESSAGE else line[: _MAX_MESSAGE - 3] + "..."


def _describe(error: ValidationError) -> Finding:
    """The pointer and message of the most specific error behind ``error``."""
    error = most_specific(error)
    pointer = pointer_join("", *error.absolute_path)
    if error.validator == "additionalProperties":
        unknown = _unknown_keys(error)
        if unknown:
            owner = _DEFINITION_NAMES.get(id(error.schema))
            place = f"a field of {owner} objects" if owner else "allowed here"
            return pointer_join(pointer, unknown[0]), (
                f"{unknown[0]!r} is not {place} in OpenAPI 3.0 (only 'x-' extensions may be added)"
            )
    if (
        error.validator == "not"
        and isinstance(error.schema, dict)
        and "description" in error.schema
    ):
        return pointer, str(error.schema["description"])  # e.g. "Example and examples are ..."
    return pointer, shorten(error.message)


def check_openapi_schema(document: Document) -> Iterator[Finding]:
    """Every place where the spec breaks the OpenAPI 3.0 schema."""
    try:
        errors = list(_VALIDATOR.iter_errors(_string_keys(document.data)))
    except RecursionError:
        yield "", "the spec nests too deeply to be checked against the OpenAPI 3.0 schema"
        return
    for error in errors:
        yield _describe(error)
