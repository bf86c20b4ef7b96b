"""Mutations of valid specs, and the contract every run of the generator must keep.

The contract, for any input at all:

- exit 0, with an output in which every Python file compiles and the package imports; or
- exit 1, with stderr made only of one-line messages (``atlasgen: ...``, ``N error(s):``,
  and one ``  file:line:column: rule-id: message`` line per problem), and the output
  directory exactly as it was (no partial tree, no staging directory left beside it);
- never exit 70 (an internal error), never a traceback, never another exit code.

Strategies start from two valid specs (the shipped one and a small synthetic Atlas-shaped
one from ``bench/scale/synth.py``) and apply one to three mutations: drop or retype a node,
hostile strings (CJK, Korean, Portuguese, emoji, quotes of every kind, template syntax,
``</script>``, table pipes, control characters, huge), dangling and circular ``$ref``, and
names that collide once turned into Python (snake_case twins, keywords, reserved names).
"""

from __future__ import annotations

import ast
import copy
import hashlib
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, settings
from hypothesis import note as _note
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_SPEC = ROOT / "specs" / "atlas-admin.yaml"

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]


class _NoAliasDumper(_Dumper):  # type: ignore[misc, valid-type]
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(spec: Any) -> str:
    return yaml.dump(spec, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=1000)


def _synth() -> Any:
    location = ROOT / "bench" / "scale" / "synth.py"
    spec = importlib.util.spec_from_file_location("atlasgen_bench_synth", location)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def base_specs() -> dict[str, dict[str, Any]]:
    """The valid starting points, by name."""
    return {
        "shipped": yaml.safe_load(SHIPPED_SPEC.read_text(encoding="utf-8")),
        "synthetic": _synth().build_spec(12),
    }


BASES = base_specs()

# --------------------------------------------------------------------------- hostile text
NASTY_STRINGS = (
    '"""',
    "'''",
    '"',
    "'",
    "\\",
    "\\\\",
    '\\"""',
    'ends with a quote"',
    "ends with a backslash\\",
    "{{ x }}",
    "{{",
    "}}",
    "{% if x %}",
    "{% endraw %}",
    "{#",
    "#}",
    "${x}",
    "%s %(x)s",
    "</script><script>alert(1)</script>",
    "<!-- x -->",
    "<b>bold</b>",
    "*/",
    "/*",
    "`",
    "```",
    "~~~",
    "| a | b |\n| --- | --- |",
    "a | b",
    "\\|",
    "[link](javascript:alert(1))",
    "创建由唯一ID标识的新日志集成配置。",
    "用于标识项目的唯一 24-十六进制数字字符串。",
    "데이터베이스 액세스 기록을 반환합니다.",
    "프로젝트 소유자 역할이 필요합니다",
    "Retorna a configuração de auditoria; ação não é possível — você já está aqui.",
    "🚀",
    "👍🏽",
    "🏳️‍🌈",
    "\u200b",
    "\u200e",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\x85",
    "\t",
    "\r\n",
    "\n\n",
    "\x00",
    "\x01",
    "\x1b[31m",
    "\x7f",
    "# not a comment",
    "-- x",
    "@decorator",
    "lambda: 0",
    "__import__('os')",
    "0x1F",
    "1e309",
    "-0",
    "None",
    "True",
    "null",
    "~",
    "yes",
    "no",
    "on",
    "",
    " ",
    "  leading and trailing  ",
)
PYTHON_NAMES = (
    "class",
    "def",
    "from",
    "import",
    "return",
    "lambda",
    "async",
    "await",
    "None",
    "True",
    "False",
    "self",
    "cls",
    "body",
    "version",
    "timeout",
    "stream",
    "extra_headers",
    "extra_query",
    "list",
    "dict",
    "type",
    "id",
    "format",
    "json",
    "copy",
    "schema",
    "model_config",
    "model_fields",
    "__init__",
    "__class__",
    "_private",
    "123abc",
    "a-b",
    "a.b",
    "a b",
    "a/b",
    "a~b",
    "A",
    "a",
    "_",
)


def hostile_text() -> st.SearchStrategy[str]:
    pieces = st.sampled_from(NASTY_STRINGS)
    return st.one_of(
        pieces,
        st.lists(st.one_of(pieces, st.text(max_size=8)), min_size=2, max_size=6).map("".join),
        st.text(min_size=1, max_size=40),
        st.builds(lambda s, n: s * n, pieces.filter(bool), st.integers(50, 2_000)),  # huge
    )


