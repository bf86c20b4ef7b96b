"""The python target: maps model nodes to templates under templates/python/ and output paths.

The distribution goes under ``python/``: ``pyproject.toml``, ``README.md`` and the import
package, whose layout keeps every module small (black's cost grows faster than linearly
with a module's size, and the client must scale to hundreds of operations):

- static runtime modules (``_base_client.py``, ``_auth.py``, ...), rendered from templates;
- ``_operations/``: stdlib-only metadata, one module per tag plus the shared parameters;
- ``resources/``: one module per tag (sync, async and raw-response classes);
- ``models/``: one module per schema, re-exported lazily by ``models/__init__.py``.

Everything a template needs beyond the model (annotations, imports, docstrings, literal
reprs) is computed here from the model, once, so templates stay plain layout.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .. import layout
from ..config import Settings
from ..filters import black_repr, doc_escape, first_sentence, from_import
from ..model import Api, naming
from ..model.types import (
    ApiVersion,
    Constraints,
    Field,
    Operation,
    Parameter,
    Schema,
    Tag,
    TypeRef,
    Watcher,
)
from . import RenderJob, all_sunset_note, version_listing

TEMPLATES = "python"
PACKAGE_TEMPLATES = f"{TEMPLATES}/package"
STATIC_MODULES = (
    "_watch.py",
    "_profile.py",
    "_types.py",
    "_validation.py",
    "_auth.py",
    "_models.py",
    "_lenient.py",
    "_response.py",
    "_pagination.py",
    "_timeouts.py",
    "_trace.py",
    "_operations/_types.py",
)
# Names the model modules import; a schema class must not shadow them.
HELPER_NAMES = frozenset(
    {
        "Annotated",
        "Any",
        "AtlasModel",
        "AtlasRequestModel",
        "Check",
        "ClassVar",
        "Enum",
        "Field",
        "Literal",
        "OpenEnum",
        "Tag",
        "Union",
        "UnknownVariant",
        "UnknownVariantCheck",
    }
)
DEFAULT_TOKEN_PATH = "/api/oauth/token"
# A request body given as a dict in the API's names, beside its model.
_BODY_MAPPING = "Mapping[str, Any]"
#: What the generated package runs on, as (distribution, lowest supported, first unsupported):
#: the test suite runs at the lowest (requirements/lowest.in) and at the newest locked versions.
RUNTIME_REQUIREMENTS = (("httpx", "0.25", "1"), ("pydantic", "2.8", "3"))
CLI_REQUIREMENTS = (("click", "8.1", "9"), ("jmespath", "1.0", "2"))
DOC_WIDTH = 92


def jobs(api: Api, settings: Settings) -> list[RenderJob]:
    package = settings.python_package
    root = f"python/{package}"
    models = ModelPlan(api)
    operations = OperationPlan(api)
    error_schema = _error_schema(api, models)
    common: dict[str, Any] = {
        "api": api,
        "package": package,
        "distribution": settings.python_distribution,
        "error_schema": error_schema,
        "runtime_requirements": RUNTIME_REQUIREMENTS,
        "cli_requirements": CLI_REQUIREMENTS if "cli" in settings.targets else (),
    }
    result = [
        RenderJob(
            f"{TEMPLATES}/pyproject.toml.j2",
            "python/pyproject.toml",
            {**common, "cli": "cli" in settings.targets, "cli_command": settings.cli_command},
        ),
        RenderJob(
            f"{TEMPLATES}/README.md.j2",
            "python/README.md",
            {**common, **_readme_context(api, models, settings)},
        ),
        RenderJob(f"{TEMPLATES}/py.typed.j2", f"{root}/py.typed", {}),
        RenderJob(f"{PACKAGE_TEMPLATES}/__init__.py.j2", f"{root}/__init__.py", common),
        RenderJob(
            f"{PACKAGE_TEMPLATES}/_constants.py.j2",
            f"{root}/_constants.py",
            {**common, "token_path": _token_path(api)},
        ),
        RenderJob(f"{PACKAGE_TEMPLATES}/_errors.py.j2", f"{root}/_errors.py", common),
        RenderJob(f"{PACKAGE_TEMPLATES}/_base_client.py.j2", f"{root}/_base_client.py", common),
        RenderJob(
            f"{PACKAGE_TEMPLATES}/_client.py.j2",
            f"{root}/_client.py",
            {**common, "tags": [_tag_view(t) for t in api.tags]},
        ),
    ]
    result += [
        RenderJob(f"{PACKAGE_TEMPLATES}/{name}.j2", f"{root}/{name}", common)
        for name in STATIC_MODULES
    ]
    result += operations.jobs(root, common)
    result += _resource_jobs(api, models, operations.op_constant, root, common)
    result += models.jobs(root, common)
    return result


# --------------------------------------------------------------------- small helpers
def _error_schema(api: Api, models: ModelPlan) -> dict[str, str] | None:
    if api.error_schema_name is None:
        return None
    schema = api.schema(api.error_schema_name)
    if schema.kind != "object":
        return None
    return {"class_name": models.class_name(schema.name), "module_name": schema.module_name}


def _token_path(api: Api) -> str:
    for scheme in api.security_schemes:
        if scheme.kind == "oauth2_client_credentials" and scheme.token_url:
            return urlsplit(scheme.token_url).path or DEFAULT_TOKEN_PATH
    return DEFAULT_TOKEN_PATH


def _wrap(text: str, indent: int, first_indent: int | None = None) -> list[str]:
    """Paragraphs of ``text`` wrapped for a docstring at ``indent`` (blank line between)."""
    lines: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        flat = " ".join(paragraph.split())
        if not flat:
            continue
        if lines:
            lines.append("")
        lines.extend(wrap_words(flat, DOC_WIDTH - indent))
    return lines


def wrap_words(flat: str, width: int, subsequent_indent: str = "") -> list[str]:
    """Greedy wrapping of single-spaced ``flat`` at ``width``; a word longer than a line
    gets a line of its own. What ``textwrap.wrap`` does with ``break_long_words`` and
    ``break_on_hyphens`` off, for text with single spaces only, several times faster."""
    lines: list[str] = []
    current: list[str] = []
    length = 0
    for word in flat.split(" "):
        if current and length + 1 + len(word) > width:
            lines.append(" ".join(current))
            current, length = [subsequent_indent + word], len(subsequent_indent) + len(word)
        else:
            length += len(word) + (1 if current else 0)
            current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def docstring(sections: Iterable[str | list[str]], indent: int) -> str:
    """The inside of a triple-quoted docstring at ``indent``: sections are paragraphs (str,
    wrapped) or pre-laid lines (list), separated by blank lines."""
    out: list[str] = []
    for section in sections:
        lines = _wrap(section, indent) if isinstance(section, str) else section
        if not lines:
            continue
        if out:
            out.append("")
        out.extend(lines)
    if not out:
        return ""
    pad = " " * indent
    body = "\n".join((pad + line) if line and index else line for index, line in enumerate(out))
    body = doc_escape(body)
    return body + ("\n" + pad if len(out) > 1 else "")


def _item_lines(name: str, text: str, indent: int, step: int = 4) -> list[str]:
    """One ``name: text`` entry of an Args/Raises list, continuation lines indented."""
    flat = " ".join(text.split())
    wrapped = wrap_words(
        f"{name}: {flat}" if flat else f"{name}:", DOC_WIDTH - indent - step, " " * step
    )
    return [" " * step + line for line in wrapped]


def literal(value: Any) -> str:
    """A deterministic Python literal of a JSON value, quoted as black quotes it."""
    return black_repr(value)


# --------------------------------------------------------------------- imports
_STDLIB = frozenset({"collections.abc", "datetime", "enum", "functools", "typing"})


@dataclass
class Imports:
    """What a generated module imports, collected while its annotations are written."""

    modules: dict[str, set[str]] = field(default_factory=dict)  # "typing" -> {"Any"}
    models: dict[str, set[str]] = field(default_factory=dict)  # model module -> class names
    aliased: set[tuple[str, str]] = field(default_factory=set)  # (module, as-name)

    @property
    def typing(self) -> set[str]:
        return self.modules.setdefault("typing", set())

    @property
    def abc(self) -> set[str]:
        return self.modules.setdefault("collections.abc", set())

    @property
    def datetime(self) -> set[str]:
        return self.modules.setdefault("datetime", set())

    def add(self, module: str, name: str) -> None:
        self.modules.setdefault(module, set()).add(name)

    def model(self, module: str, name: str) -> None:
        self.models.setdefault(module, set()).add(name)

    def merge(self, other: Imports) -> None:
        for module, names in other.modules.items():
            self.modules.setdefault(module, set()).update(names)
        for module, names in other.models.items():
            self.models.setdefault(module, set()).update(names)
        self.aliased |= other.aliased

    def lines(self, models_prefix: str) -> list[str]:
        """Import lines in isort order: standard library, third party, this package."""
        plain: list[list[tuple[tuple[Any, ...], str]]] = [[], [], []]
        froms: list[list[tuple[tuple[Any, ...], str]]] = [[], [], []]
        for module, alias in sorted(self.aliased):
            if module.startswith("."):
                package, _, name = module.rpartition(".")
                package = package or "."
                froms[2].append(
                    (_module_key(package), from_import(package, [f"{name} as {alias}"]))
                )
            else:
                plain[0].append(((module,), f"import {module} as {alias}"))
        for module, names in self.modules.items():
            if names:
                group = 0 if module in _STDLIB else 2 if module.startswith(".") else 1
                froms[group].append((_module_key(module), from_import(module, names)))
        for module, names in self.models.items():
            if names:
                full = models_prefix + module
                froms[2].append((_module_key(full), from_import(full, names)))
        lines: list[str] = []
        for group in range(3):
            block = [line for _, line in sorted(plain[group])] + [
                line for _, line in sorted(froms[group])
            ]
            if block:
                if lines:
                    lines.append("")
                lines.extend(block)
        return lines


def _module_key(module: str) -> tuple[int, str]:
    """isort order of ``from`` modules: furthest relative first (``..x`` before ``.y``)."""
    dots = len(module) - len(module.lstrip("."))
    return -dots, module.lstrip(".").lower()


# --------------------------------------------------------------------- models
@dataclass
class InlineEnum:
    key: tuple[str, str]
    class_name: str
    module: str  # module of the schema that defines it (before grouping)
    owner: str  # schema name
    values: tuple[Any, ...]
    base: str  # "str" or "int"
    description: str


def _walk(type_ref: TypeRef | None, path: str = "") -> Iterator[tuple[str, TypeRef]]:
    """Every position of a type, with a path naming it inside the type."""
    if type_ref is None:
        return
    yield path, type_ref
    if type_ref.kind == "array":
        yield from _walk(type_ref.items, path + "[]")
    elif type_ref.kind == "map":
        yield from _walk(type_ref.value_type, path + "{}")
    elif type_ref.kind == "union":
        for index, variant in enumerate(type_ref.variants):
            yield from _walk(variant, f"{path}|{index}")


def _enum_base(values: tuple[Any, ...], primitive: str | None) -> str | None:
    """The Enum mixin of an enum: str or int; None where a Literal serves better."""
    if values and all(isinstance(v, str) for v in values):
        return "str"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int"
    return None


def _members(values: tuple[Any, ...]) -> list[tuple[str, str]]:
    names = naming.unique_names(naming.enum_member(v) for v in values)
    return [(name, literal(value)) for name, value in zip(names, values, strict=True)]


class ModelPlan:
    """Every model module: which schemas it defines, in which order, with which imports.

    Schemas that reference each other in a cycle are defined together in one module (the
    module of the first of them by name); the others get a module that re-exports them.
    Everything else imports what it references at the top, so no import ever cycles.
    """

    def __init__(self, api: Api) -> None:
        self.api = api
        self.schemas = {s.name: s for s in api.schemas}
        self._by_pointer: dict[str, Schema] = {}
        for schema in api.schemas:
            self._by_pointer.setdefault(schema.pointer, schema)
        self._class_names = self._assign_class_names()
        self.request_schemas = _request_schemas(api)
        self.inline_enums = self._collect_inline_enums()
        self.groups, self.home = self._group()

    # ----------------------------------------------------------------- names
    def _assign_class_names(self) -> dict[str, str]:
        names = [
            name if name not in HELPER_NAMES else name + "Model"
            for name in (s.class_name for s in self.api.schemas)
        ]
        unique = naming.unique_names(names)
        return {s.name: n for s, n in zip(self.api.schemas, unique, strict=True)}

    def class_name(self, schema_name: str) -> str:
        return self._class_names[schema_name]

    def _owner_of(self, pointer: str, fallback: Schema) -> Schema:
        """The schema whose spec subtree defines ``pointer`` (longest prefix wins)."""
        prefix = pointer
        while prefix:
            schema = self._by_pointer.get(prefix)
            if schema is not None:
                return schema
            prefix = prefix.rpartition("/")[0]
        return fallback

    def _collect_inline_enums(self) -> dict[tuple[str, str], InlineEnum]:
        found: dict[tuple[str, str], tuple[Schema, str, TypeRef, str]] = {}
        for schema in self.api.schemas:
            positions: list[tuple[str, str, TypeRef | None, str]] = []
            if schema.kind == "object":
                positions = [(f.pointer, f.wire_name, f.type, f.description) for f in schema.fields]
            elif schema.kind == "alias":
                positions = [(schema.pointer, "Value", schema.alias_of, schema.description)]
            for pointer, wire_name, type_ref, description in positions:
                for path, node in _walk(type_ref):
                    if node.kind != "enum" or _enum_base(node.values, node.primitive) is None:
                        continue
                    key = (pointer, path)
                    owner = self._owner_of(pointer, schema)
                    if owner.kind not in ("object", "alias"):
                        owner = schema  # a union's property: defined by its first user
                    if key not in found or (
                        found[key][0].kind != "object" and owner.kind == "object"
                    ):
                        found[key] = (owner, wire_name, node, description)
        taken = set(self._class_names.values()) | HELPER_NAMES
        result: dict[tuple[str, str], InlineEnum] = {}
        for key in sorted(found):
            owner, wire_name, node, description = found[key]
            suffix = "Item" if key[1].endswith("[]") else ""
            base = naming.python_inline_enum_class(self.class_name(owner.name), wire_name) + suffix
            name, counter = base, 2
            while name in taken:
                name, counter = f"{base}{counter}", counter + 1
            taken.add(name)
            result[key] = InlineEnum(
                key=key,
                class_name=name,
                module=owner.module_name,
                owner=owner.name,
                values=node.values,
                base=_enum_base(node.values, node.primitive) or "str",
                description=description,
            )
        return result

    # ----------------------------------------------------------------- grouping
    def _edges(self, schema: Schema) -> set[str]:
        """Schemas whose module ``schema``'s module must import (at definition or use)."""
        refs: set[str] = set()
        types: list[tuple[str, TypeRef | None]] = []
        if schema.kind == "object":
            types = [(f.pointer, f.type) for f in schema.fields]
        elif schema.kind == "alias":
            types = [(schema.pointer, schema.alias_of)]
        elif schema.kind == "union":
            refs.update(v for v in schema.variants if v in self.schemas)
        for pointer, type_ref in types:
            for path, node in _walk(type_ref):
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
            return self._primitive(type_ref, imports)
        if kind == "enum":
            inline = self.inline_enums.get(key) if key is not None else None
            if inline is not None:
                self._use_enum(self.enum_module(inline), inline.class_name, imports)
                return self.open_enum(inline.class_name, inline.base, imports)
            imports.typing.add("Literal")
            return f"Literal[{', '.join(literal(v) for v in type_ref.values)}]"
        if kind == "ref" and type_ref.schema_name in self.schemas:
            schema = self.schemas[type_ref.schema_name]
            name = self.class_name(schema.name)
            imports.model(self.home[schema.name], name)
            if (
                schema.kind == "enum"
                and _enum_base(schema.enum_values, schema.primitive) is not None
            ):
                return self.open_enum(
                    name, _enum_base(schema.enum_values, schema.primitive) or "str", imports
                )
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

    def _primitive(self, type_ref: TypeRef, imports: Imports) -> str:
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

    def _use_enum(self, module: str, class_name: str, imports: Imports) -> None:
        imports.model(module, class_name)

    def enum_module(self, inline: InlineEnum) -> str:
        """The module that defines an inline enum once schemas are grouped."""
        return self.home.get(inline.owner, inline.module)

    @staticmethod
    def open_enum(class_name: str, base: str, imports: Imports) -> str:
        """``OpenEnum[X]``: an ``X`` member, or (responses only) a value ``X`` does not know."""
        imports.add(".._models", "OpenEnum" if base == "str" else "OpenIntEnum")
        return f"OpenEnum[{class_name}]" if base == "str" else f"OpenIntEnum[{class_name}]"

    # ----------------------------------------------------------------- views
    def field_view(self, schema: Schema, f: Field, imports: Imports) -> dict[str, Any]:
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
        declaration = f"{f.python_name}: {annotation}"
        if required and check and not f.nullable:  # black splits a long one inside its brackets
            declaration = layout.bracketed(f"{f.python_name}: Annotated[", checked, "]", 4)
        if constant != "None":
            declaration = layout.assignment(declaration, constant, 4)
        elif not required:
            value = self._default(f, f.default, imports) if f.has_default else "None"
            if value.startswith("lambda") or value in ("list", "dict"):
                imports.add("pydantic", "Field")
                value = f"Field(default_factory={value})"
            declaration = layout.assignment(declaration, value, 4)
        notes = []
        if f.read_only:
            notes.append("Read-only: set by the API, never sent.")
        if f.write_only:
            notes.append(
                "Write-only: sent, never returned."
                + (" Required in requests." if f.required else "")
            )
        if constant != "None":
            notes.append(f"Always sent: {literal(f.constant[0])} is its only value.")
        if f.deprecated:
            notes.append("Deprecated.")
        doc = docstring([f.description, " ".join(notes)], 4)
        return {"declaration": declaration, "doc": doc}

    def _default(self, f: Field, value: Any, imports: Imports) -> str:
        """``value`` as the default of ``f`` in Python source, or ``"None"`` if it does not fit."""
        node = f.type
        if node.kind == "ref" and node.schema_name in self.schemas:
            schema = self.schemas[node.schema_name]
            if schema.kind == "enum" and value in schema.enum_values:
                name = self.class_name(schema.name)
                member = dict(
                    zip(schema.enum_values, (m for m, _ in _members(schema.enum_values)))
                )[value]
                return f"{name}.{member}"
            return "None"
        if node.kind == "enum":
            inline = self.inline_enums.get((f.pointer, ""))
            if inline is not None and value in inline.values:
                member = dict(zip(inline.values, (m for m, _ in _members(inline.values))))[value]
                return f"{inline.class_name}.{member}"
            return literal(value) if value in node.values else "None"
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
            return literal(value) if ok else "None"
        if (
            node.kind == "array"
            and isinstance(value, list)
            and all(isinstance(v, (str, int, float, bool)) for v in value)
        ):
            return f"lambda: {literal(value)}" if value else "list"
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
                        for e in self.inline_enums.values()
                        if self.enum_module(e) == module and e.owner == name
                    ]
                    yield "models/reexport.py.j2", schema.module_name, {
                        "home": module,
                        "names": sorted(exported),
                        "schema_name": name,
                    }

    def _group_view(self, group: list[str], module: str) -> dict[str, Any]:
        imports = Imports()
        enums: list[dict[str, Any]] = []
        objects: list[dict[str, Any]] = []
        aliases: list[tuple[str, dict[str, Any]]] = []
        members = set(group)
        for inline in sorted(self.inline_enums.values(), key=lambda e: e.class_name):
            if inline.owner in members:
                enums.append(
                    self._enum_view(
                        inline.class_name, inline.values, inline.base, inline.description, imports
                    )
                )
        for name in group:
            schema = self.schemas[name]
            if schema.kind == "enum":
                base = _enum_base(schema.enum_values, schema.primitive)
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
                    values = ", ".join(literal(v) for v in schema.enum_values) or "None"
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
        fields = [self.field_view(schema, f, imports) for f in schema.fields]
        read_only = sorted(
            {n for f in schema.fields if f.read_only for n in (f.wire_name, f.python_name)}
        )
        if read_only:
            imports.typing.add("ClassVar")
        constants = [
            (literal(f.python_name), f"({literal(f.wire_name)}, {literal(f.constant[0])})")
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
            config = layout.assigned_call(
                "model_config",
                "wire_names",
                lambda _: [f"{k}={literal(v)}" for k, v in renamed.items()],
                4,
            )
        extra = "" if schema.allows_additional else " Fields it does not declare are kept too."
        return {
            "name": self.class_name(schema.name),
            "fields": fields,
            "read_only": (
                layout.assigned_call(
                    "__read_only_fields__: ClassVar[frozenset[str]]",
                    "frozenset",
                    lambda column: [layout.set_of([literal(n) for n in read_only], column)],
                    4,
                )
                if read_only
                else None
            ),
            "base": base,
            "constants": (
                layout.dictionary(
                    constants,
                    4,
                    "__constant_fields__: ClassVar[Mapping[str, tuple[str, object]]] = ",
                )
                if constants
                else None
            ),
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
            value = _discriminated_union(
                self.class_name(schema.name),
                names,
                schema.discriminator.property_name,
                schema.discriminator.python_name,
                mapping,
                nullable=schema.nullable,
            )
        elif names:
            value = " | ".join(names)
        else:
            imports.typing.add("Any")
            value = "Any"
        if schema.nullable and not discriminated:
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
                    "exports": sorted(self.exports(), key=lambda e: _module_key("." + e[1])),
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
        for _, node in _walk(pending.pop()):
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
        f"{name}={literal(value)}"
        for name, value in pairs
        if value is not None and value != defaults.get(name)
    )


# --------------------------------------------------------------------- operations metadata
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
        (key, literal(value))
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


def _version_fields(op: Operation, version: ApiVersion) -> list[tuple[str, str]]:
    fields = [
        ("version", literal(version.version)),
        ("accept", literal(_accept(version, op.is_download))),
        ("media_types", literal(tuple(version.accept_types))),
    ]
    if version.request is not None:
        fields.append(("content_type", literal(version.request.media_type)))
    if version.formats != ("json",):
        fields.append(("formats", literal(tuple(version.formats))))
    if version.sunset:
        fields.append(("sunset", literal(version.sunset)))
    if version.preview:
        fields.append(("preview", "True"))
    return fields


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
        f"{key}={literal(value)}"
        for key, value in values.items()
        if value != _PAGINATION_DEFAULTS[key]
    ]


