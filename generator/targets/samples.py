"""The code samples of an operation: what each sends, and how each language writes it.

One builder for every target that shows samples (the docs pages, the CLI's help): a
:class:`Sample` per operation and API version holds the values once (arguments, body, URL,
accept header), and the CLI line, the Python call, the curl URL and the atlas-sdk-go call
are derived from it, so no two samples can disagree. Sample values come from the spec's
examples and defaults, else are made to satisfy the schema's constraints.
"""

from __future__ import annotations

import functools
import importlib
import math
import shlex
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlencode

from ..filters import go_string, to_json
from ..model import Api, naming
from ..model.types import (
    ApiVersion,
    Constraints,
    Field,
    MediaType,
    Operation,
    Parameter,
    TypeRef,
)

MAX_DEPTH = 6  # nested schema levels a sample value (or a docs table) goes into
_FILE_EXTENSIONS = {"gzip": "gz", "csv": "csv", "json": "json"}
_STRING_FORMATS = {
    "date-time": "2024-05-30T12:00:00Z",
    "date": "2024-05-30",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "user@example.com",
    "uri": "https://example.com",
}


@dataclass(frozen=True)
class Argument:
    parameter: Parameter
    value: Any


@dataclass(frozen=True)
class GoCall:
    """The atlas-sdk-go call of a sample: ``client.<api>.<method>(ctx, params).Execute()``."""

    package: str  # go.mongodb.org/atlas-sdk/v20250312001/admin
    api: str  # PushBasedLogExportApi
    method: str  # CreateGroupLogIntegrationWithParams
    params: str  # the params literal, &sdk.CreateGroupLogIntegrationApiParams{...}, one tab in
    result: Literal["json", "download", "none"]  # what Execute returns beside the response


@dataclass(frozen=True)
class Sample:
    """What every code sample of an operation sends in one API version: the same call in
    each language."""

    version: ApiVersion
    accept: str
    content_type: str | None
    arguments: tuple[Argument, ...]  # path parameters first, then query and header ones
    has_body: bool
    body: Any
    url: str  # absolute, path values filled in, query string included
    curl_url: str  # the url, asking for pretty-printed JSON where the operation offers it
    output_format: str | None  # only when the version answers in several formats
    output_file: str | None  # downloads: where the body goes
    go: GoCall | None  # None: no atlas-sdk-go release speaks this version (preview)

    @property
    def header_arguments(self) -> tuple[Argument, ...]:
        return tuple(a for a in self.arguments if a.parameter.location == "header")

    @property
    def cli_flags(self) -> tuple[str, ...]:
        """``--groupId 32b6...`` words of the CLI line (a true boolean is a bare flag)."""
        flags = []
        for argument in self.arguments:
            flag = "--" + argument.parameter.cli_flag
            if argument.value is True:
                flags.append(flag)
            elif argument.value is not False:
                flags.append(f"{flag} {shlex.quote(wire(argument.value))}")
        flags.append(f"--version {self.version.version}")
        if self.output_format is not None:
            flags.append(f"--output {self.output_format}")
        if self.output_file is not None:
            flags.append(f"--outputFile {shlex.quote(self.output_file)}")
        if self.has_body:
            flags.append("--file -")
        return tuple(flags)

    @functools.cached_property
    def body_json(self) -> str:
        """The body as the page shows it, twice, in every language: written once."""
        return to_json(self.body)

    @property
    def python_arguments(self) -> tuple[tuple[str, Any], ...]:
        """Keyword arguments of the client call, in order: parameters, body, version."""
        arguments = [(a.parameter.python_name, a.value) for a in self.arguments]
        if self.has_body:
            arguments.append(("body", self.body))
        arguments.append(("version", self.version.version))
        return tuple(arguments)