def hostile_name() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(PYTHON_NAMES),
        st.sampled_from(NASTY_STRINGS),
        st.text(min_size=1, max_size=12),
    )


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(NASTY_STRINGS),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(
                st.sampled_from(("type", "$ref", "x", "properties", "items", "enum")),
                inner,
                max_size=3,
            ),
        ),
        max_leaves=6,
    )


# --------------------------------------------------------------------------- spec walking
Path_ = tuple[Any, ...]


def node_paths(spec: Any) -> list[Path_]:
    """Every path (tuple of keys and indexes) into ``spec``, root excluded, in a stable order."""
    found: list[Path_] = []
    stack: list[tuple[Any, Path_]] = [(spec, ())]
    while stack:
        node, path = stack.pop()
        if path:
            found.append(path)
        if isinstance(node, dict):
            stack.extend((value, (*path, key)) for key, value in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend(
                (value, (*path, index)) for index, value in reversed(list(enumerate(node)))
            )
    return found


def get(spec: Any, path: Path_) -> Any:
    for token in path:
        spec = spec[token]
    return spec


def pointer(path: Path_) -> str:
    return "/" + "/".join(str(t).replace("~", "~0").replace("/", "~1") for t in path)


def operations(spec: dict[str, Any]) -> list[Path_]:
    found = []
    for path, item in (spec.get("paths") or {}).items():
        if isinstance(item, dict):
            for method, op in item.items():
                if method in ("get", "put", "post", "delete", "patch") and isinstance(op, dict):
                    found.append(("paths", path, method))
    return found


def schema_names(spec: dict[str, Any]) -> list[str]:
    schemas = (spec.get("components") or {}).get("schemas") or {}
    return sorted(schemas) if isinstance(schemas, dict) else []


# --------------------------------------------------------------------------- mutations
Draw = Callable[[st.SearchStrategy[Any]], Any]


def _drop(draw: Draw, spec: dict[str, Any]) -> str:
    path = draw(st.sampled_from(node_paths(spec)))
    parent = get(spec, path[:-1])
    del parent[path[-1]]
    return f"drop {pointer(path)}"


def _retype(draw: Draw, spec: dict[str, Any]) -> str:
    path = draw(st.sampled_from(node_paths(spec)))
    old_type = type(get(spec, path))
    value = draw(json_values().filter(lambda v: type(v) is not old_type))
    get(spec, path[:-1])[path[-1]] = value
    return f"retype {pointer(path)} = {value!r:.80}"


def _text(draw: Draw, spec: dict[str, Any]) -> str:
    texts = [p for p in node_paths(spec) if isinstance(get(spec, p), str)]
    preferred = [
        p
        for p in texts
        if p[-1]
        in (
            "description",
            "summary",
            "title",
            "example",
            "pattern",
            "default",
            "name",
            "operationId",
            "x-sunset",
            "x-xgen-operation-id-override",
        )
    ]
    path = draw(st.sampled_from(preferred or texts))
    value = draw(hostile_text())
    get(spec, path[:-1])[path[-1]] = value
    return f"text {pointer(path)} = {value!r:.80}"


def _rename_key(draw: Draw, spec: dict[str, Any]) -> str:
    """A hostile key where names come from: properties, schemas, paths, tags, enums."""
    holders = [
        p
        for p in node_paths(spec)
        if p[-1] in ("properties", "schemas", "paths", "mapping", "content", "responses")
        and isinstance(get(spec, p), dict)
        and get(spec, p)
    ]
    path = draw(st.sampled_from(holders))
    holder = get(spec, path)
    old = draw(st.sampled_from(sorted(holder, key=str)))
    new = draw(hostile_name())
    if path[-1] == "paths":
        new = "/api/atlas/v2/" + new + "/{groupId}"
    holder[new] = holder.pop(old)
    return f"rename {pointer((*path, old))} -> {new!r:.80}"


BAD_REFS = (
    "#/components/schemas/DoesNotExist",
    "#/components/parameters/nope",
    "#/components/responses/nope",
    "#/components/schemas/",
    "#/",
    "#",
    "",
    "other.yaml#/components/schemas/X",
    "https://example.com/x.yaml",
    "#/paths/~1nope",
    "#/components/schemas/ApiError/properties/nope",
    "#components/schemas/ApiError",
    "#/components/schemas/Api%20Error",
    "#/info",
    "#/components/schemas/~2",
    "#/components/schemas/ApiError/required/9",
)


def _dangling_ref(draw: Draw, spec: dict[str, Any]) -> str:
    refs = [p for p in node_paths(spec) if p[-1] == "$ref"]
    dicts = [p for p in node_paths(spec) if isinstance(get(spec, p), dict)]
    target = draw(st.sampled_from(BAD_REFS))
    if refs and draw(st.booleans()):
        path = draw(st.sampled_from(refs))
        get(spec, path[:-1])["$ref"] = target
        return f"dangling {pointer(path)} = {target!r}"
    path = draw(st.sampled_from(dicts))
    get(spec, path[:-1])[path[-1]] = {"$ref": target}
    return f"dangling {pointer(path)} = {{$ref: {target!r}}}"


def _mapping(holder: dict[str, Any], key: str) -> dict[str, Any]:
    """``holder[key]``, replaced by an empty mapping if an earlier mutation retyped it."""
    value = holder.get(key)
    if not isinstance(value, dict):
        value = holder[key] = {}
    return value


def _circular_ref(draw: Draw, spec: dict[str, Any]) -> str:
    components = _mapping(spec, "components")
    schemas = _mapping(components, "schemas")
    names = sorted(schemas) or ["Loop"]
    a = draw(st.sampled_from(names))
    b = draw(st.sampled_from(names))
    form = draw(
        st.sampled_from(
            (
                "pair",
                "self",
                "allOf-self",
                "property-self",
                "items-self",
                "oneOf-self",
                "parameter-self",
                "response-self",
            )
        )
    )
    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}
    if form == "pair":
        schemas[a], schemas[b] = ref(b), ref(a)
    elif form == "self":
        schemas[a] = ref(a)
    elif form == "allOf-self":
        schemas[a] = {
            "allOf": [ref(a), {"type": "object", "properties": {"x": {"type": "string"}}}]
        }
    elif form == "property-self":  # legitimate recursion (a tree)
        schemas[a] = {
            "type": "object",
            "properties": {"child": ref(a), "children": {"type": "array", "items": ref(a)}},
        }
    elif form == "items-self":
        schemas[a] = {"type": "array", "items": ref(a)}
    elif form == "oneOf-self":
        schemas[a] = {
            "oneOf": [ref(a), ref(b)],
            "discriminator": {
                "propertyName": "type",
                "mapping": {"x": f"#/components/schemas/{a}"},
            },
        }
    elif form == "parameter-self":
        params = _mapping(components, "parameters")
        name = draw(st.sampled_from(sorted(params) or ["loop"]))
        params[name] = {"$ref": f"#/components/parameters/{name}"}
        return f"circular parameter {name}"
    else:
        responses = _mapping(components, "responses")
        name = draw(st.sampled_from(sorted(responses) or ["loop"]))
        responses[name] = {"$ref": f"#/components/responses/{name}"}
        return f"circular response {name}"
    return f"circular {form} {a} {b}"


