"""Every Python file in black's style: a fast check first, black only where it changes something.

Black is slow (about 0.2 ms a line; it was most of a cold run). The templates write its
style already (``generator/pysource.py``), so most files need no change: ``ruff format
--check`` (Rust, on every core, black-compatible by design) finds those in a fraction of a
second, and only the files ruff would change go to black, on every core, which has the
last word on them. The tests run ``black --check`` over the output of every fixture spec,
so a file ruff passes but black would change fails a test. Without a ruff executable,
black formats every file.

Black's output depends only on its input, the mode and its own version, so it is cached
under a hash of those three; importing black is left until a file reaches it, as importing
it costs more than reading the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

from .cache import store
from .errors import AtlasgenError
from .pysource import LINE_LENGTH

# The mode, spelled once: black.Mode is built from these, and the cache key names them.
_TARGET_VERSION = "PY310"
_PARALLEL_THRESHOLD = 16  # below this, starting worker processes costs more than it saves


class FormatError(AtlasgenError):
    """Black rejected generated code; the message names the output and its template."""


@lru_cache(maxsize=1)
def _black_version() -> str:
    try:  # black's own version module: no need to import black for it
        from _black_version import version

        return str(version)
    except ImportError:  # pragma: no cover - an unusual black installation
        from importlib.metadata import version as installed

        return installed("black")


@lru_cache(maxsize=1)
def _mode() -> Any:
    from black.mode import Mode, TargetVersion

    return Mode(target_versions={TargetVersion[_TARGET_VERSION]}, line_length=LINE_LENGTH)


def _key(source: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"black {_black_version()}|{_TARGET_VERSION}|{LINE_LENGTH}|".encode())
    digest.update(source.encode("utf-8"))
    return digest.hexdigest()


def _format_one(source: str) -> str:
    import black
    from black.parsing import InvalidInput

    try:
        return black.format_str(source, mode=_mode())
    except InvalidInput as exc:  # carried back as text: exceptions may not pickle
        return "\0" + str(exc)


def _format_all(sources: list[str]) -> list[str]:
    """Black over ``sources``, in order; on every core when there are enough of them."""
    workers = min(os.cpu_count() or 1, len(sources))
    if len(sources) < _PARALLEL_THRESHOLD or workers < 2:
        return [_format_one(source) for source in sources]
    _mode()  # import black once here: forked workers inherit it instead of importing it again
    # Largest first, in small chunks, so no worker is left with a long file at the end;
    # the results go back to their places.
    order = sorted(range(len(sources)), key=lambda i: -len(sources[i]))
    chunk = max(1, min(8, len(sources) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        formatted = list(pool.map(_format_one, [sources[i] for i in order], chunksize=chunk))
    result = [""] * len(sources)
    for index, text in zip(order, formatted, strict=True):
        result[index] = text
    return result


def format_python(
    sources: dict[str, str], templates: dict[str, str], cache_dir: Path | None
) -> dict[str, str]:
    """Format ``{output path: source}``; ``templates`` maps outputs to their template for errors."""
    keys = {path: _key(source) for path, source in sources.items()}
    formatted: dict[str, str] = {}  # by key: identical sources (empty __init__.py...) run once
    misses: dict[str, str] = {}  # key -> first output path with that source
    for path, key in keys.items():
        if key in formatted or key in misses:
            continue
        cached = _read_cache(cache_dir, key)
        if cached is None:
            misses[key] = path
        else:
            formatted[key] = cached
    unchanged = _already_formatted({key: sources[path] for key, path in misses.items()})
    for key in unchanged:  # not cached: checking again is cheaper than a file per module
        formatted[key] = sources[misses.pop(key)]
    outputs = _format_all([sources[path] for path in misses.values()]) if misses else []
    for (key, path), text in zip(misses.items(), outputs, strict=True):
        if text.startswith("\0"):
            message = text[1:].splitlines()[0] if text[1:] else "invalid Python"
            raise FormatError(
                f"black cannot format {path} (rendered from templates/{templates.get(path, '?')}): "
                f"{message}"
            )
        formatted[key] = text
        _write_cache(cache_dir, key, text)
    return {path: formatted[key] for path, key in keys.items()}


@lru_cache(maxsize=1)
def _ruff() -> str | None:
    """The ruff executable installed with atlasgen, or None."""
    try:
        from ruff.__main__ import find_ruff_bin
    except ImportError:
        return None
    try:
        return str(find_ruff_bin())
    except FileNotFoundError:  # pragma: no cover - a ruff package without its binary
        return None


def _already_formatted(sources: dict[str, str]) -> set[str]:
    """The keys of ``sources`` that ``ruff format`` would leave as they are.

    Anything ruff reports, cannot parse or fails on is left for black, which says why.
    """
    ruff = _ruff()
    if ruff is None or not sources:
        return set()
    memory = "/dev/shm"  # scratch files in memory where there is such a file system
    scratch = memory if os.path.isdir(memory) and os.access(memory, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="atlasgen-format-", dir=scratch) as folder:
        names = {}
        for index, (key, source) in enumerate(sources.items()):
            name = os.path.join(folder, f"m{index}.py")
            with open(name, "w", encoding="utf-8", newline="") as handle:
                handle.write(source)
            names[os.path.realpath(name)] = key
        command = [ruff, "format", "--check", "--isolated", "--no-cache"]
        command += ["--output-format=json", f"--line-length={LINE_LENGTH}"]
        command += [f"--target-version={_TARGET_VERSION.lower()}", folder]
        result = subprocess.run(command, capture_output=True, encoding="utf-8", check=False)
    try:
        reported = {
            os.path.realpath(item["filename"]) for item in json.loads(result.stdout or "[]")
        }
    except (ValueError, TypeError, KeyError):
        return set()
    if result.returncode != (1 if reported else 0):
        return set()  # ruff failed (a file it cannot parse, a crash): black sees everything
    return {key for name, key in names.items() if name not in reported}


def _read_cache(cache_dir: Path | None, key: str) -> str | None:
    if cache_dir is None:
        return None
    try:
        return (cache_dir / key[:2] / key).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):  # missing, unreadable or damaged: format again
        return None


def _write_cache(cache_dir: Path | None, key: str, formatted: str) -> None:
    """Best effort: a cache that can't be written only costs time."""
    if cache_dir is None:
        return
    store(cache_dir / key[:2] / key, formatted)
