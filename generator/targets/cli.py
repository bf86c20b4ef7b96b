"""The cli target: maps model nodes to templates under templates/cli/ and output paths.

The command line ships inside the python distribution (``python/<package>/cli/``), as the
Atlas CLI lays out ``atlas api``: ``<command> api <tag group> <operation> --<parameter>``.

- ``cli/__init__.py``: ``main()`` and the table of groups (names and short help only, so
  ``--help`` of the root imports neither a group module nor httpx/pydantic);
- ``cli/_runtime.py``: static; click classes (lazy groups, aliases) and ``run``, which maps
  flags to ``Client.invoke`` and the client's errors to flags and exit codes;
- ``cli/<tag module>.py``: one click group per tag, one command per operation, every flag
  and help text laid out here from the model;
- ``__main__.py``: ``python -m <package>``.

Flag checks (patterns, bounds, enums, ``requires``) are the client's own: nothing here
re-implements them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .. import cli_flags
from ..cli_flags import PROJECT_ALIAS, PROJECT_PARAMETER
from ..config import Settings
from ..filters import first_sentence
from ..model import Api, naming
from ..model.types import Operation, Parameter, Tag
from ..pysource import Call, Display, Keyword, black_repr, literal
from . import RenderJob, all_sunset_note, version_listing
from .samples import sample

TEMPLATES = "cli"
# Flags every command may have besides its parameters (flag -> click parameter name).
OWN_FLAGS = {flag: "cli_" + naming.snake_case(flag) for flag in cli_flags.OWN_FLAGS}
# Parameters a profile of the Atlas CLI fills in (wire name -> (profile key, environment)).
PROFILE_DEFAULTS = {
    "groupId": ("project_id", "MONGODB_ATLAS_PROJECT_ID"),
    "orgId": ("org_id", "MONGODB_ATLAS_ORG_ID"),
}
_CLICK_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "BOOLEAN"}
# A pattern on a non-string that holds no regular-expression syntax is an example the spec
# put in the wrong place (``pattern: "1199145600"`` on an epoch): not shown as a pattern.
_LITERAL = re.compile(r"^[\w ,.:-]*$")


def jobs(api: Api, settings: Settings) -> list[RenderJob]:
    root = f"python/{settings.python_package}"
    common: dict[str, Any] = {
        "api": api,
        "package": settings.python_package,
        "distribution": settings.python_distribution,
        "command": settings.cli_command,
    }
    groups = [_group_view(api, tag, settings) for tag in api.tags]
    result = [
        RenderJob(
            f"{TEMPLATES}/__init__.py.j2", f"{root}/cli/__init__.py", {**common, "groups": groups}
        ),
        RenderJob(f"{TEMPLATES}/_runtime.py.j2", f"{root}/cli/_runtime.py", common),
        RenderJob(f"{TEMPLATES}/__main__.py.j2", f"{root}/__main__.py", common),
    ]
    result += [
        RenderJob(
            f"{TEMPLATES}/group.py.j2",
            f"{root}/cli/{group['module']}.py",
            {**common, "group": group},
        )
        for group in groups
    ]
    return result


@dataclass(frozen=True)
class OptionView:
    """One ``click.option``: its declarations and keyword arguments (Python source)."""

    decls: tuple[str, ...]
    name: str
    kwargs: tuple[tuple[str, str], ...]

    @property
    def decorator(self) -> Call:
        """``@click.option(...)``, for the template to lay out."""
        declarations = tuple(literal(d) for d in (*self.decls, self.name))
        keywords = tuple(Keyword(k, v) for k, v in self.kwargs)
        return Call("@click.option", declarations + keywords)


def _group_view(api: Api, tag: Tag, settings: Settings) -> dict[str, Any]:
    commands = [_command_view(api, tag, op, settings) for op in tag.operations]
    summary = first_sentence(tag.description) or tag.name
    return {
        "tag": tag,
        "name": tag.cli_name,
        "module": tag.module_name,
        "short_help": summary,
        "help": tag.description or tag.name,
        "aliases": Display(
            "dict",
            tuple(
                (literal(op.cli_alias), literal(op.cli_name))
                for op in tag.operations
                if op.cli_alias and op.cli_alias != op.cli_name
            ),
        ),
        "commands": commands,
        "runtime_imports": sorted(
            {"AliasGroup", "ApiCommand", "run"}
            | {
                "BOOLEAN"
                for command in commands
                for option in command["options"]
                if ("type", "BOOLEAN") in option.kwargs
            }
        ),
    }


def _command_view(api: Api, tag: Tag, op: Operation, settings: Settings) -> dict[str, Any]:
    options = [_parameter_option(p) for p in op.parameters]
    if op.versions:
        options.append(_own("--version", "YYYY-MM-DD", _version_help(api, op)))
    if op.request_body is not None:
        required = "Required: " if op.request_body.required else ""
        options.append(
            _own(
                "--file",
                "PATH",
                f"{required}JSON file with the request body ('-': standard input). Without "
                "--file, a body piped on standard input is read; giving both is an error.",
            )
        )
    options.append(_own("--output", "FORMAT", _output_help(op), short="-o"))
    options.append(
        _own(
            "--outputFile",
            "PATH",
            "Write the response to this file instead of standard output (a download whole "
            "or not at all).",
        )
    )
    if op.watcher is not None:
        options.append(_own("--watch", None, _watch_help(api, op), short="-w"))
        options.append(
            _own(
                "--watchTimeout",
                "SECONDS",
                "Give up --watch after this many seconds (exit status 1). Default: no limit.",
                type="click.IntRange(min=0)",
            )
        )
    if op.pagination is not None:
        options.append(
            _own(
                "--all",
                None,
                f"Every item of every page from --{op.pagination.page_parameter} on, one JSON "
                "object per line (JSON Lines), fetched page by page.",
            )
        )
    options.append(
        _own(
            "--profile",
            "NAME",
            "Profile of the Atlas CLI's config.toml: credentials, project_id, org_id, "
            "ops_manager_url, output. Default: $MONGODB_ATLAS_PROFILE, else 'default'.",
            short="-P",
            envvar="MONGODB_ATLAS_PROFILE",
        )
    )
    return {
        "op": op,
        "name": op.cli_name,
        "function": "_" + op.python_name,
        "short_help": first_sentence(op.summary or op.description),
        "help": _command_help(api, op, settings, tag),
        "epilog": _example(api, op, tag, settings),
        "options": options,
    }


def _own(
    flag: str,
    metavar: str | None,
    text: str,
    *,
    short: str | None = None,
    type: str | None = None,
    envvar: str | None = None,
) -> OptionView:
    """One of the flags every command may have (``None`` metavar: an on/off flag)."""
    kwargs: list[tuple[str, str]] = []
    if type is not None:
        kwargs.append(("type", type))
    if metavar is None:
        kwargs.append(("is_flag", "True"))
    else:
        kwargs.append(("metavar", black_repr(metavar)))
    if envvar is not None:
        kwargs.append(("envvar", black_repr(envvar)))
    kwargs.append(("help", black_repr(text)))
    decls = (short, flag) if short else (flag,)
    return OptionView(decls, OWN_FLAGS[flag.removeprefix("--")], tuple(kwargs))


def _version_help(api: Api, op: Operation) -> str:
    newest = op.newest_version.version
    text = (
        f"API version: {version_listing(api, op)}. Default: {newest}, the newest dated one. "
        "An unknown version is an error (the Atlas CLI warns and falls back to its default, "
        "which can silently change what the request means)."
    )
    if any(v.preview for v in op.versions) and newest != op.versions[-1].version:
        text += (
            " The Atlas CLI defaults to the preview here (it sorts preview after the dates); "
            "ask for it with --version preview."
        )
    return text


def _output_help(op: Operation) -> str:
    formats = list(op.all_formats)
    text = "Response format: " + ", ".join(formats)
    text += " (required: the operation has several)." if len(formats) > 1 else "."
    if "json" in formats:
        text += (
            " Or jmespath=EXPR: print what the JMESPath expression EXPR selects from the JSON "
            "response (a string as it is, anything else as JSON), e.g. -o 'jmespath=name'; "
            "the Atlas CLI's go-template in Python terms."
        )
    return text + " Default: the profile's output, if the operation has it."


def _watch_help(api: Api, op: Operation) -> str:
    watcher = op.watcher
    assert watcher is not None
    polled = next(o for o in api.operations if o.operation_id == watcher.operation_id)
    done = f"HTTP {watcher.http_code}"
    if watcher.http_code == 404:
        done = "HTTP 404 (gone)"
    if watcher.match_path:
        done += f" with {watcher.match_path} " + " or ".join(watcher.match_values)
    return f"After the call, poll {polled.cli_name} every second until it answers {done}."


def _command_help(api: Api, op: Operation, settings: Settings, tag: Tag) -> str:
    parts = [op.summary.rstrip(".") + "." if op.summary else "", op.description]
    if op.deprecated:
        parts.append("Deprecated: the API may remove this operation.")
    if op.roles:
        parts.append("Required roles (any of): " + ", ".join(op.roles) + ".")
    if op.versions:
        parts.append(
            f"API versions: {version_listing(api, op)}; the newest dated one, "
            f"{op.newest_version.version}, unless --version."
        )
        parts.append(all_sunset_note(op))
    if op.cli_alias and op.cli_alias != op.cli_name:
        parts.append(f"Alias: {settings.cli_command} api {tag.cli_name} {op.cli_alias}")
    if op.docs_url:
        parts.append(f"See {op.docs_url}")
    return "\n\n".join(" ".join(p.split()) for p in parts if p.strip())


def _example(api: Api, op: Operation, tag: Tag, settings: Settings) -> str:
    words = [settings.cli_command, "api", tag.cli_name, op.cli_name, *sample(api, op).cli_flags]
    if op.request_body is not None:
        words[-1] = "--file body.json"
    line = " ".join(words)
    return "\b\nExample:\n  " + line


def _parameter_option(p: Parameter) -> OptionView:
    decls: tuple[str, ...] = ("--" + p.cli_flag,)
    kwargs: list[tuple[str, str]] = []
    item = p.type.items if p.type.kind == "array" and p.type.items is not None else p.type
    kind = item.primitive if item.kind in ("primitive", "enum") else None
    type_name = kind or "string"
    facts = [f"Type: {type_name}{' (repeatable)' if p.type.kind == 'array' else ''}."]
    if p.deprecated:
        facts.insert(0, "Deprecated.")
    if item.kind == "enum" and item.values:
        facts.append("One of: " + ", ".join(str(v) for v in item.values) + ".")
    c = p.constraints
    if c.pattern:
        facts.append(f"Pattern: '{c.pattern}'.")
    elif p.documented_pattern and not _LITERAL.match(p.documented_pattern):
        facts.append(f"Pattern (documented, not checked): '{p.documented_pattern}'.")
    if c.minimum is not None or c.maximum is not None:
        low = "" if c.minimum is None else ("> " if c.exclusive_minimum else ">= ") + str(c.minimum)
        high = (
            "" if c.maximum is None else ("< " if c.exclusive_maximum else "<= ") + str(c.maximum)
        )
        facts.append("Range: " + ", ".join(x for x in (low, high) if x) + ".")
    if c.min_length is not None or c.max_length is not None:
        facts.append(
            f"Length: {c.min_length or 0}..{'' if c.max_length is None else c.max_length}."
        )
    if p.time_unit:
        facts.append(f"UNIX epoch {p.time_unit}.")
    if p.requires:
        facts.append("Requires " + ", ".join("--" + r for r in p.requires) + ".")
    if p.has_default and p.default is not None:
        default = (
            ("true" if p.default else "false") if isinstance(p.default, bool) else str(p.default)
        )
        facts.append(f"Default: {default}.")
    if p.type.kind == "array":
        facts.append("Repeat the flag for more values; a comma inside a value is sent as is.")
    if p.location == "header":
        # The Atlas CLI has no flag for header parameters; we send them.
        facts.append(f"Sent as the HTTP header {p.wire_name}.")
    required = p.required
    if p.wire_name == PROJECT_PARAMETER:
        decls += ("--" + PROJECT_ALIAS,)
        facts.append(f"Alias --{PROJECT_ALIAS}.")
    if p.wire_name in PROFILE_DEFAULTS:
        key, env = PROFILE_DEFAULTS[p.wire_name]
        kwargs.append(("envvar", black_repr(env)))
        facts.append(f"Default: ${env}, else the profile's {key}.")
        if required:
            facts.insert(0, "Required.")
            required = False  # a profile may give it: the client checks it
    kwargs += [
        ("type", _CLICK_TYPES.get(kind or "string", "str")),
        ("metavar", black_repr("[true|false]" if kind == "boolean" else type_name)),
    ]
    if kind == "boolean" and p.type.kind != "array":
        # Atlas CLI style: a bare ``--envelope`` is true; ``--envelope=false`` is accepted too.
        kwargs += [("is_flag", "False"), ("flag_value", "True")]
    if p.type.kind == "array":
        kwargs.append(("multiple", "True"))
    if required:
        kwargs.append(("required", "True"))
    text = [first_sentence(p.description)]
    kwargs.append(("help", black_repr(" ".join(t for t in (*text, *facts) if t))))
    return OptionView(decls, p.python_name, tuple(kwargs))
