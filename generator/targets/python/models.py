"""The ``models`` package of the client: one module per schema (schemas in a reference cycle
share one), each with its enums, classes and aliases, and the imports they need."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...model import Api, naming
from ...model.types import Constraints, Field, InlineEnum, Schema, TypeRef, enum_mixin
from ...pysource import (
    AnnotatedUnion,
    Call,
    Display,
    Imports,
    Keyword,
    black_repr,
    docstring,
    literal,
    module_key,
)
from .. import RenderJob
from .templates import PACKAGE_TEMPLATES


def primitive_annotation(type_ref: TypeRef, imports: Imports) -> str:
    """The annotation of a primitive type: dates and times as ``datetime`` (imported as
    ``_dt``, so that a field named ``datetime`` does not shadow it)."""
    if type_ref.primitive == "string":
        if type_ref.format == "date-time":
            imports.aliased.add(("datetime", "_dt"))
            return "_dt.datetime"
        if type_ref.format == "date":
            imports.aliased.add(("datetime", "_dt"))
            return "_dt.date"
        return "str"
    return {"integer": "int", "number": "float", "boolean": "bool"}.get(
        type_ref.primitive or "", "str"
    )


def _positions(type_ref: TypeRef | None) -> Iterator[tuple[str, TypeRef]]:
    return type_ref.positions() if type_ref is not None else iter(())


def _members(values: tuple[Any, ...]) -> list[tuple[str, str]]:
    names = naming.unique_names(naming.enum_member(v) for v in values)
    return [(name, black_repr(value)) for name, value in zip(names, values, strict=True)]


def _member(class_name: str, values: tuple[Any, ...], value: Any) -> str:
    """``Class.MEMBER``: the member of an enum class whose value is ``value``."""
    names = {v: name for (name, _), v in zip(_members(values), values, strict=True)}
    return f"{class_name}.{names[value]}"


class ModelPlan:
    """Every model module: which schemas it defines, in which order, with which imports.

    Schemas that reference each other in a cycle are defined together in one module (the
    module of the first of them by name); the others get a module that re-exports them.
    Everything else imports what it references at the top, so no import ever cycles.
    """

    def __init__(self, api: Api) -> None:
        self.api = api
        self.schemas = {s.name: s for s in api.schemas}
        self.request_schemas = _request_schemas(api)
        self.inline_enums = {(e.pointer, e.path): e for e in api.inline_enums}
        self._enums_of: dict[str, list[InlineEnum]] = {}  # owner schema -> its inline enums
        for inline in sorted(api.inline_enums, key=lambda e: e.class_name):
            self._enums_of.setdefault(inline.owner, []).append(inline)
        self.groups, self.home = self._group()

    def class_name(self, schema_name: str) -> str:
        return self.schemas[schema_name].class_name

    # ----------------------------------------------------------------- grouping
    def _edges(self, schema: Schema) -> set[str]:
        """Schemas whose module ``schema``'s module must import (at definition or use)."""
        refs: set[str] = set()
        if schema.kind == "union":
            refs.update(v for v in schema.variants if v in self.schemas)
        for pointer, _, type_ref, _ in schema.typed_places():
            for path, node in _positions(type_ref):
                if node.kind == "ref" and node.schema_name in self.schemas:
                    refs.add(node.schema_name)
                elif node.kind == "enum" and (pointer, path) in self.inline_enums:
                    refs.add(self.inline_enums[(pointer, path)].owner)
        if schema.kind == "object":
            refs.discard(schema.name)  # a class may refer to itself: annotations are lazy
        return refs

    def _group(self) -> tuple[list[list[str]], dict[str, str]]:
        """Strongly connected components (Tarjan, iterative), dependencies first."""
        graph = {name: sorted(self._edges(schema)) for name, schema in sorted(self.schemas.items())}
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        groups: list[list[str]] = []
        counter = 0
        for root in graph:
            if root in index:
                continue
            work: list[tuple[str, int]] = [(root, 0)]
            while work:
                node, child = work.pop()
                if child == 0:
                    index[node] = low[node] = counter
                    counter += 1
                    stack.append(node)
                    on_stack.add(node)
                recurse = False
                for position in range(child, len(graph[node])):
                    target = graph[node][position]
                    if target not in index:
                        work.append((node, position + 1))
                        work.append((target, 0))
                        recurse = True
                        break
                    if target in on_stack:
                        low[node] = min(low[node], index[target])
                if recurse:
                    continue
                if low[node] == index[node]:
                    group: list[str] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    groups.append(sorted(group))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
        home: dict[str, str] = {}
        for group in groups:
            module = self.schemas[group[0]].module_name
            for name in group:
                home[name] = module
        return groups, home

    # ----------------------------------------------------------------- annotations
    def annotation(
        self, type_ref: TypeRef | None, imports: Imports, key: tuple[str, str] | None
    ) -> str:
        """A Python annotation for ``type_ref``, valid at runtime (pydantic evaluates it)."""
        if type_ref is None:
            imports.typing.add("Any")
            return "Any"
        kind = type_ref.kind
        if kind == "primitive":
            return primitive_annotation(type_ref, imports)
        if kind == "enum":
            inline = self.inline_enums.get(key) if key is not None else None
            if inline is not None:
                imports.model(self.enum_module(inline), inline.class_name)
                return self.open_enum(inline.class_name, inline.mixin, imports)
            imports.typing.add("Literal")
            return f"Literal[{', '.join(black_repr(v) for v in type_ref.values)}]"
        if kind == "ref" and type_ref.schema_name in self.schemas:
            schema = self.schemas[type_ref.schema_name]
            name = self.class_name(schema.name)
            imports.model(self.home[schema.name], name)
            if schema.kind == "enum" and enum_mixin(schema.enum_values) is not None:
                return self.open_enum(name, enum_mixin(schema.enum_values) or "str", imports)
            return name
        if kind == "array":
            item_key = (key[0], key[1] + "[]") if key else None
            return f"list[{self.annotation(type_ref.items, imports, item_key)}]"
        if kind == "map":
            value_key = (key[0], key[1] + "{}") if key else None
            return f"dict[str, {self.annotation(type_ref.value_type, imports, value_key)}]"
        if kind == "union" and type_ref.variants:
            parts = [
                self.annotation(v, imports, (key[0], f"{key[1]}|{i}") if key else None)
                for i, v in enumerate(type_ref.variants)
            ]
            return " | ".join(dict.fromkeys(parts))
        imports.typing.add("Any")
        return "Any"

    def enum_module(self, inline: InlineEnum) -> str:
        """The module that defines an inline enum once schemas are grouped."""
        return self.home.get(inline.owner, inline.module)

    @staticmethod
    def open_enum(class_name: str, base: str, imports: Imports) -> str:
        """``OpenEnum[X]``: an ``X`` member, or (responses only) a value ``X`` does not know."""
        imports.add(".._models", "OpenEnum" if base == "str" else "OpenIntEnum")
        return f"OpenEnum[{class_name}]" if base == "str" else f"OpenIntEnum[{class_name}]"

    # ----------------------------------------------------------------- views
    def field_view(self, f: Field, imports: Imports) -> dict[str, Any]:
        annotation = self.annotation(f.type, imports, (f.pointer, ""))
        check = _check_args(f.constraints)
        checked = [annotation, f"Check({check})"]
        if check:
            imports.typing.add("Annotated")
            imports.add(".._models", "Check")
            annotation = f"Annotated[{', '.join(checked)}]"
        constant = self._default(f, f.constant[0], imports) if f.constant else "None"
        required = f.required and not f.read_only and not f.write_only and constant == "None"
        if (not required and constant == "None") or f.nullable:
            annotation = f"{annotation} | None"
        value: str | None = None
        if constant != "None":
            value = constant
        elif not required:
            value = self._default(f, f.default, imports) if f.has_default else "None"
            if value.startswith("lambda") or value in ("list", "dict"):
                imports.add("pydantic", "Field")
                value = f"Field(default_factory={value})"
        notes = []
        if f.read_only:
            notes.append("Read-only: set by the API, never sent.")
        if f.write_only:
            notes.append(
                "Write-only: sent, never returned."
                + (" Required in requests." if f.required else "")
            )
        if constant != "None":
            notes.append(f"Always sent: {black_repr(f.constant[0])} is its only value.")
        if f.deprecated:
            notes.append("Deprecated.")
        doc = docstring([f.description, " ".join(notes)], 4)
        return {
            "name": f.python_name,
            "annotation": annotation,
            "value": value,
            # the parts of a required Annotated[...], which black splits inside its brackets
            "parts": checked if required and check and not f.nullable else None,
            "doc": doc,
        }

    def _default(self, f: Field, value: Any, imports: Imports) -> str:
        """``value`` as the default of ``f`` in Python source, or ``"None"`` if it does not fit."""
        node = f.type
        if node.kind == "ref" and node.schema_name in self.schemas:
            schema = self.schemas[node.schema_name]
            if schema.kind == "enum" and value in schema.enum_values:
                return _member(self.class_name(schema.name), schema.enum_values, value)
            return "None"
        if node.kind == "enum":
            inline = self.inline_enums.get((f.pointer, ""))
            if inline is not None and value in inline.values:
                return _member(inline.class_name, inline.values, value)
            return black_repr(value) if value in node.values else "None"
        expected: dict[str, tuple[type, ...]] = {
            "string": (str,),
            "integer": (int,),
            "number": (int, float),
            "boolean": (bool,),
        }
        if (
            node.kind == "primitive"
            and node.primitive in expected
            and node.format not in ("date-time", "date")
        ):
            ok = isinstance(value, expected[node.primitive]) and (
                node.primitive == "boolean" or not isinstance(value, bool)
            )
            return black_repr(value) if ok else "None"
        if (
            node.kind == "array"
            and isinstance(value, list)
            and all(isinstance(v, (str, int, float, bool)) for v in value)
        ):
            return f"lambda: {black_repr(value)}" if value else "list"
        if node.kind == "map" and isinstance(value, dict) and not value:
            return "dict"
        return "None"

    def module_views(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(template, module name, context) of every model module."""
        for group in self.groups:
            module = self.home[group[0]]
            yield "models/module.py.j2", module, self._group_view(group, module)
            for name in group[1:]:
                schema = self.schemas[name]
                if schema.module_name != module:
                    exported = [self.class_name(name)] + [
                        e.class_name
                        for e in self._enums_of.get(name, ())
                        if self.enum_module(e) == module
                    ]
                    yield (
                        "models/reexport.py.j2",
                        schema.module_name,
                        {
                            "home": module,
                            "names": sorted(exported),
                            "schema_name": name,
                        },
                    )

    def _group_view(self, group: list[str], module: str) -> dict[str, Any]:
        imports = Imports()
        enums: list[dict[str, Any]] = []
        objects: list[dict[str, Any]] = []
        aliases: list[tuple[str, dict[str, Any]]] = []
        members = set(group)
        owned = [e for name in group for e in self._enums_of.get(name, ())]
        for inline in sorted(owned, key=lambda e: e.class_name):
            enums.append(
                self._enum_view(
                    inline.class_name, inline.values, inline.mixin, inline.description, imports
                )
            )
        for name in group:
            schema = self.schemas[name]
            if schema.kind == "enum":
                base = enum_mixin(schema.enum_values)
                if base is not None:
                    enums.append(
                        self._enum_view(
                            self.class_name(name),
                            schema.enum_values,
                            base,
                            schema.description,
                            imports,
                        )
                    )
                else:
                    imports.typing.add("Literal")
                    values = ", ".join(black_repr(v) for v in schema.enum_values) or "None"
                    aliases.append(
                        (
                            name,
                            {
                                "name": self.class_name(name),
                                "value": f"Literal[{values}]",
                                "doc": docstring([schema.description], 0),
                            },
                        )
                    )
            elif schema.kind == "object":
                objects.append(self._object_view(schema, imports))
            elif schema.kind == "union":
                aliases.append((name, self._union_view(schema, imports)))
            else:
                value = self.annotation(schema.alias_of, imports, (schema.pointer, ""))
                if schema.nullable:
                    value += " | None"
                aliases.append(
                    (
                        name,
                        {
                            "name": self.class_name(name),
                            "value": value,
                            "doc": docstring([schema.description], 0),
                        },
                    )
                )
        ordered = self._order_aliases(aliases, members)
        for names in imports.models.values():
            names.difference_update(
                {e["name"] for e in enums}
                | {o["name"] for o in objects}
                | {a["name"] for a in ordered}
            )
        imports.models = {m: n for m, n in imports.models.items() if n and m != module}
        exported = sorted(
            {e["name"] for e in enums} | {o["name"] for o in objects} | {a["name"] for a in ordered}
        )
        return {
            "imports": imports.lines("."),
            "enums": enums,
            "objects": objects,
            "aliases": ordered,
            "exported": exported,
            "description": self._module_description(group),
        }

    def _module_description(self, group: list[str]) -> str:
        if len(group) == 1:
            schema = self.schemas[group[0]]
            return docstring(
                [f"The {self.class_name(schema.name)} model (schema ``{schema.name}``)."], 0
            )
        names = ", ".join(self.class_name(n) for n in group)
        return docstring(
            [f"Models that refer to each other in a cycle, defined together: {names}."], 0
        )

    def _order_aliases(
        self, aliases: list[tuple[str, dict[str, Any]]], members: set[str]
    ) -> list[dict[str, Any]]:
        """Module-level aliases evaluate their members at import: define dependencies first."""
        pending = dict(aliases)
        ordered: list[dict[str, Any]] = []
        while pending:
            for name in sorted(pending):
                deps = self._edges(self.schemas[name]) & set(pending) - {name}
                if not deps:
                    ordered.append(pending.pop(name))
                    break
            else:  # a cycle of aliases alone cannot be expressed; keep a stable order
                name = min(pending)
                ordered.append(pending.pop(name))
        return ordered

    def _enum_view(
        self,
        class_name: str,
        values: tuple[Any, ...],
        base: str,
        description: str,
        imports: Imports,
    ) -> dict[str, Any]:
        imports.add("enum", "Enum")
        return {
            "name": class_name,
            "base": base,
            "members": _members(values),
            "doc": docstring(
                [
                    description or f"Values of {class_name}.",
                    "Responses may carry values this client does not know yet: such a field holds the plain value instead of a member.",
                ],
                4,
            ),
        }

    def _object_view(self, schema: Schema, imports: Imports) -> dict[str, Any]:
        fields = [self.field_view(f, imports) for f in schema.fields]
        read_only = sorted(
            {n for f in schema.fields if f.read_only for n in (f.wire_name, f.python_name)}
        )
        if read_only:
            imports.typing.add("ClassVar")
        constants = [
            (literal(f.python_name), literal((f.wire_name, f.constant[0])))
            for f in schema.fields
            if f.constant and self._default(f, f.constant[0], imports) != "None"
        ]
        base = (
            "AtlasRequestModel"
            if schema.name in self.request_schemas and schema.additional_properties is None
            else "AtlasModel"
        )
        imports.add(".._models", base)
        if constants:
            imports.typing.add("ClassVar")
            imports.abc.add("Mapping")
        renamed = {
            f.python_name: f.wire_name for f in schema.fields if f.python_name != f.wire_name
        }
        config = None
        if renamed:
            imports.add(".._models", "wire_names")
            config = Call("wire_names", tuple(Keyword(k, literal(v)) for k, v in renamed.items()))
        extra = "" if schema.allows_additional else " Fields it does not declare are kept too."
        return {
            "name": self.class_name(schema.name),
            "fields": fields,
            "read_only": (
                Call("frozenset", (Display("set", tuple(literal(n) for n in read_only)),))
                if read_only
                else None
            ),
            "base": base,
            "constants": Display("dict", tuple(constants)) if constants else None,
            "config": config,
            "doc": docstring(
                [schema.description or f"The ``{schema.name}`` schema.", extra.strip()], 4
            ),
        }

    def _union_view(self, schema: Schema, imports: Imports) -> dict[str, Any]:
        variants = [v for v in schema.variants if v in self.schemas]
        names = [self.class_name(v) for v in variants]
        for variant, name in zip(variants, names, strict=True):
            imports.model(self.home[variant], name)
        discriminated = (
            schema.discriminator is not None
            and all(self.schemas[v].kind == "object" for v in variants)
            and variants
        )
        if discriminated:
            assert schema.discriminator is not None
            imports.typing.add("Annotated")
            imports.add("pydantic", "Tag")
            imports.add(".._models", "UnknownVariant")
            imports.add(".._models", "UnknownVariantCheck")
            imports.add(".._models", "discriminator")
            mapping = {
                value: self.class_name(target)
                for value, target in schema.discriminator.mapping
                if target in variants
            }
            value: str | AnnotatedUnion = _discriminated_union(
                names,
                schema.discriminator.property_name,
                schema.discriminator.python_name,
                mapping,
                nullable=schema.nullable,
            )
        else:
            if not names:
                imports.typing.add("Any")
            value = " | ".join(names) or "Any"
            if schema.nullable:
                value = f"{value} | None"
        description = schema.description or f"One of: {', '.join(names)}."
        notes = ""
        if discriminated:
            notes = (
                f"The variant is chosen by ``{schema.discriminator.property_name}``; "  # type: ignore[union-attr]
                "a value this client does not know yet gives an ``UnknownVariant`` in responses."
            )
        return {
            "name": self.class_name(schema.name),
            "value": value,
            "doc": docstring([description, notes], 0),
        }

    # ----------------------------------------------------------------- jobs
    def exports(self) -> list[tuple[str, str]]:
        """(name, module) of everything ``models`` re-exports, sorted by name."""
        found = {self.class_name(s.name): s.module_name for s in self.api.schemas}
        for inline in self.inline_enums.values():
            found[inline.class_name] = self.enum_module(inline)
        return sorted(found.items())

    def jobs(self, root: str, common: dict[str, Any]) -> list[RenderJob]:
        result = [
            RenderJob(
                f"{PACKAGE_TEMPLATES}/models/__init__.py.j2",
                f"{root}/models/__init__.py",
                {
                    **common,
                    "exports": sorted(self.exports(), key=lambda e: module_key("." + e[1])),
                    "export_names": sorted(
                        [name for name, _ in self.exports()] + ["UnknownVariant"]
                    ),
                },
            )
        ]
        for template, module, context in self.module_views():
            result.append(
                RenderJob(
                    f"{PACKAGE_TEMPLATES}/{template}",
                    f"{root}/models/{module}.py",
                    {**common, **context},
                )
            )
        return result


def _request_schemas(api: Api) -> frozenset[str]:
    """Names of the schemas a request body can hold, at any depth."""
    pending = [
        media.type
        for op in api.operations
        if op.request_body is not None
        for media in op.request_body.media_types
    ]
    found: set[str] = set()
    while pending:
        for _, node in _positions(pending.pop()):
            name = node.schema_name
            if node.kind != "ref" or name is None or name in found:
                continue
            found.add(name)
            schema = api.schema(name)
            pending += [f.type for f in schema.fields]
            pending += [TypeRef(kind="ref", schema_name=v) for v in schema.variants]
            pending += [schema.alias_of, schema.additional_properties]
    return frozenset(found)


def _check_args(constraints: Constraints) -> str:
    pairs = [
        (name, getattr(constraints, name))
        for name in (
            "pattern",
            "minimum",
            "maximum",
            "exclusive_minimum",
            "exclusive_maximum",
            "min_length",
            "max_length",
            "min_items",
            "max_items",
            "unique_items",
        )
    ]
    defaults = {"exclusive_minimum": False, "exclusive_maximum": False, "unique_items": False}
    return ", ".join(
        f"{name}={black_repr(value)}"
        for name, value in pairs
        if value is not None and value != defaults.get(name)
    )


def _discriminated_union(
    names: list[str],
    property_name: str,
    python_name: str,
    mapping: dict[str, str],
    *,
    nullable: bool,
) -> AnnotatedUnion:
    """``Annotated[A | B | unknown, discriminator(...)]`` (``| None`` if nullable): each
    variant tagged with its class name, then the catch-all for values this client does not
    know, chosen by ``discriminator(property, python name, {value: class})``."""
    members = [[name, f"Tag({black_repr(name)})"] for name in names]
    members.append(
        [
            "UnknownVariant",
            f"UnknownVariantCheck({black_repr(property_name)}, {black_repr(tuple(sorted(mapping)))})",
            'Tag("UnknownVariant")',
        ]
    )
    return AnnotatedUnion(
        members=tuple(tuple(items) for items in members),
        marker="discriminator",
        marker_arguments=(black_repr(property_name), black_repr(python_name)),
        marker_mapping=tuple((black_repr(k), black_repr(v)) for k, v in mapping.items()),
        nullable=nullable,
    )
