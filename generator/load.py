"""Read a YAML spec into plain Python data, remembering where every node came from.

Problems found later (validation, model building) are reported as ``file:line:column``;
the loader is the only stage that sees YAML nodes, so it records a location for every JSON
pointer here, once.
"""

from __future__ import annotations

import gc
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import AtlasgenError

try:  # libyaml's C loader is several times faster; the pure-Python one gives the same data.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

# Deeper than any OpenAPI document needs, shallow enough for every recursive stage after us.
MAX_DEPTH = 200
# YAML aliases may repeat a subtree; a document whose aliases expand past this many nodes per
# node written (plus a fixed allowance) is refused: a "billion laughs" would expand forever.
_EXPANSION_FACTOR = 10
_EXPANSION_ALLOWANCE = 100_000


class SpecLoadError(AtlasgenError):
    """The spec cannot be read or parsed; the message names the file and position."""


@dataclass(frozen=True)
class Location:
    line: int
    column: int


@dataclass(frozen=True)
class LoadedSpec:
    """A parsed spec: its data, its file, and the position of every JSON pointer in it."""

    path: Path
    data: dict[str, Any]
    locations: dict[str, Location]
    display_path: str

    def locate(self, pointer: str) -> Location:
        """Position of ``pointer``, or of its nearest ancestor that has one."""
        while pointer:
            found = self.locations.get(pointer)
            if found is not None:
                return found
            pointer = pointer.rsplit("/", 1)[0]
        return self.locations.get("", Location(1, 1))

    def where(self, pointer: str) -> str:
        """``file:line:column`` of ``pointer``."""
        loc = self.locate(pointer)
        return f"{self.display_path}:{loc.line}:{loc.column}"