def resolve(api: Api, type_ref: TypeRef | None) -> TypeRef | None:
    """Follow named aliases to the type they stand for (objects, enums and unions stay refs)."""
    seen: set[str] = set()
    while type_ref is not None and type_ref.kind == "ref" and type_ref.schema_name not in seen:
        seen.add(str(type_ref.schema_name))
        schema = api.schema(str(type_ref.schema_name))
        if schema.kind != "alias" or schema.alias_of is None:
            break
        type_ref = schema.alias_of
    return type_ref


# --------------------------------------------------------------------- sample values
def _regex() -> Any:
    """The ``regex`` package: it understands what JSON Schema patterns use (``\\p{L}``)."""
    return importlib.import_module("regex")


def _matches(pattern: str | None, value: str) -> bool:
    if pattern is None:
        return True
    try:
        return _regex().search(pattern, value) is not None
    except Exception:  # noqa: BLE001 - a pattern regex cannot compile constrains nothing here
        return True


def _pattern_sample(pattern: str) -> str | None:
    """A string built from ``pattern``'s first alternatives and fewest repetitions, or None."""
    try:
        try:
            parser: Any = importlib.import_module("re._parser")
        except ModuleNotFoundError:  # Python 3.10
            parser = importlib.import_module("sre_parse")
        out: list[str] = []
        _emit(parser.parse(pattern), out)
        return "".join(out)
    except Exception:  # noqa: BLE001 - patterns re cannot parse (\p{L}) get other candidates
        return None


