"""The ``resources`` package of the client: one module per tag, its sync and async classes
with one typed method per operation (signature, docstring, the call into the base client)."""

from __future__ import annotations

from typing import Any

from ...filters import first_sentence
from ...model import Api, naming
from ...model.types import Operation, Parameter, Tag, TypeRef
from ...pysource import (
    Argument,
    Call,
    Display,
    Imports,
    Keyword,
    black_repr,
    docstring,
    docstring_item,
    literal,
    wrap_paragraphs,
)
from .. import RenderJob, all_sunset_note, version_listing
from .models import ModelPlan, primitive_annotation
from .templates import PACKAGE_TEMPLATES

# A request body given as a dict in the API's names, beside its model.
_BODY_MAPPING = "Mapping[str, Any]"


def tag_view(tag: Tag) -> dict[str, Any]:
    summary = f"{tag.name}: {first_sentence(tag.description)}" if tag.description else tag.name
    return {
        "name": tag.name,
        "python_name": tag.python_name,
        "module": tag.module_name,
        "sync_class": naming.python_resource_class(tag.class_name),
        "async_class": naming.python_resource_class(tag.class_name, asynchronous=True),
        "summary": summary,
        "doc": docstring([summary], 8),
    }


def _parameter_annotation(p: Parameter, imports: Imports) -> str:
    t = p.type
    if p.time_unit is not None:
        imports.datetime.add("datetime")
        return "int | datetime"
    if t.kind == "primitive" and t.primitive == "string" and t.format in ("date-time", "date"):
        imports.datetime.add("datetime" if t.format == "date-time" else "date")
        return "str | " + ("datetime" if t.format == "date-time" else "date")
    if t.kind == "array":
        imports.abc.add("Sequence")
        item = t.items
        if item is not None and item.kind in ("primitive", "enum"):
            inner = _parameter_annotation(
                Parameter(p.wire_name, p.python_name, p.cli_flag, p.location, item, True, "", ""),
                imports,
            )
        else:
            imports.typing.add("Any")
            inner = "Any"
        return f"Sequence[{inner}]"
    if t.kind == "enum":
        imports.typing.add("Literal")
        return f"Literal[{', '.join(black_repr(v) for v in t.values)}]"
    if t.kind == "primitive":
        return primitive_annotation(t, Imports()) if t.primitive != "string" else "str"
    imports.typing.add("Any")
    return "Any"


def _param_default(p: Parameter) -> str | None:
    """The default of a keyword argument (None: required)."""
    if p.required:
        return None
    if p.has_default and p.default is not None and p.time_unit is None:
        t = p.type
        ok = {
            "string": isinstance(p.default, str),
            "integer": isinstance(p.default, int) and not isinstance(p.default, bool),
            "number": isinstance(p.default, (int, float)) and not isinstance(p.default, bool),
            "boolean": isinstance(p.default, bool),
        }
        if (
            t.kind == "primitive"
            and ok.get(t.primitive or "")
            and t.format not in ("date-time", "date")
        ):
            return black_repr(p.default)
        if t.kind == "enum" and p.default in t.values:
            return black_repr(p.default)
    return "None"


def _constraint_text(p: Parameter) -> str:
    c = p.constraints
    notes = []
    if c.pattern:
        notes.append(f"Must match ``{c.pattern}``.")
    if c.minimum is not None and c.maximum is not None:
        notes.append(f"From {c.minimum} to {c.maximum}.")
    elif c.minimum is not None:
        notes.append(f"At least {c.minimum}.")
    elif c.maximum is not None:
        notes.append(f"At most {c.maximum}.")
    if c.min_length is not None or c.max_length is not None:
        notes.append(
            f"Length {c.min_length or 0} to {c.max_length if c.max_length is not None else 'any'}."
        )
    if c.min_items is not None or c.max_items is not None:
        notes.append(
            f"{c.min_items or 0} to {c.max_items if c.max_items is not None else 'any'} items."
        )
    if p.type.kind == "enum":
        notes.append("One of " + ", ".join(f"``{v}``" for v in p.type.values) + ".")
    if p.time_unit is not None:
        notes.append(
            f"An int ({p.time_unit} since the UNIX epoch) or a timezone-aware datetime, converted to {p.time_unit}."
        )
    if p.requires:
        notes.append("Give it together with " + ", ".join(f"``{r}``" for r in p.requires) + ".")
    if p.has_default and p.default is not None:
        notes.append(f"Default: ``{black_repr(p.default)}`` (not sent: the API applies it).")
    if p.location == "header":
        notes.append(f"Sent as the ``{p.wire_name}`` header.")
    return " ".join(notes)


