"""The docs target: maps model nodes to templates under templates/docs/ and output paths.

One MkDocs site (Material theme) in ``docs/``: ``mkdocs.yml`` beside ``content/`` (its
``docs_dir``) and ``overrides/`` (the theme's ``custom_dir``). The default language (the first
configured, English) sits at the root of ``content/``, every other language in a folder of
its own (``content/zh/``) with the same pages:

    index.md                      home: every operation with method, path and versions
    tags/<tag slug>.md            one page per tag
    operations/<operation slug>.md  one page per operation, code samples in tabs per version

Everything a page needs that is not a plain model field (flattened schema fields, links
between pages, translated tag names) is computed here, once, from the model; the code
samples come from :mod:`.samples`, which the CLI target shares; the templates only lay it
out and translate fixed labels.
"""

from __future__ import annotations

import functools
import gettext
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from ..config import Settings
from ..filters import to_json
from ..i18n import load_catalog
from ..load import escape_pointer_token, pointer_join
from ..model import Api
from ..model.types import (
    ApiVersion,
    Field,
    Header,
    MediaType,
    Operation,
    Parameter,
    Response,
    SecurityScheme,
    Tag,
    TypeRef,
)
from . import RenderJob
from .samples import MAX_DEPTH, Sample, resolve, samples

SITE_DIR = "docs"
CONTENT_DIR = "content"  # the site's docs_dir, relative to docs/mkdocs.yml
OVERRIDES_DIR = "overrides"  # the theme's custom_dir: templates that replace the theme's
STYLESHEET = "assets/atlasgen.css"
LANGUAGE_NAMES = {"en": "English", "zh": "中文", "pt": "Português", "ko": "한국어"}
# Languages the Material theme's search can stem (its lunr languages), of those we write.
SEARCH_LANGUAGES = frozenset({"en", "zh", "pt", "ko", "ja", "de", "fr", "es", "it", "ru"})
_NAV_TITLE_LIMIT = 120  # characters of a page title in the docs sidebar


# --------------------------------------------------------------------- what pages show
@dataclass(frozen=True)
class FieldRow:
    """One row of a schema table: a field, and its path from the body's root."""

    name: str  # accessLogs[].authResult
    field: Field
    depth: int


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
    if type_ref is None or type_ref.kind == "any" or depth > MAX_DEPTH:
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
    if type_ref is None or type_ref.kind != "ref" or depth > MAX_DEPTH:
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


class Texts:
    """The spec's texts as the pages of one language show them: the current translation
    where there is one, else the English. The only place that knows where in the spec each
    text is (its JSON pointer, the key of the translation files); templates ask by node."""

    def __init__(self, api: Api, language: str) -> None:
        self.api = api
        self.language = language

    def _at(self, pointer: str, english: str) -> str:
        return self.api.text(pointer, english, self.language)

    def api_description(self) -> str:
        return self._at("/info/description", self.api.description)

    def description(self, node: Tag | Parameter | Field) -> str:
        """A tag's, a parameter's or a schema property's description."""
        return self._at(f"{node.pointer}/description", node.description)

    def tag_name(self, tag: Tag) -> str:
        """A tag's name; a tag that only operations name has no translation."""
        return self._at(f"{tag.pointer}/name", tag.name) if tag.pointer else tag.name

    def summary(self, op: Operation) -> str:
        return self._at(f"{op.pointer}/summary", op.summary)

    def operation_description(self, op: Operation) -> str:
        return self._at(f"{op.pointer}/description", op.description)

    def role(self, op: Operation, index: int) -> str:
        return self._at(pointer_join(op.pointer, "x-rolesRequirements", index), op.roles[index])

    def changelog(self, op: Operation, version: ApiVersion) -> str:
        changelog = version.changelog or ""
        return self._at(pointer_join(op.pointer, "x-xgen-changelog", version.version), changelog)

    def body_description(self, op: Operation) -> str:
        body = op.request_body
        return self._at(f"{request_body_pointer(op)}/description", body.description if body else "")

    def version_summary(self, version: ApiVersion) -> str:
        return self._at(f"{version.texts_pointer}/summary", version.summary or "")

    def version_description(self, version: ApiVersion) -> str:
        return self._at(f"{version.texts_pointer}/description", version.description or "")

    def version_parameter(self, version: ApiVersion, name: str, english: str) -> str:
        pointer = pointer_join(version.texts_pointer or "", "parameters", name, "description")
        return self._at(pointer, english)

    def response_description(self, shown: ResponseDoc) -> str:
        return self._at(f"{shown.pointer}/description", shown.response.description)

    def header_description(self, shown: ResponseDoc, header: Header) -> str:
        return self._at(
            f"{header_pointer(shown.pointer, header.name)}/description", header.description
        )

    def scheme_description(self, scheme: SecurityScheme) -> str:
        pointer = pointer_join("/components/securitySchemes", scheme.name, "description")
        return self._at(pointer, scheme.description)


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
        "texts": Texts(api, language),
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
                "overrides_dir": OVERRIDES_DIR,
                "stylesheet": STYLESHEET,
                "sections": [_nav(api, lang, default) for lang in languages],
                "search_languages": [lang for lang in languages if lang in SEARCH_LANGUAGES],
            },
        ),
        RenderJob(template="docs/atlasgen.css.j2", output=_output(STYLESHEET)),
        RenderJob(
            template="docs/overrides/main.html.j2", output=f"{SITE_DIR}/{OVERRIDES_DIR}/main.html"
        ),
    ]
    versions = {op.operation_id: samples(api, op) for op in api.operations}
    cache = NodeCache()

    def rows(type_ref: TypeRef | None) -> tuple[FieldRow, ...]:
        return cache.get("rows", type_ref, lambda: field_rows(api, type_ref))

    shown = {
        op.operation_id: responses(op, versions[op.operation_id][0], rows) for op in api.operations
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
                chosen = versions[op.operation_id]
                result.append(
                    RenderJob(
                        template="docs/operation.md.j2",
                        output=_output(page_path(lang, default, "operations", op.doc_slug)),
                        context={
                            **_common(api, settings, lang, "operations", op.doc_slug, once, rows),
                            "tag": tag,
                            "op": op,
                            "sample": chosen[0],
                            "samples": chosen,
                            "responses": shown[op.operation_id],
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
    texts = Texts(api, language)
    return NavSection(
        title=LANGUAGE_NAMES.get(language, language),
        pages=((overview, page_path(language, default, "home")),),
        tags=tuple(
            NavTag(
                name=_nav_title(texts.tag_name(tag)),
                pages=((overview, page_path(language, default, "tags", tag.doc_slug)),)
                + tuple(
                    (
                        _nav_title(texts.summary(op)),
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
