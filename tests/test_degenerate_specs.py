"""Specs as users have them, through the real command line: flaws the code does not depend on
are warnings (exit 0), degenerate specs are one located error (exit 1), never exit 70, never a
traceback, never a hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from atlasgen_cli import run_atlasgen

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_FLAWS = ROOT / "tests" / "specs" / "real" / "example-flaws.yaml"
HEAD = """\
openapi: 3.0.1
info: {title: Degenerate, version: "2.0"}
"""
ONE_OPERATION = """\
tags: [{name: Items}]
paths:
  /api/atlas/v2/items:
    get:
      operationId: listItems
      tags: [Items]
      responses:
        "200":
          description: OK
          content:
            application/vnd.atlas.2024-05-30+json:
              schema: {type: integer, example: 3e+06}
"""


def atlasgen(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A hang (a FIFO read) fails the test instead of stalling it."""
    return run_atlasgen(cwd, *args, timeout=120)


def generate(cwd: Path, spec: str) -> subprocess.CompletedProcess[str]:
    return atlasgen(cwd, "generate", "--spec", spec, "--out", "out", "--targets", "python,cli")


def expected_warnings(spec: Path) -> list[str]:
    """``file:line:column: rule`` of every line marked ``# expect: rule``."""
    found = []
    for number, line in enumerate(spec.read_text().splitlines(), start=1):
        if "# expect: " in line:
            column = len(line) - len(line.lstrip(" ").removeprefix("- ")) + 1
            found.append(f"{spec.name}:{number}:{column}: {line.split('# expect: ')[1]}")
    return found


def test_examples_that_do_not_fit_their_schema_are_warnings_strict_makes_them_errors(
    tmp_path: Path,
) -> None:
    spec = tmp_path / EXAMPLE_FLAWS.name
    spec.write_text(EXAMPLE_FLAWS.read_text())
    validated = atlasgen(tmp_path, "validate", spec.name)
    assert validated.returncode == 0, validated.stderr
    warnings = [line.strip() for line in validated.stderr.splitlines() if "example-valid" in line]
    assert [w.split(": example does not")[0] for w in warnings] == expected_warnings(spec)
    assert "is valid under each of" in warnings[1] and "(at /paths/" in warnings[1]
    strict = atlasgen(tmp_path, "validate", "--strict", spec.name)
    assert strict.returncode == 1
    errors = strict.stderr.split(" error(s):\n", 1)[1].split(" warning(s):")[0]
    assert all(f"{warning}\n" in errors for warning in warnings)
    generated = generate(tmp_path, spec.name)
    assert generated.returncode == 0, generated.stderr
    assert (tmp_path / "out" / "python" / "atlas_admin" / "models" / "granularity.py").is_file()


def test_spec_without_component_schemas_generates(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(HEAD + ONE_OPERATION)
    result = generate(tmp_path, "spec.yaml")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "python" / "atlas_admin" / "models" / "__init__.py").is_file()


@pytest.mark.parametrize(
    ("text", "located"),
    [
        (HEAD + "paths: {}\n", "spec.yaml:3:1: operations-present: the spec has no operations"),
        (
            HEAD
            + ONE_OPERATION
            + "components: {schemas: {Big: {type: integer, maximum: "
            + "9" * 5000
            + "}}}\n",
            "spec.yaml:15:54: the integer 999999999999... has 5000 digits",
        ),
        (
            HEAD + ONE_OPERATION.replace("      tags: [Items]\n", "      tags: [Items]\n" * 2),
            "spec.yaml:9:7: duplicate key 'tags' (first written on line 8)",
        ),
    ],
    ids=["no-operations", "int-of-5000-digits", "duplicate-key"],
)
def test_degenerate_spec_is_one_located_error(tmp_path: Path, text: str, located: str) -> None:
    (tmp_path / "spec.yaml").write_text(text)
    for result in (atlasgen(tmp_path, "validate", "spec.yaml"), generate(tmp_path, "spec.yaml")):
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert sum(located in line for line in result.stderr.splitlines()) == 1, result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_spec_that_is_no_regular_file_is_refused_not_waited_for(
    tmp_path: Path, kind: str
) -> None:
    if kind == "fifo":
        spec = tmp_path / "spec.yaml"
        os.mkfifo(spec)  # nobody writes: reading it would block for ever
    else:
        spec = Path(os.devnull)  # a character device
    for result in (atlasgen(tmp_path, "validate", str(spec)), generate(tmp_path, str(spec))):
        assert result.returncode == 1
        assert result.stderr.startswith("atlasgen: ") and result.stderr.count("\n") == 1
        assert result.stderr.endswith(
            f"{spec.name}: not a regular file (a pipe, socket or device), expected a YAML file\n"
        )


INFINITE_DEFAULTS = (
    HEAD
    + ONE_OPERATION.replace(
        "              schema: {type: integer, example: 3e+06}\n",
        "              schema: {$ref: '#/components/schemas/Range'}\n",
    )
    + """\
components:
  schemas:
    Range:
      type: object
      properties:
        low: {type: number, default: -.inf}
        high: {type: number, default: .inf}
"""
)


def test_yaml_infinities_become_python_that_runs(tmp_path: Path) -> None:
    """YAML 1.2 reads ``.inf`` as a float; the generated default is ``float("inf")``."""
    (tmp_path / "spec.yaml").write_text(INFINITE_DEFAULTS)
    assert generate(tmp_path, "spec.yaml").returncode == 0
    check = "from atlas_admin.models import Range; r = Range(); print(r.low, r.high)"
    result = subprocess.run(
        [sys.executable, "-c", check],
        cwd=tmp_path / "out" / "python",
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "-inf inf\n"), result.stderr
