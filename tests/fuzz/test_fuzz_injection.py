"""Spec text never executes: hostile text in every text slot of a spec at once (titles,
descriptions, summaries, the server URL and its variables, examples, defaults, enum values,
parameter, property, tag and operation names as far as the name rules let them be hostile,
changelog entries, roles), generated into the Python client and its CLI. The output must
compile, import (every module, and every ``--help`` of the CLI), and run nothing: the
payloads try to set a builtin and to create a file, and neither may happen.

CI runs a fixed set of examples (``derandomize``); ``ATLASGEN_FUZZ_EXAMPLES=N`` runs
``N / 20`` of them, ``ATLASGEN_FUZZ_SEED`` other ones (see README.md beside this file).
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from fuzzlib import (
    FUZZ,
    NASTY_STRINGS,
    PYTHON_NAMES,
    ROOT,
    compile_problems,
    dump,
    examples,
    note,
    run_cli,
    seeded,
    stderr_problems,
    text_problems,
)
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

PWNED_FILE = "atlasgen-pwned"
_SET = "__import__('builtins').__setattr__('ATLASGEN_PWNED', 1)"
_TOUCH = f"__import__('pathlib').Path('{PWNED_FILE}').touch()"
# Each tries to leave the literal it is written into (string, docstring, comment, template).
PAYLOADS = (
    f'"""; {_SET}; {_TOUCH}; """',
    f"'''; {_SET}; {_TOUCH}; '''",
    f'"; {_SET}; {_TOUCH}; "',
    f"'; {_SET}; {_TOUCH}; '",
    f'\\"""\n{_SET}\n"""',
    f'"""\n{_SET}\n#',
    f"\n{_SET}\n",
    f"\r{_SET}\r",
    f"\u2028{_SET}\u2028",
    f"\x00{_SET}",
    f'\\\\"""{_TOUCH}"""',
    f"*/ --> \n{_SET} #",
    f"{{{{ {_SET} }}}}",
    f"{{% set x = {_SET} %}}",
    "{{ cycler.__init__.__globals__.os.system('touch " + PWNED_FILE + "') }}",
    "{% raw %}{{ x }}",
    '{{ "" }}',
    f"`{_SET}`",
    f"$( {_TOUCH} )",
)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")
_TAG = re.compile(r"[A-Za-z][A-Za-z0-9_.\- ]*")
# What a URL may carry unescaped (the server-url rule refuses the rest).
_URL_ALPHABET = "abcXYZ019-._~!$&()*+,;=:@%/?#["


def hostile() -> st.SearchStrategy[str]:
    pieces = st.one_of(st.sampled_from(PAYLOADS), st.sampled_from(NASTY_STRINGS))
    return st.one_of(
        st.sampled_from(PAYLOADS),
        st.lists(st.one_of(pieces, st.text(max_size=6)), min_size=1, max_size=4).map("".join),
        st.text(min_size=1, max_size=20),
    )


def names(pattern: re.Pattern[str]) -> st.SearchStrategy[str]:
    """Names the name rules accept, as hostile as they allow: keywords, builtins, dots."""
    keywords = [n for n in PYTHON_NAMES if pattern.fullmatch(n)]
    return st.one_of(st.sampled_from(keywords), st.from_regex(pattern, fullmatch=True)).map(
        lambda name: name[:40]
    )


def unique(strategy: st.SearchStrategy[str], size: int) -> st.SearchStrategy[list[str]]:
    """``size`` names that stay distinct once folded into Python and CLI names."""
    fold = lambda name: re.sub(r"[^a-z0-9]", "", name.lower())
    return st.lists(strategy, min_size=size, max_size=size, unique_by=fold).filter(
        lambda found: all(fold(name) for name in found)
    )


MEDIA = "application/vnd.atlas.2024-05-30+json"
CLI_FLAGS = ("version", "file", "output", "outputFile", "projectId")


