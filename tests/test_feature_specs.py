"""Small feature specs under tests/specs/, each with a golden output tree under tests/golden/.

Update the goldens with ``ATLASGEN_UPDATE_GOLDEN=1 pytest tests/test_feature_specs.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from atlasgen import output
from atlasgen.config import load_settings
from atlasgen.pipeline import generate_files

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "tests" / "specs").glob("*.yaml"))
UPDATE = os.environ.get("ATLASGEN_UPDATE_GOLDEN") == "1"


def generate(spec: Path, out: Path) -> dict[str, bytes]:
    settings = replace(load_settings(ROOT), spec=spec, out=out)
    return generate_files(settings).files


@pytest.fixture(scope="module", params=SPECS, ids=[s.stem for s in SPECS])
def feature(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    """(spec, a directory holding its freshly generated tree)."""
    spec: Path = request.param
    out = tmp_path_factory.mktemp(spec.stem) / "generated"
    output.write_tree(out, generate(spec, out))
    return spec, out


def test_output_matches_golden(feature: tuple[Path, Path]) -> None:
    spec, out = feature
    golden = ROOT / "tests" / "golden" / spec.stem
    files = {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
    if UPDATE:
        output.write_tree(golden, files)
    changes = output.plan(golden, files)
    assert not changes.any, (
        "golden differs; update with ATLASGEN_UPDATE_GOLDEN=1\n"
        + output.unified_diff(golden, files, changes)[:20000]
    )


def test_generated_client_passes_mypy_strict_and_ruff(feature: tuple[Path, Path]) -> None:
    _, out = feature
    package = out / "python"
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "atlas_admin"],
        cwd=package,
        capture_output=True,
        text=True,
        check=False,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated", "atlas_admin"],
        cwd=package,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr


ROUND_TRIP = """
import json, sys
import atlas_admin
from atlas_admin import models
examples = json.loads(sys.argv[1])
for schema_name, example in examples:
    model = getattr(models, schema_name)
    parsed = model.model_validate(example)
    again = model.model_validate(parsed.model_dump(mode="json", by_alias=True, exclude_unset=True))
    assert again == parsed, (schema_name, parsed, again)
print(len(examples))
"""


def test_generated_client_imports_and_round_trips_examples(feature: tuple[Path, Path]) -> None:
    """Every response example parses into its model and survives dump + parse unchanged."""
    from atlasgen.load import load_spec
    from atlasgen.model import build_model

    spec, out = feature
    api = build_model(load_spec(spec), spec_display=spec.name)
    examples = [
        (api.schema(media.type.schema_name).class_name, media.example)
        for op in api.operations
        for response in op.responses
        for media in response.media_types
        if media.has_example
        and media.type is not None
        and media.type.kind == "ref"
        and media.type.schema_name
    ]
    result = subprocess.run(
        [sys.executable, "-c", ROUND_TRIP, json.dumps(examples)],
        cwd=out / "python",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(len(examples))
