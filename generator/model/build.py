"""Build the intermediate model, once, from a validated spec.

This is the last stage that reads the raw spec dictionary. ``$ref`` is followed here with
cycle guards (Atlas parents list their children in ``oneOf`` while each child extends the
parent through ``allOf``), so nothing downstream ever resolves a reference.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Literal, TypeVar

from ..errors import AtlasgenError
from ..load import (
    LoadedSpec,
    PointerError,
    follow_pointer,
    pointer_join,
    unescape_pointer_token,
)
from ..openapi import (
    ATLAS_MEDIA_TYPE,
    ATLASCLI_EXTENSION,
    HTTP_METHODS,
    WATCHER_SOURCE,
)
from ..servers import server_url
from . import naming
from .enums import inline_enums
from .types import (
    Api,
    ApiVersion,
    BodyFormat,
    Constraints,
    Discriminator,
    Field,
    Header,
    MediaType,
    Operation,
    Pagination,
    Parameter,
    RequestBody,
    Response,
    Schema,
    SecurityScheme,
    Tag,
    TypeRef,
    Watcher,
    WatcherParam,
)

# The Atlas list convention (see _Builder.pagination).
PAGE_PARAMETER, SIZE_PARAMETER, COUNT_PARAMETER = "pageNum", "itemsPerPage", "includeCount"
ITEMS_FIELD, TOTAL_FIELD = "results", "totalCount"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
_SCHEMA_REF = "#/components/schemas/"
_Node = TypeVar("_Node", Api, Field, Operation, Parameter, Schema)
_ANY = TypeRef(kind="any")


class ModelError(AtlasgenError):
    """The spec passed validation but cannot be modelled; the message names the place."""


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


class _Builder:
    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.data = spec.data
        self.components: dict[str, Any] = self.data.get("components") or {}
        self.raw_schemas: dict[str, Any] = self.components.get("schemas") or {}
        self.schemas: dict[str, Schema] = {}
        self._building: set[str] = set()
        # Names taken by component schemas and hoisted inline objects, to keep both unique.
        self._hoisted: dict[str, tuple[dict[str, Any], str]] = {}

    # ----------------------------------------------------------------- references
    def fail(self, pointer: str, message: str) -> ModelError:
        return ModelError(f"{self.spec.where(pointer)}: {message} (at {pointer or '/'})")

    def resolve(self, node: Any, pointer: str) -> tuple[Any, str]:
        """Follow ``$ref`` chains to the target node and its pointer."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#"):
                raise self.fail(pointer, f"cannot resolve $ref {ref!r}")
            seen.add(ref)
            try:
                node, pointer = follow_pointer(self.data, ref[1:]), ref[1:]
            except PointerError:
                raise self.fail(pointer, f"$ref {ref!r} does not resolve") from None
        return node, pointer

    # ----------------------------------------------------------------- schemas
    def type_of(self, node: Any, pointer: str, context_name: str) -> TypeRef:
        """The type of a schema position; inline objects are hoisted into named schemas."""
        if not isinstance(node, dict):
            return _ANY
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref.startswith(_SCHEMA_REF) and "/" not in ref[len(_SCHEMA_REF) :]:
                name = unescape_pointer_token(ref[len(_SCHEMA_REF) :])
                if name not in self.raw_schemas:
                    raise self.fail(pointer, f"$ref {ref!r} does not resolve")
                return TypeRef(kind="ref", schema_name=name)
            target, target_pointer = self.resolve(node, pointer)
            return self.type_of(target, target_pointer, context_name)
        for key in ("oneOf", "anyOf"):
            if isinstance(node.get(key), list) and not node.get("properties"):
                variants = tuple(
                    self.type_of(v, pointer_join(pointer, key, i), f"{context_name}Option{i + 1}")
                    for i, v in enumerate(node[key])
                )
                if node.get("discriminator"):
                    return self.hoist(node, pointer, context_name)
                if len(variants) == 1:
                    return variants[0]
                return TypeRef(kind="union", variants=variants) if variants else _ANY
        if isinstance(node.get("allOf"), list):
            parts = node["allOf"]
            if len(parts) == 1 and not node.get("properties"):
                return self.type_of(parts[0], pointer_join(pointer, "allOf", 0), context_name)
            return self.hoist(node, pointer, context_name)
        if "enum" in node and isinstance(node["enum"], list):
            return TypeRef(
                kind="enum",
                primitive=_primitive(node.get("type"), node["enum"]),
                values=tuple(v for v in node["enum"] if v is not None),
            )
        kind = node.get("type")
        if kind == "array":
            items = self.type_of(
                node.get("items"), pointer_join(pointer, "items"), f"{context_name}Item"
            )
            return TypeRef(kind="array", items=items)
        if kind == "object" or "properties" in node or "additionalProperties" in node:
            if node.get("properties"):
                return self.hoist(node, pointer, context_name)
            extra = node.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                value = self.type_of(
                    extra, pointer_join(pointer, "additionalProperties"), f"{context_name}Value"
                )
                return TypeRef(kind="map", value_type=value)
            return TypeRef(kind="map", value_type=None)
        if kind in ("string", "integer", "number", "boolean"):
            return TypeRef(kind="primitive", primitive=kind, format=node.get("format"))
        return _ANY

    def hoist(self, node: dict[str, Any], pointer: str, context_name: str) -> TypeRef:
        """Give an inline object or union a name, as if it were a component schema."""
        name = naming.pascal_case(context_name) or "Inline"
        existing = self._hoisted.get(name)
        if existing is not None and existing[1] == pointer:
            return TypeRef(kind="ref", schema_name=name)
        counter = 2
        base = name
        while name in self.raw_schemas or name in self._hoisted:
            if self._hoisted.get(name, (None, ""))[1] == pointer:
                return TypeRef(kind="ref", schema_name=name)
            name = f"{base}{counter}"
            counter += 1
        self._hoisted[name] = (node, pointer)
        self.build_schema(name, node, pointer)
        return TypeRef(kind="ref", schema_name=name)

    def build_schema(self, name: str, node: Any, pointer: str) -> None:
        if name in self.schemas or name in self._building:
            return
        self._building.add(name)
        try:
            self.schemas[name] = self._schema(name, node if isinstance(node, dict) else {}, pointer)
        finally:
            self._building.discard(name)

    def _schema(self, name: str, node: dict[str, Any], pointer: str) -> Schema:
        common: dict[str, Any] = {
            "name": name,
            "class_name": naming.python_class(name),
            "module_name": naming.python_module(name),
            "description": _text(node.get("description")),
            "pointer": pointer,
            "read_only": bool(node.get("readOnly")),
            "nullable": bool(node.get("nullable")),
            "example": node.get("example"),
        }
        for key in ("oneOf", "anyOf"):
            if isinstance(node.get(key), list):
                variants = []
                for index, variant in enumerate(node[key]):
                    variant_pointer = pointer_join(pointer, key, index)
                    ref = self.type_of(variant, variant_pointer, f"{name}Option{index + 1}")
                    if ref.kind != "ref":  # a primitive or array variant becomes a named alias
                        ref = self.hoist(variant, variant_pointer, f"{name}Option{index + 1}")
                    if ref.schema_name:
                        variants.append(ref.schema_name)
                fields, _, _ = self._collect_fields(node, pointer, name, set())
                return Schema(
                    kind="union",
                    variants=tuple(variants),
                    union_kind=key,
                    discriminator=self._discriminator(node, variants),
                    fields=fields,
                    references=tuple(sorted(set(variants) | _field_refs(fields))),
                    **common,
                )
        if "enum" in node and not node.get("properties"):
            return Schema(
                kind="enum",
                enum_values=tuple(v for v in node["enum"] if v is not None),
                primitive=_primitive(node.get("type"), node["enum"]),
                **common,
            )
        if node.get("type") in (None, "object") and (
            "properties" in node or "allOf" in node or node.get("type") == "object"
        ):
            fields, parents, extra = self._collect_fields(node, pointer, name, set())
            additional = None
            if isinstance(extra, dict) and extra:
                additional = self.type_of(
                    extra, pointer_join(pointer, "additionalProperties"), f"{name}Value"
                )
            elif extra is True or (extra is None and not fields):
                additional = _ANY
            return Schema(
                kind="object",
                fields=fields,
                parents=tuple(parents),
                additional_properties=additional,
                allows_additional=extra is not False,
                references=tuple(sorted(_field_refs(fields) | set(parents))),
                **common,
            )
        alias = self.type_of(
            {k: v for k, v in node.items() if k != "description"}, pointer, f"{name}Value"
        )
        return Schema(
            kind="alias", alias_of=alias, references=tuple(sorted(_type_refs(alias))), **common
        )

    def _discriminator(self, node: dict[str, Any], variants: list[str]) -> Discriminator | None:
        raw = node.get("discriminator")
        if not isinstance(raw, dict) or not isinstance(raw.get("propertyName"), str):
            return None
        mapping = raw.get("mapping") or {}
        pairs = {
            str(value): unescape_pointer_token(target.rsplit("/", 1)[-1])
            for value, target in mapping.items()
            if isinstance(target, str)
        }
        for variant in variants:  # implicit mapping: the schema name is the value
            if variant not in pairs.values():
                pairs.setdefault(variant, variant)
        return Discriminator(
            property_name=raw["propertyName"],
            python_name=naming.python_field(raw["propertyName"]),
            mapping=tuple(sorted(pairs.items())),
        )

    def _collect_fields(
        self, node: dict[str, Any], pointer: str, owner: str, visiting: set[str]
    ) -> tuple[tuple[Field, ...], list[str], Any]:
        """Own properties plus those of every ``allOf`` part, parents first.

        A parent reached through ``allOf`` contributes only its own ``properties`` and
        ``allOf``, never its ``oneOf``: that is where the Atlas parent/child cycle closes.
        """
        merged: dict[str, Field] = {}
        parents: list[str] = []
        extra: Any = node.get("additionalProperties")
        for index, part in enumerate(node.get("allOf") or []):
            part_pointer = pointer_join(pointer, "allOf", index)
            if isinstance(part, dict) and isinstance(part.get("$ref"), str):
                target, target_pointer = self.resolve(part, part_pointer)
                ref = part["$ref"]
                if ref.startswith(_SCHEMA_REF):
                    parents.append(unescape_pointer_token(ref[len(_SCHEMA_REF) :]))
                if ref in visiting:
                    continue
                sub_fields, _, sub_extra = self._collect_fields(
                    target, target_pointer, owner, visiting | {ref}
                )
            else:
                sub_fields, sub_parents, sub_extra = self._collect_fields(
                    part if isinstance(part, dict) else {}, part_pointer, owner, visiting
                )
                parents.extend(sub_parents)
            merged.update({f.wire_name: f for f in sub_fields})
            if sub_extra is not None and extra is None:
                extra = sub_extra
        required = set(node.get("required") or [])
        for wire_name, prop in (node.get("properties") or {}).items():
            prop_pointer = pointer_join(pointer, "properties", wire_name)
            merged[wire_name] = self._field(
                str(wire_name), prop, prop_pointer, owner, str(wire_name) in required
            )
        for wire_name in required & set(merged):  # required may be restated without properties
            merged[wire_name] = _replace_required(merged[wire_name])
        names = naming.unique_names(naming.python_field(w) for w in merged)
        fields = tuple(_with_python_name(f, n) for f, n in zip(merged.values(), names, strict=True))
        return fields, list(dict.fromkeys(parents)), extra

    def _field(self, wire_name: str, prop: Any, pointer: str, owner: str, required: bool) -> Field:
        resolved, _ = self.resolve(prop, pointer) if isinstance(prop, dict) else ({}, pointer)
        resolved = resolved if isinstance(resolved, dict) else {}
        return Field(
            wire_name=wire_name,
            python_name=naming.python_field(wire_name),
            type=self.type_of(prop, pointer, owner + naming.pascal_case(wire_name)),
            required=required,
            description=_text(resolved.get("description")),
            pointer=pointer,
            nullable=bool(resolved.get("nullable")),
            read_only=bool(resolved.get("readOnly")),
            write_only=bool(resolved.get("writeOnly")),
            has_default="default" in resolved,
            default=resolved.get("default"),
            example=resolved.get("example"),
            constraints=_constraints(resolved),
            deprecated=bool(resolved.get("deprecated")),
            constant=_single_value(resolved),
        )

    # ----------------------------------------------------------------- operations
    def parameters(self, raw: list[Any], pointer: str) -> list[tuple[Parameter, int]]:
        params = []
        for index, item in enumerate(raw):
            node, node_pointer = self.resolve(item, pointer_join(pointer, index))
            if not isinstance(node, dict):
                continue
            schema, schema_pointer = self.resolve(
                node.get("schema") or {}, pointer_join(node_pointer, "schema")
            )
            schema = schema if isinstance(schema, dict) else {}
            wire = str(node.get("name", ""))
            type_ref = self.type_of(schema, schema_pointer, naming.pascal_case(wire))
            is_string = type_ref.kind == "primitive" and type_ref.primitive == "string"
            constraints = _constraints(schema)
            documented = None
            if constraints.pattern is not None and not is_string and type_ref.kind != "array":
                documented = constraints.pattern
                constraints = Constraints(**{**constraints.__dict__, "pattern": None})
            unit = node.get("x-epoch-unit") or schema.get("x-epoch-unit")
            docs = node.get("externalDocs") or schema.get("externalDocs") or {}
            params.append(
                (
                    Parameter(
                        wire_name=wire,
                        python_name=naming.python_parameter(wire),
                        cli_flag=naming.cli_flag(wire),
                        location=node.get("in", "query"),
                        type=type_ref,
                        required=bool(node.get("required")) or node.get("in") == "path",
                        description=_text(node.get("description")),
                        pointer=node_pointer,
                        constraints=constraints,
                        has_default="default" in schema,
                        default=schema.get("default"),
                        example=node.get("example", schema.get("example")),
                        time_unit=unit if unit in ("seconds", "milliseconds") else None,
                        requires=tuple(str(r) for r in node.get("x-requires") or ()),
                        deprecated=bool(node.get("deprecated")),
                        documented_pattern=documented,
                        external_docs_url=docs.get("url"),
                        external_docs_description=docs.get("description"),
                    ),
                    index,
                )
            )
        return params

    def media_types(self, content: Any, pointer: str, context_name: str) -> tuple[MediaType, ...]:
        result = []
        for media_type, media in sorted((content or {}).items()):
            media_pointer = pointer_join(pointer, media_type)
            media = media if isinstance(media, dict) else {}
            match = ATLAS_MEDIA_TYPE.match(media_type)
            version = match["version"] if match else ""
            fmt: BodyFormat = match["format"] if match else "json"  # type: ignore[assignment]
            schema = media.get("schema")
            type_ref = None
            if isinstance(schema, dict) and schema:
                type_ref = self.type_of(schema, pointer_join(media_pointer, "schema"), context_name)
            example, has_example = _example_of(media, self.resolve)
            result.append(
                MediaType(
                    media_type=media_type,
                    version=version,
                    format=fmt,
                    type=type_ref,
                    example=example,
                    has_example=has_example,
                    sunset=_text(media.get("x-sunset")) or None,
                    preview=version == "preview" or bool(media.get("x-xgen-preview")),
                    pointer=media_pointer,
                )
            )
        return tuple(result)

    def responses(self, raw: Any, pointer: str, op_name: str) -> tuple[Response, ...]:
        result = []
        for status, item in sorted((raw or {}).items(), key=lambda kv: str(kv[0])):
            status = str(status)
            item_pointer = pointer_join(pointer, status)
            ref = item.get("$ref") if isinstance(item, dict) else None
            node, node_pointer = self.resolve(item, item_pointer)
            node = node if isinstance(node, dict) else {}
            headers = []
            for header_name, header in sorted((node.get("headers") or {}).items()):
                header, header_pointer = self.resolve(
                    header, pointer_join(node_pointer, "headers", header_name)
                )
                header = header if isinstance(header, dict) else {}
                headers.append(
                    Header(
                        name=str(header_name),
                        description=_text(header.get("description")),
                        type=self.type_of(
                            header.get("schema"),
                            pointer_join(header_pointer, "schema"),
                            header_name,
                        ),
                    )
                )
            suffix = "Response" if status.startswith("2") else f"Error{status}"
            result.append(
                Response(
                    status=status,
                    description=_text(node.get("description")),
                    is_success=status.startswith("2"),
                    media_types=self.media_types(
                        node.get("content"), pointer_join(node_pointer, "content"), op_name + suffix
                    ),
                    headers=tuple(headers),
                    component_name=ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None,
                )
            )
        return tuple(result)

    def operation(
        self, path: str, method: str, node: dict[str, Any], path_params: list[Any]
    ) -> Operation:
        pointer = pointer_join("/paths", path, method)
        op_id = str(node.get("operationId") or naming.lower_camel(f"{method} {path}"))
        op_name = naming.pascal_case(op_id)
        alias = node.get("x-xgen-operation-id-override")
        alias = str(alias) if alias and alias != op_id else None
        merged: dict[tuple[str, str], tuple[Parameter, int]] = {}
        path_level = self.parameters(path_params, pointer_join("/paths", path, "parameters"))
        op_level = self.parameters(
            node.get("parameters") or [], pointer_join(pointer, "parameters")
        )
        for param, index in path_level + [(p, i + 1000) for p, i in op_level]:
            merged[(param.location, param.wire_name)] = (param, index)
        order = [seg[1:-1] for seg in re.findall(r"\{[^}]+\}", path)]
        params = sorted(
            merged.values(),
            key=lambda pi: (
                pi[0].location != "path",
                order.index(pi[0].wire_name) if pi[0].wire_name in order else 0,
                pi[1],
            ),
        )
        names = naming.unique_names(p.python_name for p, _ in params)
        flags = naming.unique_names((p.cli_flag for p, _ in params), separator="")
        parameters = tuple(
            _replace(p, python_name=n, cli_flag=f)
            for (p, _), n, f in zip(params, names, flags, strict=True)
        )
        body = None
        raw_body = node.get("requestBody")
        if raw_body is not None:
            body_node, body_pointer = self.resolve(raw_body, pointer_join(pointer, "requestBody"))
            body_node = body_node if isinstance(body_node, dict) else {}
            body = RequestBody(
                required=bool(body_node.get("required")),
                description=_text(body_node.get("description")),
                media_types=self.media_types(
                    body_node.get("content"),
                    pointer_join(body_pointer, "content"),
                    op_name + "Request",
                ),
            )
        responses = self.responses(
            node.get("responses"), pointer_join(pointer, "responses"), op_name
        )
        tags = node.get("tags") or ["Default"]
        roles = node.get("x-rolesRequirements") or ()
        return Operation(
            operation_id=op_id,
            alias=alias,
            method=method.upper(),
            path=path,
            summary=_text(node.get("summary")) or op_id,
            description=_text(node.get("description")),
            tag=str(tags[0]),
            roles=tuple(str(r) for r in roles) if isinstance(roles, list) else (),
            deprecated=bool(node.get("deprecated")),
            parameters=parameters,
            request_body=body,
            responses=responses,
            versions=_versions(
                body,
                responses,
                node.get("x-xgen-changelog"),
                node.get("x-xgen-version-texts"),
                pointer_join(pointer, "x-xgen-version-texts"),
            ),
            pointer=pointer,
            python_name=naming.python_method(op_id),
            python_alias=naming.python_method(alias) if alias else None,
            cli_name=op_id,
            cli_alias=alias,
            doc_slug=naming.doc_slug(op_id),
            docs_url=_text(node.get("x-xgen-docs-url")) or None,
            idempotent=method.upper() in IDEMPOTENT_METHODS,
            response_is_envelope=self._is_envelope(parameters, responses),
            pagination=self.pagination(method, parameters, responses),
            watcher=_watcher(node, pointer),
        )

    def _is_envelope(
        self, parameters: tuple[Parameter, ...], responses: tuple[Response, ...]
    ) -> bool:
        """Whether an operation with an ``envelope`` parameter describes its JSON success
        body as the envelope (an object with a ``content`` property) rather than its content."""
        if not any(p.wire_name == "envelope" and p.location == "query" for p in parameters):
            return False
        schemas = [
            self.schemas.get(media.type.schema_name or "")
            for response in responses
            if response.is_success
            for media in response.media_types
            if media.format == "json" and media.type is not None and media.type.kind == "ref"
        ]
        return bool(schemas) and all(
            s is not None and s.kind == "object" and any(f.wire_name == "content" for f in s.fields)
            for s in schemas
        )

    def pagination(
        self, method: str, parameters: tuple[Parameter, ...], responses: tuple[Response, ...]
    ) -> Pagination | None:
        """How the operation pages, or None: the one place that decides what is paginated.

        An operation is a paginated list when all of these hold (the Atlas convention):

        - it is a ``GET``;
        - it has the integer query parameters ``pageNum`` and ``itemsPerPage``
          (``includeCount``, a boolean query parameter, is used when present);
        - every JSON success body of every version is an object schema with a ``results``
          array and an integer ``totalCount``, the same item type in every version.

        Anything less (``results`` without ``pageNum``, a list without ``totalCount``) is an
        ordinary operation returning its model.
        """
        query = {p.wire_name: p for p in parameters if p.location == "query"}
        if method.upper() != "GET" or not all(
            name in query and _is_primitive(query[name].type, "integer")
            for name in (PAGE_PARAMETER, SIZE_PARAMETER)
        ):
            return None
        bodies = [
            media.type
            for response in responses
            if response.is_success
            for media in response.media_types
            if media.format == "json"
        ]
        found: set[tuple[str, str, TypeRef]] = set()
        for body in bodies:
            schema = self.schemas.get(body.schema_name or "") if body is not None else None
            if schema is None or schema.kind != "object":
                return None
            fields = {f.wire_name: f for f in schema.fields}
            items, total = fields.get(ITEMS_FIELD), fields.get(TOTAL_FIELD)
            if (
                items is None
                or items.type.kind != "array"
                or items.type.items is None
                or total is None
                or not _is_primitive(total.type, "integer")
            ):
                return None
            found.add((items.python_name, total.python_name, items.type.items))
        if len(found) != 1:
            return None
        ((items_python_name, total_python_name, item_type),) = found
        count = query.get(COUNT_PARAMETER)
        return Pagination(
            page_parameter=PAGE_PARAMETER,
            size_parameter=SIZE_PARAMETER,
            count_parameter=(
                COUNT_PARAMETER
                if count is not None and _is_primitive(count.type, "boolean")
                else None
            ),
            items_field=ITEMS_FIELD,
            total_field=TOTAL_FIELD,
            items_python_name=items_python_name,
            total_python_name=total_python_name,
            item_type=item_type,
        )

    # ----------------------------------------------------------------- the API
    def build(self, spec_display: str, serial: int) -> Api:
        for name in sorted(self.raw_schemas):
            self.build_schema(
                name, self.raw_schemas[name], pointer_join("/components/schemas", name)
            )
        operations: list[Operation] = []
        for path, item in (self.data.get("paths") or {}).items():
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    operations.append(
                        self.operation(
                            str(path), method, item[method], item.get("parameters") or []
                        )
                    )
        tag_info = {
            str(t.get("name")): (_text(t.get("description")), pointer_join("/tags", index))
            for index, t in enumerate(self.data.get("tags") or [])
            if isinstance(t, dict)
        }
        tags = []
        tag_names = sorted({op.tag for op in operations})
        # Tags that differ only in case or punctuation ("Cloud Backups", "cloud-backups")
        # would share every name: the later one gets a suffix, in each naming scheme.
        attrs = naming.unique_names(naming.python_tag_attribute(t) for t in tag_names)
        classes = naming.unique_names((naming.python_class(t) for t in tag_names), separator="")
        groups = naming.unique_names((naming.cli_group(t) for t in tag_names), separator="")
        slugs = naming.unique_names((naming.doc_slug(t) for t in tag_names), separator="-")
        operations = _resolve_watchers(_unique_operation_names(operations))
        operations = _with_python_constants(operations, tag_names)
        for tag_name, attr, class_name, group, slug in zip(
            tag_names, attrs, classes, groups, slugs, strict=True
        ):
            ops = tuple(
                sorted(
                    (op for op in operations if op.tag == tag_name), key=lambda o: o.operation_id
                )
            )
            tags.append(
                Tag(
                    name=tag_name,
                    description=tag_info.get(tag_name, ("", ""))[0],
                    python_name=attr,
                    class_name=class_name,
                    module_name=attr,
                    cli_name=group,
                    doc_slug=slug,
                    operations=ops,
                    pointer=tag_info.get(tag_name, ("", ""))[1],
                )
            )
        self._reject_alias_cycles()
        self._discriminator_constants()
        schemas = self._unique_schema_names()
        dates = sorted(
            v.version for op in operations for v in op.versions if v.version != "preview"
        )
        newest = dates[-1] if dates else "0000-00-00"
        info = self.data.get("info") or {}
        return Api(
            title=_text(info.get("title")),
            description=_text(info.get("description")),
            api_version=str(info.get("version", "")),
            server_url=server_url(self.data.get("servers")),
            spec_path=spec_display,
            tags=tuple(tags),
            schemas=schemas,
            security_schemes=self._security(),
            package_version=f"{newest.replace('-', '')}.{serial}",
            newest_api_version=newest,
            error_schema_name="ApiError" if "ApiError" in self.schemas else None,
            inline_enums=inline_enums(schemas),
        )

    def _reject_alias_cycles(self) -> None:
        """A cycle with no object schema in it (``Loop: {type: array, items: Loop}``) would be a
        Python type alias that names itself while it is being defined."""
        aliases = {name for name, s in self.schemas.items() if s.kind in ("alias", "union")}
        finished: set[str] = set()

        def visit(name: str, trail: list[str]) -> None:
            if name in trail:
                cycle = " -> ".join([*trail[trail.index(name) :], name])
                raise self.fail(
                    self.schemas[name].pointer,
                    f"schema {name!r} refers to itself through arrays, maps or oneOf/anyOf "
                    f"alone ({cycle}); put an object schema in the cycle",
                )
            if name in finished:
                return
            for child in sorted(set(self.schemas[name].references) & aliases):
                visit(child, [*trail, name])
            finished.add(name)

        for name in sorted(aliases):
            visit(name, [])

    def _discriminator_constants(self) -> None:
        """A concrete ``oneOf`` variant selected by one discriminator value has that value as
        a constant of its discriminator property (added if the variant does not declare it)."""
        for union in sorted(self.schemas.values(), key=lambda s: s.name):
            if union.discriminator is None:
                continue
            values: dict[str, list[str]] = {}
            for value, target in union.discriminator.mapping:
                values.setdefault(target, []).append(value)
            for target, [value] in ((t, v) for t, v in values.items() if len(v) == 1):
                variant = self.schemas.get(target)
                if variant is None or variant.kind != "object":
                    continue
                self.schemas[target] = _replace(
                    variant,
                    fields=_with_constant(variant, union.discriminator.property_name, value),
                )

    def _unique_schema_names(self) -> tuple[Schema, ...]:
        """Two schemas may snake_case (or PascalCase) to the same module or class name."""
        ordered = [self.schemas[name] for name in sorted(self.schemas)]
        modules = naming.unique_names(s.module_name for s in ordered)
        classes = naming.unique_names(naming.python_model_class(s.class_name) for s in ordered)
        return tuple(
            _replace(s, module_name=m, class_name=c)
            for s, m, c in zip(ordered, modules, classes, strict=True)
        )

    def _security(self) -> tuple[SecurityScheme, ...]:
        result = []
        for name, scheme in sorted((self.components.get("securitySchemes") or {}).items()):
            scheme, _ = self.resolve(scheme, pointer_join("/components/securitySchemes", name))
            scheme = scheme if isinstance(scheme, dict) else {}
            kind = "other"
            token_url = None
            if scheme.get("type") == "http":
                kind = {"digest": "digest", "basic": "basic", "bearer": "bearer"}.get(
                    str(scheme.get("scheme", "")).lower(), "other"
                )
            elif scheme.get("type") == "oauth2":
                flow = (scheme.get("flows") or {}).get("clientCredentials")
                if isinstance(flow, dict):
                    kind, token_url = "oauth2_client_credentials", flow.get("tokenUrl")
            elif scheme.get("type") == "apiKey":
                kind = "api_key"
            result.append(
                SecurityScheme(name=str(name), kind=kind, description=_text(scheme.get("description")), token_url=token_url)  # type: ignore[arg-type]
            )
        return tuple(result)