@st.composite
def hostile_specs(draw: Any) -> dict[str, Any]:
    text = lambda: draw(hostile())
    tag, other_tag = draw(unique(names(_TAG), 2))
    get_id, post_id, alias = draw(unique(names(_NAME), 3))
    # (a parameter named as one of the CLI's own flags is refused: not text, not tried here)
    parameter_names = names(_NAME).filter(lambda name: name not in CLI_FLAGS)
    param, query = draw(unique(parameter_names, 2))
    prop, other_prop = draw(unique(names(_NAME), 2))
    enum = draw(st.lists(hostile(), min_size=1, max_size=4, unique=True))
    url_text = st.text(alphabet=_URL_ALPHABET, max_size=12)
    host_text = st.text(alphabet="abc019-", max_size=8)
    item = {
        "type": "object",
        "title": text(),
        "description": text(),
        "properties": {
            prop: {
                "type": "string",
                "description": text(),
                "example": draw(st.sampled_from(enum)),
                "enum": enum,
            },
            other_prop: {
                "type": "string",
                "description": text(),
                "default": text(),
                "example": text(),
            },
        },
        "example": {prop: enum[0], other_prop: text()},
    }
    return {
        "openapi": "3.0.1",
        "info": {"title": text(), "version": "2.0", "description": text()},
        "servers": [
            {
                "url": "https://{host}.test/" + draw(url_text),
                "description": text(),
                "variables": {"host": {"default": "h" + draw(host_text), "description": text()}},
            }
        ],
        "tags": [
            {"name": tag, "description": text()},
            {"name": other_tag, "description": text()},
        ],
        "paths": {
            f"/api/atlas/v2/items/{{{param}}}": {
                "get": {
                    "operationId": get_id,
                    "x-xgen-operation-id-override": alias,
                    "x-xgen-changelog": {"2024-05-30": text()},
                    "x-rolesRequirements": [text()],
                    "tags": [tag],
                    "summary": text(),
                    "description": text(),
                    "parameters": [
                        {
                            "name": param,
                            "in": "path",
                            "required": True,
                            "description": text(),
                            "example": text(),
                            "schema": {"type": "string"},
                        },
                        {
                            "name": query,
                            "in": "query",
                            "description": text(),
                            "schema": {"type": "string", "enum": enum, "default": enum[-1]},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": text(),
                            "content": {MEDIA: {"schema": {"$ref": "#/components/schemas/Item"}}},
                        },
                        "404": {"description": text()},
                    },
                },
            },
            "/api/atlas/v2/items": {
                "post": {
                    "operationId": post_id,
                    "tags": [other_tag],
                    "summary": text(),
                    "description": text(),
                    "requestBody": {
                        "description": text(),
                        "required": True,
                        "content": {
                            MEDIA: {
                                "schema": {"$ref": "#/components/schemas/Item"},
                                "example": {other_prop: text()},
                            }
                        },
                    },
                    "responses": {"204": {"description": text(), "content": {MEDIA: {}}}},
                },
            },
        },
        "components": {"schemas": {"Item": item}},
    }


# Imports every module of each package and asks the CLI for every --help, in one process.
_IMPORT_AND_HELP = textwrap.dedent("""
    import builtins, contextlib, importlib, io, json, pkgutil, sys

    errors = {}
    for folder in json.loads(sys.argv[1]):
        sys.path.insert(0, folder)
        wrong = errors.setdefault(folder, [])
        try:
            package = importlib.import_module("atlas_admin")
            for info in pkgutil.walk_packages(package.__path__, "atlas_admin."):
                importlib.import_module(info.name)
            from atlas_admin.cli import main
            from atlas_admin import _operations
            lines = [["--help"], ["api", "--help"]]
            for tag in _operations.TAGS:
                lines.append(["api", tag.cli_name, "--help"])
                lines.extend(["api", tag.cli_name, op.operation_id, "--help"] for op in _operations.operations(tag.name))
            for argv in lines:
                with contextlib.redirect_stdout(io.StringIO()):
                    try:
                        main(argv)
                    except SystemExit as exc:
                        if exc.code:
                            wrong.append(f"{argv}: exit {exc.code}")
        except BaseException as exc:
            wrong.append(f"{type(exc).__name__}: {exc}")
        finally:
            sys.path.remove(folder)
            for name in [m for m in sys.modules if m.split(".")[0] == "atlas_admin"]:
                del sys.modules[name]
    errors["(pwned)"] = ["builtins.ATLASGEN_PWNED was set"] if hasattr(builtins, "ATLASGEN_PWNED") else []
    print(json.dumps(errors))
    """)