def _twins(name: str) -> list[str]:
    """Spellings that a snake_case/PascalCase/kebab-case naming rule maps to ``name``'s."""
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+", name) or [
        "x"
    ]
    lower = [w.lower() for w in words]
    return [
        "_".join(lower),
        "-".join(lower),
        " ".join(lower),
        "".join(w.capitalize() for w in lower),
        lower[0] + "".join(w.capitalize() for w in lower[1:]),
        "_".join(lower).upper(),
        name + "_",
        "_" + name,
        ".".join(lower),
        name,
    ]


def _collide(draw: Draw, spec: dict[str, Any]) -> str:
    form = draw(
        st.sampled_from(
            ("operation", "operation-keyword", "schema", "parameter", "property", "tag", "enum")
        )
    )
    ops = operations(spec)
    if form.startswith("operation") and ops:
        path = draw(st.sampled_from(ops))
        op = copy.deepcopy(get(spec, path))
        original = str(op.get("operationId", "op"))
        new_id = (
            draw(st.sampled_from(_twins(original)))
            if form == "operation"
            else draw(st.sampled_from(PYTHON_NAMES))
        )
        op["operationId"] = new_id
        new_path = path[1].rstrip("/") + "/twin"
        _mapping(_mapping(spec, "paths"), new_path)[path[2]] = op
        return f"collide {form} {original!r} ~ {new_id!r} at {new_path}"
    if form == "schema" and schema_names(spec):
        name = draw(st.sampled_from(schema_names(spec)))
        twin = draw(st.sampled_from(_twins(name)))
        schemas = _mapping(_mapping(spec, "components"), "schemas")
        schemas[twin] = copy.deepcopy(schemas[name])
        if ops:  # make the twin used, not only declared
            path = draw(st.sampled_from(ops))
            responses = get(spec, path).get("responses")
            if isinstance(responses, dict):  # an earlier mutation may have retyped it
                responses["299"] = {
                    "description": "twin",
                    "content": {
                        "application/vnd.atlas.2024-05-30+json": {
                            "schema": {"$ref": f"#/components/schemas/{twin}"}
                        }
                    },
                }
        return f"collide schema {name!r} ~ {twin!r}"
    if form == "parameter" and ops:
        path = draw(st.sampled_from(ops))
        op = get(spec, path)
        params = op.setdefault("parameters", [])
        if not isinstance(params, list):
            return "collide parameter: skipped (parameters not a list)"
        existing = [
            p.get("name") for p in params if isinstance(p, dict) and isinstance(p.get("name"), str)
        ]
        name = (
            draw(st.sampled_from([t for e in existing for t in _twins(e)] + list(PYTHON_NAMES)))
            if existing
            else draw(st.sampled_from(PYTHON_NAMES))
        )
        location = draw(st.sampled_from(("query", "header")))
        params.append(
            {"name": name, "in": location, "description": "twin", "schema": {"type": "string"}}
        )
        return f"collide parameter {name!r} in {location} of {pointer(path)}"
    if form == "property":
        objects = [
            p
            for p in node_paths(spec)
            if p[-1] == "properties" and isinstance(get(spec, p), dict) and get(spec, p)
        ]
        if objects:
            path = draw(st.sampled_from(objects))
            props = get(spec, path)
            existing = draw(st.sampled_from(sorted(props, key=str)))
            name = draw(st.sampled_from(_twins(str(existing)) + list(PYTHON_NAMES)))
            props[name] = {"type": "string", "description": "twin"}
            return f"collide property {existing!r} ~ {name!r} at {pointer(path)}"
    if form == "tag" and ops:
        path = draw(st.sampled_from(ops))
        op = get(spec, path)
        tags = (
            op.get("tags") if isinstance(op.get("tags"), list) and op.get("tags") else ["Default"]
        )
        twin = draw(
            st.sampled_from(
                _twins(str(tags[0])) + [str(tags[0]).lower(), str(tags[0]).upper(), "class", "None"]
            )
        )
        op["tags"] = [twin]
        return f"collide tag {tags[0]!r} ~ {twin!r}"
    if form == "enum":
        enums = [p for p in node_paths(spec) if p[-1] == "enum" and isinstance(get(spec, p), list)]
        if enums:
            path = draw(st.sampled_from(enums))
            values = draw(
                st.lists(
                    st.sampled_from(
                        [
                            "a-b",
                            "a_b",
                            "A B",
                            "a b",
                            "",
                            " ",
                            "1",
                            1,
                            1.5,
                            True,
                            None,
                            "class",
                            "None",
                            "MONGOD",
                            "mongod",
                            "🚀",
                        ]
                    ),
                    min_size=1,
                    max_size=6,
                )
            )
            get(spec, path[:-1])["enum"] = values
            return f"collide enum {pointer(path)} = {values!r}"
    return f"collide {form}: nothing to collide with"


