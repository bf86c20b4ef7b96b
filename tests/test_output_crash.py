"""The output swap under faults: a run killed at any step leaves ``--out`` whole (the old
tree or the new one), the next run cleans up after it, and a symlinked ``--out`` stays a
symlink. Each run is a subprocess that ``ATLASGEN_FAULT`` kills with SIGKILL at one step."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from atlasgen import output

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tests" / "specs" / "constructs.yaml"
# The same generator, with the one-step exchange switched off: the two-rename fallback.
_FALLBACK = "import atlasgen.output as o, sys; o._exchange = None; from atlasgen.__main__ import main; sys.exit(main())"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def generate(
    spec: Path, out: Path, *, fault: str | None = None, fallback: bool = False, cache: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ATLASGEN_CACHE_DIR": str(out.parent / ".cache")}
    env.pop("ATLASGEN_FAULT", None)
    if fault:
        env["ATLASGEN_FAULT"] = fault
    program = ["-c", _FALLBACK] if fallback else ["-m", "atlasgen"]
    argv = ["generate", *([] if cache else ["--no-cache"]), "--spec", str(spec), "--out", str(out)]
    return subprocess.run(
        [sys.executable, *program, *argv, "--targets", "python"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=out.parent,
    )


@pytest.fixture(scope="module")
def trees(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A second spec (another title) and the old and new trees, generated once."""
    folder = tmp_path_factory.mktemp("trees")
    edited = folder / "edited.yaml"
    edited.write_text(
        SPEC.read_text(encoding="utf-8").replace("title:", "title: Edited", 1), encoding="utf-8"
    )
    old, new = folder / "old", folder / "new"
    assert generate(SPEC, old).returncode == 0
    assert generate(edited, new).returncode == 0
    assert snapshot(old) != snapshot(new)
    return edited, snapshot(old), snapshot(new)


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if ".atlasgen-" in p.name)


@pytest.mark.parametrize(
    ("fault", "fallback"),
    [
        ("after-stage", False),
        ("after-swap", False),
        ("after-stage", True),
        ("between-renames", True),
        ("after-swap", True),
    ],
)
def test_a_kill_at_any_step_leaves_the_output_whole_and_the_next_run_cleans_up(
    tmp_path: Path,
    trees: tuple[Path, dict[str, bytes], dict[str, bytes]],
    fault: str,
    fallback: bool,
) -> None:
    edited, old, new = trees
    out = tmp_path / "out"
    assert generate(SPEC, out).returncode == 0
    killed = generate(edited, out, fault=fault, fallback=fallback)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if not (fallback and fault == "between-renames"):
        assert snapshot(out) in (old, new), f"{out} is not whole after a kill at {fault}"
    assert leftovers(out), "the fault did not hit a step that leaves something behind"

    again = generate(edited, out, fallback=fallback)
    assert again.returncode == 0, again.stderr
    assert snapshot(out) == new
    assert leftovers(out) == []


def test_the_next_run_puts_back_a_tree_stranded_between_the_renames(
    tmp_path: Path, trees: tuple[Path, dict[str, bytes], dict[str, bytes]]
) -> None:
    """The one instant the fallback has no output: the next run (even ``check``'s
    comparison comes after it) first restores the old tree."""
    _, old, _ = trees
    out = tmp_path / "out"
    assert generate(SPEC, out).returncode == 0
    edited = tmp_path / "edited.yaml"
    edited.write_text(SPEC.read_text(encoding="utf-8").replace("title:", "title: X", 1))
    assert generate(edited, out, fault="between-renames", fallback=True).returncode == -9
    assert not out.exists()
    output.recover(out)
    assert snapshot(out) == old and leftovers(out) == []


def test_a_run_with_nothing_to_do_still_removes_leftovers(
    tmp_path: Path, trees: tuple[Path, dict[str, bytes], dict[str, bytes]]
) -> None:
    """The manifest answers a repeat before any stage runs: the clean-up comes first."""
    edited, old, _ = trees
    out = tmp_path / "out"
    assert generate(SPEC, out, cache=True).returncode == 0
    assert generate(edited, out, fault="after-stage").returncode == -signal.SIGKILL
    assert leftovers(out)
    again = generate(SPEC, out, cache=True)
    assert again.returncode == 0 and "up to date" in again.stderr + again.stdout
    assert snapshot(out) == old and leftovers(out) == []


def test_a_symlinked_out_stays_a_symlink(
    tmp_path: Path, trees: tuple[Path, dict[str, bytes], dict[str, bytes]]
) -> None:
    edited, _, new = trees
    real = tmp_path / "real"
    assert generate(SPEC, real).returncode == 0
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    result = generate(edited, link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert snapshot(real) == new
    assert leftovers(real) == []


def test_ctrl_c_during_the_swap_finishes_it_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    output.write_tree(out, {output.MARKER: b"old\n"})
    real_swap = output._swap

    def swap_interrupted(staging: Path, target: Path) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        real_swap(staging, target)

    monkeypatch.setattr(output, "_swap", swap_interrupted)
    with pytest.raises(KeyboardInterrupt, match="was written completely"):
        output.write_tree(out, {output.MARKER: b"new\n"})
    assert snapshot(out) == {output.MARKER: b"new\n"}
    assert leftovers(out) == []


def test_ctrl_c_while_staging_says_nothing_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from atlasgen.__main__ import main

    def fill_interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "_fill", fill_interrupted)
    monkeypatch.setenv("ATLASGEN_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    argv = ["generate", "--no-cache", "--spec", str(SPEC), "--out", str(out), "--targets", "python"]
    assert main(argv) == 130
    assert "interrupted; nothing was written" in capsys.readouterr().err
    assert not out.exists() and leftovers(out) == []
