"""The docs target: maps model nodes to templates under templates/docs/ and output paths.

One MkDocs site in ``docs/``: ``mkdocs.yml`` beside ``content/`` (its ``docs_dir``). The
default language (the first configured, English) sits at the root of ``content/``, every
other language in a folder of its own (``content/zh/``) with the same pages:

    index.md                      home: every operation with method, path and versions
    tags/<tag slug>.md            one page per tag
    operations/<operation slug>.md  one page per operation

Everything a page needs that is not a plain model field (sample argument values, flattened
schema fields, links between pages) is computed here, once, from the model; the templates
only lay it out and translate fixed labels.
"""

from __future__ import annotations

import functools
import gettext
import html
import importlib
import math
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from urllib.parse import quote, urlencode

from ..config import Settings
from ..filters import to_json
from ..i18n import load_catalog
from ..load import escape_pointer_token, pointer_join
from ..model import Api, naming
from ..model.types import (
    ApiVersion,
    Constraints,
    Field,
    MediaType,
    Operation,
    Parameter,
    Response,
    TypeRef,
)
from . import RenderJob

SITE_DIR = "docs"
CONTENT_DIR = "content"  # the site's docs_dir, relative to docs/mkdocs.yml
STYLESHEET = "assets/atlasgen.css"
LANGUAGE_NAMES = {"en": "English", "zh": "中文", "pt": "Português", "ko": "한국어"}
_MAX_DEPTH = 6  # nested schema fields shown in one table
_NAV_TITLE_LIMIT = 120  # characters of a page title in the docs sidebar
_FILE_EXTENSIONS = {"gzip": "gz", "csv": "csv", "json": "json"}
_STRING_FORMATS = {
    "date-time": "2024-05-30T12:00:00Z",
    "date": "2024-05-30",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "user@example.com",
    "uri": "https://example.com",
}


# --------------------------------------------------------------------- what pages show
@dataclass(frozen=True)
class FieldRow:
    """One row of a schema table: a field, and its path from the body's root."""

    name: str  # accessLogs[].authResult
    field: Field
    depth: int


@dataclass(frozen=True)
class Argument:
    parameter: Parameter
    value: Any


@dataclass(frozen=True)
class Sample:
    """What every code sample of an operation sends: the same call four ways."""

    version: ApiVersion
    accept: str
    content_type: str | None
    arguments: tuple[Argument, ...]  # path parameters first, then query and header ones
    has_body: bool
    body: Any
    url: str  # absolute, path values filled in, query string included
    output_format: str | None  # only when the version answers in several formats
    output_file: str | None  # downloads: where the body goes

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
                flags.append(f"{flag} {shlex.quote(_wire(argument.value))}")
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


@dataclass(frozen=True)
class ResponseDoc:
    response: Response
    pointer: str  # of the response object; its description is at <pointer>/description
    media: MediaType | None  # the media type shown
    rows: tuple[FieldRow, ...]  # success bodies only
    download: bool  # the body is a file (gzip, csv), not JSON

    @property
    def has_example(self) -> bool:
        return self.media is not None and self.media.has_example

    @functools.cached_property
    def example_json(self) -> str:
        """The example as the page shows it in every language: written once."""
        return to_json(self.media.example if self.media is not None else None)


@dataclass(frozen=True)
class NavTag:
    name: str
    pages: tuple[tuple[str, str], ...]  # (title, page in content/)


@dataclass(frozen=True)
class NavSection:
    """One language in the site's navigation."""

    title: str
    pages: tuple[tuple[str, str], ...]
    tags: tuple[NavTag, ...]


@dataclass(frozen=True)
class Link:
    language: str
    name: str
    href: str
    current: bool


# --------------------------------------------------------------------- message catalogs
@functools.cache
def catalog(language: str) -> gettext.NullTranslations:
    """Message catalog for ``language`` (installed by the renderer for docs jobs), cached.

    The msgids are the English labels of templates/docs/ (``messages.pot`` lists them); a
    language without a catalog, or a label its catalog lacks, shows the English label.
    """
    return load_catalog(language)


_Value = TypeVar("_Value")


