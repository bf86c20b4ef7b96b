"""``python -m atlasgen``, run as a user runs it, for the tests that go through the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_atlasgen(
    cwd: Path, *args: str, cache: Path | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    """``atlasgen ARGS`` in ``cwd``, caching in ``cache`` (None: no cache); a run longer than
    ``timeout`` seconds fails the test instead of stalling it."""
    env = {**os.environ, "ATLASGEN_CACHE_DIR": "" if cache is None else str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "atlasgen", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
