"""Examples the fuzzing found or that it must never lose, pinned as plain tests.

Each goes through the full contract of ``test_fuzz_generate.py``: exit 0 with output that
compiles and imports, or exit 1 with one-line messages and the output untouched.
"""

from __future__ import annotations

import copy
import io
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

import pytest
from fuzzlib import BASES, ROOT, Mutated, _synth, check_generate, dump, import_outputs, run_cli


def spec_with(change: Any, base: str = "shipped") -> str:
    spec = copy.deepcopy(BASES[base])
    change(spec)
    return dump(spec)


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(spec: Any) -> None:
        for token in path[:-1]:
            spec = spec[token]
        spec[path[-1]] = value

    return change


def _drop(path: tuple[Any, ...]) -> Any:
    def change(spec: Any) -> None:
        for token in path[:-1]:
            spec = spec[token]
        del spec[path[-1]]

    return change


AUDIT = ("paths", "/api/atlas/v2/groups/{groupId}/auditLog", "get")
SCHEMAS = ("components", "schemas")
ACCESS_HISTORY_PARAMETERS = (
    "paths",
    "/api/atlas/v2/groups/{groupId}/dbAccessHistory/clusters/{clusterName}",
    "get",
    "parameters",
)


def _twin_operation(new_id: str, tag: str | None = None) -> Any:
    """A copy of getGroupAuditLog under another path, with ``new_id`` (and ``tag``)."""

    def change(spec: Any) -> None:
        op = copy.deepcopy(spec["paths"][AUDIT[1]]["get"])
        op["operationId"] = new_id
        if tag is not None:
            op["tags"] = [tag]
        spec["paths"]["/api/atlas/v2/groups/{groupId}/auditLog/twin"] = {"get": op}

    return change


def _twin_parameter(name: str) -> Any:
    def change(spec: Any) -> None:
        spec["paths"][AUDIT[1]]["get"]["parameters"].append(
            {"name": name, "in": "query", "description": "twin", "schema": {"type": "string"}}
        )

    return change


def _twin_property(name: str) -> Any:
    def change(spec: Any) -> None:
        spec["components"]["schemas"]["AuditLog"]["properties"][name] = {
            "type": "string",
            "description": "twin",
        }

    return change


def _circular_pair(spec: Any) -> None:
    spec["components"]["schemas"]["AuditLog"] = {"$ref": "#/components/schemas/FieldViolation"}
    spec["components"]["schemas"]["FieldViolation"] = {"$ref": "#/components/schemas/AuditLog"}


def _self_all_of(spec: Any) -> None:
    spec["components"]["schemas"]["AuditLog"] = {
        "allOf": [
            {"$ref": "#/components/schemas/AuditLog"},
            {"type": "object", "properties": {"x": {"type": "string"}}},
        ]
    }


def _loop_alias(spec: Any) -> None:
    spec["components"]["schemas"]["Loop"] = {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Loop"},
    }
    spec["components"]["schemas"]["AuditLog"]["properties"]["children"] = {
        "$ref": "#/components/schemas/Loop"
    }


def _nested_arrays(depth: int) -> Any:
    def change(spec: Any) -> None:
        node: dict[str, Any] = {"type": "string"}
        for _ in range(depth):
            node = {"type": "array", "items": node}
        spec["components"]["schemas"]["AuditLog"]["properties"]["deep"] = node

    return change


SHIPPED_TEXT = (ROOT / "specs" / "atlas-admin.yaml").read_text(encoding="utf-8")
DESCRIPTION = "Returns the auditing configuration for the specified project."

