"""The ``_operations`` package of the client: what each operation is (path, versions, media
types, parameters and their checks, pagination, watcher) as plain data, standard library only,
so that the client and the CLI read one description."""

from __future__ import annotations

from typing import Any

from ...model import Api, naming
from ...model.types import ApiVersion, Operation, Parameter, Tag, Watcher
from ...pysource import Argument, Call, Display, Keyword, black_repr, literal
from .. import RenderJob
from .templates import PACKAGE_TEMPLATES


def _parameter_fields(p: Parameter) -> list[tuple[str, Any]]:
    """The ``ParameterSpec(...)`` fields of ``p`` that differ from their defaults."""
    kind = {
        "primitive": p.type.primitive,
        "enum": p.type.primitive,
        "array": "array",
        "map": "object",
    }.get(p.type.kind, "any") or "string"
    items = p.type.items if p.type.kind == "array" else None
    item_kind = None
    enum: tuple[Any, ...] = p.type.values if p.type.kind == "enum" else ()
    if items is not None:
        item_kind = {"primitive": items.primitive, "enum": items.primitive}.get(
            items.kind, "any"
        ) or "string"
        enum = items.values if items.kind == "enum" else ()
    fmt = (
        p.type.format
        if p.type.kind == "primitive"
        else (items.format if items is not None and items.kind == "primitive" else None)
    )
    c = p.constraints
    candidates: list[tuple[str, Any, Any]] = [
        ("name", p.wire_name, None),
        ("python_name", p.python_name, None),
        ("location", p.location, None),
        ("type", kind, None),
        ("description", p.description, ""),
        ("required", p.required, False),
        ("format", fmt, None),
        ("items", item_kind, None),
        ("enum", tuple(enum), ()),
        ("pattern", c.pattern, None),
        ("documented_pattern", p.documented_pattern, None),
        ("minimum", c.minimum, None),
        ("maximum", c.maximum, None),
        ("exclusive_minimum", c.exclusive_minimum, False),
        ("exclusive_maximum", c.exclusive_maximum, False),
        ("min_length", c.min_length, None),
        ("max_length", c.max_length, None),
        ("min_items", c.min_items, None),
        ("max_items", c.max_items, None),
        ("has_default", p.has_default, False),
        ("default", p.default if p.has_default else None, None),
        ("time_unit", p.time_unit, None),
        ("requires", tuple(p.requires), ()),
        ("deprecated", p.deprecated, False),
        ("flag", p.cli_flag, p.wire_name),
    ]
    return [
        (key, value)
        for key, value, default in candidates
        if value != default or key in ("name", "python_name", "location", "type")
    ]


def _parameter_key(fields: list[tuple[str, Any]]) -> tuple[tuple[str, str], ...]:
    """What tells two parameters apart: every field, as written (equal ones share a constant)."""
    return tuple((key, black_repr(value)) for key, value in fields)


def _accept(version: ApiVersion, download: bool) -> str:
    types = list(version.responses)
    if not types:
        return f"application/vnd.atlas.{version.version}+json"
    if download:
        binary = [m for m in types if m.format != "json"]
        if binary:
            return binary[0].media_type
    json_types = [m for m in types if m.format == "json"]
    return (json_types or types)[0].media_type


def _version_spec(op: Operation, version: ApiVersion) -> Call:
    """The ``VersionSpec(...)`` of ``version``: only what differs from the defaults."""
    fields: list[tuple[str, Any]] = [
        ("version", version.version),
        ("accept", _accept(version, op.is_download)),
        ("media_types", tuple(version.accept_types)),
    ]
    if version.request is not None:
        fields.append(("content_type", version.request.media_type))
    if version.formats != ("json",):
        fields.append(("formats", tuple(version.formats)))
    if version.sunset:
        fields.append(("sunset", version.sunset))
    if version.preview:
        fields.append(("preview", True))
    return Call("VersionSpec", _keywords(fields))


def _keywords(fields: list[tuple[str, Any]]) -> tuple[Keyword, ...]:
    return tuple(Keyword(name, literal(value)) for name, value in fields)


# PaginationSpec's defaults (the Atlas convention): only what differs is written out.
_PAGINATION_DEFAULTS = {
    "page_parameter": "pageNum",
    "size_parameter": "itemsPerPage",
    "count_parameter": "includeCount",
    "items_field": "results",
    "total_field": "totalCount",
    "items_attribute": "results",
    "total_attribute": "total_count",
}


def _pagination_spec(op: Operation) -> Call | None:
    """The ``PaginationSpec(...)`` of a paginated operation, else None."""
    paging = op.pagination
    if paging is None:
        return None
    values = {
        "page_parameter": paging.page_parameter,
        "size_parameter": paging.size_parameter,
        "count_parameter": paging.count_parameter,
        "items_field": paging.items_field,
        "total_field": paging.total_field,
        "items_attribute": paging.items_python_name,
        "total_attribute": paging.total_python_name,
    }
    differ = [(key, value) for key, value in values.items() if value != _PAGINATION_DEFAULTS[key]]
    return Call("PaginationSpec", _keywords(differ))


def _watcher_spec(watcher: Watcher) -> Call:
    """The ``WatcherSpec(...)`` of an operation's watcher."""
    fields: list[tuple[str, Any]] = [("operation_id", watcher.operation_id)]
    if watcher.version:
        fields.append(("version", watcher.version))
    fields.append(("params", tuple((p.name, p.source, p.value) for p in watcher.params)))
    if watcher.http_code != 200:
        fields.append(("http_code", watcher.http_code))
    if watcher.match_path:
        fields += [("path", watcher.match_path), ("values", watcher.match_values)]
    return Call("WatcherSpec", _keywords(fields))


