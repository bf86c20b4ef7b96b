"""What a warm ``atlasgen generate`` would cost if it proved "nothing changed" from digests.

A prototype measurement, not part of atlasgen: it shows the floor a pipeline-level
short-circuit could reach. Proof that nothing changed, without loading the spec:

1. the inputs are byte-identical to the last run's: the spec, every generator source and
   template, the ``[tool.atlasgen]`` settings and the black version (one SHA-256 over all);
2. the output directory still holds exactly the files of the last run (a SHA-256 of every
   file, compared with the manifest of the last run).

    python bench/scale/warm_floor.py --spec S --out O --record   # after a real generate
    python bench/scale/warm_floor.py --spec S --out O            # prints the check's seconds

The manifest lives in ``bench/results/scale/`` (never in the output directory).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

START = time.perf_counter()
ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "bench" / "results" / "scale" / "manifests"


def inputs_digest(spec: Path) -> str:
    digest = hashlib.sha256()
    digest.update(spec.read_bytes())
    for folder in ("generator", "templates"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    digest.update((ROOT / "pyproject.toml").read_bytes())
    try:
        from _black_version import version
    except ImportError:  # pragma: no cover
        version = "?"
    digest.update(str(version).encode())
    return digest.hexdigest()


def output_digests(out: Path) -> dict[str, str]:
    return {
        path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(out.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--record", action="store_true", help="write the manifest of this output")
    args = parser.parse_args()
    manifest = MANIFESTS / (
        hashlib.sha256(str(args.out.resolve()).encode()).hexdigest()[:16] + ".json"
    )
    state = {"inputs": inputs_digest(args.spec), "files": output_digests(args.out)}
    if args.record:
        manifest.parent.mkdir(parents=True, exist_ok=True)
        manifest.write_text(json.dumps(state))
        return 0
    recorded = json.loads(manifest.read_text()) if manifest.exists() else {}
    unchanged = recorded == state
    print(
        json.dumps(
            {
                "unchanged": unchanged,
                "files": len(state["files"]),
                "seconds": time.perf_counter() - START,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