CASES: dict[str, str] = {
    # YAML that used to crash the interpreter (SIGSEGV in libyaml's recursive composer)
    "yaml-flow-nesting-100k": "openapi: 3.0.1\ninfo: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "yaml-unterminated-nesting": "openapi: 3.0.1\ninfo: " + "{a: " * 50_000 + "\n",
    # aliases that expand without end
    "yaml-billion-laughs": "\n".join(
        ["openapi: 3.0.1", "x0: &x0 [a, a, a, a, a, a, a, a, a, a]"]
        + [f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 10) + "]" for i in range(1, 9)]
    )
    + "\n",
    "yaml-recursive-alias": SHIPPED_TEXT.replace(
        "components:\n", "components:\n  x-loop: &loop [1, *loop]\n", 1
    ),
    "yaml-anchors-reused": SHIPPED_TEXT.replace(
        "components:\n", "components:\n  x-a: &a {k: v}\n  x-b: *a\n", 1
    ),
    "yaml-nul-character": "\x00" + SHIPPED_TEXT,
    "yaml-escape-character": SHIPPED_TEXT.replace("title: MongoDB", "title: Mongo\x1bDB", 1),
    "yaml-duplicate-key": SHIPPED_TEXT.replace(
        "  /api/atlas/v2/groups/{groupId}/auditLog:\n",
        "  /api/atlas/v2/groups/{groupId}/auditLog:\n    get: {}\n",
        1,
    ),
    # hostile text in descriptions (docstrings, Markdown, HTML, templates)
    "description-triple-quotes": spec_with(
        _set((*AUDIT, "description"), 'Say """hi""" and \'\'\'bye\'\'\' "')
    ),
    "description-backslashes": spec_with(_set((*AUDIT, "description"), "C:\\path\\ ends with \\")),
    "description-nul": spec_with(_set((*AUDIT, "description"), "before\x00after")),
    "description-control": spec_with(
        _set((*AUDIT, "description"), "bell\x07 esc\x1b[31m del\x7f nel\x85 ls\u2028 ps\u2029")
    ),
    "description-template-syntax": spec_with(
        _set((*AUDIT, "description"), "{{ secret }} {% raw %} {# c #} ${x} %(x)s")
    ),
    "description-html": spec_with(
        _set(
            (*AUDIT, "description"),
            "</script><script>alert(1)</script> <!-- x --> [a](javascript:alert(1))",
        )
    ),
    "description-table-pipes": spec_with(
        _set((*AUDIT, "description"), "| a | b |\n| --- | --- |\n| c | d |")
    ),
    "description-cjk-korean-portuguese-emoji": spec_with(
        _set(
            (*AUDIT, "description"),
            "返回项目的审计配置。 감사 구성을 반환합니다. Retorna a configuração — ação. 🚀👍🏽🏳️‍🌈",
        )
    ),
    "description-huge": spec_with(_set((*AUDIT, "description"), "Atlas " * 200_000)),
    "summary-long-quotes": spec_with(
        _set((*AUDIT, "summary"), '"' * 300)
    ),  # YAML caps a nav key at 1024 chars
    "summary-multiline": spec_with(_set((*AUDIT, "summary"), 'line one\nline two\r\n"quoted"')),
    "schema-description-triple-quotes": spec_with(
        _set((*SCHEMAS, "AuditLog", "description"), 'ends with """')
    ),
    "property-description-backslash-quote": spec_with(
        _set((*SCHEMAS, "AuditLog", "properties", "enabled", "description"), 'a \\"""b\\')
    ),
    "enum-hostile-values": spec_with(
        _set(
            (*SCHEMAS, "AuditLog", "properties", "configurationType", "enum"),
            ["a-b", "a_b", "A B", "", "class", "None", "🚀", '"""'],
        )
    ),
    "default-hostile": spec_with(
        _set((*SCHEMAS, "AuditLog", "properties", "auditFilter", "default"), '"""\\{{ x }}')
    ),
    "pattern-hostile": spec_with(
        _set((*SCHEMAS, "AuditLog", "properties", "auditFilter", "pattern"), '^"""[\\\\]{{x}}$')
    ),
    "title-double-quote": spec_with(_set(("info", "title"), 'A "quoted" API')),
    "title-backslash": spec_with(_set(("info", "title"), "C:\\Atlas API")),
    "title-triple-quotes": spec_with(_set(("info", "title"), '"""')),
    "title-escape-character": spec_with(_set(("info", "title"), "Atlas\x1b[31m API")),
    # names that collide once made Python
    "operation-id-snake-twin": spec_with(_twin_operation("get_group_audit_log")),
    "operation-id-pascal-twin": spec_with(_twin_operation("GetGroupAuditLog")),
    "operation-id-exact-duplicate": spec_with(_twin_operation("getGroupAuditLog")),
    "operation-id-keyword": spec_with(_twin_operation("class")),
    "operation-id-dunder": spec_with(_twin_operation("__init__")),
    "parameter-snake-twin": spec_with(_twin_parameter("group_id")),
    "parameter-reserved": spec_with(_twin_parameter("body")),
    "parameter-keyword": spec_with(_twin_parameter("from")),
    "property-snake-twin": spec_with(_twin_property("audit_filter")),
    "property-keyword": spec_with(_twin_property("class")),
    "property-pydantic-reserved": spec_with(_twin_property("model_config")),
    "schema-snake-twin": spec_with(
        _set((*SCHEMAS, "Audit_Log"), {"type": "object", "properties": {"x": {"type": "string"}}})
    ),
    "tag-case-twin": spec_with(_twin_operation("getGroupAuditLogAgain", tag="auditing")),
    "tag-snake-twin": spec_with(_twin_operation("getGroupAuditLogAgain", tag="auditing_")),
    "tag-name-not-a-string": spec_with(_set(("tags", 1, "name"), [])),
    "request-body-without-media-types": spec_with(
        _set(
            (
                "paths",
                "/api/atlas/v2/groups/{groupId}/logIntegrations",
                "post",
                "requestBody",
                "content",
            ),
            {},
        )
    ),
    "parameter-name-not-a-string": spec_with(
        _set((*ACCESS_HISTORY_PARAMETERS, 8, "name"), ["start"])
    ),
    "path-parameter-name-not-a-string": spec_with(
        _set((*ACCESS_HISTORY_PARAMETERS, 1, "name"), [])
    ),
    # references
    "ref-dangling": spec_with(
        _set((*SCHEMAS, "AuditLog", "properties", "enabled"), {"$ref": "#/components/schemas/Nope"})
    ),
    "ref-external": spec_with(
        _set((*SCHEMAS, "AuditLog", "properties", "enabled"), {"$ref": "other.yaml#/X"})
    ),
    "ref-circular-pair": spec_with(_circular_pair),
    "ref-self-allof": spec_with(_self_all_of),
    "ref-not-a-string": spec_with(_set((*AUDIT, "parameters", 0), {"$ref": []})),
    "ref-self-property": spec_with(
        _set(
            (*SCHEMAS, "AuditLog", "properties", "child"), {"$ref": "#/components/schemas/AuditLog"}
        )
    ),
    "ref-parameter-self": spec_with(
        _set(("components", "parameters", "pretty"), {"$ref": "#/components/parameters/pretty"})
    ),
    "ref-response-self": spec_with(
        _set(("components", "responses", "notFound"), {"$ref": "#/components/responses/notFound"})
    ),
    "schema-nested-arrays-90": spec_with(_nested_arrays(90)),
    # an alias that is an array of itself: the docs' field table once looped on it for ever
    "ref-array-of-itself": spec_with(
        _set(
            (*SCHEMAS, "AuditLog"),
            {"type": "array", "items": {"$ref": "#/components/schemas/AuditLog"}},
        )
    ),
    "ref-property-array-of-itself-alias": spec_with(_loop_alias),
    # shape
    "operation-without-versioned-media-type": spec_with(_drop((*AUDIT, "responses", "200"))),
    "paths-not-a-mapping": spec_with(_set(("paths",), ["a", "b"])),
    "operation-not-a-mapping": spec_with(_set(AUDIT, "get me")),
    "components-null": spec_with(_set(("components",), None)),
    "components-not-a-mapping": spec_with(_set(("components",), True)),
    "status-integer-keys": SHIPPED_TEXT.replace('"401":', "401:").replace('"200":', "200:"),
    "top-level-list": "- openapi\n- 3.0.1\n",
    "empty-file": "",
    "not-utf8": "",  # written as bytes below
}
BINARY_CASES = {"not-utf8": b"openapi: 3.0.1\ninfo: {title: \xff\xfe}\n"}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Outputs of the cases that generated, to import in one subprocess."""
    return {"folders": {}, "root": tmp_path_factory.mktemp("regressions")}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_fails_cleanly_or_generates_importable_code(
    name: str, imported: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    folder = imported["root"] / name
    folder.mkdir()
    monkeypatch.setenv("ATLASGEN_CACHE_DIR", str(imported["root"] / "black-cache"))
    mutated = Mutated("case", [name], CASES[name])
    if name in BINARY_CASES:
        (folder / "spec.yaml").write_bytes(BINARY_CASES[name])
        code, _, stderr = run_cli(
            ["generate", "--spec", str(folder / "spec.yaml"), "--out", str(folder / "out")]
        )
        assert (
            code == 1 and stderr.startswith("atlasgen: ") and len(stderr.splitlines()) == 1
        ), stderr
        return
    code, out = check_generate(mutated, folder, None)
    if code == 0:
        problems = import_outputs([out])
        errors = [e for result in problems.values() for e in result["errors"]]
        assert not errors, f"{name}: the generated package does not import: {errors[:3]}"


def test_synthetic_scale_spec_validates_and_generates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bench/scale/synth.py must write specs atlasgen accepts (the benchmark measures nothing otherwise)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("ATLASGEN_CACHE_DIR", str(tmp_path / "black-cache"))
    spec = tmp_path / "synthetic-50.yaml"
    _synth().write_spec(50, spec)
    code, _, stderr = run_cli(["validate", str(spec)])
    assert code == 0, stderr
    assert "error" not in stderr, stderr
    code, out = check_generate(Mutated("synthetic", ["none"], spec.read_text()), tmp_path, None)
    assert code == 0
    errors = [e for result in import_outputs([out]).values() for e in result["errors"]]
    assert not errors, errors[:3]


def test_cli_errors_follow_sys_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``main()`` called in-process must write its errors to the current ``sys.stderr``.

    ``_Output(err=sys.stderr)`` binds the stream when ``atlasgen.__main__`` is imported, so
    ``contextlib.redirect_stderr`` around ``main()`` captures nothing.
    """
    from atlasgen.__main__ import main

    monkeypatch.chdir(ROOT)
    buffer = io.StringIO()
    with redirect_stderr(buffer):
        code = main(
            ["generate", "--spec", str(tmp_path / "missing.yaml"), "--out", str(tmp_path / "out")]
        )
    assert code == 1
    assert "no such file" in buffer.getvalue()


def test_quiet_before_the_command_silences_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``atlasgen -q generate`` must be as quiet as ``atlasgen generate -q``.

    ``-q``/``-v`` are declared on the top-level parser and again on every subcommand
    (``parents=[common]``); the subcommand's default 0 overwrites what was given before it.
    """
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("ATLASGEN_CACHE_DIR", str(tmp_path / "black-cache"))
    spec = str(ROOT / "specs" / "atlas-admin.yaml")
    code, stdout, _ = run_cli(["generate", "-q", "--spec", spec, "--out", str(tmp_path / "a")])
    assert code == 0 and stdout == ""
    code, stdout, _ = run_cli(["-q", "generate", "--spec", spec, "--out", str(tmp_path / "b")])
    assert code == 0
    assert stdout == "", f"-q before the command was ignored: {stdout!r}"


def test_copies_of_the_fuzz_bases_are_untouched() -> None:
    """The strategies deep-copy their bases; a mutation leaking into BASES would skew every test."""
    from fuzzlib import base_specs

    assert BASES == base_specs()
