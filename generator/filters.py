"""Every Jinja2 filter and global, in one module; each is a pure function of model values."""

from __future__ import annotations

import json
import math
import re
import shlex
from collections.abc import Callable
from typing import Any

from .model import naming


def pyrepr(value: Any) -> str:
    """A Python literal for a JSON value (``true`` -> ``True``), deterministic."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{pyrepr(k)}: {pyrepr(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(pyrepr(v) for v in value) + "]"
    return repr(value)


def to_json(value: Any, indent: int | None = 2) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False, sort_keys=False)


def go_string(value: str) -> str:
    """A Go interpreted string literal of ``value``: JSON's escapes are Go's (``\\"``,
    ``\\n``, ``\\uXXXX``); other characters stay as they are, which Go source allows."""
    return json.dumps(value, ensure_ascii=False)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # control characters but tab and newline


def doc_escape(text: str) -> str:
    """Text safe inside a triple-quoted Python string: backslashes, quotes and control
    characters (a NUL byte would make the module uncompilable) are escaped."""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    text = _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)
    return text + " " if text.endswith('"') else text


def first_sentence(text: str) -> str:
    """The first sentence of ``text``, whitespace folded: the short help of a command or method."""
    flat = " ".join(text.split())
    match = re.search(r"(?<=[.!?])\s", flat)
    return flat[: match.start()] if match else flat


FILTERS: dict[str, Callable[..., Any]] = {
    "pyrepr": pyrepr,
    "to_json": to_json,
    "go_string": go_string,
    "doc_escape": doc_escape,
    "first_sentence": first_sentence,
    "snake_case": naming.snake_case,
    "pascal_case": naming.pascal_case,
    "kebab_case": naming.kebab_case,
}


# --------------------------------------------------------------------- docs (Markdown) filters
# Descriptions are CommonMark written by people: their Markdown (``**NOTE**``, code spans) is
# kept, while raw HTML is shown as text and table cells stay one cell.

_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_SCRIPT_LINK = re.compile(r"\]\((\s*)(?=(?:javascript|vbscript|data):)", re.IGNORECASE)


def _split_code_spans(text: str) -> list[tuple[bool, str]]:
    """``text`` as (is_code_span, piece) pairs; code spans keep their backticks."""
    pieces: list[tuple[bool, str]] = []
    position = 0
    for match in _CODE_SPAN.finditer(text):
        if match.start() > position:
            pieces.append((False, text[position : match.start()]))
        pieces.append((True, match.group(0)))
        position = match.end()
    if position < len(text):
        pieces.append((False, text[position:]))
    return pieces


def _escape_prose(text: str) -> str:
    """Outside code spans: ``<`` never opens a tag, and no ``javascript:`` link."""
    return _SCRIPT_LINK.sub(r"]\\(\1", text.replace("<", "&lt;"))


def html_code(value: Any) -> str:
    """``<code>`` whose every special character is an entity: safe in any Markdown context."""
    text = value if isinstance(value, str) else to_json(value, indent=None)
    return (
        "<code>"
        + "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in text)
        + "</code>"
    )


def md_code(value: Any) -> str:
    """An inline code span of a literal value (a pattern, a default, an enum value).

    Strings are shown as written, other values as JSON. A value holding a backtick or a
    pipe, or with edge spaces, becomes an entity-escaped ``<code>`` so no renderer splits it.
    """
    text = value if isinstance(value, str) else to_json(value, indent=None)
    if not text or "`" in text or "|" in text or text != text.strip() or "\n" in text:
        return html_code(text)
    return f"`{text}`"


_BLOCK_HEADING = re.compile(r"^( {0,3})(#|=+\s*$|-{2,}\s*$)", re.MULTILINE)


def md_text(text: str) -> str:
    """A description as a Markdown block: its Markdown kept, any HTML shown as text.

    Headings are escaped: a description never adds a section to the page around it.
    """
    escaped = "".join(
        piece if is_code else _escape_prose(piece)
        for is_code, piece in _split_code_spans(text.strip())
    )
    return _BLOCK_HEADING.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def md_inline(text: str) -> str:
    """One line of Markdown (a heading, a list item): whitespace folded, HTML shown as text."""
    return md_text(" ".join(text.split()))


def md_cell(text: str) -> str:
    """Text for one Markdown table cell: one line, ``|`` escaped, paragraphs as ``<br>``."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    out = []
    for paragraph in paragraphs:
        pieces = []
        for is_code, piece in _split_code_spans(paragraph):
            if is_code:
                inner = piece.strip("`")
                pieces.append(html_code(inner.strip()) if "|" in inner else piece)
            else:
                pieces.append(_escape_prose(piece).replace("|", "\\|"))
        out.append("".join(pieces))
    return "<br><br>".join(out)


