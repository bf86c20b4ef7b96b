"""The generated names a change affects, read from the model of each spec.

Names are never derived here: the model decides every one (``generator/model/naming.py``,
aliases from ``x-xgen-operation-id-override``, collision suffixes), so a finding names exactly
the method and command that atlasgen generates from that spec.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..load import LoadedSpec
from ..model.build import build_model
from ..model.types import Api

CLIENT = "client"  # the variable the README's examples call the client


@dataclass(frozen=True)
class OperationNames:
    """An operation's client method and CLI command, with their aliases."""

    tag: str
    resource: str  # the client's attribute for the tag
    group: str  # the CLI group of the tag
    methods: tuple[str, ...]  # Python method name, then its alias
    commands: tuple[str, ...]  # CLI command name, then its alias
    parameters: Mapping[tuple[str, str], tuple[str, str]]  # (in, name) -> (keyword, flag)

    def calls(self, argument: str = "...") -> list[str]:
        return [f"{CLIENT}.{self.resource}.{method}({argument})" for method in self.methods]

    def command_lines(self, cli: str, flag: str | None = None) -> list[str]:
        option = f" --{flag}" if flag else ""
        return [f"{cli} api {self.group} {command}{option}" for command in self.commands]


class Names:
    """Generated names of one spec. A spec the model cannot build (an old revision that no
    longer validates) has none: its findings then name only places."""

    def __init__(self, spec: LoadedSpec) -> None:
        self.operations: dict[tuple[str, str], OperationNames] = {}
        self.fields: dict[str, list[str]] = {}
        try:
            api = build_model(spec, spec_display=spec.display_path)
        except Exception:  # noqa: BLE001 - any spec the model refuses simply has no names
            return
        self._index(api)

    def _index(self, api: Api) -> None:
        for tag in api.tags:
            for op in tag.operations:
                self.operations[(op.method.lower(), op.path)] = OperationNames(
                    tag=tag.name,
                    resource=tag.python_name,
                    group=tag.cli_name,
                    methods=tuple(n for n in (op.python_name, op.python_alias) if n),
                    commands=tuple(n for n in (op.cli_name, op.cli_alias) if n),
                    parameters={
                        (p.location, p.wire_name): (p.python_name, p.cli_flag)
                        for p in op.parameters
                    },
                )
        owners: dict[str, list[str]] = {}
        others: dict[str, list[str]] = {}
        for schema in api.schemas:
            for field in schema.fields:
                owned = field.pointer.startswith(schema.pointer + "/")
                (owners if owned else others).setdefault(field.pointer, []).append(
                    f"{schema.class_name}.{field.python_name}"
                )
        self.fields = {p: owners.get(p) or others[p] for p in owners.keys() | others.keys()}

    def model_fields(self, pointer: str | None) -> list[str]:
        """``Class.field`` of the nearest property at or above ``pointer``."""
        while pointer:
            found = self.fields.get(pointer)
            if found is not None:
                return found
            pointer = pointer.rsplit("/", 1)[0]
        return []