class NodeCache:
    """Values computed from model nodes, once per node. Nodes are immutable and live as long
    as the run, so they are told apart by identity; each is kept, so its id is not reused."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, int], tuple[object, Any]] = {}

    def get(self, kind: str, node: object, compute: Callable[[], _Value]) -> _Value:
        key = (kind, id(node))
        found = self._values.get(key)
        if found is None or found[0] is not node:
            found = self._values[key] = (node, compute())
        return cast(_Value, found[1])


class RenderedOnce:
    """``once(macro, node)`` in a template: the macro's text for a model node, rendered the
    first time only. A parameter or field reads the same on every page of one language,
    and the pages of a large API list the same ones thousands of times."""

    def __init__(self) -> None:
        self._texts = NodeCache()

    def __call__(self, macro: Any, node: object) -> str:
        return str(self._texts.get(macro.name, node, lambda: macro(node)))


# --------------------------------------------------------------------- pages and links
def page_path(language: str, default_language: str, kind: str, slug: str = "index") -> str:
    """A page's path inside content/: ``operations/get-group-audit-log.md``, ``zh/index.md``."""
    prefix = "" if language == default_language else f"{language}/"
    return f"{prefix}{slug}.md" if kind == "home" else f"{prefix}{kind}/{slug}.md"


def relative(from_page: str, to_page: str) -> str:
    """The link from one page of content/ to another, as MkDocs resolves it. Both are
    normalised relative paths (no ``.`` or ``..``), so no file system is asked, unlike
    ``posixpath.relpath``, which costs a ``getcwd`` per call."""
    here = from_page.split("/")[:-1]
    there = to_page.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


def _links(languages: tuple[str, ...], here: str, kind: str, slug: str) -> tuple[Link, ...]:
    default = languages[0]
    page = page_path(here, default, kind, slug)
    return tuple(
        Link(
            language=lang,
            name=LANGUAGE_NAMES.get(lang, lang),
            href=relative(page, page_path(lang, default, kind, slug)),
            current=lang == here,
        )
        for lang in languages
    )


# --------------------------------------------------------------------- types and fields
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


def enum_values(api: Api, type_ref: TypeRef | None) -> tuple[Any, ...]:
    """The allowed values of an enum type, or of an array's items; () for anything else."""
    type_ref, _ = _unwrap_arrays(api, type_ref)
    if type_ref is None:
        return ()
    if type_ref.kind == "enum":
        return type_ref.values
    if type_ref.kind == "ref":
        schema = api.schema(str(type_ref.schema_name))
        if schema.kind == "enum":
            return schema.enum_values
    return ()


def type_label(api: Api, type_ref: TypeRef | None, depth: int = 0) -> str:
    """A JSON type in language-neutral notation: ``string (int64)``, ``array[string]``, ``object``."""
    type_ref = resolve(api, type_ref)
    if type_ref is None or type_ref.kind == "any" or depth > _MAX_DEPTH:
        return "any"
    if type_ref.kind == "primitive":
        return (
            f"{type_ref.primitive} ({type_ref.format})"
            if type_ref.format
            else str(type_ref.primitive)
        )
    if type_ref.kind == "enum":
        return type_ref.primitive or "string"
    if type_ref.kind == "array":
        return f"array[{type_label(api, type_ref.items, depth + 1)}]"
    if type_ref.kind == "map":
        value = type_label(api, type_ref.value_type, depth + 1) if type_ref.value_type else "any"
        return f"object[string, {value}]"
    if type_ref.kind == "union":
        return f"oneOf[{', '.join(type_label(api, v, depth + 1) for v in type_ref.variants)}]"
    schema = api.schema(str(type_ref.schema_name))
    if schema.kind == "enum":
        return schema.primitive or "string"
    if schema.kind == "union":
        return f"oneOf[{', '.join(schema.variants)}]"
    return "object"


def field_rows(api: Api, type_ref: TypeRef | None) -> tuple[FieldRow, ...]:
    """Every field of a body's schema, nested objects flattened into dotted paths."""
    return tuple(_rows(api, type_ref, "", frozenset(), 0))


def _rows(
    api: Api, type_ref: TypeRef | None, prefix: str, seen: frozenset[str], depth: int
) -> list[FieldRow]:
    type_ref, brackets = _unwrap_arrays(api, type_ref)
    if type_ref is None or type_ref.kind != "ref" or depth > _MAX_DEPTH:
        return []
    schema = api.schema(str(type_ref.schema_name))
    if schema.kind not in ("object", "union") or schema.name in seen:
        return []
    if prefix or brackets:
        prefix = f"{prefix}{brackets}."
    rows: list[FieldRow] = []
    for field in schema.fields:
        name = prefix + field.wire_name
        rows.append(FieldRow(name=name, field=field, depth=depth))
        rows.extend(_rows(api, field.type, name, seen | {schema.name}, depth + 1))
    return rows


