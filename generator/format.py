"""Black for every Python file, with a content-hash cache and all cores for cache misses.

Black is the cost centre of a cold run, and its output depends only on its input, the mode
and its own version, so a cache keyed by those three makes an unchanged run nearly free.
Black itself is imported only when something misses the cache: importing it costs more
than reading a warm cache.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.cache import store
from generator.errors import AtlasgenError

# The mode, spelled once: black.Mode is built from these, and the cache key names them.
_TARGET_VERSION = "PY310"
LINE_LENGTH = 100
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
