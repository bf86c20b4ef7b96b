"""One side of a diff: operations, parameters, bodies and schemas as the generated client sees
them, with every ``$ref`` followed.

The diff must read old revisions that no longer validate, so nothing here raises: a ``$ref``
that does not resolve reads as an empty schema (any value).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..load import pointer_join, unescape_pointer_token
from ..model import naming
from ..openapi import ATLAS_MEDIA_TYPE
from ..validate.document import Document
from ..validate.document import Operation as RawOperation

Direction = Literal["request", "response"]
_PATH_VARIABLE = re.compile(r"\{[^{}]*\}")
# Only the schema itself is a union; its allOf parts' oneOf lists their own subtypes (the
# Atlas parent/child cycle), which are not alternatives of the schema that extends them.
_OWN_KEYWORDS = frozenset({"oneOf", "anyOf", "discriminator"})
_SCHEMA_REF = "#/components/schemas/"


def ref_name(node: Any) -> str | None:
    """The component schema ``node`` refers to: ``{$ref}``, or a lone ``allOf: [{$ref}]``
    (how Atlas specs put a description beside a reference); the generated type is the same."""
    if not isinstance(node, dict):
        return None
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref[len(_SCHEMA_REF) :] if ref.startswith(_SCHEMA_REF) else ""
        return unescape_pointer_token(name) if name and "/" not in name else None
    parts = node.get("allOf")
    if isinstance(parts, list) and len(parts) == 1 and not node.get("properties"):
        return ref_name(parts[0])
    return None


@dataclass(frozen=True)
class SchemaView:
    """A schema after ``$ref`` with its ``allOf`` parts merged, each keyword with its pointer."""

    pointer: str
    keywords: Mapping[str, tuple[Any, str]]  # keyword -> value, pointer of the schema it is in
    properties: Mapping[str, tuple[Any, str]]  # name -> schema, pointer of the schema it is in
    required: frozenset[str]
    ref: str | None = None  # the component schema this position refers to, if any
    origin: str = ""  # the position itself (where its $ref is written)
    written: Any = None  # what is written there, before ``$ref`` and ``allOf``
    merged: frozenset[str] = frozenset()  # pointers of every schema merged into this view

    def get(self, keyword: str) -> Any:
        return self.keywords[keyword][0] if keyword in self.keywords else None

    def where(self, keyword: str) -> str:
        """Pointer of ``keyword``, or of the schema when it has none."""
        found = self.keywords.get(keyword)
        return pointer_join(found[1], keyword) if found is not None else self.pointer

    @property
    def kind(self) -> str | None:
        """The JSON type, ``object`` for an untyped schema with properties, None for any."""
        declared = self.get("type")
        if isinstance(declared, str):
            return declared
        return "object" if self.properties or "additionalProperties" in self.keywords else None

    def hidden(self, direction: Direction) -> bool:
        """Read-only fields are never sent, write-only ones never received."""
        return self.get("readOnly" if direction == "request" else "writeOnly") is True

    def branches(self) -> list[tuple[Any, str]]:
        """The alternatives of a ``oneOf``/``anyOf`` union (both lists), with their pointers."""
        found = []
        for keyword in ("oneOf", "anyOf"):
            listed = self.get(keyword)
            for index, branch in enumerate(listed) if isinstance(listed, list) else ():
                found.append((branch, pointer_join(self.where(keyword), index)))
        return found

    def discriminated(self) -> dict[str, str]:
        """Discriminator value -> component schema name, explicit mapping or implicit (the
        schema name is the value); empty for a union without a discriminator."""
        discriminator = self.get("discriminator")
        if not isinstance(discriminator, dict):
            return {}
        mapping = discriminator.get("mapping")
        found = {
            str(value): unescape_pointer_token(target.rsplit("/", 1)[-1])
            for value, target in (mapping.items() if isinstance(mapping, dict) else ())
            if isinstance(target, str)
        }
        for branch, _ in self.branches():
            name = ref_name(branch)
            if name is not None and name not in found.values():
                found[name] = name
        return found


@dataclass(frozen=True)
class Field:
    name: str
    pointer: str  # where the property is written (its view may be a shared component)
    required: bool
    view: SchemaView


@dataclass(frozen=True)
class Parameter:
    location: str
    name: str
    required: bool
    pointer: str  # where it is defined (a component, for a $ref)
    listed_at: str  # where the operation lists it
    schema: Any
    schema_pointer: str


@dataclass(frozen=True)
class Media:
    media_type: str
    version: str | None  # the API version date (or "preview") of a vnd.atlas media type
    schema: Any
    pointer: str
    sunset: str | None

    @property
    def schema_pointer(self) -> str:
        return pointer_join(self.pointer, "schema")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    alias: str | None  # x-xgen-operation-id-override: the model keeps it as a second name
    pointer: str
    deprecated: bool
    parameters: Mapping[tuple[str, str], Parameter]
    request: Mapping[str, Media]
    responses: Mapping[str, Mapping[str, Media]]

    @property
    def title(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def route(self) -> tuple[str, str]:
        """Method and path, as the model knows the operation."""
        return self.method, self.path

    @property
    def key(self) -> tuple[str, str]:
        """Method and path with variables unnamed: renaming ``{id}`` moves no operation."""
        return self.method, _PATH_VARIABLE.sub("{}", self.path)

    @property
    def versions(self) -> dict[str, list[Media]]:
        """API version -> its media types, from the request body and 2xx responses."""
        found: dict[str, list[Media]] = {}
        success = [m for s, c in self.responses.items() if s.startswith("2") for m in c.values()]
        for media in [*self.request.values(), *success]:
            if media.version is not None:
                found.setdefault(media.version, []).append(media)
        return found


class Spec:
    """The parts of one spec the rules compare."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._views: dict[str, SchemaView] = {}
        self.document = Document(data)
        self.operations = [self._operation(raw) for raw in self.document.operations()]
        components = data.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        self.schemas: Mapping[str, Any] = {
            str(name): schema
            for name, schema in (schemas.items() if isinstance(schemas, dict) else ())
        }

    def resolve(self, node: Any, pointer: str) -> tuple[dict[str, Any], str]:
        found = self.document.resolved(node, pointer)
        return found if found is not None else ({}, pointer)

    def view(self, node: Any, pointer: str) -> SchemaView:
        """The schema at ``pointer`` (``node`` is what is written there), built once."""
        found = self._views.get(pointer)
        if found is None:
            found = self._views[pointer] = self._view(node, pointer)
        return found

    def _view(self, node: Any, pointer: str) -> SchemaView:
        keywords: dict[str, tuple[Any, str]] = {}
        properties: dict[str, tuple[Any, str]] = {}
        required: set[str] = set()
        merged: set[str] = set()

        def merge(node: Any, pointer: str, own: bool) -> None:
            node, pointer = self.resolve(node, pointer)
            if pointer in merged:  # allOf leading back to a schema already merged
                return
            merged.add(pointer)
            parts = node.get("allOf")
            # A lone allOf reference is the schema it refers to (a union stays a union).
            alone = own and ref_name(node) is not None and "$ref" not in node
            for index, part in enumerate(parts) if isinstance(parts, list) else ():
                merge(part, pointer_join(pointer, "allOf", index), own=alone)
            for keyword, value in node.items():
                if own or keyword not in _OWN_KEYWORDS:
                    keywords[keyword] = (value, pointer)
            listed = node.get("properties")
            for name, schema in listed.items() if isinstance(listed, dict) else ():
                properties[str(name)] = (schema, pointer)
            names = node.get("required")
            required.update(str(name) for name in (names if isinstance(names, list) else ()))

        ref, origin, written = ref_name(node), pointer, node
        node, pointer = self.resolve(node, pointer)
        merge(node, pointer, own=True)
        return SchemaView(
            pointer,
            keywords,
            properties,
            frozenset(required),
            ref,
            origin,
            written,
            frozenset(merged),
        )

    def component(self, name: str) -> SchemaView:
        return self.view(self.schemas[name], pointer_join("/components/schemas", name))

    def field(self, view: SchemaView, name: str, direction: Direction) -> Field | None:
        """Property ``name`` of ``view`` as ``direction`` sees it (None if absent or hidden)."""
        if name not in view.properties:
            return None
        schema, owner = view.properties[name]
        pointer = pointer_join(owner, "properties", name)
        field_view = self.view(schema, pointer)
        if field_view.hidden(direction):
            return None
        return Field(name, pointer, name in view.required, field_view)

    def _operation(self, raw: RawOperation) -> Operation:
        parameters = {}
        for listed in self.document.operation_parameters(raw):
            value = listed.value
            location, name = str(value.get("in")), str(value.get("name"))
            parameters[(location, name)] = Parameter(
                location=location,
                name=name,
                required=value.get("required") is True or location == "path",
                pointer=listed.pointer,
                listed_at=listed.listed_at,
                schema=value.get("schema"),
                schema_pointer=pointer_join(listed.pointer, "schema"),
            )
        body = raw.value.get("requestBody")
        request = self._content(body, pointer_join(raw.pointer, "requestBody")) if body else {}
        listed_responses = raw.value.get("responses")
        responses = {
            str(status): self._content(response, pointer_join(raw.pointer, "responses", status))
            for status, response in (
                listed_responses.items() if isinstance(listed_responses, dict) else ()
            )
            if not str(status).startswith("x-")
        }
        operation_id = raw.value.get("operationId")
        alias = raw.value.get("x-xgen-operation-id-override")
        return Operation(
            method=raw.method,
            path=raw.path,
            operation_id=str(operation_id or naming.lower_camel(f"{raw.method} {raw.path}")),
            alias=str(alias) if alias else None,
            pointer=raw.pointer,
            deprecated=raw.value.get("deprecated") is True,
            parameters=parameters,
            request=request,
            responses=responses,
        )

    def _content(self, holder: Any, pointer: str) -> dict[str, Media]:
        """Media types of a request body or response, by name."""
        node, pointer = self.resolve(holder, pointer)
        content = node.get("content")
        found = {}
        for media_type, media in content.items() if isinstance(content, dict) else ():
            media = media if isinstance(media, dict) else {}
            match = ATLAS_MEDIA_TYPE.match(str(media_type))
            sunset = media.get("x-sunset")
            media_pointer = pointer_join(pointer, "content", media_type)
            found[str(media_type)] = Media(
                media_type=str(media_type),
                version=match["version"] if match else None,
                schema=media.get("schema"),
                pointer=media_pointer,
                sunset=str(sunset) if sunset is not None else None,
            )
        return found