def _unwrap_arrays(api: Api, type_ref: TypeRef | None) -> tuple[TypeRef | None, str]:
    """The element type of (nested) arrays and their ``[]``; it ends because the model
    rejects a schema that is an array of itself."""
    brackets = ""
    type_ref = resolve(api, type_ref)
    while type_ref is not None and type_ref.kind == "array":
        brackets += "[]"
        type_ref = resolve(api, type_ref.items)
    return type_ref, brackets


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
    if type_ref is None or depth > _MAX_DEPTH:
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


def _wire(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _accept_media(op: Operation, version: ApiVersion) -> MediaType | None:
    preferred = [m for m in version.responses if (m.format != "json") == op.is_download]
    candidates = preferred or list(version.responses)
    return candidates[0] if candidates else None


def sample(api: Api, op: Operation) -> Sample:
    version = op.newest_version
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
                "{" + argument.parameter.wire_name + "}", quote(_wire(argument.value), safe="")
            )
    query = [
        (a.parameter.wire_name, _wire(a.value))
        for a in arguments
        if a.parameter.location == "query"
    ]
    url = api.server_url + path + ("?" + urlencode(query) if query else "")
    body: Any = None
    if op.request_body is not None:
        request = version.request
        if request is not None and request.has_example:
            body = with_constants(api, request.type, request.example)
        else:
            body = sample_of(api, request.type if request is not None else None, "body")
    return Sample(
        version=version,
        accept=accept,
        content_type=version.request.media_type if version.request is not None else None,
        arguments=arguments,
        has_body=op.request_body is not None,
        body=body,
        url=url,
        output_format=fmt if len(version.formats) > 1 else None,
        output_file=naming.doc_download_file(_FILE_EXTENSIONS[fmt]) if fmt != "json" else None,
    )


# --------------------------------------------------------------------- responses
def _owner(media_pointer: str) -> str:
    """``/components/responses/notFound/content/application~1json`` -> ``/components/responses/notFound``."""
    return media_pointer.rsplit("/content/", 1)[0]


def response_pointer(op: Operation, response: Response) -> str:
    for media in response.media_types:
        if media.pointer:
            return _owner(media.pointer)
    if response.component_name:
        return "/components/responses/" + escape_pointer_token(response.component_name)
    return f"{op.pointer}/responses/{escape_pointer_token(response.status)}"


def request_body_pointer(op: Operation) -> str:
    body = op.request_body
    if body is not None:
        for media in body.media_types:
            if media.pointer:
                return _owner(media.pointer)
    return f"{op.pointer}/requestBody"


def header_pointer(response_pointer_: str, name: str) -> str:
    return f"{response_pointer_}/headers/{escape_pointer_token(name)}"


def responses(
    op: Operation, chosen: Sample, rows: Callable[[TypeRef | None], tuple[FieldRow, ...]]
) -> tuple[ResponseDoc, ...]:
    """The success response first, then every error, each with the media type to show."""
    ordered = sorted(op.responses, key=lambda r: (not r.is_success, r.status))
    docs = []
    for response in ordered:
        media: MediaType | None = None
        if response.is_success:
            media = next((m for m in response.media_types if m.media_type == chosen.accept), None)
        if media is None:
            media = next((m for m in response.media_types if m.has_example), None)
        if media is None and response.media_types:
            media = response.media_types[-1]
        download = media is not None and media.format != "json"
        fields = (
            rows(media.type) if response.is_success and media is not None and not download else ()
        )
        docs.append(
            ResponseDoc(
                response=response,
                pointer=response_pointer(op, response),
                media=media,
                rows=fields,
                download=download,
            )
        )
    return tuple(docs)