class ResourceBuilder:
    """The context of one resource module (a tag): its methods with signatures and docs."""

    def __init__(self, api: Api, plan: ModelPlan, tag: Tag) -> None:
        self.api = api
        self.plan = plan
        self.tag = tag
        self.imports = Imports()
        self.imports.add("typing", "cast")
        self.imports.add("functools", "cached_property")
        self.imports.typing.add("Unpack")
        self.imports.add(".._base_client", "AsyncAPIClient")
        self.imports.add(".._base_client", "RequestOptions")
        self.imports.add(".._base_client", "SyncAPIClient")
        self.imports.add(".._response", "async_to_raw_response_wrapper")
        self.imports.add(".._response", "to_raw_response_wrapper")
        self.imports.aliased.add((f".._operations.{tag.module_name}", "_ops"))

    def type_expression(self, type_ref: TypeRef | None) -> str:
        model_imports = Imports()
        expression = self.plan.annotation(type_ref, model_imports, None)
        self.imports.merge(model_imports)
        return expression

    def response_types(self, op: Operation) -> tuple[str, Keyword]:
        """(return annotation, ``responses=...`` argument) of a JSON operation."""
        per_version: dict[str, str] = {}
        for version in op.versions:
            json_media = [m for m in version.responses if m.format == "json"]
            media = json_media[0] if json_media else None
            per_version[version.version] = (
                self.type_expression(media.type)
                if media is not None and media.type is not None
                else "None"
            )
        distinct = list(dict.fromkeys(per_version.values()))
        if not distinct:
            return "None", Keyword("responses", "None")
        annotation = " | ".join(distinct)
        if len(distinct) == 1:
            return annotation, Keyword("responses", distinct[0])
        pairs = tuple((literal(v), t) for v, t in per_version.items())
        return annotation, Keyword("responses", Display("dict", pairs))

    def _is_object(self, type_ref: TypeRef | None) -> bool:
        """Whether ``type_ref`` refers to an object schema (a model a dict may stand for)."""
        if type_ref is None or type_ref.kind != "ref":
            return False
        schema = self.plan.schemas.get(type_ref.schema_name or "")
        return schema is not None and schema.kind == "object"

    def request_types(self, op: Operation) -> tuple[str, Keyword]:
        """(``body`` annotation, ``request_types=...`` argument)."""
        assert op.request_body is not None
        per_version: dict[str, str] = {}
        members: list[str] = []  # of the body annotation, each once (ruff PYI016)
        for media in op.request_body.media_types:
            t = media.type
            expression = self.type_expression(t)
            per_version[media.version or ""] = expression
            if self._is_object(t):
                self.imports.abc.add("Mapping")
                self.imports.typing.add("Any")
                members += [expression, _BODY_MAPPING]
            elif t is not None and t.kind == "array" and self._is_object(t.items):
                self.imports.abc.add("Sequence")
                self.imports.abc.add("Mapping")
                self.imports.typing.add("Any")
                item = self.type_expression(t.items)
                members.append(f"Sequence[{item} | Mapping[str, Any]]")
            else:
                self.imports.typing.add("Any")
                members.append("Any")
        distinct = list(dict.fromkeys(per_version.values()))
        unique = sorted(dict.fromkeys(members), key=lambda m: m == _BODY_MAPPING)  # models first
        annotation = "Any" if "Any" in unique else " | ".join(unique) or "Any"
        if len(distinct) <= 1:
            return annotation, Keyword("request_types", distinct[0] if distinct else "None")
        # Operation versions without their own request media use the nearest older one.
        mapping = {}
        for version in op.versions:
            if version.request is not None:
                mapping[version.version] = per_version.get(version.request.version, distinct[-1])
        pairs = tuple((literal(v), t) for v, t in mapping.items())
        return annotation, Keyword("request_types", Display("dict", pairs))

    def method(self, op: Operation) -> dict[str, Any]:
        params = []
        for p in op.parameters:
            annotation = _parameter_annotation(p, self.imports)
            default = _param_default(p)
            if default == "None":
                annotation += " | None"
            params.append(
                {
                    "name": p.python_name,
                    "wire": p.wire_name,
                    "annotation": annotation,
                    "default": default,
                }
            )
        body = None
        request_arg = None
        if op.request_body is not None:
            body_annotation, request_arg = self.request_types(op)
            body = {
                "annotation": (
                    body_annotation if op.request_body.required else f"{body_annotation} | None"
                ),
                "default": None if op.request_body.required else "None",
            }
        if op.is_download:
            self.imports.add(".._response", "DownloadResponse")
            self.imports.add(".._response", "AsyncDownloadResponse")
            sync_return, async_return, responses_arg = (
                "DownloadResponse",
                "AsyncDownloadResponse",
                None,
            )
        elif op.pagination is not None:
            _, responses_arg = self.response_types(op)
            item = self.type_expression(op.pagination.item_type)
            for name in ("SyncPage", "AsyncPager", "paginate", "async_paginate"):
                self.imports.add(".._pagination", name)
            sync_return, async_return = f"SyncPage[{item}]", f"AsyncPager[{item}]"
        else:
            sync_return, responses_arg = self.response_types(op)
            async_return = sync_return
        pairs = tuple((literal(p["wire"]), str(p["name"])) for p in params)
        arguments: list[Argument] = [f"_ops.{op.python_constant}", Display("dict", pairs)]
        if request_arg is not None:
            arguments += ["body=body", request_arg]
        if responses_arg is not None:
            arguments.append(responses_arg)
        arguments += ["version=version", "options=options"]
        if op.pagination is not None:
            arguments.append("max_items=max_items")
        wrapped = f"resource.{op.python_name}"
        return {
            "op": op,
            "raw_sync": Call("to_raw_response_wrapper", (wrapped,)),
            "raw_async": Call("async_to_raw_response_wrapper", (wrapped,)),
            "arguments": arguments,
            "paginated": op.pagination is not None,
            "params": params,
            "body": body,
            "sync_return": sync_return,
            "async_return": async_return,
            "doc": self.method_doc(op, sync_return),
            "async_doc": self.method_doc(op, async_return),
            "waiter": self.waiter(op, params) if op.watcher is not None else None,
        }

    def waiter(self, op: Operation, params: list[dict[str, Any]]) -> dict[str, Any]:
        """``wait_for_<operation>``: the watcher's inputs as arguments, then the call."""
        watcher = op.watcher
        assert watcher is not None
        self.imports.add(".._watch", "wait")
        self.imports.add(".._watch", "async_wait")
        wires = {p.value for p in watcher.params if p.source == "input"}
        inputs = [
            {**p, "annotation": p["annotation"].removesuffix(" | None")}
            for p in params
            if p["wire"] in wires
        ]
        paths = [p.value for p in watcher.params if p.source == "body"]
        done = f"HTTP {watcher.http_code}"
        if watcher.match_path:
            done += f" with {watcher.match_path} " + " or ".join(watcher.match_values)
        args = ["Args:"]
        for p in inputs:
            args += docstring_item(p["name"], f"As given to ``{op.python_name}``.", 8)
        if paths:
            args += docstring_item(
                "response", f"What ``{op.python_name}`` returned (read at {', '.join(paths)}).", 8
            )
        args += docstring_item("timeout", "Seconds to wait at most; ``None``: no limit.", 8)
        args += docstring_item("interval", "Seconds between two polls.", 8)
        summary = (
            f"Wait until the effect of ``{op.python_name}`` is done: poll "
            f"``{watcher.operation_id}`` until it answers {done}."
        )
        doc = docstring(
            [
                summary,
                args,
                ["Raises:"]
                + docstring_item("WatchTimeoutError", "When ``timeout`` runs out first.", 8)
                + docstring_item("APIStatusError", "Another error status of a poll.", 8),
            ],
            8,
        )
        pairs = tuple((literal(p["wire"]), str(p["name"])) for p in inputs)
        return {
            "name": naming.python_waiter(op.python_name),
            "params": inputs,
            "response": bool(paths),
            "arguments": [
                black_repr(op.operation_id),
                Display("dict", pairs),
                "response" if paths else "None",
                "timeout=timeout",
                "interval=interval",
            ],
            "doc": doc,
        }

    def method_doc(self, op: Operation, returns: str) -> str:
        sections: list[str | list[str]] = [op.summary.rstrip(".") + ".", op.description]
        if op.deprecated:
            sections.append("Deprecated: the API may remove this operation.")
        if op.roles:
            sections.append("Required roles (any of): " + ", ".join(op.roles) + ".")
        newest = op.newest_version.version if op.versions else None
        if op.versions:
            sections.append(
                f"API versions: {version_listing(self.api, op)}; the newest, {newest}, unless pinned."
            )
            if all_sunset_note(op):
                sections.append(all_sunset_note(op))
            for v in op.versions:
                if v.changelog:
                    sections.append(f"Changed in {v.version}: {v.changelog}")
        args: list[str] = ["Args:"]
        for p in op.parameters:
            text = " ".join(
                part for part in (first_sentence(p.description), _constraint_text(p)) if part
            )
            if p.deprecated:
                text = "Deprecated. " + text
            args += docstring_item(p.python_name, text, 8)
        if op.request_body is not None:
            text = op.request_body.description or "The request body."
            text += " A model, or a dict in the API's camelCase names, validated the same way; read-only and unset fields are not sent."
            args += docstring_item("body", text, 8)
        supported = ", ".join(f"``{v.version}``" for v in op.versions) or "none"
        args += docstring_item(
            "version",
            f"The API version to speak: {supported}. Default: the client's ``default_version`` pin, else ``{newest}``.",
            8,
        )
        if op.pagination is not None:
            args += docstring_item(
                "max_items",
                "Stop iterating after this many items (and fetch no page beyond them). Default: all.",
                8,
            )
        args += docstring_item(
            "options",
            "``timeout``, ``max_retries`` and ``deadline`` (this call's, instead of the client's), ``extra_headers``, ``extra_query``.",
            8,
        )
        sections.append(args)
        if op.pagination is not None:
            page = "page" if returns.startswith("SyncPage") else "pager"
            returns_text = (
                f"A paginated list, ``{returns}``: "
                + (
                    "the first page (``results``, ``total_count``, ``pages()``); iterating it"
                    if page == "page"
                    else "``await`` it for the first page, or ``async for`` over it, which"
                )
                + " yields every item across the pages, fetching each page only when the one"
                " before is used up."
            )
        elif op.is_download:
            formats = "/".join(op.all_formats)
            returns_text = f"A streamed {returns} ({formats}): ``write_to_file(path)`` or ``iter_bytes()``; never read whole."
        elif returns == "None":
            returns_text = "None."
        else:
            returns_text = f"The parsed response: ``{returns}``."
        sections.append(
            ["Returns:", *["    " + line for line in wrap_paragraphs(returns_text, 12)]]
        )
        statuses = sorted({r.status for r in op.error_responses})
        raises = ["Raises:"]
        raises += docstring_item(
            "ParameterError, UnsupportedVersionError", "Before sending anything.", 8
        )
        documented = f" (documented: {', '.join(statuses)})" if statuses else ""
        raises += docstring_item("APIStatusError", f"A subclass per error status{documented}.", 8)
        raises += docstring_item("APIConnectionError", "No response, after the retries.", 8)
        sections.append(raises)
        if op.docs_url:
            sections.append(f"See {op.docs_url}")
        return docstring(sections, 8)


def resource_jobs(api: Api, plan: ModelPlan, root: str, common: dict[str, Any]) -> list[RenderJob]:
    result = [
        RenderJob(
            f"{PACKAGE_TEMPLATES}/resources/__init__.py.j2",
            f"{root}/resources/__init__.py",
            {**common, "tags": [tag_view(t) for t in api.tags]},
        )
    ]
    for tag in api.tags:
        builder = ResourceBuilder(api, plan, tag)
        methods = [builder.method(op) for op in tag.operations]
        view = tag_view(tag)
        result.append(
            RenderJob(
                f"{PACKAGE_TEMPLATES}/resources/resource.py.j2",
                f"{root}/resources/{tag.module_name}.py",
                {
                    **common,
                    "tag": tag,
                    "view": view,
                    "methods": methods,
                    "imports": builder.imports.lines("..models."),
                    "raw_sync_class": naming.python_resource_class(tag.class_name, raw=True),
                    "raw_async_class": naming.python_resource_class(
                        tag.class_name, asynchronous=True, raw=True
                    ),
                    "class_doc": docstring([view["summary"]], 4),
                    "doc": docstring([f"The {tag.name} resource.", tag.description], 0),
                },
            )
        )
    return result
