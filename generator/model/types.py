"""Immutable dataclasses of the intermediate model.

Built once from a validated spec by :mod:`generator.model.build`. Every name a target needs
(Python, CLI, docs) is already decided here, so templates never derive names themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

ParamLocation = Literal["path", "query", "header"]
Primitive = Literal["string", "integer", "number", "boolean"]
TimeUnit = Literal["seconds", "milliseconds"]
BodyFormat = Literal["json", "gzip", "csv"]


@dataclass(frozen=True)
class TypeRef:
    """A schema position's type, recursive.

    kind:
      ``primitive``  ``primitive`` set (``string``/``integer``/``number``/``boolean``),
                     ``format`` may refine it (``date-time``, ``int64``, ``binary``, ...);
      ``enum``       inline enum of ``values`` over ``primitive``;
      ``ref``        a named schema of :attr:`Api.schemas`, by ``schema_name``;
      ``array``      ``items``;
      ``map``        object with ``additionalProperties``: ``values`` (``None`` = any value);
      ``union``      ``variants`` (``oneOf``/``anyOf`` of inline types);
      ``any``        no constraint at all.
    """

    kind: Literal["primitive", "enum", "ref", "array", "map", "union", "any"]
    primitive: Primitive | None = None
    format: str | None = None
    values: tuple[Any, ...] = ()
    schema_name: str | None = None
    items: TypeRef | None = None
    value_type: TypeRef | None = None
    variants: tuple[TypeRef, ...] = ()

    def positions(self, path: str = "") -> Iterator[tuple[str, TypeRef]]:
        """This type and every type inside it, each with a path naming its place
        (``[]`` an array's items, ``{}`` a map's values, ``|0`` a union's first variant)."""
        yield path, self
        inner: list[tuple[str, TypeRef | None]] = [
            (path + "[]", self.items if self.kind == "array" else None),
            (path + "{}", self.value_type if self.kind == "map" else None),
        ]
        if self.kind == "union":
            inner += [(f"{path}|{index}", v) for index, v in enumerate(self.variants)]
        for place, node in inner:
            if node is not None:
                yield from node.positions(place)


def enum_mixin(values: tuple[Any, ...]) -> Literal["str", "int"] | None:
    """The Python ``Enum`` mixin of an enum's values: ``str`` or ``int``; None for a mix
    (or booleans, floats, nulls), which a ``Literal`` states instead."""
    if values and all(isinstance(v, str) for v in values):
        return "str"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int"
    return None


@dataclass(frozen=True)
class Constraints:
    """JSON Schema bounds that a client checks before sending."""

    pattern: str | None = None
    minimum: float | int | None = None
    maximum: float | int | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool = False


@dataclass(frozen=True)
class Field:
    """One property of an object schema."""

    wire_name: str
    python_name: str
    type: TypeRef
    required: bool
    description: str
    pointer: str
    nullable: bool = False
    read_only: bool = False
    write_only: bool = False
    has_default: bool = False
    default: Any = None
    example: Any = None
    constraints: Constraints = Constraints()
    deprecated: bool = False
    # The one value the field may take, as a 1-tuple (a single-value enum, or the
    # discriminator value that selects this schema): the client fills it in and sends it.
    constant: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Discriminator:
    property_name: str
    python_name: str
    mapping: tuple[tuple[str, str], ...]  # (wire value, schema name), sorted by value


@dataclass(frozen=True)
class Schema:
    """A named schema (``components/schemas`` entry, or an inline object hoisted and named).

    kind:
      ``object``  ``fields`` (``allOf`` parts already merged in; ``parents`` names the
                  ``allOf`` references it extends);
      ``enum``    ``enum_values`` over ``primitive``;
      ``union``   ``variants`` (names of schemas) with an optional ``discriminator``;
                  ``fields`` holds the properties the variants share, if the parent declares any;
      ``alias``   ``alias_of`` (an array, primitive or map given a name).
    """

    name: str
    class_name: str
    module_name: str
    kind: Literal["object", "enum", "union", "alias"]
    description: str
    pointer: str
    fields: tuple[Field, ...] = ()
    parents: tuple[str, ...] = ()
    enum_values: tuple[Any, ...] = ()
    primitive: Primitive | None = None
    variants: tuple[str, ...] = ()
    discriminator: Discriminator | None = None
    union_kind: Literal["oneOf", "anyOf"] | None = None
    alias_of: TypeRef | None = None
    additional_properties: TypeRef | None = None  # ``any`` TypeRef for ``true``
    allows_additional: bool = False
    read_only: bool = False
    nullable: bool = False
    example: Any = None
    # Names of schemas this one refers to, for import ordering and cycle handling.
    references: tuple[str, ...] = ()

    def typed_places(self) -> list[tuple[str, str, TypeRef | None, str]]:
        """(pointer, wire name, type, description) of each place of this schema that has a
        type of its own: an object's fields, an alias's aliased type (named ``Value``)."""
        if self.kind == "object":
            return [(f.pointer, f.wire_name, f.type, f.description) for f in self.fields]
        if self.kind == "alias":
            return [(self.pointer, "Value", self.alias_of, self.description)]
        return []


@dataclass(frozen=True)
class Parameter:
    wire_name: str
    python_name: str
    cli_flag: str  # without dashes: exactly the spec's name
    location: ParamLocation
    type: TypeRef
    required: bool
    description: str
    pointer: str
    constraints: Constraints = Constraints()
    has_default: bool = False
    default: Any = None
    example: Any = None
    time_unit: TimeUnit | None = None
    requires: tuple[str, ...] = ()  # wire names that must be given together with this one
    deprecated: bool = False
    # The spec carries a pattern on a non-string (Atlas writes ``pattern: '1199145600'`` on
    # epoch integers): documented, never enforced, as JSON Schema ignores it too.
    documented_pattern: str | None = None
    external_docs_url: str | None = None
    external_docs_description: str | None = None


@dataclass(frozen=True)
class Header:
    name: str
    description: str
    type: TypeRef


@dataclass(frozen=True)
class MediaType:
    """One versioned media type of a request or response."""

    media_type: str  # e.g. application/vnd.atlas.2024-05-30+json
    version: str  # YYYY-MM-DD or "preview"
    format: BodyFormat
    type: TypeRef | None  # None: no schema (a 204, or a body we do not model)
    example: Any = None
    has_example: bool = False
    sunset: str | None = None
    preview: bool = False
    pointer: str = ""


@dataclass(frozen=True)
class Response:
    status: str  # "200", "4XX", "default"
    description: str
    is_success: bool
    media_types: tuple[MediaType, ...]
    headers: tuple[Header, ...] = ()
    # Name in components/responses if shared (e.g. "notFound").
    component_name: str | None = None

    @property
    def has_example(self) -> bool:
        return any(media.has_example for media in self.media_types)


@dataclass(frozen=True)
class RequestBody:
    required: bool
    description: str
    media_types: tuple[MediaType, ...]
    python_name: str = "body"


@dataclass(frozen=True)
class ApiVersion:
    """One API version an operation speaks: what to send and what comes back."""

    version: str  # YYYY-MM-DD or "preview"
    request: MediaType | None
    responses: tuple[MediaType, ...]  # success media types of this version
    sunset: str | None
    preview: bool
    formats: tuple[BodyFormat, ...]  # response formats of this version, sorted
    changelog: str | None = None
    # What this version says differently (``x-xgen-version-texts``): its own summary and
    # description, and its own descriptions of parameters by wire name; None or () where
    # it says what the operation says. ``texts_pointer`` locates them (and translations).
    summary: str | None = None
    description: str | None = None
    parameter_descriptions: tuple[tuple[str, str], ...] = ()
    texts_pointer: str | None = None

    @property
    def has_own_texts(self) -> bool:
        return bool(self.summary or self.description or self.parameter_descriptions)

    @property
    def accept_types(self) -> tuple[str, ...]:
        return tuple(media.media_type for media in self.responses)


@dataclass(frozen=True)
class Pagination:
    """How a paginated list operation pages; decided by ``build._Builder.pagination`` (the rule is
    written there). Names are the API's (wire) names; ``items_python_name`` and
    ``total_python_name`` are the fields of the page's model."""

    page_parameter: str  # pageNum
    size_parameter: str  # itemsPerPage
    count_parameter: str | None  # includeCount, when the operation has it
    items_field: str  # results
    total_field: str  # totalCount
    items_python_name: str
    total_python_name: str
    item_type: TypeRef


@dataclass(frozen=True)
class WatcherParam:
    """One parameter of a watcher's poll: the polled operation's parameter ``name`` takes the
    watched call's parameter ``value`` (``source`` ``input``) or the value at the JSON path
    ``value`` (``$.name``) of the watched call's response (``source`` ``body``)."""

    name: str
    source: Literal["input", "body"]
    value: str


@dataclass(frozen=True)
class Watcher:
    """``x-xgen-atlascli.watcher``, the Atlas CLI's own shape: after the call, poll
    ``operation_id`` (at ``version``) until it answers ``http_code`` and, with a
    ``match_path``, the value there is one of ``match_values``. ``http_code`` 404 means
    done when the resource is gone (a delete)."""

    operation_id: str
    version: str | None
    params: tuple[WatcherParam, ...]
    http_code: int
    match_path: str | None
    match_values: tuple[str, ...]
    pointer: str


@dataclass(frozen=True)
class Operation:
    operation_id: str
    alias: str | None
    method: str  # upper case
    path: str
    summary: str
    description: str
    tag: str
    roles: tuple[str, ...]
    deprecated: bool
    parameters: tuple[Parameter, ...]
    request_body: RequestBody | None
    responses: tuple[Response, ...]
    versions: tuple[ApiVersion, ...]  # oldest first
    pointer: str
    python_name: str
    python_alias: str | None
    cli_name: str
    cli_alias: str | None
    doc_slug: str
    docs_url: str | None = None
    idempotent: bool = True
    python_constant: str = ""  # its OperationSpec in the client's _operations package
    # The success schema is the envelope itself (``status`` and ``content``), as specs write
    # it for operations whose ``envelope`` parameter defaults to true: never unwrapped.
    response_is_envelope: bool = False
    pagination: Pagination | None = None
    watcher: Watcher | None = None

    @property
    def newest_version(self) -> ApiVersion:
        dated = [v for v in self.versions if not v.preview]
        return (dated or list(self.versions))[-1]

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def query_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "query")

    @property
    def header_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "header")

    @property
    def success_response(self) -> Response | None:
        for response in self.responses:
            if response.is_success:
                return response
        return None

    @property
    def error_responses(self) -> tuple[Response, ...]:
        return tuple(r for r in self.responses if not r.is_success)

    @property
    def is_download(self) -> bool:
        """Whether the success body is binary (gzip/csv) and must be streamed."""
        return any(f != "json" for v in self.versions for f in v.formats)

    @property
    def all_formats(self) -> tuple[BodyFormat, ...]:
        return tuple(sorted({f for v in self.versions for f in v.formats}))