# --------------------------------------------------------------------- helpers
def _is_primitive(type_ref: TypeRef, primitive: str) -> bool:
    return type_ref.kind == "primitive" and type_ref.primitive == primitive


def _primitive(kind: Any, values: list[Any]) -> Any:
    if kind in ("string", "integer", "number", "boolean"):
        return kind
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "integer"
    return "string"


def _constraints(node: dict[str, Any]) -> Constraints:
    def number(key: str) -> Any:
        value = node.get(key)
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    pattern = node.get("pattern")
    return Constraints(
        pattern=str(pattern) if pattern is not None else None,
        minimum=number("minimum"),
        maximum=number("maximum"),
        exclusive_minimum=node.get("exclusiveMinimum") is True,
        exclusive_maximum=node.get("exclusiveMaximum") is True,
        min_length=number("minLength"),
        max_length=number("maxLength"),
        min_items=number("minItems"),
        max_items=number("maxItems"),
        unique_items=node.get("uniqueItems") is True,
    )


def _example_of(media: dict[str, Any], resolve: Any) -> tuple[Any, bool]:
    if "example" in media:
        return media["example"], True
    for _, example in sorted((media.get("examples") or {}).items()):
        node, _ = resolve(example, "")
        if isinstance(node, dict) and "value" in node:
            return node["value"], True
    return None, False


