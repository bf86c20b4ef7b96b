"""Python source laid out as black lays it out, so that formatting the output is a check.

A bracketed list of items goes on one line when that line fits, and otherwise one item a
line with a trailing comma, which black keeps as it is (a "magic trailing comma"). Black
would sometimes have chosen another split of a line that does not fit; the exploded form
is one it leaves alone, which is what matters: ``ruff format --check`` then passes the
file and black never has to run on it (see generator/format.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
