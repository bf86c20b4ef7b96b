"""Build the intermediate model, once, from a validated spec.

This is the last stage that reads the raw spec dictionary: schemas in
:mod:`generator.model.schemas`, operations, versions, pagination, watchers, tags and
security here; names come from :mod:`generator.model.naming`. Nothing downstream ever
resolves a reference.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Literal

from ..load import (
    LoadedSpec,
    pointer_join,
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
from .schemas import ModelError, SchemaBuilder, constraints_of, spec_text
from .types import (
    Api,
    ApiVersion,
    BodyFormat,
    Constraints,
    Header,
    MediaType,
    Operation,
    Pagination,
    Parameter,
    RequestBody,
    Response,
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


class _Builder(SchemaBuilder):
    """The whole API: the schemas (see SchemaBuilder), then operations, tags and security."""

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
            constraints = constraints_of(schema)
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
                        description=spec_text(node.get("description")),
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
                    sunset=spec_text(media.get("x-sunset")) or None,
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
                        description=spec_text(header.get("description")),
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
                    description=spec_text(node.get("description")),
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
            p if (p.python_name, p.cli_flag) == (n, f) else replace(p, python_name=n, cli_flag=f)
            for (p, _), n, f in zip(params, names, flags, strict=True)
        )
        body = None
        raw_body = node.get("requestBody")
        if raw_body is not None:
            body_node, body_pointer = self.resolve(raw_body, pointer_join(pointer, "requestBody"))
            body_node = body_node if isinstance(body_node, dict) else {}
            body = RequestBody(
                required=bool(body_node.get("required")),
                description=spec_text(body_node.get("description")),
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
            summary=spec_text(node.get("summary")) or op_id,
            description=spec_text(node.get("description")),
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
            docs_url=spec_text(node.get("x-xgen-docs-url")) or None,
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
            str(t.get("name")): (spec_text(t.get("description")), pointer_join("/tags", index))
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
            title=spec_text(info.get("title")),
            description=spec_text(info.get("description")),
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
                SecurityScheme(name=str(name), kind=kind, description=spec_text(scheme.get("description")), token_url=token_url)  # type: ignore[arg-type]
            )
        return tuple(result)


# --------------------------------------------------------------------- helpers
def _is_primitive(type_ref: TypeRef, primitive: str) -> bool:
    return type_ref.kind == "primitive" and type_ref.primitive == primitive


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
                changelog=spec_text(changelog.get(date)) or None,
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
        "summary": spec_text(node.get("summary")) or None,
        "description": spec_text(node.get("description")) or None,
        "parameter_descriptions": tuple(
            (str(name), spec_text(entry.get("description")))
            for name, entry in parameters.items()
            if isinstance(entry, dict) and spec_text(entry.get("description"))
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
        replace(
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
    return [replace(op, python_constant=constant[op.operation_id]) for op in operations]


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
        return replace(_Builder(spec).build(spec_display, serial), texts=texts or {})
    except RecursionError:
        raise ModelError(f"{spec.display_path}: schemas nest too deeply to model") from None