def _versions(
    body: RequestBody | None,
    responses: tuple[Response, ...],
    changelog: Any,
    own_texts: Any,
    texts_pointer: str,
) -> tuple[ApiVersion, ...]:
    success = [m for r in responses if r.is_success for m in r.media_types if m.version]
    requests = [m for m in (body.media_types if body else ()) if m.version]
    dates = sorted({m.version for m in success + requests}, key=lambda d: (d == "preview", d))
    changelog = changelog if isinstance(changelog, dict) else {}
    own_texts = own_texts if isinstance(own_texts, dict) else {}
    result = []
    for date in dates:
        own = [m for m in success if m.version == date]
        request = next((m for m in requests if m.version == date), None)
        if request is None and requests:
            older = [m for m in requests if m.version <= date] or requests
            request = older[-1]
        sunset = next((m.sunset for m in own + ([request] if request else []) if m.sunset), None)
        result.append(
            ApiVersion(
                version=date,
                request=request,
                responses=tuple(own),
                sunset=sunset,
                preview=date == "preview" or any(m.preview for m in own),
                formats=tuple(sorted({m.format for m in own})),
                changelog=_text(changelog.get(date)) or None,
                **_version_texts(own_texts.get(date), pointer_join(texts_pointer, date)),
            )
        )
    return tuple(result)