def _int_status(draw: Draw, spec: dict[str, Any]) -> str:
    """Unquoted status codes (YAML integers), ranges and default."""
    ops = operations(spec)
    if not ops:
        return "int-status: no operations"
    path = draw(st.sampled_from(ops))
    responses = get(spec, path).get("responses")
    if not isinstance(responses, dict) or not responses:
        return "int-status: no responses"
    code = draw(st.sampled_from(sorted(responses, key=str)))
    new = draw(
        st.sampled_from(
            [int(code) if str(code).isdigit() else 200, "2XX", "default", "099", 600, "20O"]
        )
    )
    responses[new] = responses.pop(code)
    return f"status {code!r} -> {new!r} at {pointer(path)}"


MUTATIONS: dict[str, Callable[[Draw, dict[str, Any]], str]] = {
    "drop": _drop,
    "retype": _retype,
    "text": _text,
    "rename-key": _rename_key,
    "dangling-ref": _dangling_ref,
    "circular-ref": _circular_ref,
    "collide": _collide,
    "int-status": _int_status,
}


class Mutated:
    """A mutated spec: its base, the mutations applied, and the YAML text.

    A plain class, not a dataclass: hypothesis prints a falsifying example with this short
    ``repr`` (the whole spec is added as a note).
    """

    def __init__(self, base: str, steps: list[str], text: str) -> None:
        self.base, self.steps, self.text = base, steps, text

    def __repr__(self) -> str:
        return f"Mutated(base={self.base!r}, steps={self.steps!r}, yaml={len(self.text)} chars)"