def escape_pointer_token(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_pointer_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def pointer_join(pointer: str, *tokens: object) -> str:
    return pointer + "".join("/" + escape_pointer_token(t) for t in tokens)


class PointerError(LookupError):
    """A JSON pointer names nothing; ``walked`` is the deepest part that exists."""

    def __init__(self, walked: str, key: str) -> None:
        super().__init__(f"{walked or '/'} has no {key!r}")
        self.walked, self.key = walked, key


def follow_pointer(data: Any, pointer: str) -> Any:
    """The value ``pointer`` (RFC 6901, e.g. ``/components/schemas/X``) names in ``data``."""
    target = data
    walked = ""
    for token in pointer.split("/")[1:]:
        key = unescape_pointer_token(token)
        if isinstance(target, dict) and key in target:
            target = target[key]
        elif isinstance(target, list) and key.isdigit() and int(key) < len(target):
            target = target[int(key)]
        else:
            raise PointerError(walked, key)
        walked += "/" + token
    return target


def _mark(node: yaml.Node) -> Location:
    return Location(node.start_mark.line + 1, node.start_mark.column + 1)


# YAML 1.2's core schema, the one JSON and OpenAPI 3 mean (PyYAML knows only YAML 1.1): these
# plain scalars are null, booleans, integers and floats; every other plain scalar is a string.
# So ``3e+06`` is a number, and ``yes``, ``no``, ``on``, ``off``, ``1_000``, ``0b1``, ``12:30``
# and ``2024-01-01`` are strings (a date is the string JSON Schema's ``format: date`` checks).
_CORE_SCHEMA: tuple[tuple[str, str, str], ...] = (
    ("tag:yaml.org,2002:null", r"~|null|Null|NULL", "~nN"),
    ("tag:yaml.org,2002:bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("tag:yaml.org,2002:int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        (
            r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
        ),
        "-+.0123456789",
    ),
    ("tag:yaml.org,2002:merge", r"<<", "<"),  # not YAML 1.2, but harmless and still written
)


def _core_schema_resolvers() -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    """PyYAML's table of implicit resolvers (first character -> (tag, pattern)) for
    :data:`_CORE_SCHEMA`; the order of the table is the order of the checks."""
    table: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, first_characters in _CORE_SCHEMA:
        compiled = re.compile(f"(?:{pattern})\\Z")
        for first in first_characters:
            table.setdefault(first, []).append((tag, compiled))
    table[""] = [("tag:yaml.org,2002:null", re.compile(""))]
    return table


class _Refused(Exception):
    """A node the loader will not read (the message says why); raised with the node's mark."""

    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.node, self.message = node, message


class _TooDeep(_Refused):
    def __init__(self, node: yaml.Node) -> None:
        super().__init__(node, f"YAML nesting is deeper than {MAX_DEPTH} levels")


class _Loader(_BaseLoader):
    """libyaml's parser with the YAML 1.2 core schema, guarded against what a spec must not be.

    - Nesting: libyaml's composer recurses in C once per level and kills the interpreter
      (SIGSEGV) a few ten thousand levels down. The composer calls ``descend_resolver`` /
      ``ascend_resolver`` around every node; the safe loader has no path resolvers, so counting
      depth there changes nothing else.
    - A key written twice in one mapping (YAML and JSON say keys are unique; PyYAML would keep
      the last silently).
    - An integer too long for Python to read (more than ``sys.get_int_max_str_digits()``).
    """

    yaml_implicit_resolvers = _core_schema_resolvers()

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.nodes = 0

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        self.depth += 1
        self.nodes += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep(current_node)

    def ascend_resolver(self) -> None:
        self.depth -= 1

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        keys = [key.value for key, _ in node.value if key.__class__ is yaml.ScalarNode]
        if len(set(keys)) != len(keys):
            _refuse_duplicate_key(node)
        super().flatten_mapping(node)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        """YAML 1.2 integers: ``0o17`` is octal, ``017`` is decimal 17."""
        text = str(self.construct_scalar(node))
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        base = {"0o": 8, "0x": 16}.get(digits[:2], 10)
        try:
            return sign * int(digits[2:] if base != 10 else digits, base)
        except ValueError:
            if len(digits) <= sys.get_int_max_str_digits():
                raise _Refused(node, f"{text!r} is not an integer") from None
            raise _Refused(
                node,
                f"the integer {text[:12]}... has {len(digits)} digits; Python reads at most "
                f"{sys.get_int_max_str_digits()}",
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _refuse_duplicate_key(node: yaml.MappingNode) -> None:
    """Raise :class:`_Refused` at the second occurrence of a key of ``node``."""
    first_seen: dict[object, yaml.Node] = {}
    for key, _ in node.value:
        if key.__class__ is not yaml.ScalarNode or key.tag == "tag:yaml.org,2002:merge":
            continue
        if key.value in first_seen:
            line = first_seen[key.value].start_mark.line + 1
            raise _Refused(key, f"duplicate key {key.value!r} (first written on line {line})")
        first_seen[key.value] = key


def _record_locations(root: yaml.Node, budget: int, shown: str) -> dict[str, Location]:
    """Walk the node tree iteratively, recording where every JSON pointer starts.

    Aliases repeat subtrees (each repetition gets its own pointers), so the walk is bounded
    by ``budget`` nodes and by :data:`MAX_DEPTH`, which only aliases can exceed here.
    """
    locations: dict[str, Location] = {"": _mark(root)}
    stack: list[tuple[yaml.Node, str, int]] = [(root, "", 0)]
    mapping, sequence = yaml.MappingNode, yaml.SequenceNode
    walked = 0
    while stack:
        node, pointer, depth = stack.pop()
        if depth > MAX_DEPTH:
            mark = _mark(node)
            raise SpecLoadError(
                f"{shown}:{mark.line}:{mark.column}: YAML aliases nest deeper than {MAX_DEPTH} "
                f"levels (an alias inside the node it refers to?)"
            )
        children = node.value
        if node.__class__ is mapping or isinstance(node, mapping):
            walked += len(children)
            for key_node, value_node in children:
                token = key_node.value if isinstance(key_node.value, str) else ""
                if "~" in token or "/" in token:
                    token = escape_pointer_token(token)
                child = f"{pointer}/{token}"
                if child not in locations:
                    start = key_node.start_mark
                    locations[child] = Location(start.line + 1, start.column + 1)
                stack.append((value_node, child, depth + 1))
        elif node.__class__ is sequence or isinstance(node, sequence):
            walked += len(children)
            for index, item in enumerate(children):
                child = f"{pointer}/{index}"
                if child not in locations:
                    start = item.start_mark
                    locations[child] = Location(start.line + 1, start.column + 1)
                stack.append((item, child, depth + 1))
        if walked > budget:
            raise SpecLoadError(
                f"{shown}:1:1: YAML aliases expand to more than {budget} nodes; "
                f"write the repeated parts out or use $ref"
            )
    return locations


def parse_spec_text(text: str, path: Path, display_path: str | None = None) -> LoadedSpec:
    shown = display_path or str(path)
    # Parsing allocates a few hundred thousand objects and frees none of them: the cyclic
    # garbage collector would rescan the growing heap many times over for nothing (it
    # doubles the time of a large spec). Reference counting still frees what is dropped.
    collecting = gc.isenabled()
    gc.disable()
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                raise SpecLoadError(f"{shown}:1:1: the file is empty; expected an OpenAPI document")
            data = loader.construct_document(root)
        finally:
            loader.dispose()
        if not isinstance(data, dict):
            raise SpecLoadError(
                f"{shown}:1:1: expected a mapping at the top level of an OpenAPI document, "
                f"found {type(data).__name__}"
            )
        budget = _EXPANSION_FACTOR * loader.nodes + _EXPANSION_ALLOWANCE
        locations = _record_locations(root, budget, shown)
    except _Refused as exc:
        at = _mark(exc.node)
        raise SpecLoadError(f"{shown}:{at.line}:{at.column}: {exc.message}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise SpecLoadError(f"{shown}:{line}:{column}: YAML syntax error: {problem}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, ESC...)
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise SpecLoadError(
            f"{shown}:{line}:{column}: YAML syntax error: unacceptable character #x{code:04x}: {exc.reason}"
        ) from None
    except yaml.YAMLError as exc:
        raise SpecLoadError(f"{shown}: YAML error: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise SpecLoadError(f"{shown}: YAML nesting is too deep to read") from None
    finally:
        if collecting:
            gc.enable()
    return LoadedSpec(path=path, data=data, locations=locations, display_path=shown)


def load_spec(path: Path | str, display_path: str | None = None) -> LoadedSpec:
    """Read and parse ``path``; every failure is a :class:`SpecLoadError` with a clear message."""
    path = Path(path)
    shown = display_path or str(path)
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise SpecLoadError(f"{shown}: is a directory, expected a YAML file")
        if not stat.S_ISREG(mode):  # reading a FIFO or a terminal would wait for ever
            raise SpecLoadError(
                f"{shown}: not a regular file (a pipe, socket or device), expected a YAML file"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecLoadError(f"{shown}: no such file") from None
    except PermissionError:
        raise SpecLoadError(f"{shown}: permission denied") from None
    except UnicodeDecodeError as exc:
        raise SpecLoadError(f"{shown}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise SpecLoadError(f"{shown}: cannot read: {exc.strerror}") from None
    return parse_spec_text(text, path, shown)