class OperationPlan:
    """The ``_operations`` package: shared parameters once, then one module per tag."""

    def __init__(self, api: Api) -> None:
        self.api = api
        # The same parameter (every field equal) gets one constant wherever it is used.
        by_key: dict[tuple[tuple[str, str], ...], list[str]] = {}
        # Each parameter's fields, by identity (parameters live as long as the model).
        self._key_of: dict[int, tuple[tuple[str, str], ...]] = {}
        self._fields: dict[tuple[tuple[str, str], ...], list[tuple[str, Any]]] = {}
        for tag in api.tags:
            for op in tag.operations:
                for p in op.parameters:
                    fields = _parameter_fields(p)
                    key = self._key_of[id(p)] = _parameter_key(fields)
                    self._fields[key] = fields
                    users = by_key.setdefault(key, [])
                    if tag.module_name not in users:
                        users.append(tag.module_name)
        keys = sorted(by_key, key=lambda k: (dict(k)["python_name"], k))
        taken = [op.python_constant for op in api.operations] + ["OPERATIONS"]
        wanted = [naming.python_constant(dict(self._fields[k])["python_name"]) for k in keys]
        names = naming.unique_names(taken + wanted)[len(taken) :]
        self.param_constant = dict(zip(keys, names, strict=True))
        self.shared = {k for k, users in by_key.items() if len(users) > 1}
        self.local = {k: users[0] for k, users in by_key.items() if len(users) == 1}

    def constant_of(self, p: Parameter) -> str:
        return self.param_constant[self._key_of[id(p)]]

    def jobs(self, root: str, common: dict[str, Any]) -> list[RenderJob]:
        base = f"{PACKAGE_TEMPLATES}/_operations"
        index: list[tuple[str, str, str]] = []
        for tag in self.api.tags:
            for op in tag.operations:
                constant = op.python_constant
                for name in dict.fromkeys(
                    filter(None, (op.operation_id, op.alias, op.python_name, op.python_alias))
                ):
                    index.append((name, tag.module_name, constant))
        operations = list(self.api.operations)
        result = [
            RenderJob(
                f"{base}/__init__.py.j2",
                f"{root}/_operations/__init__.py",
                {
                    **common,
                    "tags": list(self.api.tags),
                    "tag_specs": [_tag_spec(t) for t in self.api.tags],
                    "index": index,
                    "example_operation": operations[0],
                },
            )
        ]
        if self.shared:
            shared = [
                self._parameter_view(k)
                for k in sorted(self.shared, key=lambda k: self.param_constant[k])
            ]
            result.append(
                RenderJob(
                    f"{base}/_shared.py.j2",
                    f"{root}/_operations/_shared.py",
                    {**common, "parameters": shared},
                )
            )
        for tag in self.api.tags:
            local = [
                self._parameter_view(k)
                for k in sorted(self.local, key=lambda k: self.param_constant[k])
                if self.local[k] == tag.module_name
            ]
            shared_names = sorted(
                {
                    self.constant_of(p)
                    for op in tag.operations
                    for p in op.parameters
                    if self._key_of[id(p)] in self.shared
                }
            )
            ops = [self._operation_view(op) for op in tag.operations]
            result.append(
                RenderJob(
                    f"{base}/tag.py.j2",
                    f"{root}/_operations/{tag.module_name}.py",
                    {
                        **common,
                        "tag": tag,
                        "operations": ops,
                        "operations_tuple": Display("tuple", tuple(op["constant"] for op in ops)),
                        "local_parameters": local,
                        "shared_imports": shared_names,
                        "paginated": any(op.pagination for op in tag.operations),
                        "watched": any(op.watcher for op in tag.operations),
                    },
                )
            )
        return result

    def _parameter_view(self, key: tuple[tuple[str, str], ...]) -> dict[str, Any]:
        return {
            "constant": self.param_constant[key],
            "value": Call("ParameterSpec", _keywords(self._fields[key])),
        }

    def _operation_view(self, op: Operation) -> dict[str, Any]:
        fields: list[tuple[str, Any]] = [
            ("operation_id", op.operation_id),
            ("alias", op.alias),
            ("python_name", op.python_name),
            ("python_alias", op.python_alias),
            ("tag", op.tag),
            ("method", op.method),
            ("path", op.path),
            ("summary", op.summary),
        ]
        if op.request_body is not None:
            fields.append(("has_body", True))
            if op.request_body.required:
                fields.append(("body_required", True))
        if not op.idempotent:
            fields.append(("idempotent", False))
        if op.is_download:
            fields.append(("download", True))
        if op.deprecated:
            fields.append(("deprecated", True))
        if op.response_is_envelope:
            fields.append(("response_is_envelope", True))
        if op.roles:
            fields.append(("roles", tuple(op.roles)))
        arguments: list[Argument] = [
            *_keywords(fields),
            Keyword("versions", Display("tuple", tuple(_version_spec(op, v) for v in op.versions))),
            Keyword(
                "parameters", Display("tuple", tuple(self.constant_of(p) for p in op.parameters))
            ),
        ]
        pagination = _pagination_spec(op)
        if pagination is not None:
            arguments.append(Keyword("pagination", pagination))
        if op.watcher is not None:
            arguments.append(Keyword("watcher", _watcher_spec(op.watcher)))
        return {"constant": op.python_constant, "value": Call("OperationSpec", tuple(arguments))}


def _tag_spec(tag: Tag) -> Call:
    fields: list[tuple[str, Any]] = [
        ("name", tag.name),
        ("python_name", tag.python_name),
        ("cli_name", tag.cli_name),
        ("module", tag.module_name),
        ("description", tag.description),
        ("operation_ids", tuple(op.operation_id for op in tag.operations)),
    ]
    return Call("TagSpec", _keywords(fields))