@st.composite
def mutated_specs(
    draw: Draw, bases: tuple[str, ...] = ("shipped", "synthetic"), max_steps: int = 3
) -> Mutated:
    base = draw(st.sampled_from(bases))
    spec = copy.deepcopy(BASES[base])
    steps = []
    for _ in range(draw(st.integers(1, max_steps))):
        kind = draw(st.sampled_from(sorted(MUTATIONS)))
        if not isinstance(spec, dict) or not node_paths(spec):
            break
        steps.append(MUTATIONS[kind](draw, spec))
    return Mutated(base, steps, dump(spec))


@st.composite
def corrupted_yaml(draw: Draw) -> Mutated:
    """Text-level damage to a valid spec: truncation, stray characters, lost or doubled lines."""
    base = draw(st.sampled_from(("shipped", "synthetic")))
    text = SHIPPED_SPEC.read_text(encoding="utf-8") if base == "shipped" else dump(BASES[base])
    lines = text.splitlines(keepends=True)
    form = draw(
        st.sampled_from(
            (
                "truncate",
                "insert",
                "delete-line",
                "duplicate-line",
                "indent",
                "tab",
                "bom",
                "nul",
                "anchor",
            )
        )
    )
    at = draw(st.integers(0, len(lines) - 1))
    if form == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif form == "insert":
        position = draw(st.integers(0, len(text)))
        text = (
            text[:position]
            + draw(st.sampled_from(list(":-[]{}&*!|>'\"%@`#,?\t\\") + ["{{", "\ufeff", "\x00"]))
            + text[position:]
        )
    elif form == "delete-line":
        text = "".join(lines[:at] + lines[at + 1 :])
    elif form == "duplicate-line":  # often a duplicate key
        text = "".join(lines[: at + 1] + lines[at:])
    elif form == "indent":
        text = "".join(lines[:at] + [" " + lines[at]] + lines[at + 1 :])
    elif form == "tab":
        text = "".join(lines[:at] + ["\t" + lines[at].lstrip(" ")] + lines[at + 1 :])
    elif form == "bom":
        text = "\ufeff" + text
    elif form == "nul":
        text = text.replace("description: ", 'description: "\\0" #', 1)
    else:  # an anchor and an alias that repeats a subtree
        text = text.replace(
            "components:\n",
            "components:\n  x-shared: &shared\n    a: [1, 2, 3]\n  x-again: *shared\n",
            1,
        )
    return Mutated(base, [f"{form} at line {at + 1}"], text)


def note(text: str) -> None:
    """``hypothesis.note`` inside a hypothesis example, nothing outside one."""
    try:
        _note(text)
    except InvalidArgument:
        pass


# --------------------------------------------------------------------------- the contract
# Messages of atlasgen's own stages that mean it rendered something broken from a spec that
# passed validation (a template error, or Python that black cannot parse): a bug, not the spec's.
GENERATOR_FAULTS = ("black cannot format", "(while rendering ", "two templates write ")
_PROBLEM_LINE = re.compile(r"^  \S.*:\d+:\d+: [\w.\-/]+: \S.*$")
_COUNT_LINE = re.compile(r"^\d+ (error|warning)\(s\):$")


def stderr_problems(stderr: str, returncode: int) -> list[str]:
    """What is wrong with ``stderr`` of a run that exited ``returncode`` (empty: nothing)."""
    wrong = []
    if "Traceback" in stderr:
        wrong.append("a traceback on stderr")
    lines = stderr.splitlines()
    for line in lines:
        if not (
            line.startswith("atlasgen: ") or _COUNT_LINE.match(line) or _PROBLEM_LINE.match(line)
        ):
            wrong.append(f"not a one-line message: {line[:200]!r}")
            break
    if returncode == 1:
        if not lines or not lines[-1].startswith("atlasgen: "):
            wrong.append("exit 1 without a closing 'atlasgen: ...' line")
        if "internal error" in stderr:
            wrong.append("an internal error reported with exit 1")
        # exit 1 is for the spec's faults; these say the generator itself failed on it
        for symptom in GENERATOR_FAULTS:
            if symptom in stderr:
                wrong.append(f"the generator failed on its own output: {symptom!r}")
    return wrong


