"""``atlasgen``: generate, validate, check and diff from the command line.

Exit codes: 0 success; 1 invalid spec, failed generation, stale output or breaking diff;
2 usage error; 70 an internal error (a bug in atlasgen, reported in one line).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import TextIO

from .config import Settings, load_settings

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70


class _Output:
    """Where messages go, read at call time (tests swap sys.stdout and sys.stderr)."""

    def __init__(self, verbosity: int) -> None:
        self.verbosity = verbosity

    @property
    def out(self) -> TextIO:
        return sys.stdout

    @property
    def err(self) -> TextIO:
        return sys.stderr

    def info(self, message: str) -> None:
        if self.verbosity >= 0:
            print(message, file=self.out)

    def detail(self, message: str) -> None:
        if self.verbosity > 0:
            print(message, file=self.out)

    def error(self, message: str) -> None:
        print(f"atlasgen: {message}", file=self.err)


def _parser() -> argparse.ArgumentParser:
    def verbosity_options(default: object) -> argparse.ArgumentParser:
        options = argparse.ArgumentParser(add_help=False)
        options.add_argument(
            "-q", "--quiet", action="count", default=default, help="print only errors"
        )
        options.add_argument("-v", "--verbose", action="count", default=default, help="print more")
        return options

    parser = argparse.ArgumentParser(
        prog="atlasgen",
        description="Generate a Python client, a CLI and docs from an Atlas Admin API spec.",
        parents=[verbosity_options(0)],
    )
    # After the command, -q/-v add to what came before it instead of resetting it.
    common = verbosity_options(argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def output_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--spec", metavar="FILE", help="spec to read (default: [tool.atlasgen] spec)"
        )
        sub.add_argument(
            "--out", metavar="DIR", help="output directory (default: [tool.atlasgen] out)"
        )
        sub.add_argument("--targets", metavar="LIST", help="comma-separated: python,cli,docs")
        sub.add_argument("--strict", action="store_true", help="treat warnings as errors")
        sub.add_argument("--no-cache", action="store_true", help="do not use the black cache")

    generate = commands.add_parser(
        "generate", parents=[common], help="regenerate the output directory"
    )
    output_options(generate)
    check = commands.add_parser(
        "check", parents=[common], help="exit 1 with a diff if generate would change anything"
    )
    output_options(check)
    validate = commands.add_parser("validate", parents=[common], help="validate a spec")
    validate.add_argument(
        "file", nargs="?", help="spec to validate (default: [tool.atlasgen] spec)"
    )
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    diff = commands.add_parser("diff", parents=[common], help="report changes between two specs")
    diff.add_argument(
        "old", help="old spec: a file, or REV:path in git (HEAD~1:specs/atlas-admin.yaml)"
    )
    diff.add_argument("new", help="new spec: a file, or REV:path")
    diff.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="markdown: a release note or PR comment, grouped by tag, breaking changes first",
    )
    diff.add_argument(
        "--fail-on",
        choices=("ERR", "WARN", "INFO", "never"),
        default="never",
        help="exit 1 when a finding is at this level or worse (default: never)",
    )
    return parser


def _report_problems(problems: list, out: _Output) -> None:  # type: ignore[type-arg]
    from .validate import format_problem

    errors = [format_problem(p) for p in problems if p.severity == "error"]
    if errors:
        print(f"{len(errors)} error(s):", file=out.err)
        for line in errors:
            print(f"  {line}", file=out.err)
    _report_warnings([format_problem(p) for p in problems if p.severity != "error"], out)


def _report_warnings(lines: list[str], out: _Output) -> None:
    if lines and out.verbosity >= 0:
        print(f"{len(lines)} warning(s):", file=out.err)
        for line in lines:
            print(f"  {line}", file=out.err)


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings().with_overrides(
        spec=getattr(args, "spec", None),
        out=getattr(args, "out", None),
        targets=getattr(args, "targets", None),
    )


def _cmd_generate(args: argparse.Namespace, out: _Output) -> int:
    from . import manifest, output
    from .cache import cache_dir

    settings = _settings(args)
    cache = None if args.no_cache else cache_dir(settings)
    inputs = None if cache is None else manifest.inputs_digest(settings, strict=args.strict)
    if cache is not None and inputs is not None:
        last_run = manifest.replay(cache, settings, inputs=inputs)
        if last_run is not None:
            _report_warnings(last_run.warnings, out)
            out.info(
                f"{settings.out}: up to date ({last_run.files} files, as the last run left them)"
            )
            return EXIT_OK

    from .pipeline import generate_files
    from .validate import format_problem

    generated = generate_files(settings, strict=args.strict, use_cache=cache is not None)
    warnings = [format_problem(p) for p in generated.warnings]  # errors raise ValidationFailed
    _report_warnings(warnings, out)
    changes = output.write_tree(settings.out, generated.files)
    if cache is not None and inputs is not None:
        manifest.record(cache, settings, inputs=inputs, files=generated.files, warnings=warnings)
    if changes.any:
        out.info(
            f"{settings.out}: {len(changes.added)} added, {len(changes.changed)} changed, "
            f"{len(changes.removed)} removed, {len(changes.unchanged)} unchanged"
        )
        for name in changes.added + changes.changed + changes.removed:
            out.detail(f"  {name}")
    else:
        out.info(f"{settings.out}: up to date ({len(changes.unchanged)} files)")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace, out: _Output) -> int:
    from . import output
    from .pipeline import generate_files

    settings = _settings(args)
    generated = generate_files(settings, strict=args.strict, use_cache=not args.no_cache)
    changes = output.plan(settings.out, generated.files)
    if not changes.any:
        out.info(f"{settings.out}: up to date ({len(changes.unchanged)} files)")
        return EXIT_OK
    sys.stdout.write(output.unified_diff(settings.out, generated.files, changes))
    out.error(
        f"{settings.out} is stale: {len(changes.added)} to add, {len(changes.changed)} to change, "
        f"{len(changes.removed)} to remove; run 'atlasgen generate'"
    )
    return EXIT_FAIL


def _cmd_validate(args: argparse.Namespace, out: _Output) -> int:
    from .load import load_spec
    from .pipeline import check_spec

    settings = load_settings()
    if args.file:
        spec = load_spec(Path(args.file))
    else:
        spec = load_spec(settings.spec, display_path=settings.spec_display)
    problems = check_spec(spec, settings, strict=args.strict)
    _report_problems(problems, out)
    if any(p.severity == "error" for p in problems):
        return EXIT_FAIL
    out.info(f"{spec.display_path}: valid" + (f" ({len(problems)} warning(s))" if problems else ""))
    return EXIT_OK


def _cmd_diff(args: argparse.Namespace, out: _Output) -> int:
    from .diff import DiffInputError, run_diff

    settings = load_settings()
    try:
        return run_diff(
            args.old,
            args.new,
            fmt=args.format,
            fail_on=args.fail_on,
            repo_root=settings.project_root,
            out=sys.stdout,
            cli=settings.cli_command,
        )
    except DiffInputError as exc:
        out.error(str(exc))
        return EXIT_USAGE


_COMMANDS = {
    "generate": _cmd_generate,
    "check": _cmd_check,
    "validate": _cmd_validate,
    "diff": _cmd_diff,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out = _Output(args.verbose - args.quiet)
    from .errors import AtlasgenError, ValidationFailed

    try:
        return _COMMANDS[args.command](args, out)
    except ValidationFailed as exc:
        _report_problems(exc.problems, out)
        out.error("the spec is invalid; nothing was written")
        return EXIT_FAIL
    except AtlasgenError as exc:
        out.error(str(exc))
        return EXIT_FAIL
    except KeyboardInterrupt:
        out.error("interrupted; nothing was written")
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug in atlasgen: one line, traceback on -v
        if out.verbosity > 0:
            traceback.print_exc()
        out.error(f"internal error: {type(exc).__name__}: {exc} (rerun with -v for the traceback)")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
