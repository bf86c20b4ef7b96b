"""The schema half of the model builder: the spec's schemas as model ``Schema`` values.

``$ref`` is followed here with cycle guards (Atlas parents list their children in ``oneOf``
while each child extends the parent through ``allOf``); inline objects and discriminated
unions get names of their own (hoisted), as if they were component schemas.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import AtlasgenError
from ..load import LoadedSpec, PointerError, follow_pointer, pointer_join, unescape_pointer_token
from . import naming
from .types import Constraints, Discriminator, Field, Schema, TypeRef

SCHEMA_REF = "#/components/schemas/"
ANY = TypeRef(kind="any")


class ModelError(AtlasgenError):
    """The spec passed validation but cannot be modelled; the message names the place."""


def spec_text(value: Any) -> str:
    """A spec text, stripped; anything else (absent, a number) is no text."""
    return value.strip() if isinstance(value, str) else ""


class SchemaBuilder:
    """Every schema of the spec as a model ``Schema``: component schemas, and inline objects
    and unions hoisted into named ones; ``$ref`` followed with cycle guards."""

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
            return ANY
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref.startswith(SCHEMA_REF) and "/" not in ref[len(SCHEMA_REF) :]:
                name = unescape_pointer_token(ref[len(SCHEMA_REF) :])
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
                return TypeRef(kind="union", variants=variants) if variants else ANY
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
        return ANY

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
            "description": spec_text(node.get("description")),
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
                additional = ANY
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
                if ref.startswith(SCHEMA_REF):
                    parents.append(unescape_pointer_token(ref[len(SCHEMA_REF) :]))
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
            merged[wire_name] = replace(merged[wire_name], required=True)
        names = naming.unique_names(naming.python_field(w) for w in merged)
        fields = tuple(
            f if f.python_name == n else replace(f, python_name=n)
            for f, n in zip(merged.values(), names, strict=True)
        )
        return fields, list(dict.fromkeys(parents)), extra

    def _field(self, wire_name: str, prop: Any, pointer: str, owner: str, required: bool) -> Field:
        resolved, _ = self.resolve(prop, pointer) if isinstance(prop, dict) else ({}, pointer)
        resolved = resolved if isinstance(resolved, dict) else {}
        return Field(
            wire_name=wire_name,
            python_name=naming.python_field(wire_name),
            type=self.type_of(prop, pointer, owner + naming.pascal_case(wire_name)),
            required=required,
            description=spec_text(resolved.get("description")),
            pointer=pointer,
            nullable=bool(resolved.get("nullable")),
            read_only=bool(resolved.get("readOnly")),
            write_only=bool(resolved.get("writeOnly")),
            has_default="default" in resolved,
            default=resolved.get("default"),
            example=resolved.get("example"),
            constraints=constraints_of(resolved),
            deprecated=bool(resolved.get("deprecated")),
            constant=_single_value(resolved),
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
                self.schemas[target] = replace(
                    variant,
                    fields=_with_constant(variant, union.discriminator.property_name, value),
                )

    def _unique_schema_names(self) -> tuple[Schema, ...]:
        """Two schemas may snake_case (or PascalCase) to the same module or class name."""
        ordered = [self.schemas[name] for name in sorted(self.schemas)]
        modules = naming.unique_names(s.module_name for s in ordered)
        classes = naming.unique_names(naming.python_model_class(s.class_name) for s in ordered)
        return tuple(
            (
                s
                if (s.module_name, s.class_name) == (m, c)
                else replace(s, module_name=m, class_name=c)
            )
            for s, m, c in zip(ordered, modules, classes, strict=True)
        )


def _primitive(kind: Any, values: list[Any]) -> Any:
    if kind in ("string", "integer", "number", "boolean"):
        return kind
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "integer"
    return "string"


def constraints_of(node: dict[str, Any]) -> Constraints:
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


def _type_refs(type_ref: TypeRef | None) -> set[str]:
    """The schemas ``type_ref`` names, at any depth."""
    if type_ref is None:
        return set()
    return {node.schema_name for _, node in type_ref.positions() if node.schema_name}


def _field_refs(fields: tuple[Field, ...]) -> set[str]:
    return set().union(*(_type_refs(f.type) for f in fields)) if fields else set()


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
                replace(f, constant=(value,)) if f.wire_name == wire_name else f
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
