"""Inline enums: an ``enum`` inside a property gets a class of its own in the Python client,
named after its owner schema and property, and defined in the owner's module."""

from __future__ import annotations

from . import naming
from .types import InlineEnum, Schema, TypeRef, enum_mixin


def inline_enums(schemas: tuple[Schema, ...]) -> tuple[InlineEnum, ...]:
    """Every inline enum of ``schemas`` (whose class names are final), by place in the spec.

    One enum reached from several schemas (a property ``allOf`` copies into each child) is
    one class, owned by the schema whose spec subtree defines it, so that every user imports
    the same class.
    """
    by_pointer: dict[str, Schema] = {}
    for schema in schemas:
        by_pointer.setdefault(schema.pointer, schema)
    found: dict[tuple[str, str], tuple[Schema, str, TypeRef, str]] = {}
    for schema in schemas:
        for pointer, wire_name, type_ref, description in schema.typed_places():
            for path, node in type_ref.positions() if type_ref is not None else ():
                if node.kind != "enum" or enum_mixin(node.values) is None:
                    continue
                key = (pointer, path)
                owner = _owner_of(by_pointer, pointer, schema)
                if owner.kind not in ("object", "alias"):
                    owner = schema  # a union's property: defined by its first user
                if key not in found or (found[key][0].kind != "object" and owner.kind == "object"):
                    found[key] = (owner, wire_name, node, description)
    taken = {s.class_name for s in schemas} | naming.MODEL_MODULE_NAMES
    result = []
    for (pointer, path), (owner, wire_name, node, description) in sorted(found.items()):
        name = naming.python_inline_enum_class(
            owner.class_name, wire_name, item=path.endswith("[]")
        )
        result.append(
            InlineEnum(
                pointer=pointer,
                path=path,
                class_name=naming.first_free(name, taken),
                owner=owner.name,
                module=owner.module_name,
                values=node.values,
                mixin=enum_mixin(node.values) or "str",
                description=description,
            )
        )
    return tuple(result)


def _owner_of(by_pointer: dict[str, Schema], pointer: str, fallback: Schema) -> Schema:
    """The schema whose spec subtree defines ``pointer`` (longest prefix wins)."""
    prefix = pointer
    while prefix:
        schema = by_pointer.get(prefix)
        if schema is not None:
            return schema
        prefix = prefix.rpartition("/")[0]
    return fallback
