"""The ``_operations`` package of the client: what each operation is (path, versions, media
types, parameters and their checks, pagination, watcher) as plain data, standard library only,
so that the client and the CLI read one description."""

from __future__ import annotations

from typing import Any

from ... import pysource
from ...model import Api, naming
from ...model.types import ApiVersion, Operation, Parameter, Tag, Watcher
from ...pysource import black_repr
from .. import RenderJob
from .templates import PACKAGE_TEMPLATES


def _parameter_fields(p: Parameter) -> list[tuple[str, str]]:
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
        (key, black_repr(value))
        for key, value, default in candidates
        if value != default or key in ("name", "python_name", "location", "type")
    ]


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


def _version_arguments(op: Operation, version: ApiVersion, column: int) -> list[str]:
    """The ``VersionSpec(...)`` arguments of ``version``, laid out at ``column``."""
    fields = [
        ("version", black_repr(version.version)),
        ("accept", black_repr(_accept(version, op.is_download))),
    ]
    if version.request is not None:
        fields.append(("content_type", black_repr(version.request.media_type)))
    if version.formats != ("json",):
        fields.append(("formats", black_repr(tuple(version.formats))))
    if version.sunset:
        fields.append(("sunset", black_repr(version.sunset)))
    if version.preview:
        fields.append(("preview", "True"))
    media_types = [black_repr(m) for m in version.accept_types]
    arguments = [f"{k}={v}" for k, v in fields]
    arguments.insert(2, pysource.tuple_of(media_types, column, "media_types=", after=","))
    return arguments


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


def _pagination_fields(op: Operation) -> list[str] | None:
    """The ``PaginationSpec(...)`` arguments of a paginated operation, else None."""
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
    return [
        f"{key}={black_repr(value)}"
        for key, value in values.items()
        if value != _PAGINATION_DEFAULTS[key]
    ]


def _watcher_fields(watcher: Watcher) -> list[tuple[str, str]]:
    fields = [("operation_id", black_repr(watcher.operation_id))]
    if watcher.version:
        fields.append(("version", black_repr(watcher.version)))
    fields.append(
        ("params", black_repr(tuple((p.name, p.source, p.value) for p in watcher.params)))
    )
    if watcher.http_code != 200:
        fields.append(("http_code", str(watcher.http_code)))
    if watcher.match_path:
        fields += [
            ("path", black_repr(watcher.match_path)),
            ("values", black_repr(watcher.match_values)),
        ]
    return fields


class OperationPlan:
    """The ``_operations`` package: shared parameters once, then one module per tag."""

    def __init__(self, api: Api) -> None:
        self.api = api
        # The same parameter (every field equal) gets one constant wherever it is used.
        by_key: dict[tuple[tuple[str, str], ...], list[str]] = {}
        python_name: dict[tuple[tuple[str, str], ...], str] = {}
        # Each parameter's fields, by identity (parameters live as long as the model).
        self._key_of: dict[int, tuple[tuple[str, str], ...]] = {}
        for tag in api.tags:
            for op in tag.operations:
                for p in op.parameters:
                    key = self._key_of[id(p)] = tuple(_parameter_fields(p))
                    python_name[key] = p.python_name
                    users = by_key.setdefault(key, [])
                    if tag.module_name not in users:
                        users.append(tag.module_name)
        keys = sorted(by_key, key=lambda k: (dict(k)["python_name"], k))
        taken = [op.python_constant for op in api.operations] + ["OPERATIONS"]
        names = naming.unique_names(taken + [naming.python_constant(python_name[k]) for k in keys])[
            len(taken) :
        ]
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
                    "tag_blocks": [_tag_spec_block(t) for t in self.api.tags],
                    "index": index,
                    "example_operation": operations[0],
                },
            )
        ]
        if self.shared:
            shared = [
                self._parameter_block(k)
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
                self._parameter_block(k)
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
                        "operations_tuple": pysource.tuple_of(
                            [op["constant"] for op in ops],
                            0,
                            "OPERATIONS: tuple[OperationSpec, ...] = ",
                        ),
                        "local_parameters": local,
                        "shared_imports": shared_names,
                        "paginated": any(op.pagination for op in tag.operations),
                        "watched": any(op.watcher for op in tag.operations),
                    },
                )
            )
        return result

    def _parameter_block(self, key: tuple[tuple[str, str], ...]) -> str:
        constant = self.param_constant[key]
        arguments = [f"{k}={v}" for k, v in key]
        return pysource.assigned_call(constant, "ParameterSpec", lambda _: arguments, 0)

    def _operation_view(self, op: Operation) -> dict[str, Any]:
        fields = [
            ("operation_id", black_repr(op.operation_id)),
            ("alias", black_repr(op.alias)),
            ("python_name", black_repr(op.python_name)),
            ("python_alias", black_repr(op.python_alias)),
            ("tag", black_repr(op.tag)),
            ("method", black_repr(op.method)),
            ("path", black_repr(op.path)),
            ("summary", black_repr(op.summary)),
        ]
        if op.request_body is not None:
            fields.append(("has_body", "True"))
            if op.request_body.required:
                fields.append(("body_required", "True"))
        if not op.idempotent:
            fields.append(("idempotent", "False"))
        if op.is_download:
            fields.append(("download", "True"))
        if op.deprecated:
            fields.append(("deprecated", "True"))
        if op.response_is_envelope:
            fields.append(("response_is_envelope", "True"))
        if op.roles:
            fields.append(("roles", black_repr(tuple(op.roles))))
        constant = op.python_constant
        paging = _pagination_fields(op)

        def arguments(column: int) -> list[str]:
            watcher = []
            if op.watcher is not None:
                watcher = [
                    pysource.call(
                        "watcher=WatcherSpec",
                        [f"{k}={v}" for k, v in _watcher_fields(op.watcher)],
                        column,
                        after=",",
                    )
                ]
            versions = [
                pysource.call(
                    "VersionSpec",
                    _version_arguments(op, version, column + 8),
                    column + 4,
                    after=",",
                )
                for version in op.versions
            ]
            parameters = [self.constant_of(p) for p in op.parameters]
            pagination = (
                []
                if paging is None
                else [pysource.call("PaginationSpec", paging, column, "pagination=", after=",")]
            )
            return [
                *(f"{k}={v}" for k, v in fields),
                pysource.tuple_of(versions, column, "versions=", after=","),
                pysource.tuple_of(parameters, column, "parameters=", after=","),
                *pagination,
                *watcher,
            ]

        return {
            "constant": constant,
            "block": pysource.assigned_call(constant, "OperationSpec", arguments, 0),
        }


def _tag_spec_block(tag: Tag) -> str:
    arguments = [
        f"name={black_repr(tag.name)}",
        f"python_name={black_repr(tag.python_name)}",
        f"cli_name={black_repr(tag.cli_name)}",
        f"module={black_repr(tag.module_name)}",
        f"description={black_repr(tag.description)}",
        pysource.tuple_of(
            [black_repr(op.operation_id) for op in tag.operations], 8, "operation_ids=", after=","
        ),
    ]
    return pysource.call("TagSpec", arguments, 4, after=",")
