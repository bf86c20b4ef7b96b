"""Targets map model nodes to templates and output paths; they never render or write."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