def _version_texts(node: Any, pointer: str) -> dict[str, Any]:
    """The ``ApiVersion`` fields of one entry of ``x-xgen-version-texts``: {} for none."""
    if not isinstance(node, dict):
        return {}
    parameters = node.get("parameters")
    parameters = parameters if isinstance(parameters, dict) else {}
    return {
        "summary": _text(node.get("summary")) or None,
        "description": _text(node.get("description")) or None,
        "parameter_descriptions": tuple(
            (str(name), _text(entry.get("description")))
            for name, entry in parameters.items()
            if isinstance(entry, dict) and _text(entry.get("description"))
        ),
        "texts_pointer": pointer,
    }


def _watcher(node: dict[str, Any], pointer: str) -> Watcher | None:
    """The operation's ``x-xgen-atlascli.watcher`` (its shape checked by ``watcher-valid``)."""
    extension = node.get(ATLASCLI_EXTENSION)
    raw = extension.get("watcher") if isinstance(extension, dict) else None
    if not isinstance(raw, dict) or not isinstance(raw.get("get"), dict):
        return None
    get, expect = raw["get"], raw.get("expect") or {}
    match = expect.get("match") or {}
    params = []
    for name, text in (get.get("params") or {}).items():
        found = WATCHER_SOURCE.match(str(text))
        if found is not None:
            source: Literal["input", "body"] = "input" if found["source"] == "input" else "body"
            params.append(WatcherParam(str(name), source, found["value"]))
    version = get.get("version")
    return Watcher(
        operation_id=str(get.get("operation-id")),
        version=str(version) if version else None,
        params=tuple(params),
        http_code=int(expect.get("http-code") or 200),
        match_path=str(match["path"]) if match.get("path") else None,
        match_values=tuple(str(v) for v in match.get("values") or ()),
        pointer=pointer_join(pointer, ATLASCLI_EXTENSION, "watcher"),
    )


