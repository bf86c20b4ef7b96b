"""Fewer, complete examples: ``atlasgen generate`` in-process on mutated specs, then the
generated packages imported, all of them in one subprocess at the end.

Half the examples write over an existing generated tree, half into a new directory: a
failure must leave either exactly as it was, with nothing left beside it.
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
from pathlib import Path

import pytest
from fuzzlib import (
    FUZZ,
    ROOT,
    SHIPPED_SPEC,
    Mutated,
    check_generate,
    examples,
    import_outputs,
    mutated_specs,
    run_cli,
    seeded,
    tree,
)
from hypothesis import given
from hypothesis import settings as hsettings

KEEP_FOR_IMPORT = 40  # distinct generated packages imported at the end


@pytest.fixture(scope="module")
def seed_tree(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """A tree generated from the shipped spec, to write over (None if that fails: other tests say why)."""
    out = tmp_path_factory.mktemp("fuzz-seed") / "out"
    code, _, _ = run_cli(["-q", "generate", "--spec", str(SHIPPED_SPEC), "--out", str(out)])
    return out if code == 0 else None


def test_generate_exits_cleanly_and_output_imports(
    tmp_path: Path, seed_tree: Path | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv(
        "ATLASGEN_CACHE_DIR", str(tmp_path / "black-cache")
    )  # shared by the examples
    counter = itertools.count()
    kept: dict[str, tuple[Path, Mutated]] = {}
    outcomes = {0: 0, 1: 0}

    @seeded
    @hsettings(FUZZ, max_examples=examples(60, scale=0.05))
    @given(mutated_specs())
    def one(mutated: Mutated) -> None:
        index = next(counter)
        folder = tmp_path / f"example-{index}"
        folder.mkdir()
        code, out = check_generate(mutated, folder, seed_tree if index % 2 else None)
        outcomes[code] += 1
        if code == 0:
            digest = hashlib.sha256(repr(sorted(tree(out).items())).encode()).hexdigest()
            if digest not in kept and len(kept) < KEEP_FOR_IMPORT:
                kept[digest] = (out, mutated)
                return
        shutil.rmtree(folder, ignore_errors=True)

    one()
    print(f"generate outcomes: {outcomes}; importing {len(kept)} distinct outputs")
    results = import_outputs([out for out, _ in kept.values()])
    by_folder = {str(out): mutated for out, mutated in kept.values()}
    failures = [
        f"{folder}: {result['errors'][:3]}\n  mutations: {by_folder.get(folder).steps if folder in by_folder else '?'}"
        f"\n  spec: {Path(folder).parent / 'spec.yaml'}"
        for folder, result in results.items()
        if result["errors"]
    ]
    assert not failures, "generated packages that do not import:\n" + "\n".join(failures[:5])
