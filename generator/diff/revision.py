"""Read one side of a diff: a file, or ``REV:path`` from git (the spec of the last release)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..load import LoadedSpec, SpecLoadError, load_spec, parse_spec_text


class DiffInputError(Exception):
    """A side of the diff cannot be read; the one-line message says which and why."""


def load_revision(arg: str, repo_root: Path) -> LoadedSpec:
    """``arg`` is a file, or ``REV:path`` (``HEAD~1:specs/atlas-admin.yaml``) read by
    ``git show`` in ``repo_root`` (so ``path`` is relative to the top of its git repository).
    An existing file wins: a file name may contain a colon."""
    revision, colon, path = arg.partition(":")
    try:
        if not colon or Path(arg).exists():
            return load_spec(Path(arg))
        return parse_spec_text(_git_show(arg, revision, path, repo_root), Path(path), arg)
    except SpecLoadError as exc:
        raise DiffInputError(str(exc)) from None


def _git(repo_root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=repo_root, capture_output=True, check=False)
    except FileNotFoundError:
        raise DiffInputError("git is not installed: cannot read a REV:path spec") from None


def _git_show(arg: str, revision: str, path: str, repo_root: Path) -> str:
    if not revision or not path:
        raise DiffInputError(f"{arg}: expected a file or REV:path (HEAD~1:specs/atlas-admin.yaml)")
    if not repo_root.is_dir() or _git(repo_root, "rev-parse", "--git-dir").returncode != 0:
        raise DiffInputError(f"{arg}: {repo_root} is not in a git repository")
    # A revision starting with '-' would be read as an option.
    commit = f"{revision}^{{commit}}"
    if (
        revision.startswith("-")
        or _git(repo_root, "rev-parse", "--verify", "-q", commit).returncode
    ):
        raise DiffInputError(f"{arg}: unknown git revision {revision!r}")
    kind = _git(repo_root, "cat-file", "-t", f"{revision}:{path}")
    if kind.returncode != 0:
        raise DiffInputError(f"{arg}: {path!r} does not exist in {revision}")
    if kind.stdout.strip() != b"blob":
        raise DiffInputError(f"{arg}: {path!r} is a directory in {revision}, expected a file")
    shown = _git(repo_root, "show", f"{revision}:{path}")
    if shown.returncode != 0:
        problem = shown.stderr.decode(errors="replace").strip().splitlines() or ["git show failed"]
        raise DiffInputError(f"{arg}: {problem[-1]}")
    try:
        return shown.stdout.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DiffInputError(f"{arg}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
