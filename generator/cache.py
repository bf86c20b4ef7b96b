"""The cache directory: where it is, and the best-effort writes into it.

Nothing in the cache is needed for a correct run; a cache that cannot be written only
costs the next run time.
"""

from __future__ import annotations

import os
from pathlib import Path

from .config import Settings


def cache_dir(settings: Settings) -> Path | None:
    """``ATLASGEN_CACHE_DIR`` (empty: no cache), else ``.atlasgen-cache`` in the project."""
    configured = os.environ.get("ATLASGEN_CACHE_DIR")
    if configured == "":
        return None
    return Path(configured) if configured else settings.project_root / ".atlasgen-cache"


def store(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` whole (a temporary file, then a rename), or not at all."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        pass
