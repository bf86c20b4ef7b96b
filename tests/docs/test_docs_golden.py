"""Golden pages: every page of every operation in every language, for two specs.

- ``tests/docs/specs/docs-fixture.yaml`` -> ``tests/docs/golden/`` (owned by these tests;
  ``ATLASGEN_UPDATE_GOLDEN=1`` rewrites it);
- ``specs/atlas-admin.yaml`` -> ``generated/docs/`` (the committed output of ``atlasgen
  generate``; regenerate it with that command).
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docs_support import (
    FIXTURE_LANGUAGES,
    FIXTURE_SPEC,
    GOLDEN,
    ROOT,
    SHIPPED_SPEC,
    UPDATE_GOLDEN,
    docs_outputs,
    walk,
)

from atlasgen.model import Api

FIXTURE_OUTPUTS = docs_outputs(FIXTURE_SPEC, FIXTURE_LANGUAGES)
SHIPPED_OUTPUTS = docs_outputs(SHIPPED_SPEC)
COMMITTED = ROOT / "generated"


def _diff(expected: bytes, actual: bytes, name: str) -> str:
    lines = difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(keepends=True),
        actual.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile=f"golden/{name}",
        tofile=f"rendered/{name}",
    )
    return "".join(lines)[:8000]


@pytest.mark.parametrize("name", FIXTURE_OUTPUTS)
def test_fixture_page_matches_its_golden(fixture_docs: Path, name: str) -> None:
    actual = (fixture_docs / name).read_bytes()
    golden = GOLDEN / name
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(actual)
        return
    assert golden.is_file(), f"{golden} is missing; run ATLASGEN_UPDATE_GOLDEN=1 pytest tests/docs"
    expected = golden.read_bytes()
    assert actual == expected, _diff(expected, actual, name)


def test_fixture_golden_holds_no_stale_page() -> None:
    present = {p.relative_to(GOLDEN).as_posix(): p for p in walk(GOLDEN)} if GOLDEN.is_dir() else {}
    stale = sorted(set(present) - set(FIXTURE_OUTPUTS))
    if UPDATE_GOLDEN:
        for name in stale:
            present[name].unlink()
        for folder in sorted((p for p in GOLDEN.rglob("*") if p.is_dir()), reverse=True):
            if not any(folder.iterdir()):
                shutil.rmtree(folder)
        return
    assert not stale, f"golden pages the docs target no longer writes: {stale}"


@pytest.mark.parametrize("name", SHIPPED_OUTPUTS)
def test_committed_docs_page_is_current(shipped_docs: Path, name: str) -> None:
    committed = COMMITTED / name
    assert committed.is_file(), f"generated/{name} is missing: run `atlasgen generate`"
    actual = (shipped_docs / name).read_bytes()
    expected = committed.read_bytes()
    assert actual == expected, _diff(expected, actual, name) + "\n(run `atlasgen generate`)"


def test_committed_docs_hold_no_extra_file() -> None:
    folder = COMMITTED / "docs"
    assert folder.is_dir(), "generated/docs/ is missing: run `atlasgen generate`"
    present = {
        p.relative_to(COMMITTED).as_posix()
        for p in walk(folder)
        if "site" not in p.relative_to(folder).parts
    }
    assert sorted(present - set(SHIPPED_OUTPUTS)) == []


def test_every_operation_has_a_page_in_every_language(shipped: Api) -> None:
    for op in shipped.operations:
        for language in ("en", "zh", "pt", "ko"):
            prefix = "" if language == "en" else f"{language}/"
            assert f"docs/content/{prefix}operations/{op.doc_slug}.md" in SHIPPED_OUTPUTS


_DIGEST = """
import hashlib, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[2])
import docs_support
from atlasgen.pipeline import generate_files
files = generate_files(docs_support.settings_for(docs_support.FIXTURE_SPEC, Path("unused"), ("docs",)), use_cache=False).files
print(hashlib.sha256(b"".join(k.encode() + v for k, v in sorted(files.items()))).hexdigest())
"""


def test_docs_are_byte_identical_across_hash_seeds() -> None:
    digests = set()
    for seed in ("0", "4242"):
        result = subprocess.run(
            [sys.executable, "-c", _DIGEST, str(ROOT), str(Path(__file__).parent)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        digests.add(result.stdout.strip())
    assert len(digests) == 1