def _redefinitions(tree: ast.Module) -> list[str]:
    """Functions or classes defined twice in one module or class body: the second silently
    replaces the first (two operations whose names collide once made Python, say).
    ``@overload`` stubs and ``@x.setter``-style property parts are not redefinitions."""

    def plain(node: ast.AST) -> bool:
        for decorator in getattr(node, "decorator_list", []):
            name = ast.unparse(decorator)
            if name.endswith(("overload", ".setter", ".getter", ".deleter")):
                return False
        return True

    found = []
    for scope in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef))]:
        seen: set[str] = set()
        for node in scope.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and plain(
                node
            ):
                if node.name in seen:
                    where = scope.name if isinstance(scope, ast.ClassDef) else "module"
                    found.append(f"{node.name!r} defined twice in {where} (line {node.lineno})")
                seen.add(node.name)
    return found


def compile_problems(sources: dict[str, str]) -> list[str]:
    """Python files of an output that do not compile (``compile`` also catches what ``ast.parse``
    lets through: duplicate argument names, ``return`` outside a function, NUL bytes), or that
    define a function or class twice in one scope."""
    wrong = []
    for name, source in sorted(sources.items()):
        try:
            tree = compile(source, name, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
            compile(tree, name, "exec", dont_inherit=True)
            wrong.extend(f"{name}: {problem}" for problem in _redefinitions(tree))
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", None)
            excerpt = (
                source.splitlines()[line - 1][:160]
                if line and line <= len(source.splitlines())
                else ""
            )
            wrong.append(f"{name}:{line}: {type(exc).__name__}: {exc} :: {excerpt!r}")
    return wrong


class _AnyTagLoader(yaml.SafeLoader):
    """mkdocs.yml may carry ``!!python/name:`` tags: accept any tag, check only the syntax."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def text_problems(files: dict[str, bytes]) -> list[str]:
    """Generated text files that are not UTF-8, or TOML/JSON/YAML that does not parse."""
    wrong = []
    for name, content in sorted(files.items()):
        suffix = Path(name).suffix
        if suffix not in {
            ".toml",
            ".json",
            ".yml",
            ".yaml",
            ".py",
            ".md",
            ".cfg",
            ".typed",
            ".txt",
            ".html",
            ".css",
            ".js",
            "",
        }:
            continue
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            wrong.append(f"{name}: not UTF-8 ({exc})")
            continue
        try:
            if suffix == ".toml":
                tomllib.loads(text)
            elif suffix == ".json":
                json.loads(text)
            elif suffix in (".yml", ".yaml"):
                yaml.load(text, Loader=_AnyTagLoader)
        except (tomllib.TOMLDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
            wrong.append(f"{name}: does not parse: {' '.join(str(exc).split())[:300]}")
    return wrong


def tree(folder: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``folder`` (empty if it doesn't exist)."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def leftovers(out_dir: Path) -> list[str]:
    """Staging or retired trees ``write_tree`` left beside ``out_dir``."""
    return sorted(p.name for p in out_dir.parent.glob(f".{out_dir.name}.atlasgen-*"))


@contextmanager
def captured_cli() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    """stdout and stderr of an in-process ``main()``.

    ``atlasgen.__main__._Output`` binds ``sys.stdout``/``sys.stderr`` as default arguments
    when the module is imported, so redirecting ``sys.stderr`` alone misses its messages
    (see ``test_fuzz_regressions.py::test_cli_errors_follow_sys_stderr``); its defaults are
    pointed at the buffers too, for the length of the call.
    """
    from atlasgen import __main__ as cli

    out, err = io.StringIO(), io.StringIO()
    init = cli._Output.__init__
    saved = init.__defaults__
    if saved is not None and len(saved) == 2:
        init.__defaults__ = (out, err)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            yield out, err
    finally:
        init.__defaults__ = saved


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    from atlasgen.__main__ import main

    with captured_cli() as (out, err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def check_generate(mutated: Mutated, folder: Path, seed_tree: Path | None) -> tuple[int, Path]:
    """One ``atlasgen generate`` of ``mutated`` into ``folder/out``; returns (exit code, out)."""
    note(f"mutations: {mutated.steps}")
    note(f"spec:\n{mutated.text[:6000]}")
    spec = folder / "spec.yaml"
    spec.write_text(mutated.text, encoding="utf-8")
    out = folder / "out"
    if seed_tree is not None:
        shutil.copytree(seed_tree, out)
    before = tree(out)
    code, _, stderr = run_cli(["generate", "--spec", str(spec), "--out", str(out)])
    note(f"exit {code}; stderr:\n{stderr[:3000]}")
    assert code in (0, 1), f"exit {code} (70 is an internal error): {stderr[-2000:]}"
    wrong = stderr_problems(stderr, code)
    assert not wrong, "; ".join(wrong) + f"\n{stderr[-2000:]}"
    assert not leftovers(out), f"left beside the output: {leftovers(out)}"
    if code == 1:
        assert tree(out) == before, "a failed run changed the output directory"
        return code, out
    python = {
        p.relative_to(out).as_posix(): p.read_text(encoding="utf-8", errors="replace")
        for p in out.rglob("*.py")
    }
    broken = compile_problems(python)
    assert not broken, "generated Python that does not compile:\n" + "\n".join(broken[:5])
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    unparsable = text_problems(files)
    assert not unparsable, "generated files that do not parse:\n" + "\n".join(unparsable[:5])
    return code, out


# --------------------------------------------------------------------------- importing
_IMPORTER = textwrap.dedent("""
    import importlib, json, pkgutil, sys, traceback
    from pathlib import Path

    results = {}
    for folder in json.loads(sys.argv[1]):
        roots = sorted(
            p.parent for p in Path(folder).rglob("__init__.py")
            if not (p.parent.parent / "__init__.py").exists() and "__pycache__" not in p.parts
        )
        errors = []
        for root in roots:
            sys.path.insert(0, str(root.parent))
            try:
                package = importlib.import_module(root.name)
                for info in pkgutil.walk_packages(package.__path__, root.name + "."):
                    try:
                        importlib.import_module(info.name)
                    except BaseException as exc:
                        errors.append(f"{info.name}: {type(exc).__name__}: {exc}")
            except BaseException as exc:
                errors.append(f"{root.name}: {type(exc).__name__}: {exc}")
            finally:
                sys.path.remove(str(root.parent))
                for name in [m for m in sys.modules if m == root.name or m.startswith(root.name + ".")]:
                    del sys.modules[name]
        results[folder] = {"packages": [r.name for r in roots], "errors": errors}
    print(json.dumps(results))
    """)


def import_outputs(folders: list[Path], timeout: float = 600) -> dict[str, dict[str, Any]]:
    """Import every package under each folder, all in one fresh interpreter; errors by folder."""
    if not folders:
        return {}
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTER, json.dumps([str(f) for f in folders])],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=folders[0],
        check=False,
    )
    if done.returncode != 0:
        return {
            "(importer)": {
                "packages": [],
                "errors": [done.stderr.strip()[-2000:] or f"exit {done.returncode}"],
            }
        }
    result: dict[str, dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------- settings
# CI and a plain ``pytest tests/fuzz``: derandomized (the same examples every run, chosen
# from each test's name), no example database, no deadline. ``ATLASGEN_FUZZ_EXAMPLES`` asks
# for more examples (per in-memory test; the full generate-and-import test runs a twentieth),
# ``ATLASGEN_FUZZ_SEED`` for other ones. See README.md beside this file.
_SEED = os.environ.get("ATLASGEN_FUZZ_SEED")
SEED = int(_SEED) if _SEED is not None else None
FUZZ = settings(
    # No "explain" phase: it re-runs a failing example under sys.settrace, which turns one
    # render of a mutated spec into many minutes; the shrunk example and its note suffice.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    derandomize=SEED is None,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture,
    ],
)


def seeded(test: Any) -> Any:
    """``@hypothesis.seed(ATLASGEN_FUZZ_SEED)`` when that is set."""
    from hypothesis import seed

    return seed(SEED)(test) if SEED is not None else test


def examples(default: int, scale: float = 1.0) -> int:
    """Examples for one test: ``ATLASGEN_FUZZ_EXAMPLES`` (per cheap test) scaled, else ``default``."""
    configured = os.environ.get("ATLASGEN_FUZZ_EXAMPLES")
    if configured:
        return max(1, int(int(configured) * scale))
    return default
