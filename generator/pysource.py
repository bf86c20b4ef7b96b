"""Everything about writing Python source, in one module: how a line is laid out (black's
style, so that formatting the output is only a check), one writer per kind of literal, the
wrapping of docstrings and the order of imports.

Who owns layout: these writers, with black as the judge. The templates and the targets lay
out what they write as black would (a bracketed list goes on one line when it fits, and
otherwise one item a line with a trailing comma, a "magic trailing comma" black keeps), so
``ruff format --check`` passes nearly every file and black, which has the last word, runs
only on the few it flags (``generator/format.py``). Black would sometimes have chosen another
split of a line that does not fit; the exploded form is one it leaves alone.

The python target, the CLI target and the render filters (Python samples in the docs) all
write Python through this module; nothing else quotes a Python string or orders imports.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal
from unicodedata import east_asian_width

LINE_LENGTH = 100  # black's line length for every generated module


def fits(line: str) -> bool:
    """Whether ``line`` (with its indentation) is within the line length."""
    return "\n" not in line and width(line) <= LINE_LENGTH


def width(text: str) -> int:
    """Columns ``text`` takes, as black counts them: East Asian wide and full-width
    characters (Chinese, Korean, most emoji) take two. Python's Unicode database is older
    than black's table and differs on a few hundred symbols; a line with one of those may be
    laid out other than black would, and that file then goes to black (generator/format.py)."""
    if text.isascii():
        return len(text)
    return sum(2 if east_asian_width(char) in ("W", "F") else 1 for char in text)


def bracketed(
    opening: str, items: Iterable[str], closing: str, indent: int, after: str = ""
) -> str:
    """``opening`` items ``closing``, starting at column ``indent``; ``opening`` carries what
    precedes the bracket on its line (``x = f(``), ``after`` what follows it (``,``), which
    count towards the line length but are not returned. Items may be laid out already."""
    items = list(items)
    one = f"{opening}{', '.join(items)}{closing}"
    if fits(" " * indent + one + after):
        return one
    pad = " " * (indent + 4)
    inner = "".join(f"{pad}{item},\n" for item in items)
    return f"{opening}\n{inner}{' ' * indent}{closing}"


def call(func: str, args: Iterable[str], indent: int, prefix: str = "", after: str = "") -> str:
    """``prefix + func(args)`` at ``indent``."""
    return bracketed(f"{prefix}{func}(", args, ")", indent, after)


def assigned_call(
    target: str, func: str, arguments: Callable[[int], Iterable[str]], indent: int
) -> str:
    """``target = func(arguments)`` at ``indent``; ``arguments(column)`` lays the arguments
    out for the column their lines start at. When even ``target = func(`` is too long but
    ``target = (`` is not, black puts the call in parentheses on lines of its own, one level
    further in."""
    head = f"{target} = "
    if fits(f"{' ' * indent}{head}{func}(") or not fits(f"{' ' * indent}{head}("):
        return call(func, arguments(indent + 4), indent, head)
    pad = " " * (indent + 4)
    inner = call(func, arguments(indent + 8), indent + 4)
    return f"{head}(\n{pad}{inner}\n{' ' * indent})"


def dictionary(
    pairs: Iterable[tuple[str, str]], indent: int, prefix: str = "", after: str = ""
) -> str:
    """A dict display of ``(key source, value source)`` pairs."""
    return bracketed(f"{prefix}{{", [f"{k}: {v}" for k, v in pairs], "}", indent, after)


def tuple_of(items: Iterable[str], indent: int, prefix: str = "", after: str = "") -> str:
    """A tuple display; one item keeps its comma, ``(x,)``."""
    items = list(items)
    if not items:
        return f"{prefix}()"
    if len(items) == 1 and fits(f"{' ' * indent}{prefix}({items[0]},){after}"):
        return f"{prefix}({items[0]},)"
    return bracketed(f"{prefix}(", items, ")", indent, after)


def set_of(items: Iterable[str], indent: int, prefix: str = "", after: str = "") -> str:
    return bracketed(f"{prefix}{{", items, "}", indent, after)


def assignment(target: str, value: str, indent: int) -> str:
    """``target = value``; a value with no brackets that does not fit, but fits on a line of
    its own, goes there in parentheses, as black puts it."""
    line = f"{target} = {value}"
    inner = " " * (indent + 4) + value
    if fits(" " * indent + line) or not fits(inner) or any(c in value for c in "([{"):
        return line
    return f"{target} = (\n{' ' * (indent + 4)}{value}\n{' ' * indent})"


def declaration(
    target: str, annotation: str, value: str | None, indent: int, parts: list[str] | None = None
) -> str:
    """A class attribute: ``target: annotation``, with ``= value`` when it has one. ``parts``:
    the items of an ``Annotated[...]`` annotation, split inside its brackets if too long."""
    if value is not None:
        return annotated_assignment(target, annotation, value, indent)
    if parts:
        return bracketed(f"{target}: Annotated[", parts, "]", indent)
    return f"{target}: {annotation}"


def annotated_assignment(target: str, annotation: str, value: str, indent: int) -> str:
    """``target: annotation = value`` (a model field and its default), split as black splits
    it when it does not fit: a call's arguments on a line of their own, or the value in
    parentheses, if the line up to the bracket fits; otherwise a union annotation in
    parentheses on lines of its own, one member a line if it does not fit there either."""
    head = f"{target}: {annotation} = "
    pad = " " * indent
    inner_pad = pad + " " * 4
    if fits(pad + head + value):
        return head + value
    function, bracket, arguments = value.partition("(")
    simple_call = (
        bracket and arguments.endswith(")") and not any(c in "()[]{}" for c in arguments[:-1])
    )
    if simple_call and fits(pad + head + function + "("):
        return f"{head}{function}(\n{inner_pad}{arguments[:-1]}\n{pad})"
    if not fits(inner_pad + value):
        return head + value  # black leaves a value too long for a line of its own
    if fits(pad + head + "("):
        return f"{head}(\n{inner_pad}{value}\n{pad})"
    members = _union_members(annotation)
    laid_out = [inner_pad + ("| " if index else "") + m for index, m in enumerate(members)]
    if len(members) < 2 or not all(fits(line) for line in laid_out):
        return head + value  # not a shape laid out here: black lays it out
    inner = annotation if fits(inner_pad + annotation) else f"\n{inner_pad}| ".join(members)
    return f"{target}: (\n{inner_pad}{inner}\n{pad}) = {value}"


def annotated_union(alias: str, value: AnnotatedUnion) -> str:
    """The value of ``alias = Annotated[...]``, laid out as black splits it: on one line; else
    the union and the marker call on lines of their own; else each member on its own,
    ``| ``-led."""
    members, marker = value.members, value.marker
    marker_arguments, marker_mapping = list(value.marker_arguments), list(value.marker_mapping)
    nullable = value.nullable
    union = " | ".join(f"Annotated[{', '.join(items)}]" for items in members)
    mapping = "{" + ", ".join(f"{k}: {v}" for k, v in marker_mapping) + "}"
    one_line = f"Annotated[{union}, {marker}({', '.join([*marker_arguments, mapping])})]"
    if nullable:  # black splits ``Annotated[...] | None`` otherwise: it formats this one
        return f"{one_line} | None"
    if fits(f"{alias} = {one_line}"):
        return one_line
    if not fits(f"    {union},"):
        union = "\n    ".join(
            bracketed(
                ("| " if index else "") + "Annotated[",
                items,
                "]",
                4,
                "," if index == len(members) - 1 else "",
            )
            for index, items in enumerate(members)
        )
    call_text = call(
        marker, [*marker_arguments, dictionary(marker_mapping, 8, after=",")], 4, after=","
    )
    return f"Annotated[\n    {union},\n    {call_text},\n]"


def _union_members(annotation: str) -> list[str]:
    """The members of a top-level ``A | B | C`` annotation, as written; [] for anything else."""
    try:
        node = ast.parse(annotation, mode="eval").body
    except SyntaxError:
        return []
    members: list[ast.expr] = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        members.insert(0, node.right)
        node = node.left
    members.insert(0, node)
    if len(members) < 2:
        return []
    return [ast.get_source_segment(annotation, member) or "" for member in members]


# --------------------------------------------------------------------- expressions
@dataclass(frozen=True)
class Call:
    """``function(arguments)``: a typed view of a call that :func:`write` lays out."""

    function: str
    arguments: tuple[Argument, ...] = ()


@dataclass(frozen=True)
class Keyword:
    """``name=value``, an argument of a :class:`Call`."""

    name: str
    value: Expression


@dataclass(frozen=True)
class Display:
    """A ``tuple``, ``set`` or ``dict`` display; a dict's items are (key, value) pairs."""

    kind: Literal["tuple", "set", "dict"]
    items: tuple[Any, ...]


@dataclass(frozen=True)
class AnnotatedUnion:
    """``Annotated[M1 | M2, marker(args, {k: v})]`` (``| None`` if ``nullable``), each member
    ``Annotated[...]`` of its own ``members`` items: a discriminated union's alias."""

    members: tuple[tuple[str, ...], ...]
    marker: str
    marker_arguments: tuple[str, ...]
    marker_mapping: tuple[tuple[str, str], ...]
    nullable: bool


# Source text (a name, a number, a literal already written) is an expression as it is.
Expression = str | Call | Display
Argument = Expression | Keyword


def literal(value: Any) -> Expression:
    """A JSON-like value as an expression: tuples and dicts as displays that :func:`write`
    splits when they do not fit, anything else as :func:`black_repr` writes it."""
    if isinstance(value, tuple):
        return Display("tuple", tuple(literal(item) for item in value))
    if isinstance(value, dict) and value:
        return Display("dict", tuple((literal(k), literal(v)) for k, v in value.items()))
    return black_repr(value)


def write(expression: Argument, indent: int, prefix: str = "", after: str = "") -> str:
    """``expression`` starting at column ``indent`` after ``prefix`` (``x = ``), followed by
    ``after`` (``,``), split as black splits it: on one line if it fits, else one argument
    or item a line, each laid out the same way one level further in."""
    if isinstance(expression, Keyword):
        return write(expression.value, indent, f"{prefix}{expression.name}=", after)
    if isinstance(expression, str):
        return prefix + expression
    inner = indent + 4
    if isinstance(expression, Call):
        arguments = [write(argument, inner, after=",") for argument in expression.arguments]
        return call(expression.function, arguments, indent, prefix, after)
    if expression.kind == "dict":
        items = []
        for key, value in expression.items:
            written_key = write(key, inner)
            items.append(write(value, inner, f"{written_key}: ", ","))
        return bracketed(f"{prefix}{{", items, "}", indent, after)
    items = [write(item, inner, after=",") for item in expression.items]
    if expression.kind == "set":
        return set_of(items, indent, prefix, after)
    return tuple_of(items, indent, prefix, after)


def assign(target: str, expression: Expression | AnnotatedUnion, indent: int) -> str:
    """``target = expression`` at ``indent``, as black lays out an assignment."""
    if isinstance(expression, AnnotatedUnion):
        return f"{target} = {annotated_union(target, expression)}"
    if isinstance(expression, Call):
        return assigned_call(
            target,
            expression.function,
            lambda column: [write(a, column, after=",") for a in expression.arguments],
            indent,
        )
    return write(expression, indent, f"{target} = ")


# --------------------------------------------------------------------- literals
def black_repr(value: Any) -> str:
    """A Python literal as black writes it: strings in double quotes unless that would add
    escapes, containers on one line (``pyliteral`` lays them out one item a line)."""
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
    return black_repr(value)


# Control characters but tab and newline, and what str.splitlines() also breaks lines at
# (tools that re-indent docstrings split them so).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def escape_controls(text: str) -> str:
    """Control characters (but tab and newline) and line separators as ``\\x..``/``\\u....``."""

    def escape(found: re.Match[str]) -> str:
        code = ord(found.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(escape, text)


def doc_escape(text: str) -> str:
    """Text safe inside a triple-quoted Python string: backslashes, quotes and control
    characters (a NUL byte would make the module uncompilable) are escaped."""
    text = escape_controls(text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"'))
    return text + " " if text.endswith('"') else text


# --------------------------------------------------------------------- docstrings
DOC_WIDTH = 92  # docstring text stops here, short of the line length


def wrap_paragraphs(text: str, indent: int) -> list[str]:
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
    ``break_on_hyphens`` off, for text with single spaces only: each line is cut at the last
    space that fits, found by ``rfind``, instead of measuring word by word."""
    lines: list[str] = []
    start, limit, end = 0, width, len(flat)
    while end - start > limit:
        cut = flat.rfind(" ", start, start + max(limit, 0) + 1)
        if cut <= start:  # the first word alone is longer than a line
            cut = flat.find(" ", start + 1)
            if cut < 0:
                break
        lines.append(flat[start:cut] if not lines else subsequent_indent + flat[start:cut])
        start, limit = cut + 1, width - len(subsequent_indent)
    lines.append(flat[start:] if not lines else subsequent_indent + flat[start:])
    return lines


def docstring(sections: Iterable[str | list[str]], indent: int) -> str:
    """The inside of a triple-quoted docstring at ``indent``: sections are paragraphs (str,
    wrapped) or pre-laid lines (list), separated by blank lines."""
    out: list[str] = []
    for section in sections:
        lines = wrap_paragraphs(section, indent) if isinstance(section, str) else section
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


def docstring_item(name: str, text: str, indent: int, step: int = 4) -> list[str]:
    """One ``name: text`` entry of an Args/Raises list, continuation lines indented."""
    flat = " ".join(text.split())
    wrapped = wrap_words(
        f"{name}: {flat}" if flat else f"{name}:", DOC_WIDTH - indent - step, " " * step
    )
    return [" " * step + line for line in wrapped]


# --------------------------------------------------------------------- imports
# Generated modules pass ``ruff check`` with its default rules, whose isort wraps imports at
# 88 columns (black then keeps them: a wrapped import ends with a magic trailing comma).
ISORT_LINE_LENGTH = 88


def _type_rank(name: str) -> int:
    """isort's ``order-by-type``: CONSTANTS (0), then Classes (1), then everything else."""
    return 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2


def isort_key(name: str) -> tuple[int, str, str]:
    """isort's key of an imported name: by type, then case-insensitively."""
    bare = name.split(" as ", 1)[0].strip()
    return _type_rank(bare), bare.lower(), bare


def isort_names(names: Any) -> list[str]:
    """Names (``__all__`` entries, imported names) in isort order, duplicates dropped."""
    return sorted(dict.fromkeys(names), key=isort_key)


def sort_all(names: Any) -> list[str]:
    """``__all__`` entries as ruff's RUF022 wants them: isort-style, case-sensitive."""
    return sorted(dict.fromkeys(names), key=lambda name: (_type_rank(name), name))


def from_import(module: str, names: Any, indent: int = 0) -> str:
    """``from module import a, b`` in isort order, wrapped one name a line past 88 columns."""
    ordered = isort_names(names)
    pad = " " * indent
    line = f"{pad}from {module} import {', '.join(ordered)}"
    if len(line) <= ISORT_LINE_LENGTH:
        return line
    inner = "".join(f"{pad}    {name},\n" for name in ordered)
    return f"{pad}from {module} import (\n{inner}{pad})"


STANDARD_LIBRARY = frozenset({"collections.abc", "datetime", "enum", "functools", "typing"})


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
                froms[2].append((module_key(package), from_import(package, [f"{name} as {alias}"])))
            else:
                plain[0].append(((module,), f"import {module} as {alias}"))
        for module, names in self.modules.items():
            if names:
                group = 0 if module in STANDARD_LIBRARY else 2 if module.startswith(".") else 1
                froms[group].append((module_key(module), from_import(module, names)))
        for module, names in self.models.items():
            if names:
                full = models_prefix + module
                froms[2].append((module_key(full), from_import(full, names)))
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


def module_key(module: str) -> tuple[int, str]:
    """isort order of ``from`` modules: furthest relative first (``..x`` before ``.y``)."""
    dots = len(module) - len(module.lstrip("."))
    return -dots, module.lstrip(".").lower()