def _emit(parsed: Any, out: list[str]) -> None:
    for op, arg in parsed:
        name = getattr(op, "name", str(op))
        if name == "LITERAL":
            out.append(chr(arg))
        elif name in ("NOT_LITERAL", "ANY"):
            out.append("b" if name == "NOT_LITERAL" and chr(arg) == "a" else "a")
        elif name == "IN":
            out.append(_class_sample(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _, sub = arg
            for _ in range(low):
                _emit(sub, out)
        elif name == "SUBPATTERN":
            _emit(arg[-1], out)
        elif name == "BRANCH":
            _emit(arg[1][0], out)
        elif name in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF"):
            continue
        else:
            raise ValueError(name)


def _class_sample(items: Any) -> str:
    categories = {
        "CATEGORY_DIGIT": "0",
        "CATEGORY_WORD": "a",
        "CATEGORY_SPACE": " ",
        "CATEGORY_NOT_DIGIT": "a",
        "CATEGORY_NOT_WORD": "-",
        "CATEGORY_NOT_SPACE": "a",
    }
    for op, arg in items:
        name = getattr(op, "name", str(op))
        if name == "LITERAL":
            return chr(arg)
        if name == "RANGE":
            return chr(arg[0])
        if name == "CATEGORY":
            return categories.get(getattr(arg, "name", str(arg)), "a")
        if name == "NEGATE":
            break
    return "a"


def _string_sample(name: str, fmt: str | None, constraints: Constraints) -> str:
    candidates = [_STRING_FORMATS.get(fmt or ""), naming.doc_sample_string(name)]
    if constraints.pattern is not None:
        candidates.append(_pattern_sample(constraints.pattern))
    for candidate in candidates:
        if candidate is None or not _matches(constraints.pattern, candidate):
            continue
        if constraints.min_length is not None and len(candidate) < constraints.min_length:
            candidate = candidate + "x" * (constraints.min_length - len(candidate))
        if constraints.max_length is not None:
            candidate = candidate[: constraints.max_length]
        if _matches(constraints.pattern, candidate):
            return candidate
    return naming.doc_sample_string(name)


def _number_sample(constraints: Constraints, integer: bool) -> int | float:
    low, high = constraints.minimum, constraints.maximum
    if low is not None:
        value = low + (1 if constraints.exclusive_minimum else 0)
    elif high is not None:
        value = min(1, high - (1 if constraints.exclusive_maximum else 0))
    else:
        value = 1
    return math.ceil(value) if integer else value


def _normalise(type_ref: TypeRef | None, value: Any) -> Any:
    """Examples written as floats for integers (``1.636481348e+09``) become ints."""
    if (
        type_ref is not None
        and type_ref.kind == "primitive"
        and type_ref.primitive == "integer"
        and isinstance(value, float)
        and value.is_integer()
    ):
        return int(value)
    return value


_NO_CONSTRAINTS = Constraints()


def sample_of(
    api: Api,
    type_ref: TypeRef | None,
    name: str,
    constraints: Constraints = _NO_CONSTRAINTS,
    depth: int = 0,
) -> Any:
    """A value of ``type_ref`` that its constraints accept."""
    type_ref = resolve(api, type_ref)
    if type_ref is None or depth > MAX_DEPTH:
        return None
    if type_ref.kind == "enum":
        return type_ref.values[0] if type_ref.values else None
    if type_ref.kind == "array":
        item = sample_of(api, type_ref.items, name, _NO_CONSTRAINTS, depth + 1)
        return [item] * max(constraints.min_items or 1, 1)
    if type_ref.kind == "map":
        return {}
    if type_ref.kind == "union":
        return (
            sample_of(api, type_ref.variants[0], name, constraints, depth + 1)
            if type_ref.variants
            else None
        )
    if type_ref.kind == "ref":
        schema = api.schema(str(type_ref.schema_name))
        if schema.example is not None:
            return schema.example
        if schema.kind == "enum":
            return schema.enum_values[0] if schema.enum_values else None
        if schema.kind == "union" and schema.variants:
            return sample_of(
                api,
                TypeRef(kind="ref", schema_name=schema.variants[0]),
                name,
                constraints,
                depth + 1,
            )
        return {
            field.wire_name: field_sample(api, field, depth + 1)
            for field in schema.fields
            if (field.required or field.constant) and not field.read_only
        }
    if type_ref.kind == "primitive":
        if type_ref.primitive == "boolean":
            return True
        if type_ref.primitive in ("integer", "number"):
            return _number_sample(constraints, type_ref.primitive == "integer")
        return _string_sample(name, type_ref.format, constraints)
    return naming.doc_sample_string(name)


def field_sample(api: Api, field: Field, depth: int = 0) -> Any:
    if field.constant:
        return field.constant[0]
    if field.example is not None:
        return _normalise(field.type, field.example)
    if field.has_default and field.default is not None:
        return field.default
    return sample_of(api, field.type, field.wire_name, field.constraints, depth)


def with_constants(api: Api, type_ref: TypeRef | None, example: Any) -> Any:
    """A body example with the fields that may take one value only filled in (the API
    requires them; spec examples often leave them out), so a raw HTTP sample works."""
    type_ref = resolve(api, type_ref)
    if not isinstance(example, dict) or type_ref is None or type_ref.kind != "ref":
        return example
    schema = api.schema(str(type_ref.schema_name))
    missing = {
        f.wire_name: f.constant[0]
        for f in schema.fields
        if f.constant and not f.read_only and f.wire_name not in example
    }
    return {**missing, **example}


def parameter_sample(api: Api, parameter: Parameter) -> Any:
    if parameter.example is not None:
        return _normalise(parameter.type, parameter.example)
    if parameter.has_default and parameter.default is not None:
        return parameter.default
    return sample_of(api, parameter.type, parameter.wire_name, parameter.constraints)


def _sample_parameters(op: Operation) -> list[Parameter]:
    """Path parameters, required ones, those with an example, and what they require."""
    by_name = {p.wire_name: p for p in op.parameters}
    chosen = {
        p.wire_name
        for p in op.parameters
        if p.location == "path" or p.required or p.example is not None
    }
    pending = list(chosen)
    while pending:
        for needed in by_name[pending.pop()].requires:
            if needed in by_name and needed not in chosen:
                chosen.add(needed)
                pending.append(needed)
    return [p for p in op.parameters if p.wire_name in chosen]


def wire(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _accept_media(op: Operation, version: ApiVersion) -> MediaType | None:
    preferred = [m for m in version.responses if (m.format != "json") == op.is_download]
    candidates = preferred or list(version.responses)
    return candidates[0] if candidates else None


def samples(api: Api, op: Operation) -> tuple[Sample, ...]:
    """One sample per API version of ``op``, the newest (the default) first."""
    newest = op.newest_version
    return (sample(api, op, newest),) + tuple(
        sample(api, op, v) for v in reversed(op.versions) if v is not newest
    )


def sample(api: Api, op: Operation, version: ApiVersion | None = None) -> Sample:
    """The sample of ``op`` in ``version`` (default: the newest dated version)."""
    version = version or op.newest_version
    media = _accept_media(op, version)
    fmt = media.format if media is not None else "json"
    accept = (
        media.media_type if media is not None else f"application/vnd.atlas.{version.version}+json"
    )
    arguments = tuple(Argument(p, parameter_sample(api, p)) for p in _sample_parameters(op))
    path = op.path
    for argument in arguments:
        if argument.parameter.location == "path":
            path = path.replace(
                "{" + argument.parameter.wire_name + "}", quote(wire(argument.value), safe="")
            )
    query = [
        (a.parameter.wire_name, wire(a.value)) for a in arguments if a.parameter.location == "query"
    ]
    body: Any = None
    request = version.request
    if op.request_body is not None:
        if request is not None and request.has_example:
            body = with_constants(api, request.type, request.example)
        else:
            body = sample_of(api, request.type if request is not None else None, "body")
    return Sample(
        version=version,
        accept=accept,
        content_type=request.media_type if request is not None else None,
        arguments=arguments,
        has_body=op.request_body is not None,
        body=body,
        url=_url(api, path, query),
        curl_url=_url(api, path, _pretty(op, query, fmt)),
        output_format=fmt if len(version.formats) > 1 else None,
        output_file=naming.doc_download_file(_FILE_EXTENSIONS[fmt]) if fmt != "json" else None,
        go=_go_call(api, op, version, arguments, body, media),
    )


def _url(api: Api, path: str, query: list[tuple[str, str]]) -> str:
    return api.server_url + path + ("?" + urlencode(query) if query else "")


def _pretty(op: Operation, query: list[tuple[str, str]], fmt: str) -> list[tuple[str, str]]:
    """The curl query: with ``pretty=true``, as the Atlas reference pages write it, when the
    operation has a ``pretty`` parameter, sends no body and answers JSON (a file is a file)."""
    offers = any(p.location == "query" and p.wire_name == "pretty" for p in op.parameters)
    if offers and op.request_body is None and fmt == "json":
        return [(k, v) for k, v in query if k != "pretty"] + [("pretty", "true")]
    return query


# --------------------------------------------------------------------- atlas-sdk-go
# The SDK's helpers that make a pointer of a value, by Go type.
_GO_POINTER_HELPERS = {
    "string": "PtrString",
    "int": "PtrInt",
    "int64": "PtrInt64",
    "bool": "PtrBool",
    "float64": "PtrFloat64",
}


def _go_call(
    api: Api,
    op: Operation,
    version: ApiVersion,
    arguments: tuple[Argument, ...],
    body: Any,
    media: MediaType | None,
) -> GoCall | None:
    if version.preview:
        return None
    entries = [
        (
            naming.go_exported(a.parameter.wire_name),
            _go_value(api, a.parameter.type, a.value, a.parameter.required, 2),
        )
        for a in arguments
        if a.parameter.location != "header"
    ]
    request = resolve(api, version.request.type if version.request is not None else None)
    if request is not None and request.kind == "ref" and body is not None:
        name = naming.go_type(str(request.schema_name))
        entries.append((name, _go_value(api, request, body, False, 2)))
    success = op.success_response
    result: Literal["json", "download", "none"] = "none"
    if media is not None and media.format != "json":
        result = "download"
    elif success is not None and any(m.type is not None for m in success.media_types):
        result = "json"
    return GoCall(
        package=naming.go_sdk_package(version.version),
        api=naming.go_api(op.tag),
        method=naming.go_method(op.operation_id),
        params=_go_composite("&sdk." + naming.go_params_type(op.operation_id), entries, 1),
        result=result,
    )


def _go_scalar_type(type_ref: TypeRef | None) -> str | None:
    """The Go type atlas-sdk-go gives a primitive or enum, or None for anything else."""
    if type_ref is None or type_ref.kind not in ("primitive", "enum"):
        return None
    primitive = type_ref.primitive or "string"
    if primitive == "integer":
        return "int64" if type_ref.format == "int64" else "int"
    return {"string": "string", "boolean": "bool", "number": "float64"}[primitive]


def _go_element_type(api: Api, type_ref: TypeRef | None) -> str | None:
    type_ref = resolve(api, type_ref)
    if type_ref is not None and type_ref.kind == "ref":
        schema = api.schema(str(type_ref.schema_name))
        if schema.kind == "enum":
            return "string" if schema.primitive in (None, "string") else None
        return "sdk." + naming.go_type(schema.name) if schema.kind == "object" else None
    return _go_scalar_type(type_ref)


def _go_value(
    api: Api, type_ref: TypeRef | None, value: Any, required: bool, depth: int
) -> str | None:
    """A Go expression of ``value`` as atlas-sdk-go types it: optional fields are pointers
    (``sdk.PtrInt64(1)``, ``&[]string{...}``), objects are structs. None: not writable."""
    type_ref = resolve(api, type_ref)
    if value is None or type_ref is None or depth > MAX_DEPTH:
        return None
    pointer = "" if required else "&"
    if type_ref.kind == "array" and isinstance(value, list):
        element = _go_element_type(api, type_ref.items)
        items = [_go_value(api, type_ref.items, v, True, depth + 1) for v in value]
        if element is None or any(i is None or "\n" in i for i in items):
            return None
        return f"{pointer}[]{element}{{{', '.join(str(i) for i in items)}}}"
    if type_ref.kind == "ref":
        schema = api.schema(str(type_ref.schema_name))
        if schema.kind == "enum":
            return _go_value(
                api, TypeRef(kind="enum", primitive=schema.primitive), value, required, depth
            )
        if schema.kind != "object" or not isinstance(value, dict):
            return None
        fields = {f.wire_name: f for f in schema.fields}
        entries = [
            (
                naming.go_exported(name),
                _go_value(api, fields[name].type, v, fields[name].required, depth + 1),
            )
            for name, v in value.items()
            if name in fields
        ]
        return _go_composite(pointer + "sdk." + naming.go_type(schema.name), entries, depth)
    go_type = _go_scalar_type(type_ref)
    if go_type is None:
        return None
    if isinstance(value, str):
        literal = go_string(value)
    elif isinstance(value, bool):
        literal = "true" if value else "false"
    elif isinstance(value, (int, float)):
        literal = repr(value)
    else:
        return None
    return literal if required else f"sdk.{_GO_POINTER_HELPERS[go_type]}({literal})"


def _go_composite(type_name: str, entries: list[tuple[str, str | None]], depth: int) -> str:
    """``type_name{...}``, one field a line, as gofmt lays it out: the values of consecutive
    one-line fields are aligned; a field that spans lines stands alone."""
    written = [(key, value) for key, value in entries if value is not None]
    if not written:
        return type_name + "{}"
    indent = "\t" * (depth + 1)
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(key) for key, _ in run), default=0)
        lines.extend(f"{indent}{key}:{' ' * (width - len(key) + 1)}{value}," for key, value in run)
        run.clear()

    for key, value in written:
        if "\n" in value:
            flush()
            lines.append(f"{indent}{key}: {value},")
        else:
            run.append((key, value))
    flush()
    return type_name + "{\n" + "\n".join(lines) + "\n" + "\t" * depth + "}"