def _resolve_watchers(operations: list[Operation]) -> list[Operation]:
    """Watchers name the polled operation by id or alias (the Atlas spec uses aliases): the id."""
    ids = {name: op.operation_id for op in operations for name in (op.operation_id, op.alias)}
    return [
        (
            replace(
                op,
                watcher=replace(
                    op.watcher,
                    operation_id=ids.get(op.watcher.operation_id, op.watcher.operation_id),
                ),
            )
            if op.watcher is not None
            else op
        )
        for op in operations
    ]


def _type_refs(type_ref: TypeRef | None) -> set[str]:
    if type_ref is None:
        return set()
    found = {type_ref.schema_name} if type_ref.schema_name else set()
    found |= _type_refs(type_ref.items) | _type_refs(type_ref.value_type)
    for variant in type_ref.variants:
        found |= _type_refs(variant)
    return found


def _field_refs(fields: tuple[Field, ...]) -> set[str]:
    return set().union(*(_type_refs(f.type) for f in fields)) if fields else set()


def _replace(obj: _Node, **changes: Any) -> _Node:
    return replace(obj, **changes)


def _with_python_name(obj: _Node, python_name: str) -> _Node:
    return _replace(obj, python_name=python_name)


def _replace_required(field: Field) -> Field:
    return _replace(field, required=True)