# JSON leaves these unescaped; TOML forbids DEL, YAML the C1 controls and non-characters.
_UNQUOTABLE = re.compile("[\x7f-\x9f\ufffe\uffff]")


def quoted(value: Any) -> str:
    """A double-quoted string that JSON, YAML and TOML all read back as ``value``."""
    text = json.dumps(str(value), ensure_ascii=False)
    return _UNQUOTABLE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def shell_quote(value: Any) -> str:
    """One shell word: JSON for structures, ``true``/``false`` for booleans."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (dict, list)):
        text = to_json(value)
    else:
        text = str(value)
    return shlex.quote(text)


def pyliteral(value: Any, indent: int = 0, step: int = 4) -> str:
    """A Python literal laid out as black would: one item a line, trailing commas."""
    inner = " " * (indent + step)
    if isinstance(value, dict) and value:
        items = [
            f"{inner}{pyliteral(str(k))}: {pyliteral(v, indent + step)}," for k, v in value.items()
        ]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    if isinstance(value, list) and value:
        items = [f"{inner}{pyliteral(v, indent + step)}," for v in value]
        return "[\n" + "\n".join(items) + "\n" + " " * indent + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return pyrepr(value)


FILTERS.update(
    {
        "html_code": html_code,
        "md_code": md_code,
        "md_text": md_text,
        "md_inline": md_inline,
        "md_cell": md_cell,
        "quoted": quoted,
        "shell_quote": shell_quote,
        "pyliteral": pyliteral,
    }
)


# --------------------------------------------------------------------- python client filters
# Generated modules pass ``ruff check`` with its default rules, whose isort wraps imports at
# 88 columns (black then keeps them: a wrapped import ends with a magic trailing comma).
ISORT_LINE_LENGTH = 88


def isort_key(name: str) -> tuple[int, str, str]:
    """isort's ``order-by-type`` key: CONSTANTS, then Classes, then everything else."""
    bare = name.split(" as ", 1)[0].strip()
    rank = 0 if bare.isupper() and len(bare) > 1 else 1 if bare[:1].isupper() else 2
    return rank, bare.lower(), bare


def isort_names(names: Any) -> list[str]:
    """Names (``__all__`` entries, imported names) in isort order, duplicates dropped."""
    return sorted(dict.fromkeys(names), key=isort_key)


def sort_all(names: Any) -> list[str]:
    """``__all__`` entries as ruff's RUF022 wants them: isort-style, case-sensitive."""

    def key(name: str) -> tuple[int, str]:
        rank = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
        return rank, name

    return sorted(dict.fromkeys(names), key=key)


def from_import(module: str, names: Any, indent: int = 0) -> str:
    """``from module import a, b`` in isort order, wrapped one name a line past 88 columns."""
    ordered = isort_names(names)
    pad = " " * indent
    line = f"{pad}from {module} import {', '.join(ordered)}"
    if len(line) <= ISORT_LINE_LENGTH:
        return line
    inner = "".join(f"{pad}    {name},\n" for name in ordered)
    return f"{pad}from {module} import (\n{inner}{pad})"


FILTERS.update({"isort_names": isort_names, "sort_all": sort_all, "from_import": from_import})


def black_repr(value: Any) -> str:
    """A Python literal as black writes it: strings in double quotes unless that would add
    escapes, containers one line (``pyrepr`` otherwise)."""
    if isinstance(value, str):
        text = repr(value)
        if text.startswith("'"):  # black's rule: double quotes unless they need more escapes
            body = text[1:-1]
            double = body.replace("\\'", "'").replace('"', '\\"')
            if double.count("\\") <= body.count("\\"):
                text = f'"{double}"'
        return text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{black_repr(k)}: {black_repr(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(black_repr(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(black_repr(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, float) and not math.isfinite(value):  # YAML's .inf and .nan
        return f'float("{value!r}")'
    return repr(value)


FILTERS["black_repr"] = black_repr