@dataclass(frozen=True)
class InlineEnum:
    """An ``enum`` written inside a schema's property (not a schema of its own), which the
    Python client defines as an ``Enum`` class next to its owner."""

    pointer: str  # of the property (or the alias schema) that holds it
    path: str  # its place inside that property's type (TypeRef.positions)
    class_name: str
    owner: str  # the schema whose module defines it
    module: str  # that schema's module
    values: tuple[Any, ...]
    mixin: Literal["str", "int"]
    description: str


@dataclass(frozen=True)
class Tag:
    name: str
    description: str
    python_name: str  # attribute on the client: push_based_log_export
    class_name: str  # PushBasedLogExport (resource classes add Resource/AsyncResource)
    module_name: str  # push_based_log_export
    cli_name: str  # pushBasedLogExport
    doc_slug: str
    operations: tuple[Operation, ...]
    pointer: str = ""  # /tags/<index> in the spec, "" for a tag only operations name


@dataclass(frozen=True)
class SecurityScheme:
    name: str
    kind: Literal["digest", "basic", "bearer", "oauth2_client_credentials", "api_key", "other"]
    description: str
    token_url: str | None = None


@dataclass(frozen=True)
class Api:
    title: str
    description: str
    api_version: str  # info.version
    server_url: str
    spec_path: str  # as written in the generated header, relative to the project
    tags: tuple[Tag, ...]
    schemas: tuple[Schema, ...]
    security_schemes: tuple[SecurityScheme, ...]
    package_version: str  # derived from the newest API version date, e.g. 2025.3.12.1
    newest_api_version: str
    error_schema_name: str | None = None
    inline_enums: tuple[InlineEnum, ...] = ()
    # Current translations of descriptions and summaries: language -> JSON pointer of the
    # English text -> translated text. Missing or stale ones are absent (English is used).
    texts: dict[str, dict[str, str]] = field(default_factory=dict, compare=False, hash=False)

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for tag in self.tags for op in tag.operations)

    def sunset_passed(self, version: ApiVersion) -> bool:
        """Whether ``version``'s sunset date is past as of the spec itself.

        The spec states no publication date (``info.version`` is ``2.0``), but it cannot be
        older than the newest API version it describes: a sunset on or before that date had
        passed when the spec was written. Comparing with the day of generation instead would
        make the output depend on the calendar.
        """
        return version.sunset is not None and version.sunset <= self.newest_api_version

    def text(self, pointer: str, english: str, language: str) -> str:
        """``english`` in ``language`` when a current translation exists, else ``english``."""
        return self.texts.get(language, {}).get(pointer, english)

    @cached_property
    def _schemas_by_name(self) -> dict[str, Schema]:
        return {schema.name: schema for schema in self.schemas}

    def schema(self, name: str) -> Schema:
        return self._schemas_by_name[name]
