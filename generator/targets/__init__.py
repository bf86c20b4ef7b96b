"""Targets map model nodes to templates and output paths; they never render or write."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Api
from ..model.types import ApiVersion


@dataclass(frozen=True)
class RenderJob:
    """One output file: which template renders it, where it goes, and what it sees.

    ``output`` is a POSIX path relative to the output directory. ``language`` selects the
    message catalog installed while rendering (docs only). ``verbatim`` jobs copy the
    template's bytes (images, static assets) instead of rendering them.
    """

    template: str
    output: str
    context: dict[str, Any] = field(default_factory=dict)
    language: str | None = None
    verbatim: bool = False


def sunset_note(api: Api, version: ApiVersion) -> str:
    """`` (was sunset on 2024-06-30)`` for a sunset past as of the spec
    (:meth:`Api.sunset_passed`), `` (sunset 2026-01-01)`` for another, else empty: the same
    words wherever a version is listed, and the same on any day the output is generated."""
    if version.sunset is None:
        return ""
    if api.sunset_passed(version):
        return f" (was sunset on {version.sunset})"
    return f" (sunset {version.sunset})"
