"""Scale benchmark: ``atlasgen generate`` on synthetic Atlas-shaped specs of N operations.

A benchmark, not a test: it measures and reports, it never fails a build.

    .venv/bin/python bench/scale/run.py                      # N = 50, 200, 540, 1000
    .venv/bin/python bench/scale/run.py --sizes 540 --profile
    .venv/bin/python bench/scale/run.py --no-anchor --sizes 50,200
    .venv/bin/python bench/scale/run.py --corpus             # the realism corpus (540 ops)
    .venv/bin/python bench/scale/run.py --corpus --rounds 3  # median of 3 alternating rounds

For every N, each in a fresh child process:

- atlasgen cold: a fresh ``ATLASGEN_CACHE_DIR`` and a fresh output directory;
- atlasgen warm: the same command again, nothing changed;
- the anchor, ``openapi-python-client generate`` (in its own venv ``bench/.venv-anchor``,
  made here on first use), on the very same spec, side by side in the same run;
- a stage breakdown (load, validate, model, targets, render, format, write) of one more
  cold run, in-process (``bench/scale/stages.py``).

Wall time is ``time.perf_counter`` around the child; peak RSS is ``ru_maxrss`` of that one
child from ``os.wait4`` (the largest single process of its tree: black's worker processes
are waited for by it, so they count if they are larger). The table goes to stdout and to
``bench/scale/results.md``; specs, outputs and profiles go to ``bench/results/scale/``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import corpus
import synth

ANCHOR_VENV = ROOT / "bench" / ".venv-anchor"
ANCHOR_PACKAGE = "openapi-python-client"
WORK = ROOT / "bench" / "results" / "scale"
RESULTS = HERE / "results.md"
TARGET_N = 540
TARGETS = {"cold_ratio": 0.4, "warm_s": 0.5, "rss_mib": 300.0}


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    rss_mib: float
    returncode: int
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def brief_error(self) -> str:
        lines = [line for line in self.stderr.strip().splitlines() if line.strip()]
        return lines[-1][:160] if lines else f"exit {self.returncode}"


def measure(
    command: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    log: Path | None = None,
) -> Run:
    """Run ``command`` in a fresh child; wall time and that child's peak RSS (``wait4``)."""
    log = log or WORK / "last.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as sink:
        start = time.perf_counter()
        child = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
    cpu = usage.ru_utime + usage.ru_stime
    return Run(
        seconds,
        cpu,
        usage.ru_maxrss / 1024,
        child.returncode,
        log.read_text(errors="replace")[-4000:],
    )


def fresh(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


# ------------------------------------------------------------------------- the anchor
def ensure_anchor() -> str | None:
    """``bench/.venv-anchor`` with openapi-python-client; its version, or None if unavailable."""
    binary = ANCHOR_VENV / "bin" / "openapi-python-client"
    if not binary.exists():
        print(
            f"creating {ANCHOR_VENV.relative_to(ROOT)} with {ANCHOR_PACKAGE} ...", file=sys.stderr
        )
        installed = subprocess.run(
            [
                str(ROOT / ".uv" / "bin" / "uv"),
                "sync",
                "--frozen",
                "--quiet",
                "--only-group",
                "bench",
            ],
            env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(ANCHOR_VENV)},
            capture_output=True,
            text=True,
            check=False,
        )
        if installed.returncode != 0:
            print(
                f"cannot install {ANCHOR_PACKAGE}: {installed.stderr.strip()[-400:]}",
                file=sys.stderr,
            )
            return None
    (ANCHOR_VENV / ".gitignore").write_text("# created by bench/scale/run.py\n*\n")
    version = subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return version.rsplit(" ", 1)[-1] or "?"


def anchor_command(spec: Path, out: Path) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "PATH": f"{ANCHOR_VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    # --path (no --url): nothing is fetched; its post-hooks (ruff) run from its own venv.
    return [
        str(ANCHOR_VENV / "bin" / "openapi-python-client"),
        "generate",
        "--path",
        str(spec),
        "--output-path",
        str(out),
        "--overwrite",
    ], env


def anchor_dropped(log: str) -> dict[str, int]:
    """What the anchor left out of its client (it exits 0 and warns)."""
    return {
        "schemas_removed": log.count("Unable to process schema"),
        "responses_omitted": log.count("response will be omitted"),
        "allOf_non_object": log.count("Cannot take allOf a non-object"),
    }


# ------------------------------------------------------------------------- atlasgen
def atlasgen_command(spec: Path, out: Path, cache: Path) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "ATLASGEN_CACHE_DIR": str(cache), "PYTHONHASHSEED": "0"}
    return [
        sys.executable,
        "-m",
        "atlasgen",
        "generate",
        "-q",
        "--spec",
        str(spec),
        "--out",
        str(out),
    ], env


