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

from dataclasses import dataclass
from typing import Any

from .. import layout
from ..config import Settings
from ..filters import black_repr, first_sentence
from ..model import Api
from ..model.types import Operation, Parameter, Tag
from . import RenderJob, sunset_note
from .docs import sample

TEMPLATES = "cli"
# Flags every command may have besides its parameters (click parameter name, flag).
OWN_FLAGS = {
    "version": "cli_version",
    "file": "cli_file",
    "output": "cli_output",
    "outputFile": "cli_output_file",
    "all": "cli_all",
}
PROJECT_ALIAS = "projectId"
PROJECT_ENV = "MONGODB_ATLAS_PROJECT_ID"
_CLICK_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


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
    """One ``click.option``: its declarations and keyword arguments, as Python source."""

    decls: tuple[str, ...]
    name: str
    kwargs: tuple[tuple[str, str], ...]

    @property
    def decorator(self) -> str:
        arguments = [black_repr(d) for d in (*self.decls, self.name)]
        return layout.call("@click.option", arguments + [f"{k}={v}" for k, v in self.kwargs], 0)


def _group_view(api: Api, tag: Tag, settings: Settings) -> dict[str, Any]:
    summary = first_sentence(tag.description) or tag.name
    return {
        "tag": tag,
        "name": tag.cli_name,
        "module": tag.module_name,
        "short_help": summary,
        "help": tag.description or tag.name,
        "aliases": layout.dictionary(
            [
                (black_repr(op.cli_alias), black_repr(op.cli_name))
                for op in tag.operations
                if op.cli_alias and op.cli_alias != op.cli_name
            ],
            4,
            "aliases=",
            ",",
        ),
        "commands": [_command_view(api, tag, op, settings) for op in tag.operations],
    }


def _command_view(api: Api, tag: Tag, op: Operation, settings: Settings) -> dict[str, Any]:
    for p in op.parameters:
        if p.cli_flag in OWN_FLAGS or (
            p.cli_flag == PROJECT_ALIAS and any(q.cli_flag == "groupId" for q in op.parameters)
        ):
            raise ValueError(
                f"{op.operation_id}: parameter --{p.cli_flag} clashes with a flag of the command line"
            )
    options = [_parameter_option(p) for p in op.parameters]
    versions = op.versions
    newest = op.newest_version.version if versions else None
    if versions:
        listed = ", ".join(
            v.version + sunset_note(api, v) + (" (preview)" if v.preview else "") for v in versions
        )
        options.append(
            OptionView(
                ("--version",),
                OWN_FLAGS["version"],
                (
                    ("metavar", black_repr("YYYY-MM-DD")),
                    ("help", black_repr(f"API version: {listed}. Default: {newest}, the newest.")),
                ),
            )
        )
    if op.request_body is not None:
        required = "Required. " if op.request_body.required else ""
        options.append(
            OptionView(
                ("--file",),
                OWN_FLAGS["file"],
                (
                    ("type", 'click.File("r", encoding="utf-8")'),
                    ("metavar", black_repr("PATH")),
                    (
                        "help",
                        black_repr(
                            f"{required}JSON file with the request body ('-' reads standard input)."
                        ),
                    ),
                ),
            )
        )
    formats = op.all_formats
    if len(formats) > 1:
        options.append(
            OptionView(
                ("-o", "--output"),
                OWN_FLAGS["output"],
                (
                    ("type", f"click.Choice({black_repr(list(formats))})"),
                    (
                        "help",
                        black_repr(
                            f"Response format: {', '.join(formats)}. Default: the version's first."
                        ),
                    ),
                ),
            )
        )
    if op.pagination is not None:
        options.append(
            OptionView(
                ("--all",),
                OWN_FLAGS["all"],
                (
                    ("is_flag", "True"),
                    (
                        "help",
                        black_repr(
                            f"Every item of every page from --{op.pagination.page_parameter} on, "
                            f"one JSON object per line (JSON Lines), fetched page by page."
                        ),
                    ),
                ),
            )
        )
    if op.is_download:
        options.append(
            OptionView(
                ("--outputFile",),
                OWN_FLAGS["outputFile"],
                (
                    ("metavar", black_repr("PATH")),
                    (
                        "help",
                        black_repr(
                            "File to write the download to (written whole or not at all); else standard output, which must not be a terminal."
                        ),
                    ),
                ),
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
        "formats": list(formats),
    }


def _command_help(api: Api, op: Operation, settings: Settings, tag: Tag) -> str:
    parts = [op.summary.rstrip(".") + "." if op.summary else "", op.description]
    if op.deprecated:
        parts.append("Deprecated: the API may remove this operation.")
    if op.roles:
        parts.append("Required roles (any of): " + ", ".join(op.roles) + ".")
    if op.versions:
        listed = ", ".join(
            v.version + sunset_note(api, v) + (" (preview)" if v.preview else "")
            for v in op.versions
        )
        parts.append(
            f"API versions: {listed}; the newest, {op.newest_version.version}, unless --version."
        )
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
    kind = p.type.primitive if p.type.kind in ("primitive", "enum") else None
    text = [first_sentence(p.description)]
    type_name = {
        "string": "string",
        "integer": "integer",
        "number": "number",
        "boolean": "boolean",
    }.get(kind or "", "string")
    facts = [f"Type: {type_name}."]
    if p.deprecated:
        facts.insert(0, "Deprecated.")
    if p.type.kind == "enum" and p.type.values:
        facts.append("One of: " + ", ".join(str(v) for v in p.type.values) + ".")
    c = p.constraints
    if c.pattern:
        facts.append(f"Pattern: {c.pattern} .")
    elif p.documented_pattern:
        facts.append(f"Pattern (documented, not checked): {p.documented_pattern} .")
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
    if p.wire_name == "groupId":
        decls += ("--" + PROJECT_ALIAS,)
        kwargs.append(("envvar", black_repr(PROJECT_ENV)))
        facts.append(f"Alias --{PROJECT_ALIAS}; env {PROJECT_ENV}.")
    if kind == "boolean":
        # Atlas CLI style: a bare ``--envelope`` is true; ``--envelope=false`` is accepted too.
        kwargs += [
            ("type", "click.BOOL"),
            ("is_flag", "False"),
            ("flag_value", "True"),
            ("metavar", black_repr("[true|false]")),
        ]
    else:
        kwargs += [
            ("type", _CLICK_TYPES.get(kind or "string", "str")),
            ("metavar", black_repr(type_name)),
        ]
    if p.required:
        kwargs.append(("required", "True"))
    kwargs.append(("help", black_repr(" ".join(t for t in (*text, *facts) if t))))
    return OptionView(decls, p.python_name, tuple(kwargs))
