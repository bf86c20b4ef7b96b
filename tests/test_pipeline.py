"""The backbone: golden record, check, atomic failures, determinism, exit codes."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from atlasgen_cli import run_atlasgen

from atlasgen import output
from atlasgen.__main__ import main
from atlasgen.config import load_settings
from atlasgen.pipeline import generate_files

ROOT = Path(__file__).resolve().parent.parent


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run_cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_atlasgen(project, *args, cache=project / ".cache")


def test_generated_tree_is_the_golden_record() -> None:
    """generated/ must be exactly what the generator writes now (run `atlasgen generate`)."""
    settings = load_settings(ROOT)
    files = generate_files(settings).files
    changes = output.plan(settings.out, files)
    assert not changes.any, output.unified_diff(settings.out, files, changes)[:20000]


def test_every_generated_file_starts_with_the_header() -> None:
    for path, content in generate_files(load_settings(ROOT)).files.items():
        header = output.header_for(path, "specs/atlas-admin.yaml")
        if header is not None:
            assert content.decode().startswith(header), path


def test_check_passes_then_fails_with_a_diff_after_a_spec_edit(project: Path) -> None:
    assert run_cli(project, "check").returncode == 0
    spec = project / "specs" / "atlas-admin.yaml"
    spec.write_text(
        spec.read_text().replace("Return the Auditing Configuration", "Return the Audit Settings")
    )
    result = run_cli(project, "check")
    assert result.returncode == 1
    assert "+++ b/" in result.stdout and "Return the Audit Settings" in result.stdout
    assert "is stale" in result.stderr


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda spec: spec.write_text("openapi: 3.0.1\ninfo: {title: x\n"),
            "atlas-admin.yaml:3:1: YAML syntax error",
        ),
        (lambda spec: spec.unlink(), "atlas-admin.yaml: no such file"),
    ],
    ids=["syntax-error", "missing-file"],
)
def test_bad_spec_gets_one_line_and_leaves_output_untouched(project: Path, mutate, expected: str) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(project / "generated")
    mutate(project / "specs" / "atlas-admin.yaml")
    result = run_cli(project, "generate")
    assert result.returncode == 1
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project / "generated") == before


def test_unwritable_output_gets_one_line(project: Path) -> None:
    blocker = project / "not-a-dir"
    blocker.write_text("a file where a directory should be")
    result = run_cli(project, "generate", "--out", str(blocker / "out"))
    assert result.returncode == 1
    assert (
        result.stderr.startswith("atlasgen: cannot write")
        and f"{blocker} is not a directory" in result.stderr
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list(project.glob(".*atlasgen-new*")) and not list(
        blocker.parent.glob(".out.atlasgen-*")
    )


def test_failure_while_formatting_leaves_output_untouched(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from atlasgen import pipeline

    before = snapshot(project / "generated")
    real_render = pipeline.render_jobs

    def render_with_a_broken_module(*args, **kwargs):  # type: ignore[no-untyped-def]
        return {**real_render(*args, **kwargs), "python/broken.py": "def broken(:\n"}

    monkeypatch.setattr(pipeline, "render_jobs", render_with_a_broken_module)
    monkeypatch.chdir(project)
    assert main(["-q", "generate", "--no-cache"]) == 1
    assert "black cannot format python/broken.py" in capsys.readouterr().err
    assert snapshot(project / "generated") == before


def test_refuses_to_replace_a_foreign_directory(project: Path) -> None:
    foreign = project / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    result = run_cli(project, "generate", "--out", str(foreign))
    assert result.returncode == 1 and "refusing to replace" in result.stderr
    assert (foreign / "notes.txt").read_text() == "keep me"


def test_generate_removes_stale_files_and_keeps_unchanged_ones(project: Path) -> None:
    generated = project / "generated"
    stale = generated / "python" / "stale_module.py"
    stale.write_text("x = 1\n")
    keep = next(p for p in sorted(generated.rglob("*.py")))
    inode = keep.stat().st_ino
    result = run_cli(project, "generate")
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert keep.stat().st_ino == inode  # hard-linked into the new tree, not rewritten
    assert run_cli(project, "check").returncode == 0


def test_output_is_identical_across_hash_seeds(tmp_path: Path) -> None:
    trees = []
    for seed in ("0", "12345"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "ATLASGEN_CACHE_DIR": ""}
        result = subprocess.run(
            [sys.executable, "-m", "atlasgen", "-q", "generate", "--out", str(out)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        trees.append(snapshot(out))
    assert trees[0] == trees[1]


def test_generate_to_any_directory_with_any_targets(tmp_path: Path) -> None:
    settings = replace(load_settings(ROOT), out=tmp_path / "out", targets=("python",))
    files = generate_files(settings).files
    assert all(name.startswith("python/") or name == output.MARKER for name in files)


@pytest.mark.parametrize(
    "argv",
    [["generate", "--targets", "rust"], ["generate", "--targets", "cli"]],
    ids=["unknown", "cli-without-python"],
)
def test_bad_targets_are_one_line_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 1
    assert capsys.readouterr().err.count("\n") == 1


def test_usage_errors_exit_2() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2


def test_validate_reports_stale_translations_as_warnings(project: Path) -> None:
    spec = project / "specs" / "atlas-admin.yaml"
    spec.write_text(
        spec.read_text().replace("Return the Auditing Configuration", "Return the Audit Settings")
    )
    result = run_cli(project, "validate")
    assert result.returncode == 0
    assert "3 warning(s)" in result.stderr
    pointer = "/paths/~1api~1atlas~1v2~1groups~1{groupId}~1auditLog/get/summary"
    for language in ("zh", "pt", "ko"):
        assert (
            f"i18n-stale: the {language} translation was made from different English text"
            in result.stderr
        )
    assert f"(at {pointer})" in result.stderr
    assert run_cli(project, "validate", "--strict").returncode == 1


def test_validate_reports_a_missing_translation_file_once(project: Path) -> None:
    (project / "specs" / "i18n" / "ko.yaml").unlink()
    result = run_cli(project, "validate")
    assert result.returncode == 0
    assert (
        result.stderr.count("i18n-missing") == 1
        and "no ko translation file (ko.yaml)" in result.stderr
    )


def _large_synthetic_spec(tmp_path: Path, damage: Callable[[dict[str, Any]], None]) -> Path:
    """A synthetic spec big enough for the schema pass to run in its own process, damaged."""
    location = ROOT / "bench" / "scale" / "synth.py"
    module_spec = importlib.util.spec_from_file_location("atlasgen_bench_synth", location)
    assert module_spec is not None and module_spec.loader is not None
    synth = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(synth)
    spec = synth.build_spec(120)
    damage(spec)
    path = tmp_path / "large.yaml"
    path.write_text(synth.dump(spec), encoding="utf-8")
    return path


def _break_responses(spec: dict[str, Any]) -> None:
    first = next(iter(spec["paths"].values()))
    next(iter(first.values()))["responses"] = "none"  # the model cannot read this


def _unknown_info_key(spec: dict[str, Any]) -> None:
    spec["info"]["colour"] = "blue"  # only the OpenAPI schema forbids it


@pytest.mark.parametrize("damage", [_break_responses, _unknown_info_key])
def test_schema_errors_found_beside_the_model_fail_the_run(
    tmp_path: Path, damage: Callable[[dict[str, Any]], None]
) -> None:
    """The schema pass of a large spec runs in another process while the model is built:
    its errors still stop the run, and outrank whatever the model made of the spec."""
    from atlasgen import pipeline
    from atlasgen.load import load_spec

    path = _large_synthetic_spec(tmp_path, damage)
    assert len(load_spec(path).locations) >= pipeline._FORK_SCHEMA_PASS_FROM
    settings = load_settings(ROOT).with_overrides(spec=str(path), out=str(tmp_path / "out"))
    with pytest.raises(pipeline.ValidationFailed) as failed:
        generate_files(settings, use_cache=False)
    rules = {p.rule_id for p in failed.value.problems if p.severity == "error"}
    assert "openapi-schema" in rules
    assert not (tmp_path / "out").exists()
