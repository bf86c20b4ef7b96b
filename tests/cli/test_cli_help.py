"""Help of every group and command (golden files), the seed pages' lines, lazy imports."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import GOLDEN, SETTINGS, base_environment, run_in

from atlasgen.load import load_spec
from atlasgen.model import build_model

API = build_model(
    load_spec(SETTINGS.spec, display_path=SETTINGS.spec_display), spec_display=SETTINGS.spec_display
)
COMMAND = SETTINGS.cli_command
# What --help never loads: the HTTP stack, the models, and what only a call needs (the JMESPath
# of -o, the profile reader, the watchers, the parameter checks).
HEAVY = (
    "httpx",
    "pydantic",
    "pydantic_core",
    "jmespath",
    "tomllib",
    "atlas_admin._profile",
    "atlas_admin._watch",
    "atlas_admin._validation",
)


def _help_commands() -> list[list[str]]:
    commands: list[list[str]] = [[], ["api"]]
    for tag in API.tags:
        commands.append(["api", tag.cli_name])
        commands += [["api", tag.cli_name, op.cli_name] for op in tag.operations]
    return commands


def _golden_name(words: list[str]) -> str:
    return "_".join([COMMAND, *words]) + ".txt"


@pytest.mark.parametrize("words", _help_commands(), ids=lambda w: " ".join(w) or "root")
def test_help_matches_golden(cli_path: Path, words: list[str]) -> None:
    result = run_in(cli_path, [*words, "--help"])
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    text = result.stdout.decode()
    golden = GOLDEN / _golden_name(words)
    if os.environ.get("ATLASGEN_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run with ATLASGEN_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


def test_no_stale_golden_files() -> None:
    expected = {_golden_name(w) for w in _help_commands()}
    assert {p.name for p in GOLDEN.glob("*.txt")} == expected


def test_command_help_shows_what_the_model_says(cli_path: Path) -> None:
    for tag in API.tags:
        for op in tag.operations:
            text = run_in(cli_path, ["api", tag.cli_name, op.cli_name, "--help"]).stdout.decode()
            flat = " ".join(text.split())
            bare = "".join(text.split())  # click may wrap a long pattern at a hyphen
            for p in op.parameters:
                assert f"--{p.cli_flag}" in text
                if p.constraints.pattern:
                    assert "".join(p.constraints.pattern.split()) in bare
            for role in op.roles:
                assert role in flat
            for version in op.versions:
                assert version.version in flat
            assert "Example:" in text and f"{COMMAND} api {tag.cli_name} {op.cli_name}" in text


def _seed_lines() -> list[str]:
    text = (Path(__file__).parent / "seed_commands.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.startswith("atlas api ")]


def test_the_seed_pages_have_lines() -> None:
    assert len(_seed_lines()) >= len(API.tags)


@pytest.mark.parametrize("line", _seed_lines())
def test_seed_page_line_runs(cli_path: Path, line: str) -> None:
    words = shlex.split(line)
    assert words[0] == "atlas"
    result = run_in(cli_path, words[1:])
    assert result.returncode == 0, result.stderr.decode()
    assert f"Usage: {COMMAND} api {words[2]} " in result.stdout.decode()


@pytest.mark.parametrize(
    "words",
    [
        ["--help"],
        ["api", "--help"],
        ["api", "streams", "--help"],
        ["api", "streams", "downloadAuditLogs", "--help"],
    ],
)
def test_help_imports_neither_httpx_nor_pydantic(cli_path: Path, words: list[str]) -> None:
    probe = (
        "import sys\n"
        "from atlas_admin.cli import main\n"
        "try:\n"
        f"    main({words!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"loaded = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "sys.stderr.write(repr(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env=base_environment(cli_path),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.startswith(b"Usage:"), result.stderr.decode()
    assert result.stderr.decode().strip() == "[]"


def test_without_click_one_line_and_exit_1(cli_path: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "click.py"
    blocker.write_text("raise ImportError('no click here')\n", encoding="utf-8")
    env = base_environment(cli_path)
    env["PYTHONPATH"] = f"{tmp_path}{os.pathsep}{cli_path}"
    result = subprocess.run(
        [sys.executable, "-m", "atlas_admin", "--help"],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert (
        result.stderr.decode()
        == f"{COMMAND} needs click: pip install '{SETTINGS.python_distribution}[cli]'\n"
    )


def test_shell_completion(cli_path: Path) -> None:
    env = {
        "_ATLAS_ADMIN_COMPLETE": "bash_complete",
        "COMP_WORDS": "atlas-admin api str",
        "COMP_CWORD": "2",
    }
    result = run_in(cli_path, [], env)
    assert "streams" in result.stdout.decode()
    env = {
        "_ATLAS_ADMIN_COMPLETE": "bash_complete",
        "COMP_WORDS": "atlas-admin api streams downloadGroupStreamAuditLogs --ten",
        "COMP_CWORD": "4",
    }
    assert "--tenantName" in run_in(cli_path, [], env).stdout.decode()


def test_unknown_group_is_a_usage_error(cli_path: Path) -> None:
    result = run_in(cli_path, ["api", "nope"])
    assert result.returncode == 2
    assert json.dumps("nope").strip('"') in result.stderr.decode()