def stage_breakdown(spec: Path, work: Path) -> dict:
    out, cache = work / "stages-out", work / "stages-cache"
    fresh(out, cache)
    result = subprocess.run(
        [
            sys.executable,
            str(HERE / "stages.py"),
            "--spec",
            str(spec),
            "--out",
            str(out),
            "--cache",
            str(cache),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": (result.stderr.strip().splitlines() or ["no output"])[-1], "stages": {}}


def profile(spec: Path, work: Path, label: str, top: int = 15) -> list[str]:
    """cProfile of one ``generate`` (cold: fresh cache and output; warm: same again)."""
    out, cache = work / "profile-out", work / "profile-cache"
    if label == "cold":
        fresh(out, cache)
    command, env = atlasgen_command(spec, out, cache)
    stats_file = work / f"profile-{label}.pstats"
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(stats_file), *command[1:]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    if not stats_file.exists():
        return [f"(no profile for {label})"]
    text_file = work / f"profile-{label}.txt"
    with open(text_file, "w") as sink:
        stats = pstats.Stats(str(stats_file), stream=sink)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(60)
    stats = pstats.Stats(str(stats_file))
    total = stats.total_tt  # type: ignore[attr-defined]

    def table(column: int, skip: tuple[str, ...]) -> list[str]:
        rows = []
        for (filename, line, name), entry in sorted(stats.stats.items(), key=lambda item: -item[1][column]):  # type: ignore[attr-defined]
            _, calls, tottime, cumtime, _ = entry
            where = filename.replace(str(ROOT) + "/", "")
            if "site-packages/" in where:
                where = where.split("site-packages/", 1)[1]
            if any(s in f"{where}({name})" for s in skip):
                continue
            rows.append(
                f"| {cumtime:7.2f} | {tottime:6.2f} | {calls:>8} | `{where}:{line}({name})` |"
            )
            if len(rows) >= top:
                break
        return ["| cum s | own s | calls | function |", "| ---: | ---: | ---: | --- |", *rows]

    wrappers = (
        "<built-in method builtins.exec>",
        "<module>",
        "runpy",
        "__main__.py",
        "concurrent/futures",
        "threading.py",
    )
    heading = (
        f"cProfile, {label}, total {total:.2f} s (main process only: time waiting for black's workers "
        "shows as `_thread.lock.acquire`)"
    )
    return [heading, "", "Cumulative:", "", *table(3, wrappers), "", "Own time:", "", *table(2, ())]


# ------------------------------------------------------------------------- report
def pipeline_status() -> str:
    """Which atlasgen was measured: its commit, and whether the tree had changes on top."""
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "generator", "templates"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"atlasgen at commit {commit or '?'}" + (" with uncommitted changes" if dirty else "")


def median_run(runs: list[Run]) -> Run:
    """The median of ``runs``: wall and CPU seconds each the median of theirs, the largest RSS;
    a failed run, if any, stands for them all."""
    failed = [r for r in runs if not r.ok]
    if failed:
        return failed[0]
    middle = len(runs) // 2
    return Run(
        seconds=sorted(r.seconds for r in runs)[middle],
        cpu_seconds=sorted(r.cpu_seconds for r in runs)[middle],
        rss_mib=max(r.rss_mib for r in runs),
        returncode=0,
        stderr=runs[0].stderr,
    )


def fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="50,200,540,1000", help="comma-separated operation counts"
    )
    parser.add_argument("--no-anchor", action="store_true", help="skip openapi-python-client")
    parser.add_argument(
        "--no-stages", action="store_true", help="skip the in-process stage breakdown"
    )
    parser.add_argument(
        "--profile", action="store_true", help=f"cProfile a cold and a warm run at N={TARGET_N}"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="cold runs of atlasgen and of the anchor, alternating (medians are reported)",
    )
    parser.add_argument(
        "--warm-repeat", type=int, default=3, help="warm runs per N (the median is reported)"
    )
    parser.add_argument(
        "--corpus",
        action="store_true",
        help=f"the realism corpus (bench/scale/corpus.py, {corpus.OPERATIONS} operations) "
        "instead of synth.py's specs; --sizes is ignored",
    )
    parser.add_argument(
        "--corpus-without",
        action="append",
        default=[],
        choices=sorted(corpus.FLAWS),
        help="leave this flaw out of the corpus (repeatable)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="markdown report to write")
    args = parser.parse_args(argv)
    sizes = (
        [corpus.OPERATIONS] if args.corpus else [int(s) for s in args.sizes.split(",") if s.strip()]
    )

    def write_input(n: int, work: Path) -> tuple[Path, dict]:
        """The spec of ``n`` operations benchmarked (and its data), written into ``work``."""
        if args.corpus:
            data = corpus.build_corpus(args.corpus_without)
            spec = work / f"corpus-{n}.yaml"
            spec.write_text(corpus.dump(data), encoding="utf-8")
        else:
            data = synth.build_spec(n)
            spec = work / f"atlas-{n}.yaml"
            spec.write_text(synth.dump(data), encoding="utf-8")
        return spec, data

    WORK.mkdir(parents=True, exist_ok=True)
    anchor_version = None if args.no_anchor else ensure_anchor()

    rows, stage_rows, notes = [], [], []
    results: dict[int, dict] = {}
    for n in sizes:
        work = WORK / f"n{n}"
        work.mkdir(parents=True, exist_ok=True)
        spec, data = write_input(n, work)
        counts = synth.stats(data)
        out, cache = work / "out", work / "cache"
        command, env = atlasgen_command(spec, out, cache)
        # Cold runs and the anchor's alternate, round by round, so both see the same machine;
        # each is reported as its median round (wall and CPU separately).
        colds: list[Run] = []
        anchors: list[Run] = []
        anchor_out = work / "anchor-out"
        for _ in range(max(1, args.rounds)):
            fresh(out, cache)
            colds.append(measure(command, env=env, log=work / "cold.log"))
            if anchor_version:
                fresh(anchor_out)
                a_command, a_env = anchor_command(spec, anchor_out)
                anchors.append(measure(a_command, env=a_env, log=work / "anchor.log"))
        cold = median_run(colds)
        if len(colds) > 1 and anchors:
            notes.append(
                f"N={n}: cold / anchor by round: "
                + ", ".join(f"{c.seconds / a.seconds:.2f}x" for c, a in zip(colds, anchors))
            )
        warms = [
            measure(command, env=env, log=work / "warm.log")
            for _ in range(max(1, args.warm_repeat))
        ]
        warm = sorted(warms, key=lambda r: r.seconds)[len(warms) // 2]
        files = sum(1 for p in out.rglob("*") if p.is_file()) if out.is_dir() else 0
        floor = None
        if cold.ok:  # the digest-only proof of "nothing changed" (bench/scale/warm_floor.py)
            probe = [
                sys.executable,
                str(HERE / "warm_floor.py"),
                "--spec",
                str(spec),
                "--out",
                str(out),
            ]
            subprocess.run([*probe, "--record"], cwd=ROOT, check=False)
            floor = measure(probe, log=work / "floor.log")
        anchor = median_run(anchors) if anchors else None
        if anchor is not None:
            dropped = anchor_dropped((work / "anchor.log").read_text(errors="replace"))
            anchor_files = sum(1 for p in anchor_out.rglob("*.py")) if anchor_out.is_dir() else 0
            if not anchor.ok:
                notes.append(f"N={n}: the anchor failed: {anchor.brief_error()}")
            elif any(dropped.values()):
                notes.append(
                    f"N={n}: the anchor exited 0 but left out {dropped['schemas_removed']} schemas "
                    f"({dropped['allOf_non_object']} polymorphic children: 'Cannot take allOf a non-object') and "
                    f"{dropped['responses_omitted']} responses (gzip/csv downloads); it wrote {anchor_files} .py files"
                )
        if not cold.ok:
            notes.append(f"N={n}: atlasgen generate exited {cold.returncode}: {cold.brief_error()}")
        stages = {} if args.no_stages else stage_breakdown(spec, work)
        if stages.get("error"):
            notes.append(f"N={n}: stage breakdown: {stages['error']}")
        results[n] = {
            "cold": cold,
            "warm": warm,
            "anchor": anchor,
            "files": files,
            "stages": stages,
            "counts": counts,
        }
        ratio = cold.seconds / anchor.seconds if anchor and anchor.ok and cold.ok else None
        status = "" if cold.ok else f" (exit {cold.returncode})"
        cpu_ratio = (
            cold.cpu_seconds / anchor.cpu_seconds if anchor and anchor.ok and cold.ok else None
        )
        rows.append(
            f"| {n} | {counts['schemas']} | {fmt(cold.seconds)}{status} | {fmt(warm.seconds)} | "
            f"{fmt(max(cold.rss_mib, warm.rss_mib), 0)} | {fmt(anchor.seconds) if anchor else 'n/a'} | "
            f"{fmt(anchor.rss_mib, 0) if anchor else 'n/a'} | {fmt(ratio)} | "
            f"{fmt(cold.cpu_seconds)} / {fmt(warm.cpu_seconds)} / {fmt(anchor.cpu_seconds) if anchor else 'n/a'} | "
            f"{fmt(cpu_ratio)} | {fmt(floor.seconds) if floor and floor.ok else 'n/a'} | {files} |"
        )
        st, sc = stages.get("stages", {}), stages.get("cpu", {})
        stage_rows.append(
            f"| {n} | "
            + " | ".join(
                f"{fmt(st.get(s))} ({fmt(sc.get(s))})" if s in st else "n/a"
                for s in ("load", "validate", "model", "targets", "render", "format", "write")
            )
            + f" | {fmt(stages.get('total'))} | {stages.get('python_files', 'n/a')} |"
        )
        print(rows[-1], file=sys.stderr)

    lines = [
        "# Scale benchmark",
        "",
        (
            f"`{' '.join(['.venv/bin/python', 'bench/scale/run.py', *(argv if argv is not None else sys.argv[1:])])}` "
            f"on {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"anchor openapi-python-client {anchor_version or 'n/a'}."
        ),
        "",
        f"Measured: {pipeline_status()}.",
        "",
        (
            (
                "The realism corpus from `bench/scale/corpus.py`"
                + (f" without {', '.join(args.corpus_without)}" if args.corpus_without else "")
                if args.corpus
                else "Synthetic Atlas-shaped specs from `bench/scale/synth.py`"
            )
            + " (the same spec for both generators). "
            "Cold: fresh `ATLASGEN_CACHE_DIR` and output directory; warm: the same command again, nothing changed "
            f"(median of {max(1, args.warm_repeat)}). RSS: peak of the child's process tree (largest single process). "
            "CPU: user + system seconds of the whole process tree; on a shared machine it is steadier than wall time. "
            'Warm floor: `bench/scale/warm_floor.py`, what proving "nothing changed" from digests alone costs '
            "(inputs hashed, every output file hashed against the last run's manifest)."
        ),
        "",
        (
            "| N ops | schemas | atlasgen cold s | warm s | RSS MiB | anchor s | anchor RSS MiB | ratio cold/anchor "
            "| CPU s cold / warm / anchor | CPU ratio | warm floor s | files |"
        ),
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        (
            "Stage breakdown of one more cold run, in-process: wall seconds (CPU seconds of this process "
            "and of the workers it has waited for); `n/a`: the stage did not run. validate: our rules, "
            "plus the schema pass, which on a large spec runs in a forked process beside model and "
            "targets, so only the wait for it counts; render: forked workers on every core; format: "
            "`ruff format --check`, then black on what it flags; total: includes imports."
        ),
        "",
        "| N ops | load | validate | model | targets | render | format | write | total | .py files |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *stage_rows,
        "",
    ]
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        if results[small]["cold"].ok and results[large]["cold"].ok:
            growth = results[large]["cold"].seconds / results[small]["cold"].seconds
            lines += [
                f"Growth: cold time x{growth:.1f} from N={small} to N={large} (operations x{large / small:.1f}).",
                "",
            ]
        per_op = [
            f"N={n}: {1000 * (r['stages'].get('total') or 0) / n:.1f} ms/op in-process"
            for n, r in results.items()
            if r["stages"].get("total")
        ]
        if per_op:
            lines += ["Per operation: " + "; ".join(per_op) + ".", ""]
    if TARGET_N in results:
        r = results[TARGET_N]
        anchor = r["anchor"]
        checks = [
            (
                "cold <= 0.4 x anchor",
                anchor is not None
                and anchor.ok
                and r["cold"].ok
                and r["cold"].seconds <= TARGETS["cold_ratio"] * anchor.seconds,
            ),
            ("warm < 0.5 s", r["warm"].ok and r["warm"].seconds < TARGETS["warm_s"]),
            ("peak RSS < 300 MiB", max(r["cold"].rss_mib, r["warm"].rss_mib) < TARGETS["rss_mib"]),
        ]
        lines += [
            f"Targets at N={TARGET_N}: "
            + "; ".join(f"{name}: {'met' if ok else 'NOT met'}" for name, ok in checks)
            + ".",
            "",
        ]
    if notes:
        lines += ["Notes:", "", *[f"- {note}" for note in notes], ""]
    if args.profile:
        work = WORK / f"n{TARGET_N}"
        work.mkdir(parents=True, exist_ok=True)
        spec, _ = write_input(TARGET_N, work)
        for label in ("cold", "warm"):
            lines += ["## Profile, " + label, "", *profile(spec, spec.parent, label), ""]
    report = "\n".join(lines)
    args.output.write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