def _single_value(node: dict[str, Any]) -> tuple[Any, ...]:
    """``(value,)`` when ``node`` allows exactly one value (``enum: [S3_LOG_EXPORT]``)."""
    values = node.get("enum")
    if isinstance(values, list):
        present = [v for v in values if v is not None]
        if len(present) == 1 and isinstance(present[0], (str, int, float, bool)):
            return (present[0],)
    return ()


def _with_constant(schema: Schema, wire_name: str, value: str) -> tuple[Field, ...]:
    """``schema``'s fields with ``wire_name`` held to ``value`` (a new required string field
    when the schema does not declare it)."""
    for f in schema.fields:
        if f.wire_name == wire_name:
            if f.constant or f.type.kind not in ("primitive", "enum"):
                return schema.fields
            return tuple(
                _replace(f, constant=(value,)) if f.wire_name == wire_name else f
                for f in schema.fields
            )
    taken = [f.python_name for f in schema.fields]
    python_name = naming.unique_names([*taken, naming.python_field(wire_name)])[-1]
    added = Field(
        wire_name=wire_name,
        python_name=python_name,
        type=TypeRef(kind="primitive", primitive="string"),
        required=True,
        description="",
        pointer=schema.pointer,
        constant=(value,),
    )
    return (*schema.fields, added)


