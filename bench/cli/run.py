"""CLI benchmark: start-up of ``atlas-admin --help`` and the cost of a full command.

A benchmark, not a test: it measures and prints a Markdown table, it never fails a build.

    .venv/bin/python bench/cli/run.py              # 15 runs of each
    .venv/bin/python bench/cli/run.py --runs 30

- ``atlas-admin --help`` (``python -m atlas_admin --help``) against ``python -c pass``:
  median wall time of fresh interpreters, and their ratio (target <= 8x); the same for a
  group's and a command's help (target <= 4x for a command's);
- ``atlas-admin api auditing getGroupAuditLog --groupId ...`` against the same call through
  the library (``client.invoke`` in ``python -c``), both fresh interpreters talking to one
  local fake Atlas in its own process (bearer token, so one round trip each).

The generated package goes to bench/results/cli/ (ignored by git), byte-compiled as an
installed package is.
"""

from __future__ import annotations

import argparse
import compileall
import dataclasses
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WORK = ROOT / "bench" / "results" / "cli"
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from servers.fake_atlas import DEFAULT_STATIC_TOKEN, EXAMPLE_GROUP_ID, serve_in_subprocess

from atlasgen import output
from atlasgen.config import load_settings
from atlasgen.pipeline import generate_files

TARGET_HELP_RATIO = 8.0
# `api <group> <command> --help`: what the Atlas CLI parity work (issue 14) keeps quick.
TARGET_COMMAND_HELP_RATIO = 4.0


def generate() -> Path:
    settings = dataclasses.replace(
        load_settings(ROOT), out=WORK / "generated", targets=("python", "cli")
    )
    output.write_tree(settings.out, generate_files(settings).files)
    # Byte-compiled, as pip installs it: with PYTHONDONTWRITEBYTECODE set (as on CI) every
    # run would otherwise compile the package's modules again.
    compileall.compile_dir(settings.out / "python", quiet=1)
    return settings.out / "python"


def median_wall(command: list[str], env: dict[str, str], runs: int) -> float:
    """Median seconds of ``command`` in fresh processes (one warm-up run not counted)."""
    times = []
    for index in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        if index:
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    package = generate()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONGODB_ATLAS_")}
    env["PYTHONPATH"] = str(package)
    python = sys.executable
    baseline = median_wall([python, "-c", "pass"], env, args.runs)
    help_time = median_wall([python, "-m", "atlas_admin", "--help"], env, args.runs)
    group_help = median_wall(
        [python, "-m", "atlas_admin", "api", "streams", "--help"], env, args.runs
    )
    command_help = median_wall(
        [python, "-m", "atlas_admin", "api", "streams", "downloadAuditLogs", "--help"],
        env,
        args.runs,
    )
    with serve_in_subprocess() as url:
        call_env = {
            **env,
            "MONGODB_ATLAS_BASE_URL": url,
            "MONGODB_ATLAS_ACCESS_TOKEN": DEFAULT_STATIC_TOKEN,
        }
        cli = median_wall(
            [
                python,
                "-m",
                "atlas_admin",
                "api",
                "auditing",
                "getGroupAuditLog",
                "--groupId",
                EXAMPLE_GROUP_ID,
            ],
            call_env,
            args.runs,
        )
        library_code = (
            "import json, sys\n"
            "from atlas_admin import Client\n"
            "with Client() as client:\n"
            f"    r = client.invoke('getGroupAuditLog', {{'groupId': {EXAMPLE_GROUP_ID!r}}})\n"
            "    sys.stdout.write(json.dumps(json.loads(r.http_response.content), indent=2))\n"
        )
        library = median_wall([python, "-c", library_code], call_env, args.runs)
    ms = 1000.0
    help_ratio = help_time / baseline
    verdict = "ok" if help_ratio <= TARGET_HELP_RATIO else "over target"
    print(f"Python {sys.version.split()[0]}, {args.runs} runs each, median wall time\n")
    print("| measurement | time (ms) | ratio | target |")
    print("| --- | ---: | ---: | --- |")
    print(f"| `python -c pass` | {baseline * ms:.1f} | 1.00x | |")
    print(
        f"| `atlas-admin --help` | {help_time * ms:.1f} | {help_ratio:.2f}x | <= {TARGET_HELP_RATIO:.0f}x ({verdict}) |"
    )
    print(
        f"| `atlas-admin api streams --help` | {group_help * ms:.1f} | {group_help / baseline:.2f}x | |"
    )
    command_ratio = command_help / baseline
    command_verdict = "ok" if command_ratio <= TARGET_COMMAND_HELP_RATIO else "over target"
    print(
        f"| `atlas-admin api streams downloadAuditLogs --help` | {command_help * ms:.1f} | "
        f"{command_ratio:.2f}x | <= {TARGET_COMMAND_HELP_RATIO:.0f}x ({command_verdict}) |"
    )
    print(f"| library: `client.invoke('getGroupAuditLog')` | {library * ms:.1f} | 1.00x | |")
    print(
        f"| `atlas-admin api auditing getGroupAuditLog` | {cli * ms:.1f} | {cli / library:.2f}x | vs library |"
    )


if __name__ == "__main__":
    main()
