"""Every Jinja2 filter and global, in one module; each is a pure function of model values."""

from __future__ import annotations

import json
import textwrap
from typing import Any, Callable

from generator.model import naming


def pyrepr(value: Any) -> str:
    """A Python literal for a JSON value (``true`` -> ``True``), deterministic."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{pyrepr(k)}: {pyrepr(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(pyrepr(v) for v in value) + "]"
    return repr(value)


def to_json(value: Any, indent: int | None = 2) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False, sort_keys=False)


def docstring(text: str, indent: int = 4, width: int = 92) -> str:
    """Text safe inside a triple-quoted docstring, wrapped and indented for its position."""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    if text.endswith('"'):
        text += " "
    pad = " " * indent
    paragraphs = [p for p in text.split("\n\n")]
    lines: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        if index:
            lines.append("")
        lines.extend(textwrap.wrap(" ".join(paragraph.split()), width - indent) or [""])
    return ("\n" + pad).join(lines).replace("\n" + pad + "\n", "\n\n")


def first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    for end in (". ", "? ", "! "):
        if end in flat:
            return flat.split(end, 1)[0] + end.strip()
    return flat


FILTERS: dict[str, Callable[..., Any]] = {
    "pyrepr": pyrepr,
    "to_json": to_json,
    "docstring": docstring,
    "first_sentence": first_sentence,
    "snake_case": naming.snake_case,
    "pascal_case": naming.pascal_case,
    "kebab_case": naming.kebab_case,
}
