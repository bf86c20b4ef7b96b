"""Black for every Python file, with a content-hash cache and all cores for cache misses.

Black is the cost centre of a cold run, and its output depends only on its input, the mode
and its own version, so a cache keyed by those three makes an unchanged run nearly free.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import black

MODE = black.Mode(
    target_versions={black.TargetVersion.PY310},
    line_length=100,
)
_PARALLEL_THRESHOLD = 16  # below this, starting worker processes costs more than it saves


class FormatError(Exception):
    """Black rejected generated code; the message names the output and its template."""


def _key(source: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"{black.__version__}|{MODE!r}|".encode())
    digest.update(source.encode("utf-8"))
    return digest.hexdigest()


def _format_one(source: str) -> str:
    try:
        return black.format_str(source, mode=MODE)
    except black.InvalidInput as exc:  # carried back as text: exceptions may not pickle
        return "\0" + str(exc)


def format_python(
    sources: dict[str, str], templates: dict[str, str], cache_dir: Path | None
) -> dict[str, str]:
    """Format ``{output path: source}``; ``templates`` maps outputs to their template for errors."""
    result: dict[str, str] = {}
    misses: list[tuple[str, str, str]] = []
    for path, source in sources.items():
        key = _key(source)
        cached = _read_cache(cache_dir, key)
        if cached is None:
            misses.append((path, source, key))
        else:
            result[path] = cached
    if len(misses) >= _PARALLEL_THRESHOLD and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor() as pool:
            outputs = list(pool.map(_format_one, [m[1] for m in misses], chunksize=4))
    else:
        outputs = [_format_one(m[1]) for m in misses]
    for (path, _, key), formatted in zip(misses, outputs, strict=True):
        if formatted.startswith("\0"):
            message = formatted[1:].splitlines()[0] if formatted[1:] else "invalid Python"
            raise FormatError(
                f"black cannot format {path} (rendered from templates/{templates.get(path, '?')}): "
                f"{message}"
            )
        result[path] = formatted
        _write_cache(cache_dir, key, formatted)
    return result


def _read_cache(cache_dir: Path | None, key: str) -> str | None:
    if cache_dir is None:
        return None
    try:
        return (cache_dir / key[:2] / key).read_text(encoding="utf-8")
    except OSError:
        return None


def _write_cache(cache_dir: Path | None, key: str, formatted: str) -> None:
    """Best effort: a cache that can't be written only costs time."""
    if cache_dir is None:
        return
    target = cache_dir / key[:2] / key
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f"{key}.{os.getpid()}.tmp")
        temporary.write_text(formatted, encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        pass
