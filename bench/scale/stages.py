"""Time each pipeline stage of one ``atlasgen generate``, in one process; print JSON.

    python bench/scale/stages.py --spec S --out O --cache C

The real pipeline runs (``generator.pipeline.generate_files`` then ``output.write_tree``);
its stage functions are wrapped with timers, so nothing here re-implements a stage. While
``generator/validate`` or the targets are not written yet, the stages that exist are
timed (load and model at least) and the missing ones are reported as such.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

timings: dict[str, float] = {}
cpu: dict[str, float] = {}


def cpu_seconds() -> float:
    """CPU of this process and of its waited-for children (black's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start, start_cpu = time.perf_counter(), cpu_seconds()
        try:
            return function(*args, **kwargs)
        finally:
            timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start
            cpu[stage] = cpu.get(stage, 0.0) + cpu_seconds() - start_cpu

    return wrapper


def waited_for(schema_pass: Callable[..., Any]) -> Callable[..., Any]:
    """On a large spec the schema pass runs in a forked process beside the model: what this
    process spends on it, counted under validate, is the wait for its result (on a small
    spec, the pass itself, run here)."""

    @contextmanager
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Callable[[], Any]]:
        with schema_pass(*args, **kwargs) as problems:

            def result() -> Any:
                wall, used = timings.get("validate", 0.0), cpu.get("validate", 0.0)
                start, start_cpu = time.perf_counter(), cpu_seconds()
                try:
                    return problems()
                finally:  # replaces what validate_spec added if it ran here
                    timings["validate"] = wall + time.perf_counter() - start
                    cpu["validate"] = used + cpu_seconds() - start_cpu

            yield result

    return wrapper


def run(spec: Path, out: Path, cache: Path) -> dict[str, Any]:
    os.environ["ATLASGEN_CACHE_DIR"] = str(cache)
    result: dict[str, Any] = {"stages": timings, "cpu": cpu}
    started = time.perf_counter()
    from atlasgen.load import load_spec

    try:
        from atlasgen import output, pipeline
        from atlasgen.config import load_settings
    except ImportError as exc:  # a stage module not written yet: time what exists
        result["error"] = f"pipeline not importable ({exc}); timed load and model only"
        from atlasgen.model import build_model

        loaded = timed("load", load_spec)(spec)
        timed("model", build_model)(loaded, spec_display=spec.name)
        result["total"] = time.perf_counter() - started
        return result

    for stage, name in (
        ("load", "load_spec"),
        ("validate", "validate_spec"),
        ("model", "build_model"),
        ("render", "render_jobs"),
        ("format", "format_python"),
    ):
        setattr(pipeline, name, timed(stage, getattr(pipeline, name)))
    pipeline.TARGETS = {target: timed("targets", jobs) for target, jobs in pipeline.TARGETS.items()}
    pipeline.schema_pass = waited_for(pipeline.schema_pass)
    settings = load_settings(ROOT).with_overrides(spec=str(spec), out=str(out))
    try:
        generated = timed("generate_files", pipeline.generate_files)(settings)
        changes = timed("write", output.write_tree)(settings.out, generated.files)
        result["files"] = len(generated.files)
        result["python_files"] = sum(name.endswith(".py") for name in generated.files)
        result["changed"] = len(changes.added) + len(changes.changed) + len(changes.removed)
    except Exception as exc:  # noqa: BLE001 - reported, the benchmark goes on
        last = traceback.extract_tb(exc.__traceback__)[-1]
        result["error"] = (
            f"{type(exc).__name__}: {str(exc)[:200]} ({Path(last.filename).name}:{last.lineno})"
        )
    result["total"] = time.perf_counter() - started
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    args = parser.parse_args()
    print(json.dumps(run(args.spec.resolve(), args.out.resolve(), args.cache.resolve())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
