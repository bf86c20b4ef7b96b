"""Our own rules: what the generator needs beyond valid OpenAPI 3.0.

Each rule is one function from the :class:`Document` to ``(pointer, message)`` findings; the
:data:`RULES` table gives it its id and severity. A rule skips what another rule reports
(a dangling ``$ref`` is ``ref-resolves``' alone), so one defect gives one problem.

A rule is an error only when the defect makes the generated code wrong or impossible; a defect
that real specs have and the code does not depend on (an example that does not fit its schema)
is a warning, which ``--strict`` turns into an error.

The rules that check values against JSON Schemas (:data:`JSON_SCHEMA_RULES`) import
jsonschema and the OpenAPI validators when they first run, not with this module: on a large
spec they run in a forked process of their own (``generator.pipeline.schema_pass``), and
the process that builds the model never pays for those imports.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..cli_flags import OWN_FLAGS, PROJECT_ALIAS, PROJECT_PARAMETER
from ..load import pointer_join
from ..openapi import ATLAS_MEDIA_TYPE, ATLASCLI_EXTENSION, WATCHER_PATH, WATCHER_SOURCE
from ..servers import ServerUrlError, server_url
from .document import (
    Document,
    Operation,
    Parameter,
    RefCycle,
    RefError,
    path_variables,
)
from .patterns import InvalidPattern, compile_pattern
from .problems import Finding, Severity

if TYPE_CHECKING:
    from .examples import SampleKind

_ALIAS = "x-xgen-operation-id-override"
_EPOCH_UNITS = ("seconds", "milliseconds")
_NAME_CHARACTERS = re.compile(r"[A-Za-z0-9_.\-]+")
_TAG_CHARACTERS = re.compile(r"[A-Za-z0-9_.\- ]+")
_ASCII_WORD = re.compile("[A-Za-z0-9]")
# Names the naming rules turn into identifiers and flags whatever they are.
_FREE_NAMES = frozenset({"property", "parameter"})


def _title(operation: Operation) -> str:
    return f"{operation.method.upper()} {operation.path}"


def _is_date(text: object) -> bool:
    """A real ``YYYY-MM-DD`` date (``2025-02-30`` is not)."""
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _declared_tags(document: Document) -> Iterator[tuple[str, str]]:
    """(pointer, name) of each top-level tag with a string name (the schema check reports others)."""
    tags = document.data.get("tags")
    for index, tag in enumerate(tags) if isinstance(tags, list) else ():
        name = tag.get("name") if isinstance(tag, dict) else None
        if isinstance(name, str):
            yield pointer_join("/tags", index, "name"), name


# ----------------------------------------------------------------------------- references
def ref_resolves(document: Document) -> Iterator[Finding]:
    """Every ``$ref`` and discriminator mapping names an object of this file."""
    for node in document.nodes:
        if "$ref" in node.value:
            yield from _broken_ref(document, node.value["$ref"], pointer_join(node.pointer, "$ref"))
        discriminator = node.value.get("discriminator") if node.kind == "schema" else None
        mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
        for value, target in mapping.items() if isinstance(mapping, dict) else ():
            where = pointer_join(node.pointer, "discriminator", "mapping", value)
            name = isinstance(target, str) and not target.startswith("#") and "/" not in target
            ref = f"#/components/schemas/{target}" if name else target
            yield from _broken_ref(document, ref, where)


def _broken_ref(document: Document, ref: object, pointer: str) -> Iterator[Finding]:
    try:
        target, _ = document.follow(ref)
    except RefError as error:
        yield pointer, str(error)
        return
    if not isinstance(target, dict):
        yield pointer, f"$ref {ref!r} names a {type(target).__name__}, not an object"
        return
    try:
        document.resolve(target, "")
    except RefCycle as cycle:
        yield pointer, str(cycle)
    except RefError:  # a later $ref of the chain: reported where that one is written
        return


def pattern_invalid(document: Document) -> Iterator[Finding]:
    """Every ``pattern`` compiles (ECMA syntax such as ``\\p{L}`` included)."""
    for node in document.of_kind("schema"):
        pattern = node.value.get("pattern")
        if isinstance(pattern, str):
            try:
                compile_pattern(pattern)
            except InvalidPattern as error:
                yield pointer_join(node.pointer, "pattern"), (
                    f"pattern {pattern!r} is not a valid regular expression: {error}"
                )


# ----------------------------------------------------------------------------- operations
def operations_present(document: Document) -> Iterator[Finding]:
    """At least one operation: a client and a CLI without one would have nothing to call."""
    paths = document.data.get("paths")
    if isinstance(paths, dict) and not any(True for _ in document.operations()):
        yield "/paths", "the spec has no operations: there is nothing to generate"


def operation_id_unique(document: Document) -> Iterator[Finding]:
    """operationIds and their aliases name one operation each: they become method and CLI names."""
    owners: dict[str, tuple[str, str]] = {}  # name -> (field, operation) of its first use
    for operation in document.operations():
        title = _title(operation)
        for field in ("operationId", _ALIAS):
            name = operation.value.get(field)
            if not isinstance(name, str):
                continue
            owner_field, owner = owners.setdefault(name, (field, title))
            if owner != title:
                where = pointer_join(operation.pointer, field)
                yield where, f"{name!r} is already the {owner_field} of {owner}"


def operation_single_tag(document: Document) -> Iterator[Finding]:
    """Exactly one tag per operation: it picks the client class and the CLI group."""
    for operation in document.operations():
        tags = operation.value.get("tags")
        if not isinstance(tags, list) or len(tags) != 1:
            count = len(tags) if isinstance(tags, list) else 0
            where = (
                pointer_join(operation.pointer, "tags")
                if "tags" in operation.value
                else operation.pointer
            )
            yield where, f"{_title(operation)} has {count} tags; it needs exactly one"


def tag_declared(document: Document) -> Iterator[Finding]:
    """Operation tags are declared at the top, where their group gets its description."""
    declared = {name for _, name in _declared_tags(document)}
    for operation in document.operations():
        tags = operation.value.get("tags")
        for index, tag in enumerate(tags) if isinstance(tags, list) else ():
            if isinstance(tag, str) and tag not in declared:
                yield pointer_join(operation.pointer, "tags", index), (
                    f"tag {tag!r} is not declared in the top-level tags"
                )


def tag_unique(document: Document) -> Iterator[Finding]:
    seen: set[str] = set()
    for pointer, name in _declared_tags(document):
        if name in seen:
            yield pointer, f"tag {name!r} is declared twice"
        seen.add(name)


def media_type_versioned(document: Document) -> Iterator[Finding]:
    """Request bodies and 2xx responses name an API version; error responses may be plain JSON.

    An operation must name at least one version: every call chooses one.
    """
    for operation in document.operations():
        named_any = False
        for where, media_type in _operation_media_types(document, operation):
            named_any = True
            match = ATLAS_MEDIA_TYPE.match(media_type)
            if match is None:
                yield where, (
                    f"media type {media_type!r} names no API version; use "
                    f"application/vnd.atlas.YYYY-MM-DD+json (or +gzip, +csv, or vnd.atlas.preview)"
                )
            elif match["version"] != "preview" and not _is_date(match["version"]):
                yield where, f"media type {media_type!r} names no real date"
        if not named_any:
            yield operation.pointer, (
                "the operation names no API version: give a request body or a 2xx response an "
                "application/vnd.atlas.YYYY-MM-DD+json (or +gzip, +csv) media type"
            )


def _operation_media_types(document: Document, operation: Operation) -> Iterator[tuple[str, str]]:
    """(pointer, media type) of the request body and the 2xx responses: those name versions."""
    holders = [(operation.value.get("requestBody"), pointer_join(operation.pointer, "requestBody"))]
    responses = operation.value.get("responses")
    for status, response in responses.items() if isinstance(responses, dict) else ():
        if str(status).startswith("2"):
            holders.append((response, pointer_join(operation.pointer, "responses", status)))
    for raw, pointer in holders:
        yield from _media_types(document, raw, pointer)


def _media_types(document: Document, raw: Any, pointer: str) -> Iterator[tuple[str, str]]:
    holder = document.resolved(raw, pointer) if raw is not None else None
    content = holder[0].get("content") if holder else None
    for media_type in content if isinstance(content, dict) else ():
        where = pointer_join(holder[1], "content", media_type) if holder else pointer
        yield where, str(media_type)


# ----------------------------------------------------------------------------- parameters
def path_params_match(document: Document) -> Iterator[Finding]:
    """Each ``{variable}`` of a path has an ``in: path`` parameter, and each one a variable."""
    for operation in document.operations():
        variables = path_variables(operation.path)
        declared = {
            p.name: p for p in document.operation_parameters(operation) if p.location == "path"
        }
        for variable in variables:
            if variable not in declared:
                yield operation.pointer, (
                    f"path variable {{{variable}}} has no 'in: path' parameter "
                    f"in {_title(operation)}"
                )
        for name, parameter in declared.items():
            if name not in variables:
                message = f"path parameter {name!r} is not a variable of {operation.path}"
                yield parameter.listed_at, message


def parameter_unique(document: Document) -> Iterator[Finding]:
    """A parameter list names each (in, name) once (an operation may override its path's)."""
    for operation in document.operations():
        for holder, holder_pointer in (
            (operation.path_item, operation.path_item_pointer),
            (operation.value, operation.pointer),
        ):
            listed = document.parameters(
                holder.get("parameters"), pointer_join(holder_pointer, "parameters")
            )
            yield from _repeated(listed)


def _repeated(parameters: list[Parameter]) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    for parameter in parameters:
        if parameter.key in seen:
            where, name = parameter.key
            yield parameter.listed_at, f"parameter {name!r} in {where} is listed twice"
        seen.add(parameter.key)


def cli_flag_free(document: Document) -> Iterator[Finding]:
    """A parameter's CLI flag is its own name (as in the Atlas CLI), so it must not be one of
    the flags every generated command has."""
    for operation in document.operations():
        parameters = document.operation_parameters(operation)
        names = {p.name for p in parameters}
        for parameter in parameters:
            if parameter.name in OWN_FLAGS or (
                parameter.name == PROJECT_ALIAS and PROJECT_PARAMETER in names
            ):
                yield parameter.listed_at, (
                    f"parameter {parameter.name!r} of {_title(operation)} would be the flag "
                    f"--{parameter.name}, which the command line keeps for itself (its own "
                    f"flags: {', '.join('--' + f for f in (*OWN_FLAGS, PROJECT_ALIAS))})"
                )


def requires_known(document: Document) -> Iterator[Finding]:
    """``x-requires`` names parameters of the same operation (wire names)."""
    for operation in document.operations():
        parameters = document.operation_parameters(operation)
        names = {parameter.name for parameter in parameters}
        for parameter in parameters:
            required = parameter.value.get("x-requires")
            pointer = pointer_join(parameter.pointer, "x-requires")
            if required is not None and not isinstance(required, list):
                yield pointer, "x-requires must be a list of parameter names"
            for index, name in enumerate(required) if isinstance(required, list) else ():
                if not isinstance(name, str) or name not in names:
                    yield pointer_join(pointer, index), (
                        f"x-requires names {name!r}, which is not a parameter "
                        f"of {_title(operation)}"
                    )


def version_texts_known(document: Document) -> Iterator[Finding]:
    """``x-xgen-version-texts`` names versions the operation speaks, and their parameters."""
    for operation in document.operations():
        texts = operation.value.get("x-xgen-version-texts")
        if texts is None:
            continue
        pointer = pointer_join(operation.pointer, "x-xgen-version-texts")
        if not isinstance(texts, dict):
            yield pointer, "x-xgen-version-texts must map API versions to texts"
            continue
        versions = {
            match["version"]
            for _, media_type in _operation_media_types(document, operation)
            if (match := ATLAS_MEDIA_TYPE.match(media_type))
        }
        names = {parameter.name for parameter in document.operation_parameters(operation)}
        for version, entry in texts.items():
            where = pointer_join(pointer, version)
            if version not in versions:
                yield where, (
                    f"x-xgen-version-texts names version {version!r}, which "
                    f"{_title(operation)} does not speak"
                )
            parameters = entry.get("parameters") if isinstance(entry, dict) else None
            for name in parameters if isinstance(parameters, dict) else ():
                if name not in names:
                    yield pointer_join(where, "parameters", name), (
                        f"x-xgen-version-texts names {name!r}, which is not a parameter "
                        f"of {_title(operation)}"
                    )


def epoch_unit(document: Document) -> Iterator[Finding]:
    """``x-epoch-unit`` is ``seconds`` or ``milliseconds``, on an integer."""
    for node in document.of_kind("parameter", "header", "schema"):
        if "x-epoch-unit" not in node.value:
            continue
        unit = node.value["x-epoch-unit"]
        pointer = pointer_join(node.pointer, "x-epoch-unit")
        if unit not in _EPOCH_UNITS:
            yield pointer, f"x-epoch-unit must be 'seconds' or 'milliseconds', not {unit!r}"
        schema = (
            (node.value, "")
            if node.kind == "schema"
            else document.resolved(node.value.get("schema"), "")
        )
        kind = schema[0].get("type") if schema else None
        if kind != "integer":
            yield pointer, f"x-epoch-unit needs an integer, but the type is {kind!r}"


# ----------------------------------------------------------------------------- watchers
def watcher_valid(document: Document) -> Iterator[Finding]:
    """``x-xgen-atlascli.watcher`` polls a GET operation of this spec (by id or alias), at one
    of its versions, with parameters it has (every required one given) taken from the call's
    own parameters (``input:name``) or its response (``body:$.path``), and expects an HTTP
    code and, optionally, one of ``values`` at a JSON ``path`` (``$.stateName``)."""
    operations = list(document.operations())
    by_name: dict[str, Operation] = {}
    for operation in operations:
        for key in ("operationId", _ALIAS):
            if isinstance(operation.value.get(key), str):
                by_name.setdefault(operation.value[key], operation)
    for operation in operations:
        extension = operation.value.get(ATLASCLI_EXTENSION)
        if not isinstance(extension, dict) or "watcher" not in extension:
            continue
        pointer = pointer_join(operation.pointer, ATLASCLI_EXTENSION, "watcher")
        watcher = extension["watcher"]
        get = watcher.get("get") if isinstance(watcher, dict) else None
        if not isinstance(get, dict):
            yield pointer, "a watcher needs a 'get' object naming the operation to poll"
            continue
        name = get.get("operation-id")
        polled = by_name.get(name) if isinstance(name, str) else None
        if polled is None or polled.method != "get":
            yield pointer_join(pointer, "get", "operation-id"), (
                f"watcher operation-id {name!r} names no GET operation of this spec"
            )
            continue
        yield from _watcher_get(document, operation, polled, get, pointer_join(pointer, "get"))
        yield from _watcher_expect(watcher.get("expect"), pointer_join(pointer, "expect"))


def _watcher_get(
    document: Document, operation: Operation, polled: Operation, get: dict[str, Any], pointer: str
) -> Iterator[Finding]:
    version = get.get("version")
    served = {
        match["version"]
        for status, response in (polled.value.get("responses") or {}).items()
        if str(status).startswith("2")
        for _, media in _media_types(document, response, pointer)
        if (match := ATLAS_MEDIA_TYPE.match(media))
    }
    if version is not None and str(version) not in served:
        yield pointer_join(pointer, "version"), (
            f"watcher version {version!r} is not a version of {_title(polled)} "
            f"({', '.join(sorted(served))})"
        )
    params = get.get("params") or {}
    if not isinstance(params, dict):
        yield pointer_join(pointer, "params"), "watcher params must map parameter names to sources"
        return
    polled_parameters = {
        p.name: p
        for p in document.operation_parameters(polled)
        if p.location in ("path", "query", "header")
    }
    own = {p.name for p in document.operation_parameters(operation)}
    for name, source in params.items():
        where = pointer_join(pointer, "params", name)
        found = WATCHER_SOURCE.match(source) if isinstance(source, str) else None
        if name not in polled_parameters:
            yield where, f"{_title(polled)} has no parameter {name!r}"
        elif found is None:
            yield where, f"watcher source {source!r} is neither 'input:<parameter>' nor 'body:$.path'"
        elif found["source"] == "input" and found["value"] not in own:
            yield where, f"{_title(operation)} has no parameter {found['value']!r}"
        elif found["source"] == "body" and not WATCHER_PATH.match(found["value"]):
            yield where, f"{found['value']!r} is not a JSON path like $.name or $.items[0].id"
    for name, parameter in polled_parameters.items():
        if (parameter.value.get("required") or parameter.location == "path") and name not in params:
            yield pointer_join(pointer, "params"), (
                f"watcher params lack {name!r}, required by {_title(polled)}"
            )


def _watcher_expect(expect: Any, pointer: str) -> Iterator[Finding]:
    if expect is None:
        return
    if not isinstance(expect, dict):
        yield pointer, "watcher expect must be an object (http-code, match)"
        return
    code = expect.get("http-code", 200)
    if isinstance(code, bool) or not isinstance(code, int) or not 100 <= code <= 599:
        yield pointer_join(pointer, "http-code"), f"http-code {code!r} is not an HTTP status code"
    match = expect.get("match")
    if match is None:
        return
    path = match.get("path") if isinstance(match, dict) else None
    values = match.get("values") if isinstance(match, dict) else None
    if not isinstance(path, str) or not WATCHER_PATH.match(path):
        yield pointer_join(pointer, "match", "path"), (
            f"match path {path!r} is not a JSON path like $.stateName"
        )
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        yield pointer_join(pointer, "match", "values"), "match values must be a list of strings"


# ----------------------------------------------------------------------------- values
def sunset_date(document: Document) -> Iterator[Finding]:
    """``x-sunset`` is a ``YYYY-MM-DD`` date."""
    for node in document.nodes:
        if "x-sunset" in node.value and not _is_date(node.value["x-sunset"]):
            pointer = pointer_join(node.pointer, "x-sunset")
            yield pointer, f"x-sunset {node.value['x-sunset']!r} is not a valid YYYY-MM-DD date"


def openapi_schema(document: Document) -> Iterator[Finding]:
    """The document is valid OpenAPI 3.0 (the OpenAPI Initiative's JSON Schema)."""
    from .schema import check_openapi_schema  # see the module docstring

    return check_openapi_schema(document)


def _sample_errors(document: Document, kind: SampleKind) -> Iterator[Finding]:
    from .examples import SampleChecker, samples  # see the module docstring

    checker = SampleChecker(document)
    for sample in samples(document):
        if sample.kind == kind:
            yield from checker.errors(sample)


def example_valid(document: Document) -> Iterator[Finding]:
    """Examples satisfy their schemas: they are shown in the docs and the CLI help, but no code
    depends on them (a warning: published specs have examples that fit two ``oneOf`` branches,
    or a string where the schema says ``type: object``)."""
    return _sample_errors(document, "example")


def default_valid(document: Document) -> Iterator[Finding]:
    """Defaults satisfy their schemas: the client sends them."""
    return _sample_errors(document, "default")


def server_usable(document: Document) -> Iterator[Finding]:
    """The first server's URL, variables replaced by their defaults, is an http(s) URL: the
    generated client's base URL (and it is written into the client's source)."""
    try:
        server_url(document.data.get("servers"))
    except ServerUrlError as exc:
        yield "/servers/0/url", str(exc)


# ----------------------------------------------------------------------------- names
def name_identifier(document: Document) -> Iterator[Finding]:
    """Operation ids, aliases, tags and schema names are written into generated source,
    command names and file names much as they are: they must be name-like. (Property and
    parameter names may be anything: see :func:`name_readable`.)"""
    for what, pointer, name in _names(document):
        if what in _FREE_NAMES or not isinstance(name, str):
            continue
        flaw = _name_flaw(name, spaces=what == "tag")
        if flaw:
            yield pointer, f"{what} {name!r} cannot become a Python or CLI name: it {flaw}"


def name_readable(document: Document) -> Iterator[Finding]:
    """Property and parameter names become Python names and CLI flags whatever they are
    (``2dsphereIndexVersion``, ``model_dump``, ``sort by``); one with no ASCII letter or
    digit gets a made-up name, which is worth a warning."""
    for what, pointer, name in _names(document):
        if what in _FREE_NAMES and isinstance(name, str) and not _ASCII_WORD.search(name):
            yield pointer, (
                f"{what} {name!r} has no ASCII letter or digit: its Python and CLI names are "
                "made up (value, value_2, ...)"
            )


def _names(document: Document) -> Iterator[tuple[str, str, object]]:
    for operation in document.operations():
        for field in ("operationId", _ALIAS):
            if field in operation.value:
                yield field, pointer_join(operation.pointer, field), operation.value[field]
    for pointer, name in _declared_tags(document):
        yield "tag", pointer, name
    for node in document.of_kind("parameter"):
        if "name" in node.value:
            yield "parameter", pointer_join(node.pointer, "name"), node.value["name"]
    components = document.data.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    for name in schemas if isinstance(schemas, dict) else ():
        yield "schema", pointer_join("/components/schemas", name), str(name)
    for node in document.of_kind("schema"):
        properties = node.value.get("properties")
        for name in properties if isinstance(properties, dict) else ():
            yield "property", pointer_join(node.pointer, "properties", name), str(name)


def _name_flaw(name: str, *, spaces: bool) -> str | None:
    """What keeps ``name`` from becoming an identifier (keywords and a leading digit are
    fine: the naming rules escape them)."""
    if not name:
        return "is empty"
    allowed = _TAG_CHARACTERS if spaces else _NAME_CHARACTERS
    if not allowed.fullmatch(name):
        return "has characters other than letters, digits, '_', '-' and '.'" + (
            " and spaces" if spaces else ""
        )
    if not _ASCII_WORD.search(name):
        return "has no letter or digit"
    return None


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    check: Callable[[Document], Iterable[Finding]]


RULES: tuple[Rule, ...] = (
    Rule("openapi-schema", "error", openapi_schema),
    Rule("ref-resolves", "error", ref_resolves),
    Rule("pattern-invalid", "error", pattern_invalid),
    Rule("operations-present", "error", operations_present),
    Rule("operation-id-unique", "error", operation_id_unique),
    Rule("operation-single-tag", "error", operation_single_tag),
    Rule("tag-declared", "warning", tag_declared),
    Rule("tag-unique", "error", tag_unique),
    Rule("media-type-versioned", "error", media_type_versioned),
    Rule("path-params-match", "error", path_params_match),
    Rule("parameter-unique", "error", parameter_unique),
    Rule("requires-known", "error", requires_known),
    Rule("cli-flag-free", "error", cli_flag_free),
    Rule("version-texts-known", "error", version_texts_known),
    Rule("epoch-unit", "error", epoch_unit),
    Rule("sunset-date", "error", sunset_date),
    Rule("watcher-valid", "error", watcher_valid),
    Rule("example-valid", "warning", example_valid),
    Rule("default-valid", "error", default_valid),
    Rule("name-identifier", "error", name_identifier),
    Rule("server-url", "error", server_usable),
    Rule("name-readable", "warning", name_readable),
)
JSON_SCHEMA_RULES = frozenset({"openapi-schema", "example-valid", "default-valid"})