def _unique_operation_names(operations: list[Operation]) -> list[Operation]:
    """Operation ids differing only in case (``getX``, ``GetX``) share a snake_case name and
    a docs slug: the later one (by id) gets a suffix. Python names (with aliases) must be
    unique within their resource, docs slugs across the API."""
    ordered = sorted(operations, key=lambda o: o.operation_id)
    slugs = naming.unique_names((op.doc_slug for op in ordered), separator="-")
    renamed = {}
    for tag in sorted({op.tag for op in ordered}):
        in_tag = [op for op in ordered if op.tag == tag]
        names = naming.unique_names(
            name for op in in_tag for name in (op.python_name, op.python_alias) if name
        )
        taken = iter(names)
        for op in in_tag:
            python_name = next(taken)
            alias = next(taken) if op.python_alias else None
            renamed[op.operation_id] = (python_name, alias)
    return [
        _replace(
            op,
            python_name=renamed[op.operation_id][0],
            python_alias=renamed[op.operation_id][1],
            doc_slug=slug,
        )
        for op, slug in zip(ordered, slugs, strict=True)
    ]


def _with_python_constants(operations: list[Operation], tag_names: list[str]) -> list[Operation]:
    """Each operation's constant in the client's ``_operations`` package, unique, in the
    order of the API (tags, then operation ids); ``OPERATIONS`` is the package's own."""
    tag_order = {name: index for index, name in enumerate(tag_names)}
    ordered = sorted(operations, key=lambda op: (tag_order[op.tag], op.operation_id))
    names = naming.unique_names(
        [naming.python_constant(op.python_name) for op in ordered] + ["OPERATIONS"]
    )
    constant = {op.operation_id: name for op, name in zip(ordered, names, strict=False)}
    return [_replace(op, python_constant=constant[op.operation_id]) for op in operations]


def build_model(
    spec: LoadedSpec,
    *,
    spec_display: str,
    serial: int = 1,
    texts: dict[str, dict[str, str]] | None = None,
) -> Api:
    """The one intermediate model of ``spec``; raises :class:`ModelError` on what it can't model.

    ``texts`` holds the current translations (language -> pointer -> text) for the docs.
    """
    try:
        return _replace(_Builder(spec).build(spec_display, serial), texts=texts or {})
    except RecursionError:
        raise ModelError(f"{spec.display_path}: schemas nest too deeply to model") from None
