"""A repeat ``atlasgen generate`` with nothing changed is answered from the run record.

Each test generates once (the record is written), then changes one thing and checks that
the second run either takes the shortcut or does the full work and restores the output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_pipeline import run_cli, snapshot

SHORTCUT = "as the last run left them"  # what only a run answered from the record prints


def generate(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_cli(project, "generate", *args)
    assert result.returncode == 0, result.stderr
    return result


def test_a_repeat_run_is_answered_without_loading_the_pipeline(project: Path) -> None:
    generate(project, "--out", "out")
    before = snapshot(project / "out")
    code = (
        "import sys; from atlasgen.__main__ import main; code = main(['generate', '--out', 'out']);"
        "heavy = sorted(m for m in ('yaml', 'jinja2', 'black', 'babel', 'jsonschema') if m in sys.modules);"
        "print(code, heavy)"
    )
    env = {**os.environ, "ATLASGEN_CACHE_DIR": str(project / ".cache")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 []", result.stdout
    assert SHORTCUT in result.stdout
    assert snapshot(project / "out") == before


def test_warnings_of_the_last_run_are_printed_again(project: Path) -> None:
    (project / "specs" / "i18n" / "ko.yaml").unlink()
    first = generate(project, "--out", "out")
    second = generate(project, "--out", "out")
    assert "i18n-missing: no ko translation file" in first.stderr
    assert SHORTCUT in second.stdout
    assert second.stderr == first.stderr


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda p: (p / "out" / "python" / "README.md").write_text("edited\n"), id="file-edited"
        ),
        pytest.param(lambda p: (p / "out" / "docs" / "mkdocs.yml").unlink(), id="file-deleted"),
        pytest.param(
            lambda p: (p / "out" / "python" / "extra.py").write_text("x = 1\n"), id="file-added"
        ),
    ],
)
def test_a_touched_output_is_regenerated(project: Path, change) -> None:  # type: ignore[no-untyped-def]
    generate(project, "--out", "out")
    expected = snapshot(project / "out")
    change(project)
    result = generate(project, "--out", "out")
    assert SHORTCUT not in result.stdout, result.stdout
    assert snapshot(project / "out") == expected


def test_a_file_with_its_old_size_and_time_but_new_bytes_is_still_caught(
    project: Path,
) -> None:
    generate(project, "--out", "out")
    readme = project / "out" / "python" / "README.md"
    expected = readme.read_bytes()
    stat = readme.stat()
    readme.write_bytes(expected.upper())
    os.utime(readme, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # a changed time: hashed
    generate(project, "--out", "out")
    assert readme.read_bytes() == expected


def test_a_spec_edit_runs_the_pipeline(project: Path) -> None:
    generate(project, "--out", "out")
    spec = project / "specs" / "atlas-admin.yaml"
    spec.write_text(
        spec.read_text().replace(
            "Returns the auditing configuration", "Returns the audit configuration"
        )
    )
    result = generate(project, "--out", "out")
    assert "changed" in result.stdout and SHORTCUT not in result.stdout
    assert (
        "Returns the audit configuration"
        in (project / "out" / "python" / "atlas_admin" / "resources" / "auditing.py").read_text()
    )


def test_other_options_or_no_cache_run_the_pipeline(project: Path) -> None:
    generate(project, "--out", "out")
    assert SHORTCUT in generate(project, "--out", "out").stdout
    for args in (["--no-cache"], ["--targets", "python,cli"], ["--strict"]):
        result = run_cli(project, "generate", "--out", "out", *args)
        assert SHORTCUT not in result.stdout, (args, result.stdout)


def test_a_damaged_record_costs_only_the_shortcut(project: Path) -> None:
    generate(project, "--out", "out")
    records = list((project / ".cache" / "runs").glob("*.json"))
    assert len(records) == 1
    records[0].write_text("{not json")
    result = generate(project, "--out", "out")
    assert SHORTCUT not in result.stdout
    assert json.loads(records[0].read_text())["outputs"]  # rewritten by the full run