# --------------------------------------------------------------------- jobs
def _common(
    api: Api,
    settings: Settings,
    language: str,
    kind: str,
    slug: str,
    once: RenderedOnce,
    rows: Callable[[TypeRef | None], tuple[FieldRow, ...]],
) -> dict[str, Any]:
    default = settings.languages[0]
    page = page_path(language, default, kind, slug)
    return {
        "api": api,
        "lang": language,
        "once": once,
        "languages": _links(settings.languages, language, kind, slug),
        "home_href": relative(page, page_path(language, default, "home")),
        "cli_command": settings.cli_command,
        "python_package": settings.python_package,
        "pointer_join": pointer_join,
        "enum_values": functools.partial(enum_values, api),
        "field_rows": rows,
        "resolve": functools.partial(resolve, api),
        "type_label": functools.partial(type_label, api),
        "tag_href": lambda tag: relative(page, page_path(language, default, "tags", tag.doc_slug)),
        "operation_href": lambda op: relative(
            page, page_path(language, default, "operations", op.doc_slug)
        ),
    }


def _output(path: str) -> str:
    return f"{SITE_DIR}/{CONTENT_DIR}/{path}"


def jobs(api: Api, settings: Settings) -> list[RenderJob]:
    languages = settings.languages or ("en",)
    default = languages[0]
    result = [
        RenderJob(
            template="docs/mkdocs.yml.j2",
            output=f"{SITE_DIR}/mkdocs.yml",
            context={
                "api": api,
                "content_dir": CONTENT_DIR,
                "stylesheet": STYLESHEET,
                "sections": [_nav(api, lang, default) for lang in languages],
            },
        ),
        RenderJob(template="docs/atlasgen.css.j2", output=_output(STYLESHEET)),
    ]
    samples = {op.operation_id: sample(api, op) for op in api.operations}
    cache = NodeCache()

    def rows(type_ref: TypeRef | None) -> tuple[FieldRow, ...]:
        return cache.get("rows", type_ref, lambda: field_rows(api, type_ref))

    shown = {
        op.operation_id: responses(op, samples[op.operation_id], rows) for op in api.operations
    }
    for lang in languages:
        once = RenderedOnce()
        result.append(
            RenderJob(
                template="docs/home.md.j2",
                output=_output(page_path(lang, default, "home")),
                context={
                    **_common(api, settings, lang, "home", "index", once, rows),
                    "token_url": _token_url(api),
                },
                language=lang,
            )
        )
        for tag in api.tags:
            result.append(
                RenderJob(
                    template="docs/tag.md.j2",
                    output=_output(page_path(lang, default, "tags", tag.doc_slug)),
                    context={
                        **_common(api, settings, lang, "tags", tag.doc_slug, once, rows),
                        "tag": tag,
                    },
                    language=lang,
                )
            )
            for op in tag.operations:
                chosen = samples[op.operation_id]
                result.append(
                    RenderJob(
                        template="docs/operation.md.j2",
                        output=_output(page_path(lang, default, "operations", op.doc_slug)),
                        context={
                            **_common(api, settings, lang, "operations", op.doc_slug, once, rows),
                            "tag": tag,
                            "op": op,
                            "sample": chosen,
                            "responses": shown[op.operation_id],
                            "body_pointer": request_body_pointer(op),
                            "header_pointer": header_pointer,
                        },
                        language=lang,
                    )
                )
    return result


def _nav(api: Api, language: str, default: str) -> NavSection:
    """Titles are spelled out: MkDocs finds no title in a page that starts with our header.

    MkDocs themes put nav titles into the HTML as they are, so they are HTML-escaped here.
    """
    overview = catalog(language).gettext("Overview")
    return NavSection(
        title=LANGUAGE_NAMES.get(language, language),
        pages=((overview, page_path(language, default, "home")),),
        tags=tuple(
            NavTag(
                name=_nav_title(tag.name),
                pages=((overview, page_path(language, default, "tags", tag.doc_slug)),)
                + tuple(
                    (
                        _nav_title(api.text(f"{op.pointer}/summary", op.summary, language)),
                        page_path(language, default, "operations", op.doc_slug),
                    )
                    for op in tag.operations
                ),
            )
            for tag in api.tags
        ),
    )


def _nav_title(text: str) -> str:
    """One line, short enough for a sidebar and for YAML, which caps an implicit key at 1024
    characters (each escaped character may take six), and HTML-escaped."""
    line = " ".join(text.split())
    if len(line) > _NAV_TITLE_LIMIT:
        line = line[: _NAV_TITLE_LIMIT - 1].rstrip() + "…"
    return html.escape(line)


def _token_url(api: Api) -> str | None:
    return next((s.token_url for s in api.security_schemes if s.token_url), None)
