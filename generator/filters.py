"""Every Jinja2 filter and global, in one module; each is a pure function of model values.

Spec text (titles, descriptions, examples, enum values, the server URL, ...) reaches generated
files through exactly one writer per kind of literal, whatever the slot:

- Python (``generator/pysource.py``): a literal, :func:`black_repr` (``repr``: every quote,
  backslash, line break and control character escaped), laid out one item a line by
  :func:`pyliteral`; the inside of a docstring, :func:`doc_escape`;
- a comment (``#``, ``<!-- -->``, ``/* */``): :func:`comment_text`;
- a TOML, YAML or JSON string: :func:`quoted`; a Go string (docs samples): :func:`go_string`;
- Markdown: :func:`md_text`, :func:`md_inline`, :func:`md_cell`, :func:`md_code`.

Templates never write spec text with a bare ``{{ value }}``; ``tests/fuzz/test_fuzz_injection.py``
puts hostile text in every slot and checks the output compiles, imports and runs nothing.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from typing import Any

from .pysource import (
    black_repr,
    doc_escape,
    escape_controls,
    from_import,
    isort_names,
    pyliteral,
    sort_all,
)


def to_json(value: Any, indent: int | None = 2) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False, sort_keys=False)


def go_string(value: str) -> str:
    """A Go interpreted string literal of ``value``: JSON's escapes are Go's (``\\"``,
    ``\\n``, ``\\uXXXX``); other characters stay as they are, which Go source allows."""
    return json.dumps(value, ensure_ascii=False)


def comment_text(text: str) -> str:
    """Text safe inside any comment: one line, and no ``-->`` or ``*/`` to end it early."""
    one_line = escape_controls(text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", " "))
    return one_line.replace("--", "-\\-").replace("*/", "*\\/")


def first_sentence(text: str) -> str:
    """The first sentence of ``text``, whitespace folded: the short help of a command or method."""
    flat = " ".join(text.split())
    match = re.search(r"(?<=[.!?])\s", flat)
    return flat[: match.start()] if match else flat


FILTERS: dict[str, Callable[..., Any]] = {
    "to_json": to_json,
    "go_string": go_string,
    "comment_text": comment_text,
    "first_sentence": first_sentence,
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


FILTERS.update(
    {
        "html_code": html_code,
        "md_code": md_code,
        "md_text": md_text,
        "md_inline": md_inline,
        "md_cell": md_cell,
        "quoted": quoted,
        "shell_quote": shell_quote,
    }
)


# --------------------------------------------------------------------- python source
FILTERS.update(
    {
        "black_repr": black_repr,
        "doc_escape": doc_escape,
        "from_import": from_import,
        "isort_names": isort_names,
        "pyliteral": pyliteral,
        "sort_all": sort_all,
    }
)
