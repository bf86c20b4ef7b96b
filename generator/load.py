"""Read a YAML spec into plain Python data, remembering where every node came from.

Problems found later (validation, model building) are reported as ``file:line:column``;
the loader is the only stage that sees YAML nodes, so it records a location for every JSON
pointer here, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml's C loader is several times faster; the pure-Python one gives the same data.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class SpecLoadError(Exception):
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


def _mark(node: yaml.Node) -> Location:
    return Location(node.start_mark.line + 1, node.start_mark.column + 1)


def _record_locations(root: yaml.Node) -> dict[str, Location]:
    """Walk the node tree iteratively (specs nest deeply; aliases may repeat subtrees)."""
    locations: dict[str, Location] = {"": _mark(root)}
    stack: list[tuple[yaml.Node, str, int]] = [(root, "", 0)]
    while stack:
        node, pointer, depth = stack.pop()
        if depth > 200:  # an alias cycle; the data constructor reports it if it matters
            continue
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = pointer_join(pointer, getattr(key_node, "value", ""))
                locations.setdefault(child, _mark(key_node))
                stack.append((value_node, child, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = pointer_join(pointer, index)
                locations.setdefault(child, _mark(item))
                stack.append((item, child, depth + 1))
    return locations


def parse_spec_text(text: str, path: Path, display_path: str | None = None) -> LoadedSpec:
    shown = display_path or str(path)
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                raise SpecLoadError(f"{shown}:1:1: the file is empty; expected an OpenAPI document")
            data = loader.construct_document(root)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SpecLoadError(f"{shown}:{line}:{column}: YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise SpecLoadError(f"{shown}: YAML error: {exc}") from None
    except RecursionError:
        raise SpecLoadError(f"{shown}: YAML nesting is too deep to read") from None
    if not isinstance(data, dict):
        raise SpecLoadError(
            f"{shown}:1:1: expected a mapping at the top level of an OpenAPI document, "
            f"found {type(data).__name__}"
        )
    return LoadedSpec(path=path, data=data, locations=_record_locations(root), display_path=shown)


def load_spec(path: Path | str, display_path: str | None = None) -> LoadedSpec:
    """Read and parse ``path``; every failure is a :class:`SpecLoadError` with a clear message."""
    path = Path(path)
    shown = display_path or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecLoadError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise SpecLoadError(f"{shown}: is a directory, expected a YAML file") from None
    except PermissionError:
        raise SpecLoadError(f"{shown}: permission denied") from None
    except UnicodeDecodeError as exc:
        raise SpecLoadError(f"{shown}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise SpecLoadError(f"{shown}: cannot read: {exc.strerror}") from None
    return parse_spec_text(text, path, shown)