def test_hostile_text_in_every_slot_compiles_imports_and_runs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("ATLASGEN_CACHE_DIR", str(tmp_path / "cache"))
    counter = itertools.count()
    generated: list[str] = []

    @seeded
    @hsettings(FUZZ, max_examples=examples(25, scale=0.05))
    @given(hostile_specs())
    def one(spec: dict[str, Any]) -> None:
        folder = tmp_path / f"example-{next(counter)}"
        folder.mkdir()
        (folder / "spec.yaml").write_text(dump(spec), encoding="utf-8")
        note(f"spec: {folder / 'spec.yaml'}")
        out = folder / "out"
        argv = ["-q", "generate", "--no-cache", "--spec", str(folder / "spec.yaml")]
        code, _, stderr = run_cli([*argv, "--out", str(out), "--targets", "python,cli"])
        assert code == 0, stderr[-3000:]
        assert not stderr_problems(stderr, code), stderr[-3000:]
        sources = {p.name: p.read_text(encoding="utf-8") for p in out.rglob("*.py")}
        assert not compile_problems(sources)
        files = {
            p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()
        }
        assert not text_problems(files)
        generated.append(str(out / "python"))

    one()
    run_in = tmp_path / "cwd"
    run_in.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_AND_HELP, json.dumps(generated)],
        capture_output=True,
        text=True,
        cwd=run_in,
        timeout=600,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    errors = json.loads(done.stdout.strip().splitlines()[-1])
    failures = {folder: wrong for folder, wrong in errors.items() if wrong}
    assert not failures, json.dumps(failures, indent=1)[:5000]
    assert list(run_in.iterdir()) == [], "a payload created a file"
    assert len(generated) >= 10


def test_the_issue_payload_in_the_server_url_is_a_located_error(tmp_path: Path) -> None:
    """The URL that once went raw into the client's class docstring."""
    spec = yaml_spec(servers=[{"url": '"""; import os; os.system(\'touch pwned\'); """'}])
    path = tmp_path / "spec.yaml"
    path.write_text(spec, encoding="utf-8")
    code, _, stderr = run_cli(["generate", "--spec", str(path), "--out", str(tmp_path / "out")])
    assert code == 1
    assert re.search(r"spec\.yaml:\d+:\d+: server-url: .*\(at /servers/0/url\)", stderr), stderr
    assert not (tmp_path / "out").exists()


def test_server_url_variables_take_their_defaults(tmp_path: Path) -> None:
    spec = yaml_spec(
        servers=[
            {
                "url": "{scheme}://{host}/root/",
                "variables": {
                    "scheme": {"default": "https", "enum": ["https", "http"]},
                    "host": {"default": "atlas.example.com"},
                },
            }
        ]
    )
    path = tmp_path / "spec.yaml"
    path.write_text(spec, encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = run_cli(
        ["-q", "generate", "--spec", str(path), "--out", str(out), "--targets", "python"]
    )
    assert code == 0, stderr
    constants = (out / "python" / "atlas_admin" / "_constants.py").read_text(encoding="utf-8")
    assert 'DEFAULT_BASE_URL: Final = "https://atlas.example.com/root"' in constants


def yaml_spec(**top: Any) -> str:
    """A small valid spec (one operation) with ``top`` keys replaced."""
    spec = {
        "openapi": "3.0.1",
        "info": {"title": "T", "version": "2.0"},
        "tags": [{"name": "Items"}],
        "paths": {
            "/api/atlas/v2/items": {
                "get": {
                    "operationId": "listItems",
                    "tags": ["Items"],
                    "responses": {"204": {"description": "none", "content": {MEDIA: {}}}},
                }
            }
        },
        **top,
    }
    return dump(spec)