def _watcher_fields(watcher: Watcher) -> list[tuple[str, str]]:
    fields = [("operation_id", literal(watcher.operation_id))]
    if watcher.version:
        fields.append(("version", literal(watcher.version)))
    fields.append(("params", literal(tuple((p.name, p.source, p.value) for p in watcher.params))))
    if watcher.http_code != 200:
        fields.append(("http_code", str(watcher.http_code)))
    if watcher.match_path:
        fields += [("path", literal(watcher.match_path)), ("values", literal(watcher.match_values))]
    return fields


class OperationPlan:
    """The ``_operations`` package: shared parameters once, then one module per tag."""

    def __init__(self, api: Api) -> None:
        self.api = api
        constants = naming.unique_names(
            [naming.python_constant(op.python_name) for op in api.operations] + ["OPERATIONS"]
        )
        self.op_constant = {
            op.operation_id: c for op, c in zip(api.operations, constants, strict=False)
        }
        # The same parameter (every field equal) gets one constant wherever it is used.
        by_key: dict[tuple[tuple[str, str], ...], list[str]] = {}
        for tag in api.tags:
            for op in tag.operations:
                for p in op.parameters:
                    key = tuple(_parameter_fields(p))
                    users = by_key.setdefault(key, [])
                    if tag.module_name not in users:
                        users.append(tag.module_name)
        keys = sorted(by_key, key=lambda k: (dict(k)["python_name"], k))
        names = naming.unique_names(
            list(constants)
            + [naming.python_constant(literal_eval_str(dict(k)["python_name"])) for k in keys]
        )[len(constants) :]
        self.param_constant = dict(zip(keys, names, strict=True))
        self.shared = {k for k, users in by_key.items() if len(users) > 1}
        self.local = {k: users[0] for k, users in by_key.items() if len(users) == 1}

    def constant_of(self, p: Parameter) -> str:
        return self.param_constant[tuple(_parameter_fields(p))]

    def jobs(self, root: str, common: dict[str, Any]) -> list[RenderJob]:
        base = f"{PACKAGE_TEMPLATES}/_operations"
        index: list[tuple[str, str, str]] = []
        for tag in self.api.tags:
            for op in tag.operations:
                constant = self.op_constant[op.operation_id]
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
                    if tuple(_parameter_fields(p)) in self.shared
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
                        "operations_tuple": layout.tuple_of(
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
        return layout.assigned_call(constant, "ParameterSpec", lambda _: arguments, 0)

    def _operation_view(self, op: Operation) -> dict[str, Any]:
        fields = [
            ("operation_id", literal(op.operation_id)),
            ("alias", literal(op.alias)),
            ("python_name", literal(op.python_name)),
            ("python_alias", literal(op.python_alias)),
            ("tag", literal(op.tag)),
            ("method", literal(op.method)),
            ("path", literal(op.path)),
            ("summary", literal(op.summary)),
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
            fields.append(("roles", literal(tuple(op.roles))))
        constant = self.op_constant[op.operation_id]
        paging = _pagination_fields(op)

        def arguments(column: int) -> list[str]:
            watcher = []
            if op.watcher is not None:
                watcher = [
                    layout.call(
                        "watcher=WatcherSpec",
                        [f"{k}={v}" for k, v in _watcher_fields(op.watcher)],
                        column,
                        after=",",
                    )
                ]
            versions = [
                layout.call(
                    "VersionSpec",
                    [f"{k}={v}" for k, v in _version_fields(op, version)],
                    column + 4,
                    after=",",
                )
                for version in op.versions
            ]
            parameters = [self.constant_of(p) for p in op.parameters]
            pagination = (
                []
                if paging is None
                else [layout.call("PaginationSpec", paging, column, "pagination=", after=",")]
            )
            return [
                *(f"{k}={v}" for k, v in fields),
                layout.tuple_of(versions, column, "versions=", after=","),
                layout.tuple_of(parameters, column, "parameters=", after=","),
                *pagination,
                *watcher,
            ]

        return {
            "constant": constant,
            "block": layout.assigned_call(constant, "OperationSpec", arguments, 0),
        }


def _discriminated_union(
    alias: str,
    names: list[str],
    property_name: str,
    python_name: str,
    mapping: dict[str, str],
    *,
    nullable: bool,
) -> str:
    """``Annotated[A | B | unknown, discriminator(...)]`` (``| None`` if nullable), laid out
    as black splits it: the members one a line, each ``| ``-led, when they do not fit."""
    members = [[name, f"Tag({literal(name)})"] for name in names]
    members.append(
        [
            "UnknownVariant",
            f"UnknownVariantCheck({literal(property_name)}, {literal(tuple(sorted(mapping)))})",
            'Tag("UnknownVariant")',
        ]
    )
    union = " | ".join(f"Annotated[{', '.join(items)}]" for items in members)
    check = [literal(property_name), literal(python_name)]
    pairs = [(literal(k), literal(v)) for k, v in mapping.items()]
    one_line = f"Annotated[{union}, discriminator({', '.join(check)}, {literal(mapping)})]"
    if nullable:  # black splits ``Annotated[...] | None`` otherwise: it formats this one
        return f"{one_line} | None"
    if layout.fits(f"{alias} = {one_line}"):
        return one_line
    if not layout.fits(f"    {union},"):
        union = "\n    ".join(
            layout.bracketed(
                ("| " if index else "") + "Annotated[",
                items,
                "]",
                4,
                "," if index == len(members) - 1 else "",
            )
            for index, items in enumerate(members)
        )
    call = layout.call(
        "discriminator", [*check, layout.dictionary(pairs, 8, after=",")], 4, after=","
    )
    return f"Annotated[\n    {union},\n    {call},\n]"


def _tag_spec_block(tag: Tag) -> str:
    arguments = [
        f"name={literal(tag.name)}",
        f"python_name={literal(tag.python_name)}",
        f"cli_name={literal(tag.cli_name)}",
        f"module={literal(tag.module_name)}",
        f"description={literal(tag.description)}",
        layout.tuple_of(
            [literal(op.operation_id) for op in tag.operations], 8, "operation_ids=", after=","
        ),
    ]
    return layout.call("TagSpec", arguments, 4, after=",")


def literal_eval_str(text: str) -> str:
    """The string a ``literal()`` of a string stands for."""
    import ast

    value = ast.literal_eval(text)
    return value if isinstance(value, str) else str(value)


# --------------------------------------------------------------------- resources
def _tag_view(tag: Tag) -> dict[str, Any]:
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


def _parameter_annotation(p: Parameter, plan: ModelPlan, imports: Imports) -> str:
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
                plan,
                imports,
            )
        else:
            imports.typing.add("Any")
            inner = "Any"
        return f"Sequence[{inner}]"
    if t.kind == "enum":
        imports.typing.add("Literal")
        return f"Literal[{', '.join(literal(v) for v in t.values)}]"
    if t.kind == "primitive":
        return plan._primitive(t, Imports()) if t.primitive != "string" else "str"
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
            return literal(p.default)
        if t.kind == "enum" and p.default in t.values:
            return literal(p.default)
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
        notes.append(f"Default: ``{literal(p.default)}`` (not sent: the API applies it).")
    if p.location == "header":
        notes.append(f"Sent as the ``{p.wire_name}`` header.")
    return " ".join(notes)


class ResourceBuilder:
    """The context of one resource module (a tag): its methods with signatures and docs."""

    def __init__(self, api: Api, plan: ModelPlan, tag: Tag, op_constants: dict[str, str]) -> None:
        self.api = api
        self.plan = plan
        self.tag = tag
        self.op_constants = op_constants
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
        self._merge(model_imports)
        return expression

    def _merge(self, other: Imports) -> None:
        self.imports.merge(other)

    def response_types(self, op: Operation) -> tuple[str, str]:
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
            return "None", "responses=None"
        annotation = " | ".join(distinct)
        if len(distinct) == 1:
            return annotation, f"responses={distinct[0]}"
        pairs = [(literal(v), t) for v, t in per_version.items()]
        return annotation, layout.dictionary(pairs, 16, "responses=", ",")

    def request_types(self, op: Operation) -> tuple[str, str]:
        """(``body`` annotation, ``request_types=...`` argument)."""
        assert op.request_body is not None
        per_version: dict[str, str] = {}
        members: list[str] = []  # of the body annotation, each once (ruff PYI016)
        for media in op.request_body.media_types:
            t = media.type
            expression = self.type_expression(t)
            per_version[media.version or ""] = expression
            if (
                t is not None
                and t.kind == "ref"
                and self.plan.schemas.get(t.schema_name or "") is not None
                and self.plan.schemas[t.schema_name or ""].kind == "object"
            ):
                self.imports.abc.add("Mapping")
                self.imports.typing.add("Any")
                members += [expression, _BODY_MAPPING]
            elif (
                t is not None
                and t.kind == "array"
                and t.items is not None
                and t.items.kind == "ref"
                and self.plan.schemas.get(t.items.schema_name or "") is not None
                and self.plan.schemas[t.items.schema_name or ""].kind == "object"
            ):
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
            return annotation, f"request_types={distinct[0] if distinct else None}"
        # Operation versions without their own request media use the nearest older one.
        mapping = {}
        for version in op.versions:
            if version.request is not None:
                mapping[version.version] = per_version.get(version.request.version, distinct[-1])
        pairs = [(literal(v), t) for v, t in mapping.items()]
        return annotation, layout.dictionary(pairs, 16, "request_types=", ",")

    def method(self, op: Operation) -> dict[str, Any]:
        params = []
        for p in op.parameters:
            annotation = _parameter_annotation(p, self.plan, self.imports)
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
        pairs = [(literal(p["wire"]), str(p["name"])) for p in params]
        arguments = [
            f"_ops.{self.op_constants[op.operation_id]}",
            layout.dictionary(pairs, 16, after=","),
        ]
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
            "raw_sync": layout.assigned_call(
                f"self.{op.python_name}", "to_raw_response_wrapper", lambda _: [wrapped], 8
            ),
            "raw_async": layout.assigned_call(
                f"self.{op.python_name}", "async_to_raw_response_wrapper", lambda _: [wrapped], 8
            ),
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
            args += _item_lines(p["name"], f"As given to ``{op.python_name}``.", 8)
        if paths:
            args += _item_lines(
                "response", f"What ``{op.python_name}`` returned (read at {', '.join(paths)}).", 8
            )
        args += _item_lines("timeout", "Seconds to wait at most; ``None``: no limit.", 8)
        args += _item_lines("interval", "Seconds between two polls.", 8)
        summary = (
            f"Wait until the effect of ``{op.python_name}`` is done: poll "
            f"``{watcher.operation_id}`` until it answers {done}."
        )
        doc = docstring(
            [
                summary,
                args,
                ["Raises:"]
                + _item_lines("WatchTimeoutError", "When ``timeout`` runs out first.", 8)
                + _item_lines("APIStatusError", "Another error status of a poll.", 8),
            ],
            8,
        )
        pairs = [(literal(p["wire"]), str(p["name"])) for p in inputs]
        return {
            "name": f"wait_for_{op.python_name}",
            "params": inputs,
            "response": bool(paths),
            "arguments": [
                literal(op.operation_id),
                layout.dictionary(pairs, 12, after=","),
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
            args += _item_lines(p.python_name, text, 8)
        if op.request_body is not None:
            text = op.request_body.description or "The request body."
            text += " A model, or a dict in the API's camelCase names, validated the same way; read-only and unset fields are not sent."
            args += _item_lines("body", text, 8)
        supported = ", ".join(f"``{v.version}``" for v in op.versions) or "none"
        args += _item_lines(
            "version",
            f"The API version to speak: {supported}. Default: the client's ``default_version`` pin, else ``{newest}``.",
            8,
        )
        if op.pagination is not None:
            args += _item_lines(
                "max_items",
                "Stop iterating after this many items (and fetch no page beyond them). Default: all.",
                8,
            )
        args += _item_lines(
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
        sections.append(["Returns:", *["    " + line for line in _wrap(returns_text, 12)]])
        statuses = sorted({r.status for r in op.error_responses})
        raises = ["Raises:"]
        raises += _item_lines(
            "ParameterError, UnsupportedVersionError", "Before sending anything.", 8
        )
        documented = f" (documented: {', '.join(statuses)})" if statuses else ""
        raises += _item_lines("APIStatusError", f"A subclass per error status{documented}.", 8)
        raises += _item_lines("APIConnectionError", "No response, after the retries.", 8)
        sections.append(raises)
        if op.docs_url:
            sections.append(f"See {op.docs_url}")
        return docstring(sections, 8)


def _resource_jobs(
    api: Api, plan: ModelPlan, op_constants: dict[str, str], root: str, common: dict[str, Any]
) -> list[RenderJob]:
    result = [
        RenderJob(
            f"{PACKAGE_TEMPLATES}/resources/__init__.py.j2",
            f"{root}/resources/__init__.py",
            {**common, "tags": [_tag_view(t) for t in api.tags]},
        )
    ]
    for tag in api.tags:
        builder = ResourceBuilder(api, plan, tag, op_constants)
        methods = [builder.method(op) for op in tag.operations]
        view = _tag_view(tag)
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
                    "raw_sync_class": view["sync_class"] + "WithRawResponse",
                    "raw_async_class": view["async_class"] + "WithRawResponse",
                    "class_doc": docstring([view["summary"]], 4),
                    "doc": docstring([f"The {tag.name} resource.", tag.description], 0),
                },
            )
        )
    return result


# --------------------------------------------------------------------- README
def _readme_context(api: Api, plan: ModelPlan, settings: Settings) -> dict[str, Any]:
    operations = list(api.operations)
    json_op = next(
        (op for op in operations if not op.is_download and op.request_body is None),
        operations[0] if operations else None,
    )
    download_op = next((op for op in operations if op.is_download), None)
    body_op = next(
        (op for op in operations if op.request_body is not None and op.request_body.media_types),
        None,
    )
    paged_op = next((op for op in operations if op.pagination is not None), None)
    return {
        "tags": [_tag_view(t) for t in api.tags],
        "paged_op": paged_op,
        "paged_tag": (
            next((t for t in api.tags if paged_op in t.operations), None) if paged_op else None
        ),
        "json_op": json_op,
        "json_tag": (
            next((t for t in api.tags if json_op in t.operations), None) if json_op else None
        ),
        "download_op": download_op,
        "download_tag": (
            next((t for t in api.tags if download_op in t.operations), None)
            if download_op
            else None
        ),
        "body_op": body_op,
        "body_tag": (
            next((t for t in api.tags if body_op in t.operations), None) if body_op else None
        ),
        "cli": "cli" in settings.targets,
        "cli_command": settings.cli_command,
        "sample_args": {op.operation_id: _sample_args(op) for op in operations},
        "names": {
            "model_reserved": _code_list(naming.MODEL_RESERVED),
            "call_reserved": _code_list(naming.CALL_RESERVED),
            "client_reserved": _code_list(naming.CLIENT_RESERVED),
        },
    }


def _code_list(names: Iterable[str]) -> str:
    """``a``, ``b``, ... in Markdown code, sorted, wrapped for a list item."""
    flat = ", ".join(f"`{name}`" for name in sorted(names))
    return "\n  ".join(wrap_words(flat, 94))


def _sample_args(op: Operation) -> str:
    parts = []
    for p in op.parameters:
        if not p.required:
            continue
        if p.wire_name == "groupId":
            value = literal("32b6e34b3d91647abb20e7b8")
        elif p.example is not None and isinstance(p.example, (str, int)):
            value = literal(p.example)
        else:
            value = literal(naming.doc_sample_string(p.wire_name))
        parts.append(f"{p.python_name}={value}")
    return ", ".join(parts)
